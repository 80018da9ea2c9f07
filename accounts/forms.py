from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm

from web.honeypot import HoneypotMixin
from web.text import CleanTextMixin
from web.timezones import validate_time_zone, zone_names

from .models import BIO_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH, MailSchedule, profile_for
from .tasks import send_password_reset_mail
from .validators import validate_display_name

User = get_user_model()

# Shown whatever refused the sign-up, so that a bot learns nothing from it.
SIGNUP_REFUSED = "We could not create the account. Please check the form and try again."
EMAIL_TAKEN = "Another account already uses this e-mail address."


def normalize_email(value: str) -> str:
    return User.objects.normalize_email(value.strip())


def email_in_use(email: str, *, exclude_user=None) -> bool:
    """E-mail addresses are unique whatever their case (password resets find accounts by
    e-mail, so two accounts must never share one)."""
    accounts = User.objects.filter(email__iexact=email)
    if exclude_user is not None:
        accounts = accounts.exclude(pk=exclude_user.pk)
    return accounts.exists()


class SignUpForm(CleanTextMixin, HoneypotMixin, UserCreationForm):
    honeypot_message = SIGNUP_REFUSED  # the same words as any other refusal

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="For password resets. Never shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = (
            "Up to 150 letters, digits and @ . + - _ (no spaces). It is in the address of "
            "your profile."
        )
        self.fields["password1"].label = "Password"
        self.fields["password2"].label = "Password again"
        self.fields["password2"].help_text = "The same password, to be sure it is typed right."

    def clean_mail_schedule(self) -> str:
        return self.cleaned_data["mail_schedule"] or MailSchedule.EACH

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if email_in_use(email):
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class SettingsForm(CleanTextMixin, forms.Form):
    """What a reader may change about their own account. It is always bound to the signed-in
    user: nothing posted can point it at someone else."""

    display_name = forms.CharField(
        label="Display name",
        max_length=DISPLAY_NAME_MAX_LENGTH,
        required=False,
        validators=[validate_display_name],
        help_text="Shown instead of your username. Leave it empty to use your username.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    bio = forms.CharField(
        label="About you",
        max_length=BIO_MAX_LENGTH,
        required=False,
        help_text=(
            "Up to 2,000 characters, shown on your profile. You can use *emphasis*, "
            "**bold**, [links](https://example.org), &gt; quotes and lists."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="For password resets and notifications. Never shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        label="Current password",
        required=False,
        strip=False,
        help_text="Needed only to change your e-mail address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email_notifications = forms.BooleanField(
        label="E-mail me about replies to my comments and new comments in discussions I follow",
        required=False,
    )
    mail_schedule = forms.ChoiceField(
        label="How to send them",
        choices=MailSchedule.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Every time on the site is shown in it.",
        validators=[validate_time_zone],
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        profile = profile_for(user)
        kwargs.setdefault(
            "initial",
            {
                "display_name": profile.display_name,
                "bio": profile.bio,
                "email": user.email,
                "email_notifications": profile.email_notifications,
                "time_zone": profile.time_zone,
                "mail_schedule": profile.mail_schedule,
            },
        )
        super().__init__(*args, **kwargs)
        site = f"The site's ({settings.TIME_ZONE})"
        self.fields["time_zone"].choices = [("", site), *((n, n) for n in zone_names())]

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if email_in_use(email, exclude_user=self.user):
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        # Whoever has the session should not be able to move the account to their own
        # mailbox (and then reset its password) without knowing the password.
        if email and email.lower() != self.user.email.lower():
            if not self.user.check_password(cleaned.get("current_password") or ""):
                self.add_error(
                    "current_password",
                    "Enter your current password to change your e-mail address.",
                )
        return cleaned


class ResetRequestForm(PasswordResetForm):
    """Django's reset form (the same answer whether or not the address has an account), in
    the site's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Queue the mail for the worker instead of talking to the mail server in the
        request (which would also tell, by its time, whether the address has an account)."""
        send_password_reset_mail.enqueue(
            context["user"].pk,
            to_email,
            subject_template_name,
            email_template_name,
            uuid.uuid4().hex,
        )
