"""The archive as JSON Lines: one object per line, parents before children.

Every line has "type" and "id"; ids are the database primary keys, and the JSON Lines importer
(archive/importers/jsonl.py + archive.loader.restore_records) restores them as the same keys, so
exporting, importing into an empty database and exporting again gives the same bytes.

The export is a list of per-type functions (EXPORTERS); a later type (users, moderation
history) is one more function yielding dicts, appended in dependency order.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO

from archive.models import Article, ArticleRevision, Author, Provenance, Source
from comments.models import Comment

CHUNK = 500


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat()


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def export_sources() -> Iterator[dict]:
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


def export_authors() -> Iterator[dict]:
    for author in Author.objects.order_by("id").iterator(chunk_size=CHUNK):
        yield {
            "type": "author",
            "id": author.pk,
            "name": author.name,
            "slug": author.slug,
            "created": _when(author.created),
        }


def export_articles() -> Iterator[dict]:
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


def export_revisions() -> Iterator[dict]:
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


def export_provenance() -> Iterator[dict]:
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


def export_comments() -> Iterator[dict]:
    # One article's thread at a time: memory stays bounded by the largest thread.
    rows = Comment.objects.order_by("article_id", "id").select_related("user")
    for _, thread in itertools.groupby(rows.iterator(chunk_size=2000), key=lambda c: c.article_id):
        for comment in _tree_order(list(thread)):
            yield _comment(comment)


EXPORTERS: list[Callable[[], Iterable[dict]]] = [
    export_sources,
    export_authors,
    export_articles,
    export_revisions,
    export_provenance,
    export_comments,
]


def export_lines() -> Iterator[str]:
    for exporter in EXPORTERS:
        for record in exporter():
            yield json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"


def export_archive(out: IO[str]) -> int:
    """Write the whole archive to `out`; return the number of lines."""
    count = 0
    for line in export_lines():
        out.write(line)
        count += 1
    return count
