"""Digests: one mail a day or a week listing a reader's notices, for readers who chose it.

A digest covers a period that ends at a fixed boundary (midnight UTC; Monday's for the weekly
one) and starts where the reader's last digest ended, so a run that repeats, or a worker
that retries, finds the same period and sends nothing twice (the mail is keyed by reader and
boundary). Notices of comments no longer published are left out, as the per-notice mail
leaves them out.
"""

from __future__ import annotations

import datetime

from accounts.models import MailSchedule, Profile
from web.mail import send_once

from .mail import DIGEST_MAX, digest_message
from .models import CommentStatus, Notification

PERIODS = {
    MailSchedule.DAILY: datetime.timedelta(days=1),
    MailSchedule.WEEKLY: datetime.timedelta(days=7),
}


def period_end(schedule: str, now: datetime.datetime) -> datetime.datetime:
    """The boundary the digest of `schedule` runs up to: the last midnight UTC (for the
    weekly one, the last Monday's)."""
    midnight = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if schedule == MailSchedule.WEEKLY:
        midnight -= datetime.timedelta(days=midnight.weekday())
    return midnight


def readers_due(schedule: str) -> list[int]:
    """The readers who want this digest and can get it."""
    profiles = Profile.objects.filter(
        mail_schedule=schedule, email_notifications=True, user__is_active=True
    ).exclude(user__email="")
    return list(profiles.values_list("user_id", flat=True))


def send_digest(user_id: int, schedule: str, until: datetime.datetime) -> str:
    """Mail `user_id` their notices of the period ending at `until`. Idempotent."""
    profile = Profile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None or profile.mail_schedule != schedule or not profile.email_notifications:
        return "not wanted"
    since = profile.digest_sent_until or until - PERIODS[schedule]
    if since >= until:
        return "sent before"
    notices = list(
        Notification.objects.filter(
            user_id=user_id,
            created__gt=since,
            created__lte=until,
            comment__status=CommentStatus.PUBLISHED,
        )
        .select_related("comment__article", "comment__user__profile")
        .order_by("created", "id")[: DIGEST_MAX + 1]
    )
    more = 0
    if len(notices) > DIGEST_MAX:
        total = Notification.objects.filter(
            user_id=user_id,
            created__gt=since,
            created__lte=until,
            comment__status=CommentStatus.PUBLISHED,
        ).count()
        notices, more = notices[:DIGEST_MAX], total - DIGEST_MAX
    outcome = "nothing new"
    if notices:
        message = digest_message(profile.user, notices, more, schedule)
        sent = send_once(f"digest:{user_id}:{schedule}:{until.isoformat()}", message)
        outcome = "sent" if sent else "sent before"
    Profile.objects.filter(pk=profile.pk).update(digest_sent_until=until)
    return outcome
