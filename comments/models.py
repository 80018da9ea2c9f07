from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from archive.models import Article
from web.permissions import can_moderate
from web.reversing import cached_reverse


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Pending review"
    REMOVED = "removed", "Removed by a moderator"
    DELETED = "deleted", "Deleted by its author"
    SPAM = "spam", "Spam"


class CommentQuerySet(models.QuerySet):
    def in_thread(self, article: Article) -> CommentQuerySet:
        return self.filter(article=article)

    def published(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.PUBLISHED)

    def visible_to(self, user, *, is_moderator: bool | None = None) -> CommentQuerySet:
        """Rows a viewer may see in a thread: placeholders for removed and deleted comments are
        kept so that replies keep their place; pending comments only for their author and
        moderators; spam only for moderators. Pass `is_moderator` when it is known already
        (the article page reads it with the article) to spare the permission queries."""
        if is_moderator is None:
            is_moderator = can_moderate(user)
        if is_moderator and user is not None and user.is_authenticated:
            return self.all()
        shown = Q(
            status__in=[CommentStatus.PUBLISHED, CommentStatus.REMOVED, CommentStatus.DELETED]
        )
        if user is not None and user.is_authenticated:
            shown |= Q(status=CommentStatus.PENDING, user=user)
        return self.filter(shown)


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Imported comments keep the name the page gave; empty when the page had none.
    archived_author_name = models.CharField(max_length=200, blank=True)
    is_archived = models.BooleanField(default=False)
    body_source = models.TextField()
    body_html = models.TextField()
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    created = models.DateTimeField(null=True, blank=True, db_index=True)
    added = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_featured = models.BooleanField(default=False)
    replies_locked = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=64, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "position", "id"]
        permissions = [("moderate", "Can moderate discussions")]
        indexes = [
            models.Index(fields=["article", "position", "id"], name="comment_thread_idx"),
            # commenter:NAME finds an archived author's comments by this index, not by
            # reading every comment (see search.querying.search_comments).
            models.Index(
                Lower("archived_author_name"),
                name="comment_archived_author_idx",
                condition=Q(user__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="comment_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.article_id}"

    def get_absolute_url(self) -> str:
        return cached_reverse("comments:permalink", self.pk)

    @property
    def author_display(self) -> str:
        if self.user_id:
            return self.user.get_username()
        if self.is_archived:
            return self.archived_author_name or UNKNOWN_COMMENTER
        return self.archived_author_name or "Anonymous"

    @property
    def author_url(self) -> str:
        """The profile page of a site user; "" for archived authors (or while the accounts
        app has no profile pages)."""
        if not self.user_id or self.is_archived:
            return ""
        return profile_url(self.user.get_username())

    @property
    def is_placeholder(self) -> bool:
        return self.status in (CommentStatus.REMOVED, CommentStatus.DELETED)

    @property
    def can_be_replied_to(self) -> bool:
        return self.status == CommentStatus.PUBLISHED and not self.replies_locked


UNKNOWN_COMMENTER = "Unknown commenter"


def profile_url(username: str) -> str:
    try:
        return reverse("accounts:profile", args=[username])
    except NoReverseMatch:
        return ""


class CommentRevision(models.Model):
    """The text a comment had before an edit replaced it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body_source = models.TextField()
    body_html = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id} ({self.created:%Y-%m-%d %H:%M})"


class ThreadVisit(models.Model):
    """When a signed-in reader last saw an article's discussion: newer comments are "new"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_visits"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="thread_visit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.article_id} at {self.seen_at:%Y-%m-%d %H:%M}"


class ThreadFollow(models.Model):
    """A reader who follows an article's discussion (notified of its new comments)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="followers")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="thread_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.article_id}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", "Reply to your comment"
    FOLLOWED = "followed", "New comment in a discussion you follow"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}: comment {self.comment_id}"
