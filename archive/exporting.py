"""The archive as JSON Lines: one object per line, parents before children.

Every line has "type" and "id"; ids are the database primary keys, and the JSON Lines importer
(archive/importers/jsonl.py + archive.loader.restore_records) restores them as the same keys, so
exporting, importing into an empty database and exporting again gives the same bytes.

The export is a list of per-type functions (EXPORTERS), each taking the ExportOptions and
yielding dicts, in dependency order: users and the moderation rules first, then the archive,
then what hangs off comments (revisions, follows, moderation history), the log last.

Users are exported as their public profile (username, display name, bio, date joined, whether
the account is active). Their e-mail address, password hash, staff flags, groups and
notification preference only with `include_private` (`export_archive --include-private`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from django.contrib.auth import get_user_model

from accounts.models import Profile
from archive.models import Article, ArticleRevision, Author, Provenance, Source
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
from web.text import escape_surrogates

CHUNK = 500


@dataclass(frozen=True)
class ExportOptions:
    # E-mail addresses, password hashes, staff flags and groups: a full backup, to keep safe.
    include_private: bool = False


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat()


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- users and the moderation rules (before the archive: everything else refers to them) -------


def export_users(options: ExportOptions) -> Iterator[dict]:
    users = get_user_model().objects.order_by("id").prefetch_related("groups")
    profiles = {p.user_id: p for p in Profile.objects.all()}
    for user in users.iterator(chunk_size=CHUNK):
        profile = profiles.get(user.pk)
        record = {
            "type": "user",
            "id": user.pk,
            "username": user.get_username(),
            "display_name": profile.display_name if profile else "",
            "bio": profile.bio if profile else "",
            "date_joined": _when(user.date_joined),
            "is_active": user.is_active,
        }
        if options.include_private:
            record |= {
                "email": user.email,
                "password": user.password,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
                "last_login": _when(user.last_login),
                "groups": sorted(g.name for g in user.groups.all()),
                "email_notifications": bool(profile and profile.email_notifications),
            }
        yield record


def export_site_rules(options: ExportOptions) -> Iterator[dict]:
    for rule in SiteRule.objects.order_by("id"):
        yield {
            "type": "site_rule",
            "id": rule.pk,
            "title": rule.title,
            "description": rule.description,
            "order": rule.order,
        }


def export_moderation_settings(options: ExportOptions) -> Iterator[dict]:
    for row in ModerationSettings.objects.order_by("id"):
        yield {
            "type": "moderation_settings",
            "id": row.pk,
            "banned_words": row.banned_words,
            "suspect_words": row.suspect_words,
            "new_account_approvals": row.new_account_approvals,
            "max_links": row.max_links,
            "repeat_window_minutes": row.repeat_window_minutes,
            "updated": _when(row.updated),
        }


# --- the archive -------------------------------------------------------------------------------


def export_sources(options: ExportOptions) -> Iterator[dict]:
    for source in Source.objects.order_by("id").iterator(chunk_size=CHUNK):
        yield {
            "type": "source",
            "id": source.pk,
            "name": source.name,
            "slug": source.slug,
            "homepage": source.homepage,
            "description": source.description,
            "created": _when(source.created),
        }


def export_authors(options: ExportOptions) -> Iterator[dict]:
    for author in Author.objects.order_by("id").iterator(chunk_size=CHUNK):
        yield {
            "type": "author",
            "id": author.pk,
            "name": author.name,
            "slug": author.slug,
            "created": _when(author.created),
        }


def export_articles(options: ExportOptions) -> Iterator[dict]:
    articles = Article.objects.order_by("id").prefetch_related("authors")
    for article in articles.iterator(chunk_size=CHUNK):
        yield {
            "type": "article",
            "id": article.pk,
            "title": article.title,
            "kicker": article.kicker,
            "dek": article.dek,
            "slug": article.slug,
            "source": article.source_id,
            "authors": sorted(a.pk for a in article.authors.all()),
            "url": article.url,
            "published": article.published_iso or None,
            "body": article.body_html,
            "path": article.get_absolute_url(),
            "comment_policy": article.comment_policy,
            "discussion_locked": article.discussion_locked,
            "discussion_closes_at": _when(article.discussion_closes_at),
            "created": _when(article.created),
        }


def export_revisions(options: ExportOptions) -> Iterator[dict]:
    revisions = ArticleRevision.objects.order_by("article_id", "id").select_related("created_by")
    for revision in revisions.iterator(chunk_size=CHUNK):
        yield {
            "type": "revision",
            "id": revision.pk,
            "article": revision.article_id,
            "title": revision.title,
            "body": revision.body_html,
            "created": _when(revision.created),
            "created_by": _username(revision.created_by),
        }


def export_provenance(options: ExportOptions) -> Iterator[dict]:
    rows = Provenance.objects.order_by("article_id", "id").select_related("imported_by")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "provenance",
            "id": row.pk,
            "article": row.article_id,
            "file_name": row.file_name,
            "sha256": row.sha256,
            "format": row.format,
            "imported_at": _when(row.imported_at),
            "imported_by": _username(row.imported_by),
            "outcome": row.outcome,
        }


def _comment(comment: Comment) -> dict:
    return {
        "type": "comment",
        "id": comment.pk,
        "article": comment.article_id,
        "parent": comment.parent_id,
        "author_name": comment.archived_author_name or None,
        "user": _username(comment.user),
        "body": comment.body_html,
        "body_source": comment.body_source,
        "status": comment.status,
        "archived": comment.is_archived,
        "created": _when(comment.created),
        "position": comment.position,
        "depth": comment.depth,
        "path": comment.get_absolute_url(),
    }


def _tree_order(comments: list[Comment]) -> Iterator[Comment]:
    """Depth first, siblings by position then id: every parent before its replies."""
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, c.pk))
    stack = list(reversed(children.get(None, [])))
    while stack:
        comment = stack.pop()
        yield comment
        stack.extend(reversed(children.get(comment.pk, [])))


def export_comments(options: ExportOptions) -> Iterator[dict]:
    # One article's thread at a time: memory stays bounded by the largest thread.
    rows = Comment.objects.order_by("article_id", "id").select_related("user")
    for _, thread in itertools.groupby(rows.iterator(chunk_size=2000), key=lambda c: c.article_id):
        for comment in _tree_order(list(thread)):
            yield _comment(comment)


# --- what hangs off comments: revisions, follows, moderation history -------------------------


def export_comment_revisions(options: ExportOptions) -> Iterator[dict]:
    rows = CommentRevision.objects.order_by("id").select_related("editor")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "comment_revision",
            "id": row.pk,
            "comment": row.comment_id,
            "body_source": row.body_source,
            "body": row.body_html,
            "created": _when(row.created),
            "editor": _username(row.editor),
        }


def export_follows(options: ExportOptions) -> Iterator[dict]:
    rows = ThreadFollow.objects.order_by("id").select_related("user")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "follow",
            "id": row.pk,
            "user": _username(row.user),
            "article": row.article_id,
            "created": _when(row.created),
        }


def export_holds(options: ExportOptions) -> Iterator[dict]:
    for row in Hold.objects.order_by("id").iterator(chunk_size=CHUNK):
        yield {
            "type": "hold",
            "id": row.pk,
            "comment": row.comment_id,
            "rule": row.rule,
            "detail": row.detail,
            "created": _when(row.created),
            "resolved": row.resolved,
        }


def export_flags(options: ExportOptions) -> Iterator[dict]:
    rows = Flag.objects.order_by("id").select_related("reader")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "flag",
            "id": row.pk,
            "comment": row.comment_id,
            "reader": _username(row.reader),
            "reason": row.reason,
            "note": row.note,
            "created": _when(row.created),
            "resolved": row.resolved,
        }


def export_standing_changes(options: ExportOptions) -> Iterator[dict]:
    rows = StandingChange.objects.order_by("id").select_related("user", "moderator")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "standing_change",
            "id": row.pk,
            "user": _username(row.user),
            "kind": row.kind,
            "until": _when(row.until),
            "reason": row.reason,
            "moderator": _username(row.moderator),
            "created": _when(row.created),
        }


def export_user_notes(options: ExportOptions) -> Iterator[dict]:
    rows = UserNote.objects.order_by("id").select_related("user", "author")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "user_note",
            "id": row.pk,
            "user": _username(row.user),
            "author": _username(row.author),
            "body": row.body,
            "created": _when(row.created),
        }


def export_log_entries(options: ExportOptions) -> Iterator[dict]:
    rows = LogEntry.objects.order_by("id").select_related("actor", "user")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "type": "log_entry",
            "id": row.pk,
            "actor": _username(row.actor),
            "created": _when(row.created),
            "action": row.action,
            "comment": row.comment_id,
            "user": _username(row.user),
            "article": row.article_id,
            "rule": row.rule_id,
            "rule_title": row.rule_title,
            "reason": row.reason,
            "before": row.before,
            "after": row.after,
        }


EXPORTERS: list[Callable[[ExportOptions], Iterable[dict]]] = [
    export_users,
    export_site_rules,
    export_moderation_settings,
    export_sources,
    export_authors,
    export_articles,
    export_revisions,
    export_provenance,
    export_comments,
    export_comment_revisions,
    export_follows,
    export_holds,
    export_flags,
    export_standing_changes,
    export_user_notes,
    export_log_entries,
]


def export_lines(options: ExportOptions | None = None) -> Iterator[str]:
    options = options or ExportOptions()
    for exporter in EXPORTERS:
        for record in exporter(options):
            yield escape_surrogates(json.dumps(record, sort_keys=True, ensure_ascii=False)) + "\n"


def export_archive(out: IO[str], *, include_private: bool = False) -> int:
    """Write the whole archive to `out`; return the number of lines."""
    count = 0
    for line in export_lines(ExportOptions(include_private=include_private)):
        out.write(line)
        count += 1
    return count
