"""Every moderation action as one function: check permission, change the state, refresh the
article's comment stats when visibility changed, and write the log row, in one transaction.
Views, the Django admin, management commands and tests all call these."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from archive.models import Article, CommentPolicy
from comments.actions import notify_about_published_comment
from comments.models import Comment, CommentStatus
from web.permissions import require

from .models import (
    Flag,
    FlagReason,
    Hold,
    HoldRule,
    LogAction,
    LogEntry,
    ModerationSettings,
    SiteRule,
    StandingChange,
    StandingKind,
    UserNote,
)
from .standing import standing_of

MODERATORS_GROUP = "Moderators"


class AlreadyFlagged(ValidationError):
    pass


def _log(
    actor,
    action: str,
    *,
    comment=None,
    user=None,
    article=None,
    rule=None,
    reason: str = "",
    before=None,
    after=None,
) -> LogEntry:
    return LogEntry.objects.create(
        actor=actor,
        action=action,
        comment=comment,
        user=user,
        article=article if article is not None else getattr(comment, "article", None),
        rule=rule,
        rule_title=rule.title if rule else "",
        reason=reason.strip(),
        before=before or {},
        after=after or {},
    )


def _resolve_reports(comment: Comment) -> None:
    Flag.objects.filter(comment=comment, resolved=False).update(resolved=True)
    Hold.objects.filter(comment=comment, resolved=False).update(resolved=True)


def _set_status(
    moderator,
    comment: Comment,
    status: str,
    action: str,
    *,
    rule=None,
    reason: str = "",
    only_from: tuple[str, ...] = (),
) -> LogEntry:
    require(moderator)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if only_from and comment.status not in only_from:
            raise ValidationError("Only a removed or spam comment can be restored.")
        before = {"status": comment.status}
        comment.status = status
        comment.save(update_fields=["status"])
        _resolve_reports(comment)
        comment.article.refresh_comment_stats()
        entry = _log(
            moderator,
            action,
            comment=comment,
            user=comment.user,
            rule=rule,
            reason=reason,
            before=before,
            after={"status": status},
        )
        if status == CommentStatus.PUBLISHED and before["status"] != status:
            # A held (or wrongly removed) comment appears only now: tell the parent's author
            # and the discussion's followers, as posting does. Notices are unique per reader
            # and comment, so one told before is not told twice.
            notify_about_published_comment(comment)
        return entry


def approve_comment(moderator, comment: Comment, *, reason: str = "") -> LogEntry:
    return _set_status(
        moderator, comment, CommentStatus.PUBLISHED, LogAction.APPROVE, reason=reason
    )


def remove_comment(moderator, comment: Comment, *, rule: SiteRule, note: str = "") -> LogEntry:
    if rule is None:
        raise ValidationError("Choose the rule the comment breaks.")
    return _set_status(
        moderator, comment, CommentStatus.REMOVED, LogAction.REMOVE, rule=rule, reason=note
    )


def mark_spam(moderator, comment: Comment, *, note: str = "") -> LogEntry:
    rule = SiteRule.objects.filter(title="Spam or advertising").first()
    return _set_status(
        moderator, comment, CommentStatus.SPAM, LogAction.SPAM, rule=rule, reason=note
    )


def restore_comment(moderator, comment: Comment, *, reason: str = "") -> LogEntry:
    return _set_status(
        moderator,
        comment,
        CommentStatus.PUBLISHED,
        LogAction.RESTORE,
        reason=reason,
        only_from=(CommentStatus.REMOVED, CommentStatus.SPAM),
    )


def _set_flag(
    moderator, comment: Comment, field: str, value: bool, action: str, reason: str
) -> LogEntry:
    require(moderator)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        before = {field: getattr(comment, field)}
        setattr(comment, field, value)
        comment.save(update_fields=[field])
        return _log(
            moderator,
            action,
            comment=comment,
            user=comment.user,
            reason=reason,
            before=before,
            after={field: value},
        )


def feature_comment(moderator, comment: Comment, *, reason: str = "") -> LogEntry:
    return _set_flag(moderator, comment, "is_featured", True, LogAction.FEATURE, reason)


def unfeature_comment(moderator, comment: Comment, *, reason: str = "") -> LogEntry:
    return _set_flag(moderator, comment, "is_featured", False, LogAction.UNFEATURE, reason)


def lock_replies(moderator, comment: Comment, *, reason: str = "") -> LogEntry:
    return _set_flag(moderator, comment, "replies_locked", True, LogAction.LOCK_REPLIES, reason)


def unlock_replies(moderator, comment: Comment, *, reason: str = "") -> LogEntry:
    return _set_flag(moderator, comment, "replies_locked", False, LogAction.UNLOCK_REPLIES, reason)


COMMENT_ACTIONS = {
    "approve": approve_comment,
    "remove": remove_comment,
    "spam": mark_spam,
    "restore": restore_comment,
    "feature": feature_comment,
    "unfeature": unfeature_comment,
    "lock": lock_replies,
    "unlock": unlock_replies,
}


def run_comment_action(
    moderator, comment: Comment, name: str, *, rule=None, note: str = ""
) -> LogEntry:
    """Dispatch one of COMMENT_ACTIONS by name (used by the views and bulk actions)."""
    if name == "remove":
        return remove_comment(moderator, comment, rule=rule, note=note)
    if name == "spam":
        return mark_spam(moderator, comment, note=note)
    return COMMENT_ACTIONS[name](moderator, comment, reason=note)


# Reader flags -------------------------------------------------------------------------------


def flag_comment(reader, comment: Comment, reason: str, note: str = "") -> Flag:
    """A reader reports a comment; enough distinct readers hide it until a moderator decides."""
    if not (reader and reader.is_authenticated and reader.is_active):
        raise PermissionDenied("Log in to report a comment.")
    if comment.user_id == reader.pk:
        raise PermissionDenied("You cannot report your own comment.")
    if reason not in FlagReason.values:
        raise ValidationError("Choose a reason for the report.")
    if reason == FlagReason.OTHER and not note.strip():
        raise ValidationError("Say what is wrong with the comment.")
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                comment=comment, reader=reader, reason=reason, note=note.strip()[:500]
            )
            threshold = settings.AGORA_FLAG_HIDE_THRESHOLD
            comment = Comment.objects.select_for_update().get(pk=comment.pk)
            readers = Flag.objects.filter(comment=comment, resolved=False).count()
            if comment.status == CommentStatus.PUBLISHED and readers >= threshold:
                comment.status = CommentStatus.PENDING
                comment.save(update_fields=["status"])
                Hold.objects.create(
                    comment=comment,
                    rule=HoldRule.FLAG_THRESHOLD,
                    detail=f"{readers} readers reported it",
                )
                comment.article.refresh_comment_stats()
                _log(
                    None,
                    LogAction.FLAG_HIDE,
                    comment=comment,
                    user=comment.user,
                    reason=f"Reported by {readers} readers; hidden until a moderator decides.",
                    before={"status": CommentStatus.PUBLISHED},
                    after={"status": CommentStatus.PENDING},
                )
    except IntegrityError:
        raise AlreadyFlagged("You have already reported this comment.") from None
    return flag


# User standing ------------------------------------------------------------------------------


def _change_standing(
    moderator, user, kind: str, action: str, reason: str, until: datetime.datetime | None = None
) -> StandingChange:
    require(moderator, "moderation.manage_standing")
    if not reason.strip():
        raise ValidationError("Give a reason.")
    if user.pk == moderator.pk:
        raise PermissionDenied("You cannot change your own standing.")
    if user.is_superuser and not moderator.is_superuser:
        raise PermissionDenied("Only an admin can change an admin's standing.")
    if until is not None and until <= timezone.now():
        raise ValidationError("The end date must be in the future.")
    with transaction.atomic():
        before = standing_of(user)
        change = StandingChange.objects.create(
            user=user, kind=kind, until=until, reason=reason.strip(), moderator=moderator
        )
        _log(
            moderator,
            action,
            user=user,
            reason=reason,
            before={"standing": before.state},
            after={
                "standing": standing_of(user).state,
                "until": until.isoformat() if until else None,
            },
        )
    return change


def warn_user(moderator, user, reason: str) -> StandingChange:
    return _change_standing(moderator, user, StandingKind.WARN, LogAction.WARN, reason)


def suspend_user(moderator, user, until: datetime.datetime, reason: str) -> StandingChange:
    if until is None:
        raise ValidationError("A suspension needs an end date.")
    return _change_standing(moderator, user, StandingKind.SUSPEND, LogAction.SUSPEND, reason, until)


def ban_user(moderator, user, reason: str) -> StandingChange:
    return _change_standing(moderator, user, StandingKind.BAN, LogAction.BAN, reason)


def restore_user(moderator, user, reason: str) -> StandingChange:
    return _change_standing(moderator, user, StandingKind.RESTORE, LogAction.RESTORE_USER, reason)


def add_user_note(moderator, user, body: str) -> UserNote:
    require(moderator)
    if not body.strip():
        raise ValidationError("The note is empty.")
    return UserNote.objects.create(user=user, author=moderator, body=body.strip()[:5000])


# Articles -----------------------------------------------------------------------------------


def _change_article(
    moderator, article: Article, changes: dict, action: str, reason: str
) -> LogEntry:
    require(moderator)
    if not reason.strip():
        raise ValidationError("Give a reason.")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        before = {name: _jsonable(getattr(article, name)) for name in changes}
        for name, value in changes.items():
            setattr(article, name, value)
        article.save(update_fields=list(changes))
        return _log(
            moderator,
            action,
            article=article,
            reason=reason,
            before=before,
            after={name: _jsonable(value) for name, value in changes.items()},
        )


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def set_comment_policy(moderator, article: Article, policy: str, reason: str) -> LogEntry:
    if policy not in CommentPolicy.values:
        raise ValidationError("Unknown comment policy.")
    return _change_article(moderator, article, {"comment_policy": policy}, LogAction.POLICY, reason)


def close_discussion_on(
    moderator, article: Article, closes_at: datetime.datetime | None, reason: str
) -> LogEntry:
    return _change_article(
        moderator, article, {"discussion_closes_at": closes_at}, LogAction.CLOSE_ON, reason
    )


def lock_discussion(moderator, article: Article, reason: str) -> LogEntry:
    return _change_article(
        moderator, article, {"discussion_locked": True}, LogAction.LOCK_DISCUSSION, reason
    )


def unlock_discussion(moderator, article: Article, reason: str) -> LogEntry:
    return _change_article(
        moderator, article, {"discussion_locked": False}, LogAction.UNLOCK_DISCUSSION, reason
    )


# Settings and roles -------------------------------------------------------------------------

SETTINGS_FIELDS = [
    "banned_words",
    "suspect_words",
    "new_account_approvals",
    "max_links",
    "repeat_window_minutes",
]


def update_settings(moderator, values: dict, reason: str = "") -> LogEntry:
    require(moderator, "moderation.change_settings")
    with transaction.atomic():
        current = ModerationSettings.load()
        current = ModerationSettings.objects.select_for_update().get(pk=current.pk)
        before = {name: getattr(current, name) for name in SETTINGS_FIELDS}
        for name in SETTINGS_FIELDS:
            setattr(current, name, values[name])
        current.updated = timezone.now()
        current.save()
        after = {name: getattr(current, name) for name in SETTINGS_FIELDS}
        changed = [name for name in SETTINGS_FIELDS if before[name] != after[name]]
        return _log(
            moderator,
            LogAction.SETTINGS,
            reason=reason,
            before={n: before[n] for n in changed},
            after={n: after[n] for n in changed},
        )


def add_moderator(admin, user) -> LogEntry:
    require(admin, "moderation.manage_moderators")
    with transaction.atomic():
        user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
        return _log(admin, LogAction.ADD_MODERATOR, user=user)


def remove_moderator(admin, user) -> LogEntry:
    require(admin, "moderation.manage_moderators")
    with transaction.atomic():
        user.groups.remove(Group.objects.get(name=MODERATORS_GROUP))
        return _log(admin, LogAction.REMOVE_MODERATOR, user=user)
