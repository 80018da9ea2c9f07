"""Shared fixtures: small factories for the archive's objects."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest

from archive.models import Article, Author, DatePrecision, Source
from web.sanitize import paragraphs_to_html

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
_counter = itertools.count(1)


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, skipping the test when the folder is absent (as on a user's
    machine: CI always has it beside the checkout)."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the checkout")
    return path


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: in CI the cache is a Redis database that outlives
    a test (and the run), unlike the in-process cache. The rate limits' fallback for a cache
    outage is emptied too."""
    from django.core.cache import cache

    from web import ratelimit

    cache.clear()
    ratelimit._local.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run where they are enqueued (the immediate backend), so a test sees their effect
    at once and in order; tests of the queue itself switch to the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def database_tasks(settings, db):
    """Tasks go to the database backend's queue, as in production, and wait for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker(database_tasks, monkeypatch):
    """Run `manage.py db_worker --batch` in this process: every task ready now, then stop.
    Its connection clean-up is skipped (inside a test's transaction it would drop the
    connection), and the signal handlers it installs are put back afterwards."""
    import signal

    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    def run() -> None:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
        try:
            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    return run


@pytest.fixture
def make_source(db):
    def make(name: str | None = None, homepage: str = "", **extra) -> Source:
        name = name or f"Source {next(_counter)}"
        return Source.objects.create(name=name, homepage=homepage, **extra)

    return make


@pytest.fixture
def make_author(db):
    def make(name: str | None = None) -> Author:
        return Author.objects.create(name=name or f"Author {next(_counter)}")

    return make


@pytest.fixture
def make_article(db, make_source):
    def make(
        title: str | None = None,
        *,
        source: Source | None = None,
        authors: tuple[Author, ...] = (),
        published: datetime.date | None = datetime.date(2014, 6, 17),
        precision: str = DatePrecision.DAY,
        paragraphs: tuple[str, ...] = ("A first paragraph.", "A second paragraph."),
        **extra,
    ) -> Article:
        article = Article(
            source=source or make_source(),
            title=title or f"Article {next(_counter)}",
            published=published,
            published_precision=precision,
            **extra,
        )
        article.set_body(paragraphs_to_html(list(paragraphs)))
        article.save()
        if authors:
            article.authors.set(authors)
        return article

    return make
