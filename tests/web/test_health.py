from django.core.cache import cache
from django.urls import reverse


def test_healthy_when_the_database_and_the_cache_answer(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_degraded_but_200_naming_the_cache_when_the_cache_fails(client, db, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "set", broken_set)
    response = client.get("/healthz")
    assert response.status_code == 200, "a cache outage must not take every server out"
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "failed",
        "tasks": "ok",
    }
    assert b"Redis is down" not in response.content, "details go to the log, not the caller"


def test_degraded_when_the_cache_loses_what_was_written(client, db, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    assert client.get("/healthz").json()["cache"] == "failed"


def test_503_naming_the_database_when_the_database_fails(client, db, monkeypatch):
    from django.db import OperationalError

    from web import health

    class DownDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "failed", "cache": "ok", "tasks": "ok"}


def test_the_database_check_really_queries(db, django_assert_num_queries):
    from web.health import check_database

    with django_assert_num_queries(1):
        check_database()


def test_only_get(client, db):
    assert client.post("/healthz").status_code == 405


def test_a_queue_nobody_works_on_shows_as_degraded(client, database_tasks, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from search.tasks import rebuild_search_index

    settings.AGORA_TASK_BACKLOG_SECONDS = 300
    result = rebuild_search_index.enqueue()
    assert client.get("/healthz").json()["tasks"] == "ok", "just queued"
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "tasks": "failed",
    }
