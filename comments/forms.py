from __future__ import annotations

from django import forms

from web.honeypot import HoneypotMixin
from web.text import CleanTextMixin

from .actions import MAX_BODY_LENGTH, CommentRejected, clean_body

BODY_HELP = (
    "Markdown: *emphasis*, **strong**, [links](https://example.org), > quotes, lists and "
    "`code`. At most 10,000 characters."
)


class CommentForm(CleanTextMixin, HoneypotMixin, forms.Form):
    body = forms.CharField(
        label="Your comment",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_BODY_LENGTH}),
        help_text=BODY_HELP,
        # A little over the limit so that clean_body can say by how much it is too long.
        max_length=MAX_BODY_LENGTH * 2,
        error_messages={"required": "Write something first: the comment is empty."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        try:
            return clean_body(self.cleaned_data["body"])
        except CommentRejected as error:
            raise forms.ValidationError(error.message) from None


class EditForm(CleanTextMixin, forms.Form):
    body = CommentForm.base_fields["body"]

    clean_body = CommentForm.clean_body
