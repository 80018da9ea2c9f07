"""What changes an account: one function per action, called by the views, the admin and the
tests alike."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import MailSchedule, Profile, profile_for

User = get_user_model()


@transaction.atomic
def sign_up(*, username: str, email: str, password: str) -> User:
    """Create a reader account with its profile. Raises IntegrityError when the username or
    the e-mail address was taken between the form's check and now."""
    user = User.objects.create_user(username=username, email=email, password=password)
    Profile.objects.create(user=user)
    return user


@transaction.atomic
def update_settings(
    user: User,
    *,
    display_name: str,
    bio: str,
    email: str,
    email_notifications: bool,
    time_zone: str = "",
    mail_schedule: str = MailSchedule.EACH,
) -> Profile:
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    profile = profile_for(user)
    profile.display_name = display_name
    profile.set_bio(bio)
    profile.email_notifications = email_notifications
    profile.time_zone = time_zone
    profile.mail_schedule = mail_schedule
    changed = ["display_name", "bio", "bio_html", "email_notifications", "time_zone"]
    profile.save(update_fields=[*changed, "mail_schedule"])
    return profile


def turn_off_mail(user: User) -> bool:
    """Stop every notification mail to `user` (the one-click unsubscribe). True when it was
    on; running it again changes nothing."""
    profile = profile_for(user)
    if not profile.email_notifications:
        return False
    profile.email_notifications = False
    profile.save(update_fields=["email_notifications"])
    return True
