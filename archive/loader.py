"""Save parsed documents: each document atomic on its own.

The parsers (archive/importers/) turn bytes into ParsedDocument dataclasses without touching the
database; this module maps them onto Source, Author, Article, ArticleRevision, Provenance and
the archived Comment tree. Everything a document writes happens inside one `transaction.atomic`
block (a savepoint when an ImportSession groups documents into batches), so a failure half-way
leaves nothing of it behind; in a batch, its comments, author links and provenance wait in the
session's queues for the batch's end, and a failure drops them there.

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
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from archive.cleaning import clean_document
from archive.importers.base import (
    ParsedComment,
    ParsedDocument,
    ParseError,
    check_body_length,
    parse_date,
    walk,
)
from archive.models import (
    Article,
    ArticleRevision,
    Author,
    CommentPolicy,
    DatePrecision,
    ImportFormat,
    Provenance,
    Source,
    domain_of,
    slug_base,
    unique_slug,
)
from comments.models import Comment, CommentRevision, CommentStatus, ThreadFollow
from moderation.models import (
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
from search.backends.base import DeferredArticles
from search.engine import backend as search_backend
from web import pagecache
from web.sanitize import clean_html, html_to_text, paragraphs_to_html

OVERRIDE_FIELDS = ("source", "source_url", "url", "published", "author", "title", "kicker", "dek")
_STRICT_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
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
    value = value.strip()
    parsed, precision = parse_date(value) if _STRICT_DATE.fullmatch(value) else (None, "")
    if parsed is None:
        raise ParseError(f"published {value!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    return parsed, precision


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


@dataclass
class LoadCache:
    """Sources and authors already found or created during one import run, and where each
    slug's numbering got to. Cleared whenever a document (or a batch) is rolled back."""

    sources: dict[tuple[str, str], Source] = field(default_factory=dict)
    authors: dict[str, Author] = field(default_factory=dict)
    slug_hints: dict[str, int] = field(default_factory=dict)

    def clear(self) -> None:
        self.sources.clear()
        self.authors.clear()
        self.slug_hints.clear()


class _Queue:
    """Rows for one table that wait for the batch's end, to be written in one statement.

    `rows[:written]` are in the database already: a read that needs the queued rows flushes
    them sooner, possibly inside a document's savepoint. Rolling that savepoint back undoes
    the write as well, so a mark holds both counts and restoring it puts back both.
    """

    def __init__(self, write: Callable[[list[tuple]], None]) -> None:
        self.write = write
        self.rows: list[tuple] = []
        self.written = 0

    def flush(self) -> None:
        if self.written < len(self.rows):
            self.write(self.rows[self.written :])
            self.written = len(self.rows)

    def mark(self) -> tuple[int, int]:
        return len(self.rows), self.written

    def restore(self, mark: tuple[int, int]) -> None:
        queued, written = mark
        del self.rows[queued:]
        self.written = min(self.written, written)

    def clear(self) -> None:
        self.rows.clear()
        self.written = 0


@dataclass
class _Mark:
    """Where a session stood before a document's savepoint."""

    index: int | None
    queues: list[tuple[int, int]]


# SQLite settings for an import session's connection (see ImportSession.__enter__).
SQLITE_IMPORT_PRAGMAS = {"mmap_size": 0, "cache_size": -65536, "wal_autocheckpoint": 16384}


class ImportSession:
    """What the documents of one import run share: a LoadCache, comment ids taken ahead from
    the PostgreSQL sequence, the transaction that holds their savepoints, and the rows that
    wait for the batch's end.

    A commit per document cost more than the document itself (a WAL write on SQLite, a flush
    to disk on PostgreSQL). A session instead groups documents in batches: one transaction of
    at most `batch_seconds` (or `batch_documents` documents), each document in its own
    savepoint, so a failing document is rolled back alone and the others are kept. A batch
    that cannot be committed is lost as a whole: `commit()` raises and the caller reports the
    batch's documents as failed. On SQLite the batch holds the write lock, so it stays short.

    A document's comments, author links and provenance are queued and written at the batch's
    end, one statement per table for the whole batch (a statement per document cost each one
    a round trip to PostgreSQL); a read that needs them (an update of an article imported
    earlier in the batch) writes them first.

    Use it as a context manager: the open batch is committed at the end, or rolled back when
    an exception leaves the block.
    """

    def __init__(self, *, batch_seconds: float = 0.5, batch_documents: int = 500) -> None:
        self.cache = LoadCache()
        self.batch_seconds = batch_seconds
        self.batch_documents = batch_documents
        self.documents = 0  # documents tried in the open batch
        self._batch: transaction.Atomic | None = None
        self._index_comments: Callable[[list[int]], None] | None = None
        self._articles: DeferredArticles | None = None  # the batch's articles not yet indexed
        self._written: list[int] = []  # ids of the open batch's comments (PostgreSQL)
        self._started = 0.0
        self._comment_ids: list[int] = []  # reserved, unused, highest first
        self._reserved = 0
        self._comment_sequence: str | None = None  # the comments' id sequence (PostgreSQL)
        self._sqlite_pragmas: dict[str, int] = {}  # those changed, with their values before
        self._next_sqlite_id: int | None = None  # the batch's next free comment id (SQLite)
        self.comments = _Queue(_write_comments)
        self.author_links = _Queue(_write_author_links)
        self.provenance = _Queue(_write_provenance)
        self._queues = (self.comments, self.author_links, self.provenance)

    def __enter__(self) -> ImportSession:
        if connection.vendor == "sqlite":
            # For the session's length only, each restored on the way out:
            # - no memory map: reads gain from it, an import's writes do not (measured), and
            #   every page of the file it touched would count as the importing process's memory;
            # - a page cache of 64 MiB rather than 2: a batch's changed pages then stay in
            #   memory until its commit instead of being written out as the cache fills, and
            #   written again when changed again (a third fewer writes, measured);
            # - the WAL checkpointed every 64 MiB instead of every 4: each checkpoint flushes
            #   the database file to disk and rewrites the pages every batch touches (the
            #   indexes' upper levels), so fewer of them halve the commits' time (measured).
            self._sqlite_pragmas = {}
            with connection.cursor() as cursor:
                for name, value in SQLITE_IMPORT_PRAGMAS.items():
                    cursor.execute(f"PRAGMA {name}")
                    row = cursor.fetchone()  # none for mmap_size on a database in memory
                    if row is not None and row[0] != value:
                        self._sqlite_pragmas[name] = row[0]
                        cursor.execute(f"PRAGMA {name}={value}")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            if self._sqlite_pragmas:
                with connection.cursor() as cursor:
                    for name, value in self._sqlite_pragmas.items():
                        cursor.execute(f"PRAGMA {name}={int(value)}")
                    if "wal_autocheckpoint" in self._sqlite_pragmas and not (
                        exc_type or connection.in_atomic_block
                    ):
                        # What the session wrote goes into the database file now, as the
                        # usual checkpoints would have done along the way; PASSIVE never
                        # waits for the site's readers.
                        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def begin(self) -> None:
        """Open a batch unless one is open."""
        if self._batch is not None:
            return
        outermost = not connection.in_atomic_block
        self._batch = transaction.atomic()
        self._batch.__enter__()
        self._started = time.monotonic()
        self.documents = 0
        self._next_sqlite_id = None
        if outermost and connection.vendor == "postgresql":
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, a
            # broken reference would sink the whole batch. Checked per statement instead, it
            # fails inside its document's savepoint and rolls back that document only.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Index the batch's comments (and, where that pays, its articles) for search at its
        # end, all at once.
        self._index_comments = search_backend().defer_comment_indexing()
        self._articles = search_backend().defer_article_indexing()
        self._written = []

    @property
    def batch_is_due(self) -> bool:
        return self._batch is not None and (
            self.documents >= self.batch_documents
            or time.monotonic() - self._started >= self.batch_seconds
        )

    def commit(self) -> None:
        """Commit the open batch; on failure it is rolled back, forgotten, and re-raised."""
        batch, self._batch = self._batch, None
        index_comments, self._index_comments = self._index_comments, None
        articles, self._articles = self._articles, None
        self.documents = 0
        if batch is None:
            return
        try:
            try:
                self.flush()
                if articles is not None:
                    articles.finish()
                index_comments(self._written)
            except BaseException as exc:
                batch.__exit__(type(exc), exc, exc.__traceback__)
                raise
            batch.__exit__(None, None, None)
        except BaseException:
            self.cache.clear()
            raise
        finally:
            for queue in self._queues:
                queue.clear()
        pagecache.changed()  # the rows went in without model signals

    def rollback(self) -> None:
        batch, self._batch = self._batch, None
        self._index_comments = self._articles = None  # the rollback restores the triggers
        self.documents = 0
        self.cache.clear()
        for queue in self._queues:
            queue.clear()
        if batch is not None:
            batch.__exit__(_BatchRollback, _BatchRollback(), None)

    def mark(self) -> _Mark:
        """Where the deferred article indexing and the queues stand, before a document's
        savepoint."""
        index = self._articles.mark() if self._articles is not None else None
        return _Mark(index, [queue.mark() for queue in self._queues])

    def restore(self, mark: _Mark) -> None:
        """After a document's savepoint rolled back: its indexing and its rows went with it."""
        if self._articles is not None and mark.index is not None:
            self._articles.restore(mark.index)
        for queue, queue_mark in zip(self._queues, mark.queues, strict=True):
            queue.restore(queue_mark)

    def flush(self) -> None:
        """Write the queued rows now."""
        for queue in self._queues:
            queue.flush()

    def before_article_update(self) -> None:
        """Before an article found in the database is compared and updated: its authors,
        comments and provenance may still wait in the queues (imported earlier in this batch),
        and the engine's update trigger expects the row indexed already."""
        self.flush()
        if self._articles is not None:
            self._articles.index_new()

    def comment_ids(self, count: int) -> list[int]:
        """`count` fresh ids for new comments, increasing."""
        if connection.vendor == "sqlite":
            return self._sqlite_comment_ids(count)
        return self._sequence_comment_ids(count)

    def _sqlite_comment_ids(self, count: int) -> list[int]:
        # The batch holds the write lock from its first write to its commit (transactions
        # begin IMMEDIATE), so no other writer can take these ids: the highest id is read once
        # per batch. Never reuse an id that AUTOINCREMENT handed out before, even if its row
        # was deleted. Ids of a document rolled back are skipped, as AUTOINCREMENT would.
        if self._next_sqlite_id is None:
            table = Comment._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT MAX(COALESCE((SELECT MAX(id) FROM "
                    f"{connection.ops.quote_name(table)}), 0), "
                    "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                    [table],
                )
                self._next_sqlite_id = cursor.fetchone()[0] + 1
        start = self._next_sqlite_id
        self._next_sqlite_id += count
        return list(range(start, start + count))

    def _sequence_comment_ids(self, count: int) -> list[int]:
        """`count` fresh ids from the comments' sequence (PostgreSQL).

        Taken ahead in growing blocks (at most 1,000 beyond the need), one round trip per
        block rather than per document. A sequence never hands an id out twice, even when the
        transaction that took it rolls back, so the reserve stays valid across batches; ids
        left unused at the end are a gap, as after any rollback.
        """
        if len(self._comment_ids) < count:
            extra = min(max(self._reserved, count), 1000)
            with connection.cursor() as cursor:
                if self._comment_sequence is None:
                    # Looked up once: called in the block's query, pg_get_serial_sequence read
                    # the catalog again for every id (4.8 ms for 1,050 ids instead of 0.5).
                    cursor.execute(
                        "SELECT pg_get_serial_sequence(%s, 'id')", [Comment._meta.db_table]
                    )
                    self._comment_sequence = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                    [self._comment_sequence, count - len(self._comment_ids) + extra],
                )
                fresh = [value for (value,) in cursor.fetchall()]
            self._reserved += len(fresh)
            self._comment_ids = sorted([*self._comment_ids, *fresh], reverse=True)
        taken = self._comment_ids[-count:][::-1]
        del self._comment_ids[-count:]
        self._written += taken
        return taken


class _BatchRollback(Exception):
    """Handed to the batch's atomic block to make it roll back."""


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
        _insert(article)
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
        session.provenance.rows.append(_row_values(provenance))
    return LoadResult(outcome=outcome, article=article, comments_added=added)


# --- statements of the common case ------------------------------------------------------------
# A new article costs a handful of statements. Built by the ORM, each cost far more CPU than the
# database spent running it (about a millisecond, most of a document's budget), so these few
# are written once here, parameterized, from the models' own metadata.


def _insert(obj: models.Model) -> None:
    """INSERT a new row as `obj.save(force_insert=True)` would, without the query compiler.

    Every concrete field is written through its own pre_save and get_db_prep_save (defaults,
    auto_now, time zones), so a field added later is written too. No model signals are sent:
    nothing in Agora listens to these models' saves (database triggers still fire).
    """
    meta = obj._meta
    db = connections[DEFAULT_DB_ALIAS]
    if not db.features.can_return_columns_from_insert or not meta.pk.db_returning:
        obj.save(force_insert=True)
        return
    columns = tuple(f.column for f in _inserted_fields(type(obj)))
    sql = _insert_sql(db.vendor, meta.db_table, columns, meta.pk.column)
    with db.cursor() as cursor:
        cursor.execute(sql, _row_values(obj))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias


@functools.cache
def _insert_sql(vendor: str, table: str, columns: tuple[str, ...], returning: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(returning)}"
    )


def _insert_many(table: str, columns: Iterable[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    columns = [quote(c) for c in columns]
    with connection.cursor() as cursor:
        # One statement for the batch: executemany runs in-process on SQLite and as one
        # pipeline of round trips on PostgreSQL (psycopg).
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            rows,
        )


def _write_author_links(rows: list[tuple]) -> None:
    """(article id, author id) pairs."""
    through = Article.authors.through._meta
    columns = (through.get_field("article").column, through.get_field("author").column)
    _insert_many(through.db_table, columns, rows)


def _inserted_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f is not model._meta.pk]


def _row_values(obj: models.Model) -> tuple:
    """A new row's values for its `_inserted_fields`, each through its own pre_save and
    get_db_prep_save (defaults, auto_now, time zones)."""
    # The connection itself, not django.db.connection's proxy: each field reads it a few times
    # and through the proxy every read was a thread-local lookup.
    db = connections[DEFAULT_DB_ALIAS]
    return tuple(f.get_db_prep_save(f.pre_save(obj, True), db) for f in _inserted_fields(type(obj)))


def _write_provenance(rows: list[tuple]) -> None:
    fields = _inserted_fields(Provenance)
    _insert_many(Provenance._meta.db_table, [f.column for f in fields], rows)


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


@dataclass(eq=False)
class _NewComment:
    parent: int | _NewComment | None  # an existing comment's id, a new comment, or a root
    depth: int
    name: str
    body: str
    html: str
    created: datetime | None
    position: int
    pk: int | None = None

    @property
    def parent_id(self) -> int | None:
        return self.parent.pk if isinstance(self.parent, _NewComment) else self.parent


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
    rows: list[_NewComment] = []
    new_nodes: dict[_Key, tuple[_NewComment, int]] = {}
    # The next free position under each node: after the replies a thread already has.
    next_position: dict[int, int] = {0: root_count}
    # Breadth first, one depth at a time: (parent, its node, depth, children).
    level: list[tuple[int | _NewComment | None, int, int, list[ParsedComment]]] = [
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
                row = _NewComment(
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
        _insert_comments(article, rows, session)
    return len(rows)


def _insert_comments(article: Article, rows: list[_NewComment], session: ImportSession) -> None:
    """Queue the thread's rows, with ids reserved up front, for the batch's one statement.

    The ORM's bulk_create (one per depth, to learn the parents' ids) spent most of an import's
    time building model instances; reserving the ids lets one executemany (SQLite) or COPY
    (PostgreSQL) write the rows in parent-first order. Other databases use bulk_create per
    depth, at once.
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        _insert_comments_by_depth(article, rows)
        return
    for row, pk in zip(rows, session.comment_ids(len(rows)), strict=True):
        row.pk = pk
    adapt = connection.ops.adapt_datetimefield_value
    session.comments.rows += [
        (
            row.pk,
            article.pk,
            row.parent.pk if isinstance(row.parent, _NewComment) else row.parent,
            row.depth,
            row.name,
            row.body,
            row.html,
            adapt(row.created) if row.created is not None else None,
            row.position,
        )
        for row in rows
    ]


def _comment_shared_values() -> tuple[list[tuple[str, str | None]], tuple]:
    """The values every imported comment shares: [(column, SQL literal or None)], and the
    values to bind after each row's own, for the columns without a literal.

    Columns this code does not set get their model default, so a field added to Comment later
    still gets a value. On SQLite the shared values are written into the statement where SQL
    spells them plainly (NULL, integers): binding None or a bool costs sqlite3 an adapter
    lookup per row, a third of the binding. PostgreSQL's COPY takes every value as data.
    """
    shared = [
        ("is_archived", True),
        ("status", CommentStatus.PUBLISHED.value),
        *(
            (f.column, f.get_db_prep_save(f.get_default(), connection))
            for f in Comment._meta.concrete_fields
            if f.attname not in _OWN_COMMENT_COLUMNS and f.column not in ("is_archived", "status")
        ),
    ]
    sqlite = connection.vendor == "sqlite"
    literals = [(column, _sql_literal(value) if sqlite else None) for column, value in shared]
    bound = tuple(v for (_, v), (_, lit) in zip(shared, literals, strict=True) if lit is None)
    return literals, bound


def _write_comments(rows: list[tuple]) -> None:
    """Queued comments: each row its _OWN_COMMENT_COLUMNS, the shared values added here."""
    literals, bound = _comment_shared_values()
    if bound:
        rows = [(*row, *bound) for row in rows]
    quote = connection.ops.quote_name
    table = quote(Comment._meta.db_table)
    columns = ", ".join(quote(c) for c in (*_OWN_COMMENT_COLUMNS, *(c for c, _ in literals)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # In-process: executemany costs no round trips.
            marks = ["%s"] * len(_OWN_COMMENT_COLUMNS) + [lit or "%s" for _, lit in literals]
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(marks)})", rows)
            return
        # PostgreSQL's bulk path: the rows stream as COPY data, one round trip, no SQL text to
        # build or parse (a multi-row INSERT spent more time quoting 850 parameters than the
        # server spent storing them). Row triggers fire as for INSERT.
        copy_rows(cursor, f"COPY {table} ({columns}) FROM STDIN", rows)


# The columns each imported comment has a value of its own for, in the order of the rows
# _insert_comments builds.
_OWN_COMMENT_COLUMNS = (
    "id",
    "article_id",
    "parent_id",
    "depth",
    "archived_author_name",
    "body_source",
    "body_html",
    "created",
    "position",
)


def _sql_literal(value) -> str | None:
    """`value` as an SQL literal when it is NULL, a boolean or an integer; else None (bind it)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return None


def copy_rows(cursor, sql: str, rows: list[tuple]) -> None:
    """Stream `rows` to PostgreSQL's COPY … FROM STDIN (which Django's execute wrappers do
    not see: the import benchmark times this function to count it as database time)."""
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_comments_by_depth(article: Article, rows: list[_NewComment]) -> None:
    for depth in sorted({row.depth for row in rows}):
        level = [row for row in rows if row.depth == depth]
        objects = [
            Comment(
                article=article,
                parent_id=row.parent_id,
                depth=row.depth,
                is_archived=True,
                archived_author_name=row.name,
                body_source=row.body,
                body_html=row.html,
                status=CommentStatus.PUBLISHED,
                created=row.created,
                position=row.position,
            )
            for row in level
        ]
        Comment.objects.bulk_create(objects, batch_size=500)
        for row, obj in zip(level, objects, strict=True):
            row.pk = obj.pk


# --- restoring an export ----------------------------------------------------------------------
#
# One function per line type (RESTORERS), each turning a validated record into an unsaved row
# with the export's primary key (or None when the row cannot be kept, with a warning). Rows of
# one type are inserted in batches; the file lists parents before children, so every batch
# refers only to rows already inserted. Users and the moderation settings are written at once,
# since later lines look them up.


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
                raise ParseError(
                    "a JSON Lines export can only be restored into an empty archive; this one "
                    "already has sources, articles, comments or moderation history"
                )
            result = _restore(records, trusted=trusted)
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
        from django.contrib.auth import get_user_model

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
    counts = {kind: 0 for kind in RESTORERS}
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
        row = RESTORERS[record["type"]](record, ctx)
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


def _published(value: str | None) -> tuple[date | None, str]:
    if value is None:
        return None, DatePrecision.DAY
    return parse_override_date(value)


def _when(record: dict, name: str) -> datetime | None:
    value = record.get(name)
    return datetime.fromisoformat(value) if value else None


def _restore_user(record: dict, ctx: _RestoreContext) -> None:
    """An account: the existing one of the same username is kept as it is; otherwise created
    with the export's id (when free), a public profile, and its private data when the file
    has it and the restorer may write it. Without a password hash it cannot log in until a
    password is set (`changepassword`, or "Forgot your password?" once it has an address)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import Profile

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
        date_joined=_when(record, "date_joined"),
        is_active=record["is_active"],
        password=record["password"] if private else make_password(None),
    )
    if not User.objects.filter(pk=record["id"]).exists():
        account.pk = record["id"]
    else:
        ctx.warnings.append(f"user {username!r}: id {record['id']} is taken here; given a new id")
    if private:
        account.email = record["email"]
        account.first_name = record["first_name"]
        account.last_name = record["last_name"]
        account.is_staff = record["is_staff"]
        account.is_superuser = record["is_superuser"]
        account.last_login = _when(record, "last_login")
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


def _restore_site_rule(record: dict, ctx: _RestoreContext) -> SiteRule:
    if not ctx.replaced_rules:
        # The migration's default rules give way to the file's (nothing refers to them yet:
        # the moderation log is empty, or the restore would have been refused).
        SiteRule.objects.all().delete()
        ctx.replaced_rules = True
    return SiteRule(
        pk=record["id"],
        title=record["title"],
        description=record["description"],
        order=record["order"],
    )


def _restore_moderation_settings(record: dict, ctx: _RestoreContext) -> None:
    ModerationSettings.objects.all().delete()
    ModerationSettings.objects.create(
        pk=record["id"],
        banned_words=record["banned_words"],
        suspect_words=record["suspect_words"],
        new_account_approvals=record["new_account_approvals"],
        max_links=record["max_links"],
        repeat_window_minutes=record["repeat_window_minutes"],
        updated=_when(record, "updated"),
    )
    return None


def _restore_source(record: dict, ctx: _RestoreContext) -> Source:
    return Source(
        pk=record["id"],
        name=record["name"],
        slug=record["slug"],
        homepage=_check_url(record["homepage"], "home page"),
        domain=domain_of(record["homepage"]),
        description=record["description"],
        created=_when(record, "created"),
    )


def _restore_author(record: dict, ctx: _RestoreContext) -> Author:
    return Author(
        pk=record["id"], name=record["name"], slug=record["slug"], created=_when(record, "created")
    )


def _restore_article(record: dict, ctx: _RestoreContext) -> Article:
    _check_choice(record, "comment_policy", CommentPolicy.values)
    published, precision = _published(record["published"])
    article = Article(
        pk=record["id"],
        source_id=record["source"],
        title=record["title"],
        kicker=record["kicker"],
        dek=record["dek"],
        slug=record["slug"],
        url=_check_url(record["url"], "original address"),
        published=published,
        published_precision=precision,
        comment_policy=record["comment_policy"],
        discussion_locked=record["discussion_locked"],
        discussion_closes_at=_when(record, "discussion_closes_at"),
        created=_when(record, "created"),
    )
    article.set_body(record["body"])
    return article


def _restore_revision(record: dict, ctx: _RestoreContext) -> ArticleRevision:
    body_html = clean_html(record["body"])
    body_text = html_to_text(body_html)
    return ArticleRevision(
        pk=record["id"],
        article_id=record["article"],
        title=record["title"],
        body_html=body_html,
        body_text=body_text,
        content_hash=Article.hash_content(record["title"], body_text),
        created=_when(record, "created"),
        created_by_id=ctx.user_id(record["created_by"]),
    )


def _restore_provenance(record: dict, ctx: _RestoreContext) -> Provenance:
    _check_choice(record, "format", ImportFormat.values)
    return Provenance(
        pk=record["id"],
        article_id=record["article"],
        file_name=record["file_name"],
        sha256=record["sha256"],
        format=record["format"],
        imported_at=_when(record, "imported_at"),
        imported_by_id=ctx.user_id(record["imported_by"]),
        outcome=record["outcome"],
    )


def _restore_comment(record: dict, ctx: _RestoreContext) -> Comment:
    _check_choice(record, "status", CommentStatus.values)
    return Comment(
        pk=record["id"],
        article_id=record["article"],
        parent_id=record["parent"],
        depth=record["depth"],
        user_id=ctx.user_id(record["user"]),
        archived_author_name=record["author_name"] or "",
        is_archived=record["archived"],
        body_source=record["body_source"],
        body_html=clean_html(record["body"]),
        status=record["status"],
        created=_when(record, "created"),
        position=record["position"],
    )


def _restore_comment_revision(record: dict, ctx: _RestoreContext) -> CommentRevision:
    return CommentRevision(
        pk=record["id"],
        comment_id=record["comment"],
        body_source=record["body_source"],
        body_html=clean_html(record["body"]),
        created=_when(record, "created"),
        editor_id=ctx.user_id(record["editor"]),
    )


def _restore_follow(record: dict, ctx: _RestoreContext) -> ThreadFollow | None:
    user_id = ctx.required_user_id(record, "user")
    if user_id is None:
        return None
    return ThreadFollow(
        pk=record["id"],
        user_id=user_id,
        article_id=record["article"],
        created=_when(record, "created"),
    )


def _restore_hold(record: dict, ctx: _RestoreContext) -> Hold:
    _check_choice(record, "rule", HoldRule.values)
    return Hold(
        pk=record["id"],
        comment_id=record["comment"],
        rule=record["rule"],
        detail=record["detail"],
        created=_when(record, "created"),
        resolved=record["resolved"],
    )


def _restore_flag(record: dict, ctx: _RestoreContext) -> Flag | None:
    _check_choice(record, "reason", FlagReason.values)
    reader_id = ctx.required_user_id(record, "reader")
    if reader_id is None:
        return None
    return Flag(
        pk=record["id"],
        comment_id=record["comment"],
        reader_id=reader_id,
        reason=record["reason"],
        note=record["note"],
        created=_when(record, "created"),
        resolved=record["resolved"],
    )


def _restore_standing_change(record: dict, ctx: _RestoreContext) -> StandingChange | None:
    _check_choice(record, "kind", StandingKind.values)
    user_id = ctx.required_user_id(record, "user")
    if user_id is None:
        return None
    return StandingChange(
        pk=record["id"],
        user_id=user_id,
        kind=record["kind"],
        until=_when(record, "until"),
        reason=record["reason"],
        moderator_id=ctx.user_id(record["moderator"]),
        created=_when(record, "created"),
    )


def _restore_user_note(record: dict, ctx: _RestoreContext) -> UserNote | None:
    user_id = ctx.required_user_id(record, "user")
    if user_id is None:
        return None
    return UserNote(
        pk=record["id"],
        user_id=user_id,
        author_id=ctx.user_id(record["author"]),
        body=record["body"],
        created=_when(record, "created"),
    )


def _restore_log_entry(record: dict, ctx: _RestoreContext) -> LogEntry:
    # Inserted with its own id and time: the log's triggers refuse updates and deletes only.
    _check_choice(record, "action", LogAction.values)
    return LogEntry(
        pk=record["id"],
        actor_id=ctx.user_id(record["actor"]),
        created=_when(record, "created"),
        action=record["action"],
        comment_id=record["comment"],
        user_id=ctx.user_id(record["user"]),
        article_id=record["article"],
        rule_id=record["rule"],
        rule_title=record["rule_title"],
        reason=record["reason"],
        before=record["before"],
        after=record["after"],
    )


RESTORERS: dict[str, Callable[[dict, _RestoreContext], object | None]] = {
    "user": _restore_user,
    "site_rule": _restore_site_rule,
    "moderation_settings": _restore_moderation_settings,
    "source": _restore_source,
    "author": _restore_author,
    "article": _restore_article,
    "revision": _restore_revision,
    "provenance": _restore_provenance,
    "comment": _restore_comment,
    "comment_revision": _restore_comment_revision,
    "follow": _restore_follow,
    "hold": _restore_hold,
    "flag": _restore_flag,
    "standing_change": _restore_standing_change,
    "user_note": _restore_user_note,
    "log_entry": _restore_log_entry,
}


def _check_choice(record: dict, name: str, allowed: list[str]) -> None:
    if name in record and record[name] not in allowed:
        raise ParseError(
            f"{record['type']} {record['id']} has an unknown {name} {record[name]!r:.40} "
            f"(one of: {', '.join(allowed)})"
        )


def _reset_sequences() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style

    from accounts.models import Profile

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
