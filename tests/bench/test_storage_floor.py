"""The import bench's storage floor: the imported rows copied into tables shaped as theirs,
with the same indexes and a search index built from the copies, and nothing left behind."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import imports as benchmarks
from imports.loader import ImportSession, load_document
from imports.parsers.base import ParsedComment, ParsedDocument

pytestmark = pytest.mark.django_db


def _import(title: str, words: str) -> None:
    reply = ParsedComment("B", f"A reply about {words}.")
    doc = ParsedDocument(
        title=title,
        paragraphs=[f"A paragraph on {words}."],
        comments=[ParsedComment("A", "First.", children=[reply]), ParsedComment(None, "Two.")],
        url=f"https://example.org/{title}",
    )
    with ImportSession() as session:
        load_document(doc, file_name="a.txt", sha256="0" * 64, format="text", session=session)


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return cursor.fetchone()[0]


def _indexes(cursor, table: str) -> int:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE tablename = %s", [table])
    else:
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table]
        )
    return cursor.fetchone()[0]


def _tables(cursor) -> set[str]:
    return set(connection.introspection.table_names(cursor, include_views=True))


def test_the_floor_copies_every_imported_row_with_its_indexes_and_drops_the_copies(
    monkeypatch,
):
    _import("ferry", "the harbour ferry")
    _import("garden", "a walled garden")
    seen = {}
    real = benchmarks._index_copies

    def index_copies(cursor):
        real(cursor)
        for table in benchmarks.FLOOR_TABLES:
            copy = benchmarks.FLOOR_PREFIX + table
            seen[table] = (_count(cursor, copy), _count(cursor, table))
            seen[f"{table} indexes"] = (_indexes(cursor, copy), _indexes(cursor, table))
        # The copies' search index finds a comment's word, as the site's does.
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT COUNT(*) FROM {benchmarks.FLOOR_PREFIX}search_comment_document "
                "WHERE document @@ plainto_tsquery('english', 'harbour')"
            )
        else:
            fts = benchmarks.FLOOR_PREFIX + "search_comment_fts"
            cursor.execute(f"SELECT COUNT(*) FROM {fts} WHERE {fts} MATCH 'harbour'")
        seen["found"] = cursor.fetchone()[0]

    monkeypatch.setattr(benchmarks, "_index_copies", index_copies)
    assert benchmarks.storage_floor() > 0
    assert seen["comments_comment"] == (6, 6)
    assert seen["archive_article"] == (2, 2)
    assert seen["archive_provenance"] == (2, 2)
    for table in benchmarks.FLOOR_TABLES:
        copied, original = seen[f"{table} indexes"]
        assert copied == original > 0, table
    assert seen["found"] == 1
    with connection.cursor() as cursor:
        assert not {t for t in _tables(cursor) if t.startswith(benchmarks.FLOOR_PREFIX)}


def test_the_floor_leaves_nothing_behind_when_it_fails(monkeypatch):
    _import("ferry", "the harbour ferry")

    def failing(cursor):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(benchmarks, "_index_copies", failing)
    with pytest.raises(RuntimeError):
        benchmarks.storage_floor()
    with connection.cursor() as cursor:
        assert not {t for t in _tables(cursor) if t.startswith(benchmarks.FLOOR_PREFIX)}
