"""An import run's session: documents saved in batches of savepoints, caches that forget
what a rolled-back document created, and lookups that follow indexes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, connection

from archive.models import Article, Author, Source, unique_slug
from imports import loader, writer
from imports.loader import ImportSession
from imports.pipeline import import_paths

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Title: {title}\nSource: {source}\nAuthor: {author}\nURL: https://example.org/{slug}\n---\n\n"
    "A paragraph of text.\n"
)


def write(folder, name, title, source="The Courier", author="Mara Ellison"):
    text = ARTICLE.format(title=title, source=source, author=author, slug=name)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def test_a_failing_document_in_a_batch_is_rolled_back_alone(tmp_path):
    write(tmp_path, "a", "First")
    write(tmp_path, "b", "Second", source="The Lost Gazette", author="Nobody Else")
    write(tmp_path, "c", "Third")
    with mock.patch("imports.loader._load_comments", side_effect=_comments_failing("Second")):
        summary = import_paths([tmp_path], format="text")
    assert (summary.imported, summary.failed) == (2, 1)
    assert "disk on fire" in summary.failures[0].reason
    assert sorted(Article.objects.values_list("title", flat=True)) == ["First", "Third"]
    # The failed document's own source and author went with it.
    assert list(Source.objects.values_list("name", flat=True)) == ["The Courier"]
    assert list(Author.objects.values_list("name", flat=True)) == ["Mara Ellison"]


def _comments_failing(title: str):
    real = loader._load_comments

    def load_comments(article, roots, **kwargs):
        if article.title == title:
            raise DatabaseError("disk on fire")
        return real(article, roots, **kwargs)

    return load_comments


def test_the_cache_does_not_hand_out_a_source_created_by_a_rolled_back_document(tmp_path):
    # "Second" creates The Lost Gazette and fails; "Third" names the same source and must
    # create it again rather than point at the rolled-back row.
    write(tmp_path, "a", "First")
    write(tmp_path, "b", "Second", source="The Lost Gazette")
    write(tmp_path, "c", "Third", source="The Lost Gazette")
    with mock.patch("imports.loader._load_comments", side_effect=_comments_failing("Second")):
        summary = import_paths([tmp_path], format="text")
    assert (summary.imported, summary.failed) == (2, 1)
    third = Article.objects.get(title="Third")
    assert third.source.name == "The Lost Gazette"
    assert Source.objects.filter(pk=third.source_id).exists()


def test_a_batch_that_cannot_be_committed_reports_its_documents_as_failed(tmp_path):
    write(tmp_path, "a", "First")
    write(tmp_path, "b", "Second")

    real = ImportSession.commit
    failed = []

    def commit(session):
        if failed:  # the batch is gone; later commits have nothing to do
            return real(session)
        failed.append(True)
        session.rollback()
        raise DatabaseError("the disk is full")

    with mock.patch.object(ImportSession, "commit", commit):
        summary = import_paths([tmp_path], format="text")
    assert (summary.imported, summary.failed) == (0, 2)
    assert summary.documents == []
    assert all("the disk is full" in failure.reason for failure in summary.failures)
    assert not Article.objects.exists() and not Source.objects.exists()


def test_documents_are_committed_in_batches_of_savepoints(tmp_path):
    for number in range(5):
        write(tmp_path, f"n{number}", f"Article {number}")
    commits = []
    real = ImportSession.commit

    def commit(session):
        commits.append(session.documents)
        real(session)

    with (
        mock.patch.object(ImportSession, "commit", commit),
        mock.patch.object(ImportSession, "__init__", _small_batches),
    ):
        summary = import_paths([tmp_path], format="text")
    assert summary.imported == 5 and Article.objects.count() == 5
    assert [n for n in commits if n] == [2, 2, 1]


_real_init = ImportSession.__init__


def _small_batches(self, **kwargs):
    _real_init(self, batch_seconds=3600, batch_documents=2)


def test_unique_slug_checks_many_taken_slugs_in_a_few_queries(
    make_source, django_assert_max_num_queries
):
    source = make_source()
    for number in range(1, 41):
        slug = "letters" if number == 1 else f"letters-{number}"
        Article.objects.create(source=source, title="Letters", slug=slug, body_html="<p>x</p>")
    with django_assert_max_num_queries(3):
        assert unique_slug(Article, "Letters") == "letters-41"
    hints: dict = {}
    assert unique_slug(Article, "Letters", hints=hints) == "letters-41"
    Article.objects.create(source=source, title="Letters", slug="letters-41", body_html="x")
    with django_assert_max_num_queries(1):
        assert unique_slug(Article, "Letters", hints=hints) == "letters-42"


def test_sources_are_matched_by_name_in_any_case_and_by_domain(make_source):
    courier = make_source("The Courier", homepage="https://www.courier.example.org/")
    assert Source.objects.matching("the COURIER") == courier
    assert Source.objects.matching("Other", "http://courier.example.org/news") == courier
    assert Source.objects.matching("Other", "https://elsewhere.example.org") is None


def test_a_sources_domain_follows_its_homepage(make_source):
    source = make_source("The Courier")
    assert source.domain == ""
    source.homepage = "https://www.Courier.example.org/about"
    source.save(update_fields=["homepage"])
    source.refresh_from_db()
    assert source.domain == "courier.example.org"
    assert Source.objects.matching("", "https://courier.example.org") == source


def test_the_article_lookup_follows_the_partial_url_index():
    from django.db import connection

    from imports.loader import _article_lookup_sql

    sql = _article_lookup_sql(connection.vendor, True, 2)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny tables are cheaper to scan; what matters is that the index can be used.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, ["https://example.org/a", "a", "a-2"])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, ["https://example.org/a", "a", "a-2"])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "article_url_unique_when_present" in plan


PRAGMAS_DURING_IMPORT = """
import json
from django.db import connection
from imports.parsers.base import ParsedComment, ParsedDocument
from imports.loader import ImportSession, load_document

