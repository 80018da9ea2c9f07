from __future__ import annotations

from django import forms
from django.utils import timezone

from archive.models import CommentPolicy
from web.text import CleanTextMixin

from .actions import COMMENT_ACTIONS, SETTINGS_FIELDS
from .models import FlagReason, ModerationSettings, SiteRule


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError("The text contains a NUL character.")
    return value.strip()


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def clean(self, value):
        return _no_nul(super().clean(value) or "")


class CommentActionForm(CleanTextMixin, forms.Form):
    """One moderation action on one comment or on a selection (bulk)."""

    action = forms.ChoiceField(choices=[(name, name) for name in COMMENT_ACTIONS])
    rule = forms.ModelChoiceField(
        queryset=SiteRule.objects.all(),
        required=False,
        empty_label="Choose a rule…",
        label="Rule broken",
    )
    note = ReasonField(required=False, label="Note (optional)")

    def clean(self):
        data = super().clean()
        if data.get("action") == "remove" and not data.get("rule"):
            self.add_error("rule", "Choose the rule the comment breaks to remove it.")
        return data


class BulkActionForm(CommentActionForm):
    ids = forms.CharField(required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.selected = data.getlist("ids") if data is not None else []

    def clean(self):
        data = super().clean()
        try:
            data["ids"] = sorted({int(x) for x in self.selected})[:200]
        except ValueError:
            raise forms.ValidationError("The selection is not valid.") from None
        if not data["ids"]:
            raise forms.ValidationError("Select at least one comment.")
        return data


class FlagForm(CleanTextMixin, forms.Form):
    reason = forms.ChoiceField(choices=FlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note (required for “Other”)",
    )

    def clean_note(self):
        return _no_nul(self.cleaned_data["note"])

    def clean(self):
        data = super().clean()
        if data.get("reason") == FlagReason.OTHER and not data.get("note"):
            self.add_error("note", "Say what is wrong with the comment.")
        return data


class StandingForm(CleanTextMixin, forms.Form):
    KINDS = [
        ("warn", "Warn"),
        ("suspend", "Suspend until…"),
        ("ban", "Ban"),
        ("restore", "Restore"),
    ]
    kind = forms.ChoiceField(choices=KINDS, label="Action")
    until = forms.DateTimeField(
        required=False,
        label="Until (for a suspension)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = ReasonField(label="Reason")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "suspend":
            until = data.get("until")
            if not until:
                self.add_error("until", "A suspension needs an end date.")
            elif until <= timezone.now():
                self.add_error("until", "The end date must be in the future.")
        return data


class NoteForm(CleanTextMixin, forms.Form):
    body = ReasonField(label="Private note", max_length=5000)


class ArticleModerationForm(CleanTextMixin, forms.Form):
    comment_policy = forms.ChoiceField(choices=CommentPolicy.choices, label="Comment policy")
    discussion_locked = forms.BooleanField(required=False, label="Discussion locked")
    discussion_closes_at = forms.DateTimeField(
        required=False,
        label="Discussion closes on",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = ReasonField(label="Reason (shown in the public log)")


class SettingsForm(CleanTextMixin, forms.ModelForm):
    reason = ReasonField(required=False, label="Why (optional, kept in the log)")

    class Meta:
        model = ModerationSettings
        fields = SETTINGS_FIELDS
        labels = {
            "new_account_approvals": "Approved comments before a new account posts freely",
            "max_links": "Most links allowed without review",
            "repeat_window_minutes": "Minutes in which a repeated text is refused",
        }
        widgets = {
            "banned_words": forms.Textarea(attrs={"rows": 5}),
            "suspect_words": forms.Textarea(attrs={"rows": 5}),
        }

    def _clean_words(self, name):
        value = _no_nul(self.cleaned_data[name])
        words = ModerationSettings.word_list(value)
        if any(len(w) > 100 for w in words):
            raise forms.ValidationError("Each word or phrase must be at most 100 characters.")
        if len(words) > 1000:
            raise forms.ValidationError("At most 1000 words.")
        return "\n".join(words)

    def clean_banned_words(self):
        return self._clean_words("banned_words")

    def clean_suspect_words(self):
        return self._clean_words("suspect_words")

    def clean_repeat_window_minutes(self):
        value = self.cleaned_data["repeat_window_minutes"]
        if value > 24 * 60:
            raise forms.ValidationError("At most one day (1440 minutes).")
        return value


class UsernameForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username")
