"""What readers do to a discussion: post, edit, delete, follow, read notifications.

Each function checks permission, changes state in one transaction and keeps the article's
denormalised comment count in step (an F() increment here; moderation recounts with
`Article.refresh_comment_stats()`, which counts the same thing: published comments). Views,
tests, the admin and commands all call these."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from archive.models import Article
from web.markup import render_markdown
from web.permissions import can_moderate
from web.text import clean_text

from .models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Notification,
    NotificationKind,
    ThreadFollow,
)
from .screening import screener
from .tasks import send_notification_mail

MAX_BODY_LENGTH = 10_000
logger = logging.getLogger(__name__)


class CommentRejected(Exception):
    """A comment (or an edit) that cannot be accepted; the message is for its writer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(Exception):
    """The user may not do this to this comment (views answer 403 or 404)."""


def clean_body(body_source: str) -> str:
    """The body as it will be stored, or CommentRejected with a message for the writer."""
    body = clean_text(body_source or "")
    if not body.strip():
        raise CommentRejected("Write something first: the comment is empty.")
    if len(body) > MAX_BODY_LENGTH:
        raise CommentRejected(
            f"A comment can be at most {MAX_BODY_LENGTH:,} characters long "
            f"(this one has {len(body):,})."
        )
    return body


def check_can_post(user, article: Article, parent: Comment | None) -> None:
    if user is None or not user.is_authenticated:
        raise CommentRejected("Log in to take part in the discussion.")
    if not article.discussion_is_open:
        raise CommentRejected("The discussion of this article is closed.")
    if parent is not None:
        if parent.article_id != article.pk:
            raise CommentRejected("That comment belongs to another article's discussion.")
        if parent.status != CommentStatus.PUBLISHED:
            raise CommentRejected("That comment can no longer be replied to.")
        if parent.replies_locked:
            raise CommentRejected("Replies to that comment are locked.")


