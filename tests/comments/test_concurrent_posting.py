"""Concurrent readers posting through gunicorn lose nothing (the "no data lost" issue).

A small version of `manage.py bench posting`: real gunicorn workers, real HTTP posts with
sessions and CSRF tokens, on a throwaway database of the kind the suite uses (a temporary
SQLite file, or a new PostgreSQL database)."""

from __future__ import annotations

import importlib.util
import os

import pytest

from bench import loadtest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("gunicorn") is None or not hasattr(os, "fork"),
    reason="gunicorn cannot start here (not installed, or no fork on this platform)",
)


def test_concurrent_posters_store_every_comment_once_with_consistent_counters():
    with loadtest.throwaway_database("posting_test") as env:
        result = loadtest.run(env, posters=8, per_poster=5, workers=3)

    assert result["errors"] == 0, result["error_samples"]
    assert result["stored"] == 40 and result["total"] == 40
    assert result["responses_match_rows"]  # every answered id is a row, and no row unanswered
    assert result["pending"] == 0  # accounts in good standing pass moderation
    assert result["replies"] > 0  # a mix of new threads and replies
    assert result["comment_count"] == result["published"] == 40 + loadtest.SEED_COMMENTS
    assert not result["recount_changed"]
    assert result["bad_tree"] == 0


def test_the_runner_only_talks_to_loopback():
    with pytest.raises(ValueError, match="loopback"):
        loadtest.Browser("http://example.org:80")


def test_the_runner_is_bounded():
    plan = loadtest.Plan("x", ["a"], [])
    with pytest.raises(ValueError):
        loadtest.run_posters("http://127.0.0.1:1", plan, posters=1, per_poster=10_000)
    with pytest.raises(ValueError):
        loadtest.run_posters("http://127.0.0.1:1", plan, posters=2, per_poster=1)


@pytest.mark.django_db
def test_a_post_committing_after_a_newer_one_does_not_move_last_comment_at_back(make_article):
    """Two posts race: the later-stamped one commits first. The article keeps the later date,
    which is what a recount (MAX(created)) gives."""
    import datetime

    from django.contrib.auth import get_user_model

    from archive.models import Article
    from comments.actions import post_comment
    from moderation.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"new_account_approvals": 0})
    article = make_article()
    newer = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
    Article.objects.filter(pk=article.pk).update(last_comment_at=newer, comment_count=0)
    user = get_user_model().objects.create_user("racer", "r@example.org", "x")
    post_comment(user, article, "Slow to commit.")
    article.refresh_from_db()
    assert article.last_comment_at == newer and article.comment_count == 1