NAMES = ("mmap_size", "cache_size", "wal_autocheckpoint", "temp_store")

def pragmas():
    with connection.cursor() as cursor:
        values = {}
        for name in NAMES:
            cursor.execute(f"PRAGMA {name}")
            values[name] = cursor.fetchone()[0]
        return values

statements = []

def record(execute, sql, params, many, context):
    statements.append(sql)
    return execute(sql, params, many, context)

before = pragmas()
comments = [ParsedComment("A", "Hi.")]
doc = ParsedDocument(title="On the quay", paragraphs=["Text."], comments=comments)
with connection.execute_wrapper(record):
    with ImportSession() as session:
        during = pragmas()
        load_document(doc, file_name="a.txt", sha256="0" * 64, format="text", session=session)
        statements.clear()
print(json.dumps({"before": before, "during": during, "after": pragmas(), "exit": statements}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's settings")
def test_an_import_session_sets_sqlites_bulk_settings_and_restores_them():
    # The test database lives in memory, which has no map nor WAL: ask a file database.
    from bench.loadtest import manage, shell_json, throwaway_database

    with throwaway_database("import_pragmas") as env:
        manage(env, "migrate", "--noinput")
        seen = shell_json(env, PRAGMAS_DURING_IMPORT)
    before, during, after = seen["before"], seen["during"], seen["after"]
    assert before == after
    assert before["mmap_size"] > 0 and during["mmap_size"] == 0
    # A batch's pages stay in a cache of 64 MiB until its commit...
    assert before["cache_size"] == -2000 and during["cache_size"] == -65536
    # ...and the WAL checkpointed every 64 MiB of it during the import, not every 4 MiB...
    assert before["wal_autocheckpoint"] == 1000 and during["wal_autocheckpoint"] == 16384
    # ...and what the session wrote is checkpointed when it ends.
    assert "PRAGMA wal_checkpoint(PASSIVE)" in seen["exit"]
    # Savepoints' journals stay in memory on every connection, not in a temporary file.
    assert before["temp_store"] == during["temp_store"] == 2


def test_comment_ids_are_reserved_once_per_batch_and_follow_a_rolled_back_document(tmp_path):
    from comments.models import Comment
    from imports.parsers.base import ParsedComment, ParsedDocument

    def doc(title, *, bad=False):
        reply = ParsedComment("B", "Reply.")
        comments = [ParsedComment("A", "First.", children=[reply]), ParsedComment(None, "Two.")]
        return ParsedDocument(
            title=title,
            paragraphs=["Text."],
            comments=comments,
            url="not a url" if bad else f"https://example.org/{title}",
        )

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), ImportSession() as session:
        for number, bad in enumerate([False, True, False, False]):
            try:
                loader.load_document(
                    doc(f"n{number}", bad=bad),
                    file_name=f"{number}.txt",
                    sha256=f"{number}" * 64,
                    format="text",
                    session=session,
                )
            except loader.ParseError:
                assert bad
    comments = list(Comment.objects.order_by("id"))
    assert len(comments) == 9 and len({c.pk for c in comments}) == 9
    for article in Article.objects.all():
        first, second = article.comments.filter(parent=None).order_by("position")
        reply = article.comments.get(parent__isnull=False)
        assert reply.parent_id == first.pk and reply.depth == 1
        assert first.body_source == "First." and second.archived_author_name == ""
    if connection.vendor == "sqlite":
        # The highest id is read once for the batch, not once per document.
        assert sum("sqlite_sequence" in sql for sql in statements) == 1
    else:
        # Ids come from the sequence in blocks (two here), the sequence's name looked up once.
        assert sum("nextval" in sql for sql in statements) == 2
        assert sum("pg_get_serial_sequence" in sql for sql in statements) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's executemany")
def test_sqlite_binds_only_each_comments_own_values(tmp_path):
    from comments.models import Comment
    from imports.parsers.base import ParsedComment, ParsedDocument

    inserts = []

    def record(execute, sql, params, many, context):
        if many and "comments_comment" in sql:
            inserts.append((sql, list(params)))
        return execute(sql, params, many, context)

    doc = ParsedDocument(title="Quay", paragraphs=["Text."], comments=[ParsedComment("A", "Hi.")])
    with connection.execute_wrapper(record):
        loader.load_document(doc, file_name="q.txt", sha256="1" * 64, format="text")
    ((sql, rows),) = inserts
    # NULLs and booleans shared by every row are written into the statement: binding them
    # costs sqlite3 an adapter lookup each.
    assert not any(value is True or value is False for row in rows for value in row)
    assert "NULL" in sql
    comment = Comment.objects.get()
    assert comment.is_archived and comment.status == "published" and comment.user is None
    assert not comment.is_featured and not comment.replies_locked and comment.edited is None


def _doc(title, *, comments=2, author="Mara Ellison", body="Text."):
    from imports.parsers.base import ParsedComment, ParsedDocument

    return ParsedDocument(
        title=title,
        paragraphs=[body],
        authors=[author],
        comments=[
            ParsedComment(f"Reader {n}", f"Comment {n} on {title}.") for n in range(comments)
        ],
        url=f"https://example.org/{title}",
    )


def _load(session, doc, sha="a", **kwargs):
    return loader.load_document(
        doc, file_name=f"{doc.title}.txt", sha256=sha * 64, format="text", session=session, **kwargs
    )


def test_a_batch_writes_its_comments_author_links_and_provenance_in_one_statement_each():
    from archive.models import Provenance
    from comments.models import Comment

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    copies = []
    real_copy = writer.copy_rows

    def copy_rows(cursor, sql, rows):
        copies.append(sql)
        return real_copy(cursor, sql, rows)

    with (
        mock.patch("imports.writer.copy_rows", copy_rows),
        connection.execute_wrapper(record),
        ImportSession() as session,
    ):
        for number in range(5):
            _load(session, _doc(f"n{number}", author=f"Author {number % 2}"))
    assert Comment.objects.count() == 10 and Provenance.objects.count() == 5
    assert Article.authors.through.objects.count() == 5
    writes = {
        table: sum(sql.startswith(f'INSERT INTO "{table}"') for sql in statements + copies)
        + sum(sql.startswith(f'COPY "{table}"') for sql in copies)
        for table in ("comments_comment", "archive_provenance", "archive_article_authors")
    }
    assert writes == {
        "comments_comment": 1,
        "archive_provenance": 1,
        "archive_article_authors": 1,
    }


def test_an_update_in_the_batch_sees_the_queued_rows_of_the_article_it_updates():
    from archive.models import Provenance
    from comments.models import Comment

    with ImportSession() as session:
        first = _load(session, _doc("ferry"))
        # The same article again, one comment more and a new body: its two comments and its
        # author are found (not duplicated), its stats count all three.
        again = _load(session, _doc("ferry", comments=3, body="Changed."), sha="b")
        same = _load(session, _doc("ferry", comments=3, body="Changed."), sha="b")
    assert (first.outcome, again.outcome, same.outcome) == ("imported", "updated", "unchanged")
    article = Article.objects.get()
    assert Comment.objects.filter(article=article).count() == 3 == article.comment_count
    assert [a.name for a in article.authors.all()] == ["Mara Ellison"]
    assert Provenance.objects.filter(article=article).count() == 2


def test_a_rolled_back_update_keeps_the_earlier_documents_rows_it_flushed():
    # The update writes the queue inside its own savepoint; rolling that back undoes the
    # write, so the rows must be written again at the batch's end.
    from archive.models import Provenance
    from comments.models import Comment

    with ImportSession() as session:
        _load(session, _doc("ferry"))
        _load(session, _doc("garden"))
        with mock.patch("imports.loader._update", side_effect=DatabaseError("disk on fire")):
            with pytest.raises(DatabaseError):
                _load(session, _doc("ferry", body="Changed."), sha="b")
        _load(session, _doc("ferry", body="Changed."), sha="c", dry_run=True)
        _load(session, _doc("lighthouse"))
    assert Comment.objects.count() == 6 and Provenance.objects.count() == 3
    assert Article.authors.through.objects.count() == 3
    for article in Article.objects.all():
        assert article.comments.count() == 2 == article.comment_count


def test_a_document_that_fails_after_queuing_its_rows_takes_them_with_it():
    from archive.models import Provenance
    from comments.models import Comment

    real = loader.row_values

    def row_values(obj):
        if getattr(obj, "article", None) is not None and obj.article.title == "garden":
            raise DatabaseError("disk on fire")
        return real(obj)

    with ImportSession() as session, mock.patch("imports.loader.row_values", row_values):
        _load(session, _doc("ferry"))
        with pytest.raises(DatabaseError):
            _load(session, _doc("garden", author="Nobody Else"))
        _load(session, _doc("lighthouse"))
    assert sorted(Article.objects.values_list("title", flat=True)) == ["ferry", "lighthouse"]
    assert Comment.objects.count() == 4 and Provenance.objects.count() == 2
    assert not Comment.objects.filter(body_source__contains="garden").exists()
    assert Article.authors.through.objects.count() == 2
