import pytest
from django.contrib.auth.models import User

from config import pagecache


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
