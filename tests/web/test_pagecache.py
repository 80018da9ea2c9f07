import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from web import pagecache


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.AGORA_PAGE_CACHE_SECONDS = 30


def test_an_anonymous_reader_gets_the_stored_page_without_queries(
    client, make_article, django_assert_num_queries
):
    article = make_article("Ferry timetable changes")
    first = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"


def test_any_change_in_the_database_is_seen_at_once(client, make_article):
    article = make_article("Ferry timetable changes")
    client.get("/")
    article.title = "Ferry timetable changed again"
    article.save()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Ferry timetable changed again" in response.content


def test_invalidate_forgets_pages_after_writes_without_signals(client, make_article):
    from archive.models import Article

    article = make_article("Old title")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="New title")
    assert b"Old title" in client.get(article.get_absolute_url()).content, "stale until told"
    pagecache.invalidate()
    assert b"New title" in client.get(article.get_absolute_url()).content


def test_signed_in_readers_are_never_served_or_stored(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url())  # stored for anonymous readers
    client.force_login(User.objects.create_user("reader", password="x-long-password-1"))
    response = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert b"reader" in response.content, "their own header, with their name"


def test_pages_with_a_form_token_are_not_stored(client, db):
    client.get("/accounts/login/")
    assert "X-Page-Cache" not in client.get("/accounts/login/")


def test_health_and_errors_are_not_stored(client, db):
    client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/healthz")
    client.get("/no-such-page/")
    assert "X-Page-Cache" not in client.get("/no-such-page/")


def test_posts_are_not_served_from_it(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url())
    response = client.post(article.get_absolute_url())
    assert "X-Page-Cache" not in response


def test_off_when_the_setting_is_zero(client, make_article, settings):
    settings.AGORA_PAGE_CACHE_SECONDS = 0
    article = make_article()
    client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_pages_differ_by_query(client, make_article):
    make_article("Ferry")
    client.get("/articles/?q=ferry")
    assert client.get("/articles/?q=bus")["X-Page-Cache"] == "miss"


def test_signed_in_readers_get_the_home_pages_source_counts_from_the_fragment_cache(
    client, make_article, make_source
):
    """Signed-in readers are never served a stored page, but the home page's count of
    articles by source (a scan of every article) is kept until something changes."""
    make_article("Ferry timetable changes")
    client.force_login(User.objects.create_user("rita", password="x"))
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    assert any("GROUP BY" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert not any("GROUP BY" in q["sql"] for q in again.captured_queries)
    assert len(again.captured_queries) == len(first.captured_queries) - 1
    make_article("Harbour news", source=make_source("The Quay Gazette"))
    with CaptureQueriesContext(connection) as after:
        response = client.get("/")
    assert any("GROUP BY" in q["sql"] for q in after.captured_queries)
    assert b"The Quay Gazette" in response.content


def test_fragments_are_computed_every_time_when_the_cache_is_off(settings):
    settings.AGORA_PAGE_CACHE_SECONDS = 0
    calls = []
    for _ in range(2):
        pagecache.fragment("x", lambda: calls.append(1) or len(calls))
    assert len(calls) == 2


def test_an_import_retires_the_stored_pages(client, make_article, tmp_path):
    """The importer writes articles and comments without model signals; it says so itself."""
    from imports.pipeline import import_paths

    article = make_article("Already here")
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    # A known source and no author: nothing the importer saves goes through the ORM.
    source = article.source.name
    (tmp_path / "new.txt").write_text(
        f"Title: Freshly imported\nSource: {source}\n---\n\nThe body.\n"
    )
    assert import_paths([tmp_path]).imported == 1
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Freshly imported" in response.content


def test_a_page_rendered_before_a_write_commits_is_retired_at_the_commit(
    client, make_article, django_capture_on_commit_callbacks
):
    """Between a write and its commit, other readers still see the old rows: a page they
    store then must not outlive the commit."""
    article = make_article("Before")
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "After"
        article.save()
        # A reader whose request ran before the commit stored the old page under the token
        # the save just set.
        pagecache.cache.set(
            pagecache._key(_request_for("/"), pagecache.generation()),
            {"content": b"the old page", "headers": []},
            timeout=30,
        )
        assert client.get("/").content == b"the old page"
    assert client.get("/").content != b"the old page"


def _request_for(path: str):
    from django.test import RequestFactory

    return RequestFactory().get(path)
