"""Restoring a whole-site backup: the lines of backup/export.py, read by backup/reading.py.

Each validated record becomes an unsaved row by its table in backup/fields.py, with the
export's primary key (or None when the row cannot be kept, with a warning). Rows of one type
are inserted in batches; the file lists parents before children, so every batch refers only
to rows already inserted. Users and the moderation settings are written at once, since later
lines look them up. Only `manage.py restore_archive` restores: the article import refuses a
backup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Profile
from archive.models import Article, ArticleRevision, Author, Provenance, Source
from backup.cleaning import RecordCleaner
from backup.fields import (
    BY_KIND,
    MODERATION_SETTINGS,
    SITE_RULE,
    USER_PRIVATE,
    parse_when,
)
from backup.reading import BackupError
from comments.models import Comment, CommentRevision, ThreadFollow
from moderation.models import (
    Flag,
    Hold,
    LogEntry,
    ModerationSettings,
    SiteRule,
    StandingChange,
    UserNote,
)
from web import pagecache


class _DryRunRollback(Exception):
    """Raised inside the restore's transaction on a dry run, so that nothing is kept."""


@dataclass
class RestoreResult:
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


# Must all be empty before a restore. Site rules and the moderation settings are not here: the
# migrations create defaults, which a file's own rows replace. Users may exist (the admin
# restoring the file): a user of the file with the same username is the same account.
RESTORED_MODELS = (
    Source,
    Author,
    Article,
    ArticleRevision,
    Provenance,
    Comment,
    CommentRevision,
    ThreadFollow,
    Hold,
    Flag,
    StandingChange,
    UserNote,
    LogEntry,
)


def archive_is_empty() -> bool:
    return not any(model.objects.exists() for model in RESTORED_MODELS)


def restore_records(records: Iterable[dict], *, dry_run: bool = False, user=None) -> RestoreResult:
    """Save the records of a JSON Lines export with their own primary keys, in one transaction.

    Only into an empty archive: the ids are the export's, and merging two sets of ids would
    silently mix unrelated rows. PostgreSQL sequences are moved past the restored ids.
    Private account data (passwords, e-mail addresses, staff flags, groups) is restored only
    for the command line (`user` None) or a superuser: anyone else who may import articles
    restores the accounts as public profiles, so an upload cannot grant privileges.
    """
    trusted = user is None or bool(getattr(user, "is_superuser", False))
    result: RestoreResult | None = None
    try:
        with transaction.atomic():
            if not archive_is_empty():
                raise BackupError(
                    "a JSON Lines export can only be restored into an empty archive; this one "
                    "already has sources, articles, comments or moderation history"
                )
            cleaner = RecordCleaner()
            result = _restore(cleaner.clean(records), trusted=trusted)
            result.warnings += cleaner.warnings
            _reset_sequences()
            if dry_run:
                raise _DryRunRollback
            pagecache.changed()
    except _DryRunRollback:
        pass
    assert result is not None
    return result


@dataclass
class _RestoreContext:
    trusted: bool
    warnings: list[str] = field(default_factory=list)
    users: dict[str, int | None] = field(default_factory=dict)
    replaced_rules: bool = False

    def user_id(self, username: str | None) -> int | None:

        if username is None:
            return None
        if username not in self.users:
            found = get_user_model().objects.filter(username=username).first()
            self.users[username] = found.pk if found else None
            if found is None:
                self.warnings.append(f"user {username!r} does not exist here; saved without a user")
        return self.users[username]

    def required_user_id(self, record: dict, name: str) -> int | None:
        """A user the row cannot be without; None (and a warning) drops the row."""
        found = self.user_id(record[name])
        if found is None:
            self.warnings.append(f"{record['type']} {record['id']} skipped: no user")
        return found


