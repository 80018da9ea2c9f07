from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from archive.models import Article


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

    def visible_to(self, user) -> CommentQuerySet:
        """Rows a viewer may see in a thread: placeholders for removed and deleted comments are
        kept so that replies keep their place; pending comments only for their author and
        moderators; spam only for moderators."""
        if user is not None and user.is_authenticated and user.has_perm("comments.moderate"):
            return self.all()
        shown = Q(
            status__in=[CommentStatus.PUBLISHED, CommentStatus.REMOVED, CommentStatus.DELETED]
        )
        if user is not None and user.is_authenticated:
            shown |= Q(status=CommentStatus.PENDING, user=user)
        return self.filter(shown)

    def search(self, q, viewer) -> CommentQuerySet:
        from search.engine import search_comments  # the search app builds on this one

        return search_comments(self, q, viewer)


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
        indexes = [models.Index(fields=["article", "position", "id"], name="comment_thread_idx")]
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
        return reverse("comments:permalink", args=[self.pk])

    @property
    def author_display(self) -> str:
        if self.user_id:
            return self.user.get_username()
        return self.archived_author_name or "Anonymous"
