"""Rebuilding the index, and bulk loads that index once at the end."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from archive.models import Article
from comments.models import Comment
from search.engine import backend, search_articles, search_comments
from search.query import parse

from .conftest import add_comment


def _forget_index():
    """Empty the index behind the triggers' back, as a broken restore would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_article_fts(search_article_fts) VALUES ('delete-all')"
            )
        else:
            cursor.execute("DELETE FROM search_article_document")
            cursor.execute("DELETE FROM search_article_head")


def test_rebuild_restores_a_lost_index(corpus, capsys):
    in_titles = search_articles(Article.objects.all(), "title:ferry").count()
    assert in_titles
    _forget_index()
    assert not search_articles(Article.objects.all(), "ferry").exists()
    assert not search_articles(Article.objects.all(), "title:ferry").exists()
    call_command("rebuild_search_index")
    assert search_articles(Article.objects.all(), "ferry").count() == 2
    assert search_articles(Article.objects.all(), "title:ferry").count() == in_titles
    assert "Search index rebuilt: 4 articles, 7 comments" in capsys.readouterr().out


def test_the_rebuild_task_restores_a_lost_index_in_the_worker(corpus, run_worker):
    from django_tasks import TaskResultStatus

    from search.tasks import rebuild_search_index

    _forget_index()
    result = rebuild_search_index.enqueue()
    assert not search_articles(
        Article.objects.all(), "ferry"
    ).exists()  # queued, not run in this process
    run_worker()
    assert search_articles(Article.objects.all(), "ferry").count() == 2
    assert rebuild_search_index.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    # Twice is harmless: the same index again.
    rebuild_search_index.enqueue()
    run_worker()
    assert search_articles(Article.objects.all(), "ferry").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_is_searchable_once_it_ends(make_article):
    article = make_article("Before the load")
    with backend().bulk_load():
        add_comment(article, "A bulk-loaded walrus.", name="Loader")
        if connection.vendor == "sqlite":  # PostgreSQL's triggers index each row regardless
            assert not search_comments(Comment.objects.all(), "walrus", None).exists()
    assert search_comments(Comment.objects.all(), "walrus", None).count() == 1
    # And the triggers are back: the next write is indexed at once.
    add_comment(article, "A later narwhal.", name="Later")
    assert search_comments(Comment.objects.all(), "narwhal", None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_deferred_comments_are_indexed_when_the_batch_says_so(make_article):
    from django.db import transaction

    article = make_article("Before the batch")
    with transaction.atomic():
        index = backend().defer_comment_indexing()
        written = add_comment(article, "A deferred walrus.", name="Loader")
        assert not search_comments(Comment.objects.all(), "walrus", None).exists()
        index([written.pk])
        assert search_comments(Comment.objects.all(), "walrus", None).count() == 1
        # Indexing one by one is back within the same transaction.
        add_comment(article, "A later narwhal.", name="Later")
        assert search_comments(Comment.objects.all(), "narwhal", None).count() == 1
    with transaction.atomic():
        backend().defer_comment_indexing()
        add_comment(article, "A rolled back orca.", name="Gone")
        transaction.set_rollback(True)
    # The rollback undid the deferral with the rows: the next comment is indexed at once.
    add_comment(article, "An orca after all.", name="Kept")
    assert search_comments(Comment.objects.all(), "orca", None).count() == 1


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _index_is_sound(table: str = "search_comment_fts") -> bool:
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        # Raises "database disk image is malformed" when the index and the table disagree.
        cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    return True


@pytest.mark.parametrize("transactional", [False, True], ids=["nested", "outermost"])
def test_imported_comments_are_indexed_once_each_at_the_end_of_their_batch(
    request, tmp_path, transactional
):
    from imports.pipeline import import_paths

    request.getfixturevalue("transactional_db" if transactional else "db")
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(
            f"Title: Harbour {n}\n---\n\nThe body.\n\n• Ann\n\n  A walrus{n} on the quay.\n\n"
            f"  • Bob\n\n    Another walrus{n} reply.\n"
        )
    assert import_paths([tmp_path]).imported == 3
    assert search_comments(Comment.objects.all(), "walrus1", None).count() == 2
    assert search_comments(Comment.objects.all(), "reply", None).count() == 3
    assert _index_is_sound()
    # The per-row trigger is back: a comment posted later is found at once.
    add_comment(Article.objects.first(), "A later narwhal.", name="Later")
    assert search_comments(Comment.objects.all(), "narwhal", None).count() == 1
    assert _index_is_sound()


def test_a_failed_document_leaves_neither_rows_nor_index_entries(db, tmp_path):
    from imports.pipeline import import_paths

    (tmp_path / "a.txt").write_text("Title: Kept\n---\n\nBody.\n\n• Ann\n\n  A kept walrus.\n")
    (tmp_path / "b.txt").write_bytes(b"Title: Broken\n---\n\nBody \x00 with NUL.\n")
    summary = import_paths([tmp_path])
    assert summary.imported == 1 and summary.failed == 1
    assert search_comments(Comment.objects.all(), "walrus", None).count() == 1
    assert _index_is_sound()


def _fts_sql(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_prefix_index_migration_keeps_what_is_indexed_both_ways(make_article):
    from django.contrib.postgres.search import SearchQuery
    from django.db.migrations.executor import MigrationExecutor

    from search.models import CommentDocument

    article = make_article("Cormorants return", paragraphs=("The colony grew again.",))
    add_comment(article, "Colonial birds, cormorants.", name="Birder")

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("search", target)])

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("search")[0][1]
    try:
        if connection.vendor == "postgresql":
            migrate("0005_article_head_table")
            assert not {"published", "article_id"} & _columns("search_comment_document")
            # 0005 moved the heads back into the documents' table, with their values.
            migrate("0004_article_head")
            with connection.cursor() as cursor:
                assert "search_article_head" not in connection.introspection.table_names(cursor)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM search_article_document "
                    "WHERE head @@ to_tsquery('english', 'cormorant:A')"
                )
                assert cursor.fetchone()[0] == 1
        migrate("0002_full_text_indexes")
        if connection.vendor == "sqlite":
            assert "prefix" not in _fts_sql("search_article_fts")
        else:
            assert "head" not in _columns("search_article_document")
        assert search_articles(Article.objects.all(), "cormo*").count() == 1
    finally:
        migrate(latest)
    if connection.vendor == "postgresql":
        assert "head" not in _columns("search_article_document")
        assert _columns("search_article_head") == {"article_id", "head"}
        assert "published" in _columns("search_comment_document")
        published = CommentDocument.objects.filter(published=True, article_id=article.pk)
        assert published.filter(document=SearchQuery("colonial", config="english")).count() == 1
        assert search_articles(Article.objects.all(), "title:cormorants").count() == 1
    if connection.vendor == "sqlite":
        for table in ("search_article_fts", "search_comment_fts"):
            assert "prefix='3'" in _fts_sql(table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT v FROM search_article_fts_config WHERE k = 'rank'")
            assert cursor.fetchone()[0] == "bm25(10.0, 4.0, 4.0, 1.0)"
    assert search_articles(Article.objects.all(), "cormo*").count() == 1
    assert search_comments(Comment.objects.all(), "colonial", None).count() == 1
    # The triggers still index new rows into the new tables.
    make_article("Cormorant census", paragraphs=("Counted twice.",))
    assert search_articles(Article.objects.all(), "cor*").count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's head vector")
def test_the_head_follows_the_title_kicker_and_dek_and_answers_the_title_tiers(make_article):
    from django.contrib.postgres.search import SearchQuery

    from search.engine import articles_by_relevance
    from search.models import ArticleHead

    article = make_article("Cormorants return", paragraphs=("The colony grew again.",))

    def in_head(word: str) -> bool:
        head = SearchQuery(word, config="english")
        return ArticleHead.objects.filter(pk=article.pk, head=head).exists()

    assert in_head("cormorant") and not in_head("colony")
    article.title = "Herons return"
    article.save(update_fields=["title"])
    assert in_head("heron") and not in_head("cormorant")

    title_tier, head_tier, body_tier = articles_by_relevance("heron", filtered=True).tiers
    for tier in (title_tier, head_tier):
        sql = str(tier.query)
        assert '"search_article_head"."head" @@' in sql
        # Ranked by the head as well: the whole document is not read for these tiers.
        assert 'ts_rank_cd("search_article_head"."head"' in sql
        assert "search_article_document" not in sql
    assert list(title_tier) == [article]
    # With nothing but words, each tier is ranked in the heads' table alone.
    query = parse("heron")
    for n in (0, 1):
        sql = str(backend().ranked_tier_ids(query, n).query)
        assert 'FROM "search_article_head"' in sql and "archive_article" not in sql
    assert articles_by_relevance("heron").tier(0)[0:20] == [article]

    article.delete()
    assert not ArticleHead.objects.filter(pk=article.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's comment documents")
def test_a_comment_document_names_the_comment_s_article_however_it_was_written(make_article):
    from search.backends.postgres import PostgresBackend
    from search.models import CommentDocument

    first, second = make_article("Herons"), make_article("Egrets")

    def article_of(comment) -> int | None:
        return CommentDocument.objects.get(pk=comment.pk).article_id

    posted = add_comment(first, "A heron on the weir.", name="Birder")
    assert article_of(posted) == first.pk
    Comment.objects.filter(pk=posted.pk).update(article=second)  # moved by an admin
    assert article_of(posted) == second.pk
    # An import's batch, indexed at its end.
    with transaction.atomic():
        index = PostgresBackend().defer_comment_indexing()
        imported = add_comment(first, "Egrets nest early.", name="Birder")
        index([imported.pk])
    assert article_of(imported) == first.pk
    CommentDocument.objects.update(article_id=None)
    PostgresBackend().rebuild()
    assert (article_of(posted), article_of(imported)) == (second.pk, first.pk)


def _article_file(folder, name, title, body, url="https://example.org/harbour"):
    (folder / name).write_text(f"Title: {title}\nURL: {url}\n---\n\n{body}\n", encoding="utf-8")


@pytest.mark.parametrize("transactional", [False, True], ids=["nested", "outermost"])
def test_an_article_imported_and_updated_in_one_batch_is_indexed_as_it_ends(
    request, tmp_path, transactional
):
    from imports.pipeline import import_paths

    request.getfixturevalue("transactional_db" if transactional else "db")
    _article_file(tmp_path, "1.txt", "The walrus of the quay", "A walrus came ashore.")
    _article_file(tmp_path, "2.txt", "The narwhal of the quay", "A narwhal came ashore.")
    _article_file(tmp_path, "3.txt", "The orca", "An orca.", url="https://example.org/orca")
    summary = import_paths([tmp_path])
    assert (summary.imported, summary.updated) == (2, 1)
    # The second file updated the article the first had just created, in the same batch.
    assert not search_articles(Article.objects.all(), "walrus").exists()
    assert search_articles(Article.objects.all(), "narwhal").count() == 1
    assert search_articles(Article.objects.all(), "orca").count() == 1
    assert _index_is_sound("search_article_fts")
    # The per-row trigger is back: an article written later is found at once.
    Article.objects.create(
        source=Article.objects.first().source, title="A later seal", slug="seal", body_text="x"
    )
    assert search_articles(Article.objects.all(), "seal").count() == 1
    assert _index_is_sound("search_article_fts")


def test_a_rolled_back_update_does_not_take_the_batchs_new_articles_out_of_the_index(
    db, tmp_path, monkeypatch
):
    from imports import loader
    from imports.pipeline import import_paths

    first = tmp_path / "first"
    first.mkdir()
    _article_file(first, "1.txt", "The old quay", "Stones.", url="https://example.org/quay")
    assert import_paths([first]).imported == 1

    batch = tmp_path / "batch"
    batch.mkdir()
    _article_file(batch, "1.txt", "The orca", "An orca.", url="https://example.org/orca")
    # Updates the article imported before, which first indexes the orca, then fails.
    _article_file(batch, "2.txt", "The new quay", "Concrete.", url="https://example.org/quay")
    _article_file(batch, "3.txt", "The seal", "A seal.", url="https://example.org/seal")
    real = loader._load_comments

    def failing(article, *args, **kwargs):
        if article.title == "The new quay":
            raise loader.ParseError("the comments could not be read")
        return real(article, *args, **kwargs)

    monkeypatch.setattr(loader, "_load_comments", failing)
    summary = import_paths([batch])
    assert (summary.imported, summary.failed) == (2, 1)
    assert search_articles(Article.objects.all(), "orca").count() == 1
    assert search_articles(Article.objects.all(), "seal").count() == 1
    assert search_articles(Article.objects.all(), "stones").count() == 1
    assert not search_articles(Article.objects.all(), "concrete").exists()
    assert _index_is_sound("search_article_fts")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL indexes each article")
def test_sqlite_indexes_a_batchs_articles_once_at_its_end(db):
    from imports.loader import ImportSession, load_document
    from imports.parsers.base import ParsedDocument

    with ImportSession() as session:
        for name in ("walrus", "narwhal"):
            doc = ParsedDocument(title=f"The {name}", paragraphs=[f"A {name} came ashore."])
            load_document(doc, file_name=name, sha256=name * 8, format="text", session=session)
        # Not one by one: each would be written out as an index segment of its own.
        assert not search_articles(Article.objects.all(), "walrus").exists()
    assert search_articles(Article.objects.all(), "walrus").count() == 1
    assert search_articles(Article.objects.all(), "ashore").count() == 2
    assert _index_is_sound("search_article_fts")
