"""Outages are normal: a dead cache or database degrades the site, it never answers 500.

The cache tests start a redis-server of their own, kill it in the middle, and start it
again on the same port."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings

from tests.servers import RedisServer

pytestmark = pytest.mark.skipif(RedisServer.binary is None, reason="redis-server is missing")

PAGES = ["/", "/articles/", "/search/?q=ferry", "/accounts/login/"]


@pytest.fixture
def redis(tmp_path, db):
    server = RedisServer(tmp_path).start()
    caches = {
        "default": {
            "BACKEND": "web.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "outage-test",
            "RETRY_SECONDS": 0.2,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=caches, AGORA_PAGE_CACHE_SECONDS=30, DEBUG=False):
        yield server
    server.kill()


@pytest.fixture
def article(make_article):
    return make_article(title="The ferry timetable changes")


def pages(article) -> list[str]:
    return PAGES + [article.get_absolute_url()]


def test_every_page_answers_while_redis_is_dead(client, redis, article):
    for url in pages(article):
        assert client.get(url).status_code == 200, url
    redis.kill()
    for url in pages(article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "X-Page-Cache" not in response, "served uncached while the cache is down"


def test_healthz_says_degraded_with_200_while_redis_is_dead(client, redis):
    assert client.get("/healthz").json()["status"] == "ok"
    redis.kill()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "failed",
        "tasks": "ok",
    }
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_caching_resumes_and_starts_afresh_when_redis_is_back(client, redis, article):
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    redis.kill()
    client.get(url)
    # A change while the cache is down: its invalidation is lost with the cache.
    article.title = "The ferry timetable changes again"
    article.save()
    redis.start()  # the same port, empty: as a restarted Redis that had kept the pages
    cache.set("probe", 1)  # the pause after the failure has not passed: not tried yet
    time.sleep(0.3)
    first = client.get(url)
    assert b"changes again" in first.content, "no page stored before the outage is served"
    assert client.get(url)["X-Page-Cache"] == "hit", "caching resumed"


def test_rate_limits_count_per_process_while_redis_is_dead(client, redis, settings, article):
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "search": (2, 60)}
    redis.kill()
    codes = [client.get("/search/?q=ferry").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_database_outage_answers_503_with_retry_after(client, db, monkeypatch):
    from archive import views

    def outage(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(views.Article.objects, "for_listing", outage)
    client.raise_request_exception = False
    response = client.get("/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"briefly unavailable" in response.content
    assert b"Connection refused" not in response.content


def test_a_bug_still_answers_500(client, db, monkeypatch):
    from archive import views

    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.Article.objects, "for_listing", bug)
    client.raise_request_exception = False
    response = client.get("/articles/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
