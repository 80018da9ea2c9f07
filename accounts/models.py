from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from web.markup import render_markdown
from web.timezones import validate_time_zone

from .validators import validate_display_name

BIO_MAX_LENGTH = 2000
DISPLAY_NAME_MAX_LENGTH = 80


class MailSchedule(models.TextChoices):
    """How a reader who wants notification mail gets it."""

    EACH = "each", "A mail for each reply or new comment"
    DAILY = "daily", "One digest a day"
    WEEKLY = "weekly", "One digest a week (on Mondays)"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=DISPLAY_NAME_MAX_LENGTH, blank=True, validators=[validate_display_name]
    )
    bio = models.TextField(max_length=BIO_MAX_LENGTH, blank=True)
    # The bio rendered (Markdown subset, sanitized) once, when it is written; pages show this.
    bio_html = models.TextField(blank=True)
    email_notifications = models.BooleanField(default=False)
    mail_schedule = models.CharField(
        max_length=10, choices=MailSchedule.choices, default=MailSchedule.EACH
    )
    # The end of the last digest's period: the next digest starts there.
    digest_sent_until = models.DateTimeField(null=True, blank=True)
    # An IANA zone name ("Europe/Berlin"); empty: the site's (AGORA_TIME_ZONE).
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.user.get_username()])

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()

    def set_bio(self, source: str) -> None:
        """Keep the bio and its rendered HTML in step (the caller saves)."""
        self.bio = source.replace("\x00", "").replace("\r\n", "\n")
        self.bio_html = render_markdown(self.bio) if self.bio.strip() else ""


def profile_for(user) -> Profile:
    """The user's profile, created on first use for accounts made without one (by
    `createsuperuser`, the demo loader or the admin)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile
