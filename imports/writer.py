"""The import's bulk writer: how the documents of one run reach the database quickly.

imports/loader.py decides what a document becomes (which article, which new comments); this
module writes it. An ImportSession groups documents into short batch transactions, each
document in a savepoint; a document's comments, author links and provenance wait in queues
for the batch's end and go in as one statement per table (executemany on SQLite, COPY on
PostgreSQL), with comment ids reserved ahead from the sequence. The SQL is written once here,
parameterized, from the models' own metadata.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from archive.models import Article, Author, Provenance, Source
from comments.models import Comment, CommentStatus
from search.backends.base import DeferredArticles
from search.engine import backend as search_backend
from web import pagecache


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


# --- statements of the common case ------------------------------------------------------------
# A new article costs a handful of statements. Built by the ORM, each cost far more CPU than the
# database spent running it (about a millisecond, most of a document's budget), so these few
# are written once here, parameterized, from the models' own metadata.


def insert_row(obj: models.Model) -> None:
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
        cursor.execute(sql, row_values(obj))
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


def row_values(obj: models.Model) -> tuple:
    """A new row's values for its `_inserted_fields`, each through its own pre_save and
    get_db_prep_save (defaults, auto_now, time zones)."""
    # The connection itself, not django.db.connection's proxy: each field reads it a few times
    # and through the proxy every read was a thread-local lookup.
    db = connections[DEFAULT_DB_ALIAS]
    return tuple(f.get_db_prep_save(f.pre_save(obj, True), db) for f in _inserted_fields(type(obj)))


def _write_provenance(rows: list[tuple]) -> None:
    fields = _inserted_fields(Provenance)
    _insert_many(Provenance._meta.db_table, [f.column for f in fields], rows)


@dataclass(eq=False)
class NewComment:
    parent: int | NewComment | None  # an existing comment's id, a new comment, or a root
    depth: int
    name: str
    body: str
    html: str
    created: datetime | None
    position: int
    pk: int | None = None

    @property
    def parent_id(self) -> int | None:
        return self.parent.pk if isinstance(self.parent, NewComment) else self.parent


def insert_comments(article: Article, rows: list[NewComment], session: ImportSession) -> None:
    """Queue the thread's rows, with ids reserved up front, for the batch's one statement.

    The ORM's bulk_create (one per depth, to learn the parents' ids) spent most of an import's
    time building model instances; reserving the ids lets one executemany (SQLite) or COPY
    (PostgreSQL) write the rows in parent-first order. Other databases use bulk_create per
    depth, at once.
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        insert_comments_by_depth(article, rows)
        return
    for row, pk in zip(rows, session.comment_ids(len(rows)), strict=True):
        row.pk = pk
    adapt = connection.ops.adapt_datetimefield_value
    session.comments.rows += [
        (
            row.pk,
            article.pk,
            row.parent.pk if isinstance(row.parent, NewComment) else row.parent,
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


def insert_comments_by_depth(article: Article, rows: list[NewComment]) -> None:
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
