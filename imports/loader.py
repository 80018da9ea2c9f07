"""Map parsed documents onto the models: each document atomic on its own.

The parsers (imports/parsers/) turn bytes into ParsedDocument dataclasses without touching the
database; this module maps them onto Source, Author, Article, ArticleRevision, Provenance and
the archived Comment tree, and imports/writer.py writes the rows. Everything a document writes
happens inside one `transaction.atomic` block (a savepoint when an ImportSession groups
documents into batches), so a failure half-way leaves nothing of it behind; in a batch, its
comments, author links and provenance wait in the session's queues for the batch's end, and a
failure drops them there.

Identity: a document is the same article as an existing row when it has the same original
address (URL), or, without a URL, the same source and title. Importing the same document again
changes nothing ("unchanged"); a changed one updates the article and keeps the previous title
and body as an ArticleRevision ("updated"). Comments already present (same parent chain, author
name and text) are never duplicated.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction

from archive.dates import parse_iso_partial_date
from archive.models import (
    Article,
    ArticleRevision,
    Author,
    DatePrecision,
    Provenance,
    Source,
    domain_of,
    slug_base,
    unique_slug,
)
from comments.models import Comment
from imports.cleaning import clean_document
from imports.parsers.base import (
    ParsedComment,
    ParsedDocument,
    ParseError,
    check_body_length,
    walk,
)
from imports.writer import (
    ImportSession,
    LoadCache,
    NewComment,
    insert_comments,
    insert_row,
    row_values,
)
from web.sanitize import clean_html, paragraphs_to_html

OVERRIDE_FIELDS = ("source", "source_url", "url", "published", "author", "title", "kicker", "dek")
_AUTHOR_SEPARATORS = re.compile(r"\s*;\s*|\s+and\s+")
_URL = URLValidator(schemes=["http", "https"])
UNKNOWN_SOURCE = "Unknown source"
# Marks an override row as complete: its empty cells clear what was detected.
FULL_ROW = "_full_row"


@dataclass
class LoadResult:
    outcome: str  # "imported", "updated" or "unchanged"
    article: Article
    comments_added: int = 0
    warnings: list[str] = field(default_factory=list)


class _DryRunRollback(Exception):
    """Raised inside the atomic block of a dry run so that nothing it wrote is kept."""


# --- overrides --------------------------------------------------------------------------------


def parse_override_date(value: str) -> tuple[date, str]:
    """A manifest date: YYYY-MM-DD, YYYY-MM or YYYY (nothing looser), with its precision."""
    parsed = parse_iso_partial_date(value)
    if parsed is None:
        raise ParseError(
            f"published {value.strip()!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"
        )
    return parsed


def split_author_names(value: str) -> list[str]:
    """Several authors in one cell: separated by ';' or ' and '."""
    return [name.strip() for name in _AUTHOR_SEPARATORS.split(value.strip()) if name.strip()]


def apply_overrides(doc: ParsedDocument, overrides: dict[str, str] | None) -> ParsedDocument:
    """A copy of `doc` where every non-empty override cell replaces what was detected.

    Keys present with an empty value in `overrides` mean "unknown" for the optional fields when
    the whole row comes from the admin's corrected preview (see FULL_ROW).
    """
    if not overrides:
        return doc
    if overrides.get(FULL_ROW):
        overrides = {k: v for k, v in overrides.items() if k != FULL_ROW}
        doc = copy.copy(doc)
        doc.kicker = doc.dek = doc.url = doc.source_url = ""
        doc.authors = []
        doc.published, doc.precision = None, ""
    unknown = set(overrides) - set(OVERRIDE_FIELDS) - {FULL_ROW}
    if unknown:
        raise ParseError(f"unknown override field(s): {', '.join(sorted(unknown))}")
    cells = {key: (value or "").strip() for key, value in overrides.items()}
    doc = copy.copy(doc)
    if cells.get("title"):
        doc.title = cells["title"]
    for key in ("kicker", "dek", "url", "source_url"):
        if cells.get(key):
            setattr(doc, key, cells[key])
    if cells.get("source"):
        doc.source_name = cells["source"]
    if cells.get("author"):
        doc.authors = split_author_names(cells["author"])
    if cells.get("published"):
        doc.published, doc.precision = parse_override_date(cells["published"])
    return doc


# --- validation -------------------------------------------------------------------------------


def _clean_text(value: str | None) -> str:
    # PostgreSQL refuses NUL in text columns; nothing legitimate needs one.
    return " ".join((value or "").replace("\x00", "").split())


def _check_url(value: str, label: str) -> str:
    value = _clean_text(value)
    if not value:
        return ""
    if len(value) > 1000:
        raise ParseError(f"the {label} is longer than 1,000 characters")
    if not _is_http_url(value):
        raise ParseError(f"the {label} {value[:200]!r} is not an http(s) address")
    return value


@functools.lru_cache(maxsize=1024)
def _is_http_url(value: str) -> bool:
    # Cached: every document of a source repeats its homepage, and Django's URL pattern is
    # one of the costlier steps of checking a document.
    try:
        _URL(value)
    except ValidationError:
        return False
    return True


def _check_length(value: str, limit: int, label: str) -> str:
    if len(value) > limit:
        raise ParseError(f"the {label} is longer than {limit:,} characters ({len(value):,})")
    return value


@dataclass
class _Fields:
    title: str
    kicker: str
    dek: str
    url: str
    source_name: str
    source_url: str
    authors: list[str]
    published: date | None
    precision: str
    body_html: str


def _fields(doc: ParsedDocument) -> _Fields:
    title = _check_length(_clean_text(doc.title), 500, "title")
    if not title:
        raise ParseError("the document has no title")
    authors = []
    for name in doc.authors:
        name = _check_length(_clean_text(name), 200, "author name")
        if name and name not in authors:
            authors.append(name)
    check_body_length(len(doc.body_html) or sum(len(p) for p in doc.paragraphs))
    if doc.body_html:
        body = doc.body_html
    else:
        body = paragraphs_to_html([p.replace("\x00", "") for p in doc.paragraphs])
    return _Fields(
        title=title,
        kicker=_check_length(_clean_text(doc.kicker), 200, "kicker"),
        dek=_check_length(_clean_text(doc.dek), 1000, "dek"),
        url=_check_url(doc.url, "article address"),
        source_name=_check_length(_clean_text(doc.source_name), 200, "source name"),
        source_url=_check_url(doc.source_url, "source homepage")[:500],
        authors=authors,
        published=doc.published,
        precision=doc.precision or DatePrecision.DAY,
        body_html=body,
    )


# --- loading ----------------------------------------------------------------------------------


def load_document(
    doc: ParsedDocument,
    *,
    file_name: str,
    sha256: str,
    format: str,
    user=None,
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
    session: ImportSession | None = None,
) -> LoadResult:
    """Save one parsed document (article, source, authors, comments, provenance) atomically.

    With `dry_run` everything is done and then rolled back, so the outcome is exact and nothing
    is kept. Raises ParseError for a document that cannot be saved (bad override, no title…).

    Alone, the document is its own transaction. Within a `session` (one import run) it is a
    savepoint in the session's current batch, and the session's caches spare looking up the
    same sources and authors again; either way a failure leaves nothing of the document.
    """
    doc, _ = clean_document(apply_overrides(doc, overrides))  # warnings kept in doc.warnings
    fields = _fields(doc)
    if session is None:
        with ImportSession() as alone:
            return load_document(
                doc,
                file_name=file_name,
                sha256=sha256,
                format=format,
                user=user,
                dry_run=dry_run,
                session=alone,
            )
    # A dry run's rows are rolled back at once: caching them would hand out ghosts.
    cache = LoadCache() if dry_run else session.cache
    session.begin()
    mark = session.mark()
    result: LoadResult | None = None
    try:
        with transaction.atomic():
            result = _load(
                doc,
                fields,
                file_name=file_name,
                sha256=sha256,
                fmt=format,
                user=user,
                cache=cache,
                session=session,
            )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        session.restore(mark)
    except BaseException:
        # Rows this document created are rolled back: the cache must not hand them out.
        cache.clear()
        session.restore(mark)
        raise
    finally:
        session.documents += 1
    assert result is not None
    result.warnings = list(doc.warnings)
    return result


def _load(doc: ParsedDocument, fields: _Fields, *, file_name, sha256, fmt, user, cache, session):
    source = _source(fields, cache)
    article, free_slug = _find_article(fields, source, cache)
    new_body = Article(title=fields.title)
    new_body.set_body(fields.body_html)
    user = user if user is not None and getattr(user, "pk", None) else None

    if article is None:
        article = new_body
        article.source = source
        article.kicker, article.dek, article.url = fields.kicker, fields.dek, fields.url
        article.published, article.published_precision = fields.published, fields.precision
        article.slug = free_slug
        # A new article's thread is exactly the parsed one, all published: its stats are known
        # before saving, which spares refresh_comment_stats' two queries per document.
        count, last = 0, None
        for _, comment in walk(doc.comments):
            count += 1
            if comment.created is not None and (last is None or comment.created > last):
                last = comment.created
        article.comment_count, article.last_comment_at = count, last
        insert_row(article)
        session.author_links.rows += [(article.pk, a.pk) for a in _authors(fields.authors, cache)]
        outcome = "imported"
    else:
        session.before_article_update()
        outcome = _update(article, fields, source, new_body, user, cache)

    added = _load_comments(
        article,
        doc.comments,
        html_bodies=doc.format in ("html", "feed"),
        is_new=outcome == "imported",
        session=session,
    )
    if added and outcome != "imported":
        session.flush()  # the stats count the comments just queued
        article.refresh_comment_stats()
        if outcome == "unchanged":
            outcome = "updated"
    elif outcome == "imported" and added != article.comment_count:
        session.flush()
        article.refresh_comment_stats()  # identical siblings were merged into one comment
    # "unchanged" comes only from an article found in the database, for which the queues
    # were flushed (before_article_update): the query sees this batch's provenance too.
    if (
        outcome != "unchanged"
        or not Provenance.objects.filter(article=article, sha256=sha256).exists()
    ):
        provenance = Provenance(
            article=article,
            file_name=file_name[:500],
            sha256=sha256,
            format=fmt,
            imported_by=user,
            outcome=outcome,
        )
        session.provenance.rows.append(row_values(provenance))
    return LoadResult(outcome=outcome, article=article, comments_added=added)


_SLUG_CANDIDATES = 8


@functools.cache
def _article_lookup_sql(vendor: str, by_url: bool, candidates: int) -> str:
    table = connection.ops.quote_name(Article._meta.db_table)
    if by_url:
        # The partial unique index's own condition, written as it is in the index: SQLite
        # only uses a partial index when the query repeats its WHERE clause term for term.
        identity = "url = %s AND NOT (url = '')"
    else:
        identity = "source_id = %s AND title = %s AND url = ''"
    return (
        f"SELECT 1, id, '' FROM {table} WHERE {identity} UNION ALL "
        f"SELECT 2, id, slug FROM {table} WHERE slug IN ({', '.join(['%s'] * candidates)})"
    )


def _find_article(fields: _Fields, source: Source, cache: LoadCache) -> tuple[Article | None, str]:
    """The article this document is (same URL, or without one the same source and title), and
    else a free slug for it: one round trip for both, each half following an index."""
    base = slug_base(fields.title)
    hint = (Article._meta.label, base)
    start = cache.slug_hints.get(hint, 1)
    candidates = [base if n == 1 else f"{base}-{n}" for n in range(start, start + _SLUG_CANDIDATES)]
    if fields.url:
        params = [fields.url]
    else:
        params = [source.pk, fields.title]
    sql = _article_lookup_sql(connection.vendor, bool(fields.url), len(candidates))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *candidates])
        rows = cursor.fetchall()
    same = [pk for kind, pk, _ in rows if kind == 1]
    if same:
        return Article.objects.get(pk=min(same)), ""
    taken = {slug for kind, _, slug in rows if kind == 2}
    for number, slug in enumerate(candidates, start=start):
        if slug not in taken:
            cache.slug_hints[hint] = number + 1
            return None, slug
    # All taken (a title imported many times): continue the search in growing batches.
    cache.slug_hints[hint] = start + _SLUG_CANDIDATES
    return None, unique_slug(Article, fields.title, hints=cache.slug_hints)


def _source(fields: _Fields, cache: LoadCache) -> Source:
    key = (fields.source_name.lower(), fields.source_url)
    if key in cache.sources:
        return cache.sources[key]
    cache.sources[key] = source = _find_or_create_source(fields, cache)
    return source


def _find_or_create_source(fields: _Fields, cache: LoadCache) -> Source:
    source = Source.objects.matching(fields.source_name, fields.source_url)
    if source is None:
        name = fields.source_name or domain_of(fields.source_url) or UNKNOWN_SOURCE
        source = Source.objects.matching(name)
        if source is None:
            source = Source(name=name, homepage=fields.source_url)
            source.slug = unique_slug(Source, name, hints=cache.slug_hints)
            source.save(force_insert=True)
    if fields.source_url and not source.homepage:
        source.homepage = fields.source_url
        source.save(update_fields=["homepage"])
    return source


def _authors(names: Iterable[str], cache: LoadCache) -> list[Author]:
    authors = []
    for name in names:
        if name not in cache.authors:
            author = Author.objects.filter(name=name).order_by("id").first()
            if author is None:
                author = Author(name=name, slug=unique_slug(Author, name, hints=cache.slug_hints))
                author.save(force_insert=True)
            cache.authors[name] = author
        authors.append(cache.authors[name])
    return authors


def _update(article: Article, fields: _Fields, source: Source, new: Article, user, cache) -> str:
    changed: list[str] = []
    if article.content_hash != new.content_hash:
        ArticleRevision.objects.create(
            article=article,
            title=article.title,
            body_html=article.body_html,
            body_text=article.body_text,
            content_hash=article.content_hash,
            created_by=user,
        )
        article.title = fields.title
        article.body_html, article.body_text = new.body_html, new.body_text
        article.word_count, article.content_hash = new.word_count, new.content_hash
        changed += ["title", "body_html", "body_text", "word_count", "content_hash"]
    for name, value in (
        ("source", source),
        ("kicker", fields.kicker),
        ("dek", fields.dek),
        ("published", fields.published),
    ):
        if getattr(article, name) != value:
            setattr(article, name, value)
            changed.append(name)
    if fields.published and article.published_precision != fields.precision:
        article.published_precision = fields.precision
        changed.append("published_precision")
    if changed:
        article.save(update_fields=[*changed, "updated"])
    wanted = _authors(fields.authors, cache)
    if {a.pk for a in wanted} != set(article.authors.values_list("pk", flat=True)):
        article.authors.set(wanted)
        changed.append("authors")
    return "updated" if changed else "unchanged"


# --- comments ---------------------------------------------------------------------------------


# A comment's identity: (its parent's node, author name, text). A node is an existing comment's
# id, or for a comment about to be inserted a negative number of its own; roots have node 0.
_Key = tuple[int, str, str]


def _existing_comment_keys(article: Article) -> dict[_Key, tuple[int, int]]:
    """key -> (id, number of children) for the article's comments."""
    rows = Comment.objects.filter(article=article).order_by("depth", "id")
    found: dict[_Key, int] = {}
    children: dict[int, int] = {}
    for pk, parent_id, name, body in rows.values_list(
        "id", "parent_id", "archived_author_name", "body_source"
    ):
        found[(parent_id or 0, name, body)] = pk
        if parent_id:
            children[parent_id] = children.get(parent_id, 0) + 1
    return {key: (pk, children.get(pk, 0)) for key, pk in found.items()}