def post_comment(
    user, article: Article, body_source: str, parent: Comment | None = None, idempotency_key=""
) -> Comment:
    """Post a comment (a reply when `parent` is given) as `user`, screened by the site's
    screener (moderation's rules). The same idempotency key twice returns the first comment
    instead of a second."""
    key = str(idempotency_key or "")[:64]
    if key and user is not None and user.is_authenticated:
        existing = Comment.objects.filter(user=user, idempotency_key=key).first()
        if existing is not None:
            return existing
    check_can_post(user, article, parent)
    body = clean_body(body_source)
    screening = screener().screen(user, article, body, parent)
    if screening.decision == "reject":
        raise CommentRejected(screening.message or "This comment cannot be posted.")
    status = CommentStatus.PUBLISHED if screening.decision == "publish" else CommentStatus.PENDING
    now = timezone.now()
    comment = Comment(
        article=article,
        parent=parent,
        depth=parent.depth + 1 if parent is not None else 0,
        user=user,
        body_source=body,
        body_html=render_markdown(body),
        status=status,
        created=now,
        added=now,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            comment.save()
            if status == CommentStatus.PUBLISHED:
                # Greatest: a slower concurrent post that commits later must not move the
                # date back (refresh_comment_stats' MAX(created) is the truth to match).
                stamp = Value(now, output_field=DateTimeField())
                Article.objects.filter(pk=article.pk).update(
                    comment_count=F("comment_count") + 1,
                    last_comment_at=Coalesce(Greatest(F("last_comment_at"), stamp), stamp),
                )
            # Writing in a discussion follows it (one query; an existing follow is kept).
            ThreadFollow.objects.bulk_create(
                [ThreadFollow(user=user, article=article)], ignore_conflicts=True
            )
            if status == CommentStatus.PUBLISHED:
                notify_about_published_comment(comment)
            else:
                # The queue shows why it was held (the rules and their details).
                screener().record(comment, screening)
    except IntegrityError:
        # Two submissions with the same key raced: the other one won; return it.
        if key:
            existing = Comment.objects.filter(user=user, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise
    if status == CommentStatus.PUBLISHED:
        article.comment_count += 1
        article.last_comment_at = now
    return comment


def can_edit(user, comment: Comment) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and comment.user_id == user.pk
        and not comment.is_archived
        and comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
    )


def can_delete(user, comment: Comment) -> bool:
    return can_edit(user, comment)


def can_read_history(user, comment: Comment) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return comment.user_id == user.pk or can_moderate(user)


def edit_comment(user, comment: Comment, body_source: str) -> Comment:
    """Replace the text of `user`'s own comment, keeping the previous text as a revision."""
    if not can_edit(user, comment):
        raise NotAllowed("Only its author can edit this comment.")
    body = clean_body(body_source)
    if body == comment.body_source:
        return comment
    with transaction.atomic():
        CommentRevision.objects.create(
            comment=comment,
            body_source=comment.body_source,
            body_html=comment.body_html,
            editor=user,
        )
        comment.body_source = body
        comment.body_html = render_markdown(body)
        comment.edited = timezone.now()
        comment.save(update_fields=["body_source", "body_html", "edited"])
    return comment


def delete_comment(user, comment: Comment) -> Comment:
    """The author withdraws a comment: it stays as a placeholder so replies keep their place."""
    if not can_delete(user, comment):
        raise NotAllowed("Only its author can delete this comment.")
    with transaction.atomic():
        was_published = comment.status == CommentStatus.PUBLISHED
        comment.status = CommentStatus.DELETED
        comment.save(update_fields=["status"])
        if was_published:
            Article.objects.filter(pk=comment.article_id).update(
                comment_count=Greatest(F("comment_count") - 1, 0)
            )
    return comment


def notify_about_published_comment(comment: Comment) -> list[Notification]:
    """Tell the parent's author about a reply and the discussion's followers about a new
    comment. Called by `post_comment` for published comments, and by moderation when it
    approves a held one. Mail goes out from the worker (comments.tasks), after the commit."""
    if comment.status != CommentStatus.PUBLISHED or comment.user_id is None:
        return []
    notes: list[Notification] = []
    replied_to = None
    if comment.parent_id is not None:
        parent = comment.parent
        if parent.user_id and parent.user_id != comment.user_id:
            replied_to = parent.user_id
            notes.append(
                Notification(user_id=replied_to, comment=comment, kind=NotificationKind.REPLY)
            )
    follower_ids = (
        ThreadFollow.objects.filter(article_id=comment.article_id)
        .exclude(user_id__in=[comment.user_id, replied_to or 0])
        .values_list("user_id", flat=True)
    )
    notes.extend(
        Notification(user_id=uid, comment=comment, kind=NotificationKind.FOLLOWED)
        for uid in follower_ids
    )
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    _mail_notices(comment)
    return notes


def _mail_notices(comment: Comment) -> None:
    """Enqueue a mail task for each notice of `comment` whose reader wants mail, once the
    transaction commits (a rolled-back comment mails nobody; the worker sends, not the
    request)."""
    ids = list(
        Notification.objects.filter(comment=comment, user__profile__email_notifications=True)
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )
    if ids:
        # robust: a queue that cannot be written to is logged; the reply stays posted.
        transaction.on_commit(
            lambda: [send_notification_mail.enqueue(pk) for pk in ids], robust=True
        )


def follow(user, article: Article) -> None:
    ThreadFollow.objects.bulk_create(
        [ThreadFollow(user=user, article=article)], ignore_conflicts=True
    )


def unfollow(user, article: Article) -> None:
    ThreadFollow.objects.filter(user=user, article=article).delete()


def mark_read(user, notification_id: int) -> bool:
    """Mark one of `user`'s own notifications read; False when it is not theirs."""
    updated = (
        Notification.objects.for_user(user)
        .filter(pk=notification_id, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    return bool(updated) or Notification.objects.for_user(user).filter(pk=notification_id).exists()


def mark_all_read(user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
