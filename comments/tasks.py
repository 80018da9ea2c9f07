"""Background tasks of the discussion: notification mails and digests, sent by the worker."""

from __future__ import annotations

import datetime

from django.utils import timezone

from web.mail import send_once
from web.tasking import retried_task

from . import digests
from .mail import notification_message, wants_mail
from .models import CommentStatus, Notification


@retried_task
def send_notification_mail(notification_id: int) -> str:
    """Mail one notice (a reply, or a new comment where the reader follows) to its reader, if
    they want mail. Idempotent: the notice is mailed once however often this runs."""
    notification = (
        Notification.objects.select_related(
            "user__profile", "comment__article", "comment__user__profile"
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"
    if notification.comment.status != CommentStatus.PUBLISHED:
        return "comment no longer published"
    if not wants_mail(notification):
        return "not wanted"
    sent = send_once(f"notification:{notification.pk}", notification_message(notification))
    return "sent" if sent else "sent before"


@retried_task
def send_digests(schedule: str) -> str:
    """Queue the digest of `schedule` ("daily" or "weekly") for every reader who chose it,
    up to the period's boundary (run it each day, or each Monday, from cron)."""
    if schedule not in digests.PERIODS:
        return f"unknown schedule {schedule!r}"
    until = digests.period_end(schedule, timezone.now())
    readers = digests.readers_due(schedule)
    for user_id in readers:
        send_digest.enqueue(user_id, schedule, until.isoformat())
    return f"{len(readers)} queued"


@retried_task
def send_digest(user_id: int, schedule: str, until: str) -> str:
    """One reader's digest for the period ending at `until` (ISO 8601). Idempotent."""
    return digests.send_digest(user_id, schedule, datetime.datetime.fromisoformat(until))
