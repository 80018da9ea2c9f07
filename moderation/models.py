"""Moderation state: the site's rules, holds and reader flags on comments, user standing, the
automatic rules' settings, and the append-only public moderation log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class SiteRule(models.Model):
    """A rule of the site that a removal cites ("Personal attack"), managed by moderators."""

    title = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class HoldRule(models.TextChoices):
    BANNED_WORD = "banned_word", "Banned word"
    SUSPECT_WORD = "suspect_word", "Suspect word"
    NEW_ACCOUNT = "new_account", "New account"
    TOO_MANY_LINKS = "too_many_links", "Too many links"
    REPEAT_POST = "repeat_post", "Repeat post"
    PREMODERATED_ARTICLE = "premoderated", "Pre-moderated article"
    FLAG_THRESHOLD = "flag_threshold", "Flag threshold"


class Hold(models.Model):
    """Why a comment was held for review: written when a held comment is stored (by
    `record_screening`) or when readers' flags reach the threshold."""

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="holds")
    rule = models.CharField(max_length=20, choices=HoldRule.choices)
    detail = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now)
    # Set when a moderator decides on the comment; the hold stays as a record.
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["comment", "resolved"], name="hold_comment_idx")]

    def __str__(self) -> str:
        return (
            f"{self.get_rule_display()}: {self.detail}" if self.detail else self.get_rule_display()
        )


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse or harassment"
    OFF_TOPIC = "off_topic", "Off-topic"
    OTHER = "other", "Other (explain)"


class Flag(models.Model):
    """A reader's report of a comment; one per reader per comment."""

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="flags")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_made"
    )
    reason = models.CharField(max_length=10, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader"], name="flag_one_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} flagged {self.comment_id} ({self.reason})"


class StandingKind(models.TextChoices):
    WARN = "warn", "Warned"
    SUSPEND = "suspend", "Suspended"
    BAN = "ban", "Banned"
    RESTORE = "restore", "Restored"


class StandingChange(models.Model):
    """One step of a user's standing history; the current standing derives from the rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing_changes"
    )
    kind = models.CharField(max_length=10, choices=StandingKind.choices)
    until = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="standing_changes_made",
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        permissions = [("manage_standing", "Can warn, suspend, ban and restore users")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class UserNote(models.Model):
    """A moderator's private note about a user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Note on {self.user_id}"


class ModerationSettings(models.Model):
    """The automatic rules, one row (pk=1) edited by moderators at /moderation/settings/."""

    banned_words = models.TextField(
        blank=True, help_text="One word or phrase per line; comments using one are refused."
    )
    suspect_words = models.TextField(
        blank=True, help_text="One word or phrase per line; comments using one are held."
    )
    new_account_approvals = models.PositiveSmallIntegerField(
        default=2,
        help_text="A new account's comments are held until this many of them were approved.",
    )
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Comments with more links than this are held."
    )
    repeat_window_minutes = models.PositiveSmallIntegerField(
        default=10, help_text="The same text posted again within this many minutes is refused."
    )
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        permissions = [
            ("change_settings", "Can change the automatic moderation rules"),
            ("manage_moderators", "Can choose who is a moderator"),
        ]
        verbose_name_plural = "moderation settings"

    def __str__(self) -> str:
        return "Moderation settings"

    @classmethod
    def load(cls) -> ModerationSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    @staticmethod
    def word_list(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


class LogAction(models.TextChoices):
    APPROVE = "approve", "Approved a comment"
    REMOVE = "remove", "Removed a comment"
    SPAM = "spam", "Marked a comment as spam"
    RESTORE = "restore", "Restored a comment"
    FEATURE = "feature", "Featured a comment"
    UNFEATURE = "unfeature", "Unfeatured a comment"
    LOCK_REPLIES = "lock_replies", "Locked replies below a comment"
    UNLOCK_REPLIES = "unlock_replies", "Unlocked replies below a comment"
    FLAG_HIDE = "flag_hide", "Hid a comment after readers' flags"
    WARN = "warn", "Warned a user"
    SUSPEND = "suspend", "Suspended a user"
    BAN = "ban", "Banned a user"
    RESTORE_USER = "restore_user", "Restored a user"
    POLICY = "policy", "Changed an article's comment policy"
    CLOSE_ON = "close_on", "Set when a discussion closes"
    LOCK_DISCUSSION = "lock_discussion", "Locked a discussion"
    UNLOCK_DISCUSSION = "unlock_discussion", "Unlocked a discussion"
    SETTINGS = "settings", "Changed the automatic rules"
    ADD_MODERATOR = "add_moderator", "Made a user a moderator"
    REMOVE_MODERATOR = "remove_moderator", "Removed a moderator"


class LogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The moderation log is append-only.")

    def delete(self):
        raise TypeError("The moderation log is append-only.")

    def for_listing(self) -> LogEntryQuerySet:
        return self.select_related("actor__profile", "article", "user__profile", "comment__article")


class LogEntry(models.Model):
    """One moderation action: who, when, what, on what, why, and the fields before and after.

    Append-only: the ORM refuses updates and deletes, and a database trigger refuses changes
    to the recorded columns (see migration 0002); the foreign keys may still be set to NULL
    when their target is deleted."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=LogAction.choices)
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_entries",
    )
    article = models.ForeignKey(
        "archive.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.ForeignKey(
        SiteRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rule's title when the action was taken, so the log stays true if the rule changes.
    rule_title = models.CharField(max_length=120, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("moderation:log_entry", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise TypeError("The moderation log is append-only.")

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        return [(name, self.before.get(name), value) for name, value in self.after.items()]

    @property
    def why(self) -> str:
        return " — ".join(part for part in (self.rule_title, self.reason) if part)
