"""The import benchmark (`manage.py bench import [--quick]`)."""

from __future__ import annotations

import datetime
import random
import resource
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import override_settings

from bench.registry import database_time, register, target
from imports.parsers.base import ParsedComment, ParsedDocument
from imports.parsers.text import parse_text, write_text
from search.backends.sqlite import FTS_TABLES
from search.engine import backend as search_backend
from search.sql import ARTICLE_HEAD_VECTOR, ARTICLE_VECTOR, COMMENT_VECTOR

WORDS = (
    "harbour council ferry library quay budget tide season evidence traffic lane garden "
    "winter timetable record archive reader letter opinion trial survey vote market river"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _thread(rng: random.Random, total: int) -> list[ParsedComment]:
    """`total` comments, replies up to five levels deep."""
    roots: list[ParsedComment] = []
    chain: list[ParsedComment] = []
    for number in range(total):
        comment = ParsedComment(
            author_name=f"Reader {rng.randint(1, 400)}",
            body=" ".join(_sentence(rng, 12) for _ in range(rng.randint(1, 3))),
        )
        depth = rng.randint(0, min(len(chain), 5)) if number else 0
        del chain[depth:]
        (chain[-1].children if chain else roots).append(comment)
        chain.append(comment)
    return roots


def generate(folder: Path, count: int, comments: int, seed: int = 7) -> int:
    """Write `count` text articles into `folder`, one at a time; return the bytes written."""
    rng = random.Random(seed)
    written = 0
    for number in range(count):
        doc = ParsedDocument(
            title=f"Bench article {number}: {_sentence(rng, 5)}",
            paragraphs=[" ".join(_sentence(rng, 18) for _ in range(4)) for _ in range(8)],
            kicker="Bench",
            source_name=f"Bench Source {number % 20}",
            source_url=f"https://source{number % 20}.example.org",
            authors=[f"Writer {number % 50}"],
            url=f"https://source{number % 20}.example.org/{number}",
            published=datetime.date(2000 + number % 25, 1 + number % 12, 1 + number % 28),
            precision="day",
            comments=_thread(rng, comments),
        )
        data = write_text(doc).encode()
        (folder / f"{number:05d}.txt").write_bytes(data)
        written += len(data)
    return written


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The tables an import fills, copied by storage_floor (the search tables apart).
FLOOR_TABLES = (
    "archive_article",
    "archive_article_authors",
    "archive_provenance",
    "comments_comment",
)
FLOOR_PREFIX = "bench_floor_"


def storage_floor() -> float:
    """Seconds the database takes to store what the import stored, with none of the import's
    own work: the imported rows copied by INSERT … SELECT into empty tables with the same
    indexes, their search index built from the copies as the site builds it, all committed.

    No Python per row, no statement per document: no way of importing these rows costs the
    database less, so against the parse time it tells how far down the database part can go.
    The copies are dropped afterwards.
    """
    from imports.writer import ImportSession

    copies = {table: FLOOR_PREFIX + table for table in FLOOR_TABLES}
    start = time.perf_counter()
    # The import session's settings (SQLite's page cache, checkpoints), as for the import. On
    # failure the transaction takes the copies with it.
    with ImportSession(), transaction.atomic(), connection.cursor() as cursor:
        for table, copy in copies.items():
            _create_copy(cursor, table, copy)
            # Row by row, in the order they were written: the ORDER BY also keeps SQLite from
            # copying an identical table's records and index entries as they are, which no
            # import can do.
            cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table} ORDER BY id")
        _index_copies(cursor)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        for name in [*_floor_search_tables(), *copies.values()]:
            cursor.execute(f"DROP TABLE {name}")
    return seconds


def _create_copy(cursor, table: str, copy: str) -> None:
    """An empty table shaped as `table`, with its indexes but not its triggers."""
    if connection.vendor == "postgresql":
        # Constraints, defaults and indexes; no foreign keys, no triggers.
        cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        return
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
        "AND type IN ('table', 'index') ORDER BY type = 'index'",
        [table],
    )
    for kind, name, sql in cursor.fetchall():
        renamed = (copy, FLOOR_PREFIX + name)[kind == "index"]
        # The statement's first quoted name is the one it creates, and an index's next one
        # is its table's; a foreign key keeps pointing at the original table's rows.
        sql = sql.replace(f'"{name}"', f'"{renamed}"', 1)
        if kind == "index":
            sql = sql.replace(f'ON "{table}"', f'ON "{copy}"', 1)
        cursor.execute(sql)


def _floor_search_tables() -> list[str]:
    if connection.vendor == "postgresql":
        names = ["search_article_document", "search_article_head", "search_comment_document"]
    else:
        names = list(FTS_TABLES)
    return [FLOOR_PREFIX + name for name in names]


