"""What a backup holds of each model: one table per record type, read by export and restore.

A Table names the record's type, the model, and the model's fields by how they are written:
as they are (`plain`), as ISO 8601 times in UTC (`datetimes`), as the id of another record
(`ids`: the record's "article" is the model's article_id) or as a username (`users`: users
may already exist where the file is restored, under other ids). Fields whose values must be
one of the model field's choices are checked on restore (`choices`). What a table cannot say
(a derived body text, a partial date, a sanitized body, the article's author links) is a
small hook beside it: `export_extra` adds keys to the record, `restore_extra` sets attributes
on the unsaved row.

The tables are listed in file order (TABLES): users and the moderation rules first, then the
archive, then what hangs off comments, the log last, so every record follows those it names.
backup/export.py writes them, backup/restore.py reads them back, backup/reading.py checks a
file's lines before anything is saved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from archive.dates import iso_partial_date, parse_iso_partial_date
from archive.models import (
    Article,
    ArticleRevision,
    Author,
    DatePrecision,
    Provenance,
    Source,
    domain_of,
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
from web.sanitize import clean_html, html_to_text


@dataclass(frozen=True)
class Table:
    kind: str  # the record's "type"
    model: type[models.Model]
    plain: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    # The user the row cannot be without: a record whose user is missing here is skipped.
    required_user: str = ""
    choices: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # select_related for the export
    order: tuple[str, ...] = ("id",)
    export_extra: Callable[[models.Model], dict] | None = None
    restore_extra: Callable[[dict, models.Model], None] | None = None

    def allowed(self, name: str) -> list[str]:
        return [value for value, _ in self.model._meta.get_field(name).choices]


def when(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def parse_when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def username(user) -> str | None:
    return user.get_username() if user is not None else None


_URL = URLValidator(schemes=["http", "https"])


@functools.lru_cache(maxsize=1024)
def _is_http_url(value: str) -> bool:
    try:
        _URL(value)
    except ValidationError:
        return False
    return True


def check_url(value: str, label: str) -> str:
    """An http(s) address as the importer accepts it (NULs and runs of spaces dropped)."""
    value = " ".join(value.replace("\x00", "").split())
    if not value:
        return ""
    if len(value) > 1000:
        raise BackupError(f"the {label} is longer than 1,000 characters")
    if not _is_http_url(value):
        raise BackupError(f"the {label} {value[:200]!r} is not an http(s) address")
    return value


# --- the hooks: what a plain copy of a field does not say ---------------------------------------


def _source_in(record: dict, row: Source) -> None:
    row.homepage = check_url(record["homepage"], "home page")
    row.domain = domain_of(record["homepage"])


def _article_out(article: Article) -> dict:
    return {
        # The authors are prefetched by the export.
        "authors": sorted(a.pk for a in article.authors.all()),
        "published": iso_partial_date(article.published, article.published_precision) or None,
        "body": article.body_html,
        "path": article.get_absolute_url(),
    }


def _article_in(record: dict, row: Article) -> None:
    row.url = check_url(record["url"], "original address")
    published = record["published"]
    if published is None:
        row.published, row.published_precision = None, DatePrecision.DAY
    else:
        parsed = parse_iso_partial_date(published)
        if parsed is None:
            raise BackupError(
                f"published {published!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"
            )
        row.published, row.published_precision = parsed
    row.set_body(record["body"])


def _body_out(row) -> dict:
    return {"body": row.body_html}


def _revision_in(record: dict, row: ArticleRevision) -> None:
    row.body_html = clean_html(record["body"])
    row.body_text = html_to_text(row.body_html)
    row.content_hash = Article.hash_content(row.title, row.body_text)


def _clean_body_in(record: dict, row) -> None:
    row.body_html = clean_html(record["body"])


def _comment_out(comment: Comment) -> dict:
    return {
        "author_name": comment.archived_author_name or None,
        "archived": comment.is_archived,
        "body": comment.body_html,
        "path": comment.get_absolute_url(),
    }


def _comment_in(record: dict, row: Comment) -> None:
    row.archived_author_name = record["author_name"] or ""
    row.is_archived = record["archived"]
    row.body_html = clean_html(record["body"])


# --- the tables ---------------------------------------------------------------------------------

# Users have a table for what every export holds; their profile, private data and groups are
# written by export.export_users and read by restore.restore_user.
USER = Table("user", get_user_model(), plain=("is_active",), datetimes=("date_joined",))
# Present all together or not at all: only in an export made with --include-private.
USER_PRIVATE = ("email", "password", "first_name", "last_name", "is_staff", "is_superuser")

SITE_RULE = Table("site_rule", SiteRule, plain=("title", "description", "order"))
MODERATION_SETTINGS = Table(
    "moderation_settings",
    ModerationSettings,
    plain=(
        "banned_words",
        "suspect_words",
        "new_account_approvals",
        "max_links",
        "repeat_window_minutes",
    ),
    datetimes=("updated",),
)
SOURCE = Table(
    "source",
    Source,
    plain=("name", "slug", "homepage", "description"),
    datetimes=("created",),
    restore_extra=_source_in,
)
AUTHOR = Table("author", Author, plain=("name", "slug"), datetimes=("created",))
ARTICLE = Table(
    "article",
    Article,
    plain=("title", "kicker", "dek", "slug", "url", "comment_policy", "discussion_locked"),
    datetimes=("discussion_closes_at", "created"),
    ids=("source",),
    choices=("comment_policy",),
    export_extra=_article_out,
    restore_extra=_article_in,
)
REVISION = Table(
    "revision",
    ArticleRevision,
    plain=("title",),
    datetimes=("created",),
    ids=("article",),
    users=("created_by",),
    related=("created_by",),
    order=("article_id", "id"),
    export_extra=_body_out,
    restore_extra=_revision_in,
)
PROVENANCE = Table(
    "provenance",
    Provenance,
    plain=("file_name", "sha256", "format", "outcome"),
    datetimes=("imported_at",),
    ids=("article",),
    users=("imported_by",),
    choices=("format",),
    related=("imported_by",),
    order=("article_id", "id"),
)
COMMENT = Table(
    "comment",
    Comment,
    plain=("body_source", "status", "position", "depth"),
    datetimes=("created",),
    ids=("article", "parent"),
    users=("user",),
    choices=("status",),
    related=("user",),
    order=("article_id", "id"),
    export_extra=_comment_out,
    restore_extra=_comment_in,
)
COMMENT_REVISION = Table(
    "comment_revision",
    CommentRevision,
    plain=("body_source",),
    datetimes=("created",),
    ids=("comment",),
    users=("editor",),
    related=("editor",),
    export_extra=_body_out,
    restore_extra=_clean_body_in,
)
FOLLOW = Table(
    "follow",
    ThreadFollow,
    datetimes=("created",),
    ids=("article",),
    required_user="user",
    related=("user",),
)
HOLD = Table(
    "hold",
    Hold,
    plain=("rule", "detail", "resolved"),
    datetimes=("created",),
    ids=("comment",),
    choices=("rule",),
)
FLAG = Table(
    "flag",
    Flag,
    plain=("reason", "note", "resolved"),
    datetimes=("created",),
    ids=("comment",),
    required_user="reader",
    choices=("reason",),
    related=("reader",),
)
STANDING_CHANGE = Table(
    "standing_change",
    StandingChange,
    plain=("kind", "reason"),
    datetimes=("until", "created"),
    users=("moderator",),
    required_user="user",
    choices=("kind",),
    related=("user", "moderator"),
)
USER_NOTE = Table(
    "user_note",
    UserNote,
    plain=("body",),
    datetimes=("created",),
    users=("author",),
    required_user="user",
    related=("user", "author"),
)
# Inserted with its own id and time: the log's triggers refuse updates and deletes only.
LOG_ENTRY = Table(
    "log_entry",
    LogEntry,
    plain=("action", "rule_title", "reason", "before", "after"),
    datetimes=("created",),
    ids=("comment", "article", "rule"),
    users=("actor", "user"),
    choices=("action",),
    related=("actor", "user"),
)

TABLES: tuple[Table, ...] = (
    USER,
    SITE_RULE,
    MODERATION_SETTINGS,
    SOURCE,
    AUTHOR,
    ARTICLE,
    REVISION,
    PROVENANCE,
    COMMENT,
    COMMENT_REVISION,
    FOLLOW,
    HOLD,
    FLAG,
    STANDING_CHANGE,
    USER_NOTE,
    LOG_ENTRY,
)
BY_KIND = {table.kind: table for table in TABLES}