def _comment_html(comment: ParsedComment, html_bodies: bool) -> str:
    if html_bodies and comment.body_html:
        return clean_html(comment.body_html)
    return paragraphs_to_html(comment.body.split("\n\n"))


def _load_comments(
    article: Article,
    roots: list[ParsedComment],
    *,
    html_bodies: bool,
    is_new: bool,
    session: ImportSession,
) -> int:
    """Insert the comments not yet present, parents before their replies."""
    if not roots:
        return 0
    existing = {} if is_new else _existing_comment_keys(article)
    root_count = 0 if is_new else Comment.objects.filter(article=article, parent=None).count()
    rows: list[NewComment] = []
    new_nodes: dict[_Key, tuple[NewComment, int]] = {}
    # The next free position under each node: after the replies a thread already has.
    next_position: dict[int, int] = {0: root_count}
    # Breadth first, one depth at a time: (parent, its node, depth, children).
    level: list[tuple[int | NewComment | None, int, int, list[ParsedComment]]] = [
        (None, 0, 0, roots)
    ]
    while level:
        next_level = []
        for parent, node, depth, children in level:
            for child in children:
                name = _clean_text(child.author_name)[:200]
                body = (child.body or "").replace("\x00", "").strip()
                check_body_length(len(body), "a comment")
                key = (node, name, body)
                if key in existing:
                    pk, count = existing[key]
                    next_position.setdefault(pk, count)
                    if child.children:
                        next_level.append((pk, pk, depth + 1, child.children))
                    continue
                if key in new_nodes:  # an identical sibling earlier: the same comment
                    row, row_node = new_nodes[key]
                    if child.children:
                        next_level.append((row, row_node, depth + 1, child.children))
                    continue
                position = next_position[node]
                next_position[node] = position + 1
                row = NewComment(
                    parent,
                    depth,
                    name,
                    body,
                    _comment_html(child, html_bodies),
                    child.created,
                    position,
                )
                rows.append(row)
                row_node = -len(rows)
                new_nodes[key] = (row, row_node)
                next_position[row_node] = 0
                if child.children:
                    next_level.append((row, row_node, depth + 1, child.children))
        level = next_level
    if rows:
        insert_comments(article, rows, session)
    return len(rows)