def _index_copies(cursor) -> None:
    if connection.vendor == "postgresql":
        articles, comments = FLOOR_PREFIX + "archive_article", FLOOR_PREFIX + "comments_comment"
        for table, columns, select in (
            ("search_article_document", "article_id, document", ARTICLE_VECTOR),
            ("search_article_head", "article_id, head", ARTICLE_HEAD_VECTOR),
        ):
            copy = FLOOR_PREFIX + table
            cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            cursor.execute(
                f"INSERT INTO {copy} ({columns}) SELECT id, {select.format(p='')} FROM {articles}"
            )
        copy = FLOOR_PREFIX + "search_comment_document"
        cursor.execute(f"CREATE TABLE {copy} (LIKE search_comment_document INCLUDING ALL)")
        cursor.execute(
            f"INSERT INTO {copy} (comment_id, document, published, article_id) "
            f"SELECT id, {COMMENT_VECTOR.format(p='')}, status = 'published', article_id "
            f"FROM {comments}"
        )
        return
    for fts, (original, columns, _) in FTS_TABLES.items():
        content = FLOOR_PREFIX + original
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts])
        (sql,) = cursor.fetchone()
        sql = sql.replace(fts, FLOOR_PREFIX + fts, 1).replace(
            f"content='{original}'", f"content='{content}'", 1
        )
        cursor.execute(sql)
        names = ", ".join(columns)
        cursor.execute(
            f"INSERT INTO {FLOOR_PREFIX + fts}(rowid, {names}) SELECT id, {names} FROM {content}"
        )


@register("import")
def import_bench(*, quick: bool, log) -> dict:
    """Import generated text articles with 50 comments each into a throwaway database."""
    from imports.pipeline import import_paths

    count, per_article = (100, 50) if quick else (2000, 50)
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        log(f"writing {count} articles with {per_article} comments each…")
        size = generate(folder, count, per_article)

        log("parsing only…")
        start = time.perf_counter()
        for path in sorted(folder.iterdir()):
            parse_text(path.read_bytes())
        parse_seconds = time.perf_counter() - start

        # Never the development database: a test database made for this run, then dropped.
        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tmp) / "bench.db")
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            log(f"importing into {connection.vendor} ({connection.settings_dict['NAME']})…")
            # As in production: with DEBUG on, Django also logs every statement it runs.
            with override_settings(DEBUG=False), database_time("imports.writer.copy_rows") as db:
                start = time.perf_counter()
                summary = import_paths([folder], format="text")
                whole_seconds = time.perf_counter() - start
            peak = _peak_mb()  # the import's, before the rebuild below reads every row
            floor_seconds = storage_floor()
            # Where the database part goes: indexing these rows for search, timed as one
            # rebuild of the index over them (the import indexes them in batches instead).
            start = time.perf_counter()
            search_backend().rebuild()
            index_seconds = time.perf_counter() - start
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    if summary.failed:
        raise RuntimeError(f"the benchmark import failed: {summary.failures[:3]}")
    comments = count * per_article
    ratio = whole_seconds / parse_seconds if parse_seconds else 0.0
    # The whole is parsing + the database's own work + our Python between the two (checking
    # fields, building rows, sanitizing); the database part is timed statement by statement.
    database_ratio = db.seconds / parse_seconds if parse_seconds else 0.0
    loader_seconds = whole_seconds - db.seconds - parse_seconds
    return {
        "database": connection.vendor,
        "documents": count,
        "comments": comments,
        "megabytes_of_text": round(size / 1e6, 1),
        "imported": summary.imported,
        "parse_only_seconds": round(parse_seconds, 2),
        "whole_seconds": round(whole_seconds, 2),
        "documents_per_second": round(count / whole_seconds, 1),
        "comments_per_second": round(comments / whole_seconds, 1),
        "whole_to_parse_ratio": round(ratio, 2),
        "database_seconds": round(db.seconds, 2),
        "database_statements": db.statements,
        "database_to_parse_ratio": round(database_ratio, 2),
        "loader_python_seconds": round(loader_seconds, 2),
        "storage_floor_seconds": round(floor_seconds, 2),
        "storage_floor_to_parse_ratio": round(floor_seconds / parse_seconds, 2),
        "search_index_rebuild_seconds": round(index_seconds, 2),
        "index_rebuild_to_parse_ratio": round(index_seconds / parse_seconds, 2),
        "peak_memory_mb": round(peak, 1),
        "targets": {
            "database_to_parse_ratio": target(database_ratio, 2.0),
            "whole_to_parse_ratio": target(ratio, 3.0),
            "peak_memory_mb": target(peak, 300),
        },
    }
