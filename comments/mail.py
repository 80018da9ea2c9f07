"""The mails that tell a reader about a reply or a new comment in a discussion they follow."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from accounts.mail import notification_footer, notification_headers
from accounts.models import MailSchedule
from web.reversing import absolute_url

from .models import Notification, NotificationKind

EXCERPT_CHARS = 1000


def wants_mail(notification: Notification) -> bool:
    """Whether the notice's reader asked for a mail per notice and can get it (a reader who
    chose a digest gets it there). A user without a Profile row has the default: no mail."""
    reader = notification.user
    profile = getattr(reader, "profile", None)
    return bool(
        profile is not None
        and profile.email_notifications
        and profile.mail_schedule == MailSchedule.EACH
        and reader.email
    )


def notification_message(notification: Notification) -> EmailMessage:
    comment = notification.comment
    reader = notification.user
    writer = comment.author_display
    title = comment.article.title
    if notification.kind == NotificationKind.REPLY:
        subject = f"{writer} replied to your comment"
        opening = f"{writer} replied to your comment on “{title}”:"
    else:
        subject = f"New comment on “{title}”"
        opening = f"{writer} commented on “{title}”, a discussion you follow:"
    link = absolute_url(reverse("comments:permalink", args=[comment.pk]))
    body = (
        f"{opening}\n\n{comment.body_source[:EXCERPT_CHARS]}\n\nRead it: {link}\n\n-- \n"
        + notification_footer(reader, "e-mail notifications are on in your settings")
    )
    return _mail(reader, subject, body)


DIGEST_MAX = 50


def digest_message(reader, notices: list[Notification], more: int, schedule: str) -> EmailMessage:
    """One mail listing `notices` (oldest first), and how many more there were."""
    period = "day" if schedule == MailSchedule.DAILY else "week"
    count = len(notices) + more
    subject = f"Your {period} on {settings.SITE_NAME}: {count} new comment{'s' * (count != 1)}"
    blocks = []
    for notice in notices:
        comment = notice.comment
        title = comment.article.title
        if notice.kind == NotificationKind.REPLY:
            heading = f"{comment.author_display} replied to your comment on “{title}”:"
        else:
            heading = f"{comment.author_display} commented on “{title}”:"
        excerpt = comment.body_source[:300] + ("…" if len(comment.body_source) > 300 else "")
        link = absolute_url(reverse("comments:permalink", args=[comment.pk]))
        blocks.append(f"{heading}\n{excerpt}\n{link}")
    if more:
        blocks.append(f"…and {more} more: {absolute_url(reverse('comments:notifications'))}")
    reason = f"you chose a {'daily' if period == 'day' else 'weekly'} digest in your settings"
    body = "\n\n".join(blocks) + "\n\n-- \n" + notification_footer(reader, reason)
    return _mail(reader, subject, body)


def _mail(reader, subject: str, body: str) -> EmailMessage:
    """A notification mail to `reader`, with the one-click unsubscribe headers."""
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [reader.email],
        headers=notification_headers(reader),
    )