def _restore(records: Iterable[dict], *, trusted: bool = True) -> RestoreResult:
    ctx = _RestoreContext(trusted=trusted)
    counts = {kind: 0 for kind in BY_KIND}
    pending: list = []
    links: list = []
    through = Article.authors.through

    def flush() -> None:
        if pending:
            type(pending[0]).objects.bulk_create(pending, batch_size=500)
            pending.clear()
        if links:
            through.objects.bulk_create(links, batch_size=500)
            links.clear()

    for record in records:
        row = restore_user(record, ctx) if record["type"] == "user" else row_of(record, ctx)
        counts[record["type"]] += 1
        if row is None:
            continue
        if pending and type(pending[0]) is not type(row):
            flush()
        pending.append(row)
        if record["type"] == "article":
            links.extend(through(article_id=row.pk, author_id=a) for a in record["authors"])
        if len(pending) >= 500:
            flush()
    flush()
    # Counts and last-comment dates are derived, so they are recomputed, not trusted.
    for article in Article.objects.filter(comments__isnull=False).distinct():
        article.refresh_comment_stats()
    return RestoreResult(counts=counts, warnings=ctx.warnings)


def row_of(record: dict, ctx: _RestoreContext) -> models.Model | None:
    """The unsaved row a record stands for, by its table; None when it is not kept."""
    table = BY_KIND[record["type"]]
    for name in table.choices:
        _check_choice(record, name, table.allowed(name))
    values: dict = {"pk": record["id"]}
    if table.required_user:
        values[f"{table.required_user}_id"] = ctx.required_user_id(record, table.required_user)
        if values[f"{table.required_user}_id"] is None:
            return None
    values |= {name: record[name] for name in table.plain}
    values |= {name: parse_when(record.get(name)) for name in table.datetimes}
    values |= {f"{name}_id": record[name] for name in table.ids}
    values |= {f"{name}_id": ctx.user_id(record[name]) for name in table.users}
    row = table.model(**values)
    if table.restore_extra is not None:
        table.restore_extra(record, row)
    if table is SITE_RULE and not ctx.replaced_rules:
        # The migration's default rules give way to the file's (nothing refers to them yet:
        # the moderation log is empty, or the restore would have been refused).
        SiteRule.objects.all().delete()
        ctx.replaced_rules = True
    if table is MODERATION_SETTINGS:
        ModerationSettings.objects.all().delete()
        row.save(force_insert=True)
        return None
    return row


def restore_user(record: dict, ctx: _RestoreContext) -> None:
    """An account: the existing one of the same username is kept as it is; otherwise created
    with the export's id (when free), a public profile, and its private data when the file
    has it and the restorer may write it. Without a password hash it cannot log in until a
    password is set (`changepassword`, or "Forgot your password?" once it has an address)."""

    User = get_user_model()
    username = record["username"]
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        ctx.users[username] = existing.pk
        ctx.warnings.append(f"user {username!r} already exists here; kept as it is")
        return None
    private = "password" in record
    if private and not ctx.trusted:
        ctx.warnings.append(
            f"user {username!r}: private account data ignored (only a superuser or the "
            "command line restores passwords, addresses and groups)"
        )
        private = False
    account = User(
        username=username,
        date_joined=parse_when(record["date_joined"]),
        is_active=record["is_active"],
        password=record["password"] if private else make_password(None),
    )
    if not User.objects.filter(pk=record["id"]).exists():
        account.pk = record["id"]
    else:
        ctx.warnings.append(f"user {username!r}: id {record['id']} is taken here; given a new id")
    if private:
        for name in USER_PRIVATE:
            setattr(account, name, record[name])
        account.last_login = parse_when(record["last_login"])
    account.save(force_insert=True)
    profile = Profile(user=account, display_name=record["display_name"][:80])
    profile.set_bio(record["bio"])
    profile.email_notifications = bool(private and record["email_notifications"])
    profile.save()
    if private and record["groups"]:
        groups = list(Group.objects.filter(name__in=record["groups"]))
        account.groups.add(*groups)
        for missing in sorted(set(record["groups"]) - {g.name for g in groups}):
            ctx.warnings.append(f"user {username!r}: no group {missing!r} here; left out")
    ctx.users[username] = account.pk
    return None


def _check_choice(record: dict, name: str, allowed: list[str]) -> None:
    if name in record and record[name] not in allowed:
        raise BackupError(
            f"{record['type']} {record['id']} has an unknown {name} {record[name]!r:.40} "
            f"(one of: {', '.join(allowed)})"
        )


def _reset_sequences() -> None:

    User = get_user_model()
    models = [
        *RESTORED_MODELS,
        Article.authors.through,
        SiteRule,
        ModerationSettings,
        User,
        User.groups.through,
        Profile,
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
