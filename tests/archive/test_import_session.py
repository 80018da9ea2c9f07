"""An import run's session: documents saved in batches of savepoints, caches that forget
what a rolled-back document created, and lookups that follow indexes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, connection

from archive import loader
from archive.importing import import_paths
from archive.loader import ImportSession
from archive.models import Article, Author, Source, unique_slug

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
    with mock.patch("archive.loader._load_comments", side_effect=_comments_failing("Second")):
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
    with mock.patch("archive.loader._load_comments", side_effect=_comments_failing("Second")):
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

    from archive.loader import _article_lookup_sql

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


MMAP_DURING_IMPORT = """
import json
from django.db import connection
from archive.loader import ImportSession

def mmap_size():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        return cursor.fetchone()[0]

before = mmap_size()
with ImportSession():
    during = mmap_size()
print(json.dumps({"before": before, "during": during, "after": mmap_size()}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's memory map")
def test_an_import_writes_without_the_memory_map_and_restores_it():
    # The test database lives in memory, which has no map: ask a file database.
    from comments.loadtest import manage, shell_json, throwaway_database

    with throwaway_database("import_mmap") as env:
        manage(env, "migrate", "--noinput")
        sizes = shell_json(env, MMAP_DURING_IMPORT)
    assert sizes["before"] == sizes["after"] > 0
    assert sizes["during"] == 0
