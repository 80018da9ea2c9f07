"""Background tasks of the discussion: notification mails, sent by the worker."""

from __future__ import annotations

from web.mail import send_once
from web.tasking import retried_task

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
