"""The demo content goes through the real importer, threads included, and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Max

from archive.models import Article, Provenance
from comments.models import Comment
from demo.data import load_demo_content

pytestmark = pytest.mark.django_db


def test_the_demo_imports_articles_with_threads_then_changes_nothing():
    first = load_demo_content()
    assert first["created"] == Article.objects.count() == 10
    assert Comment.objects.filter(is_archived=True).aggregate(Max("depth"))["depth__max"] >= 7
    # One thread is both long and deep: 200 comments and more, six levels and more.
    long = Article.objects.get(comment_count__gte=200)
    assert long.comments.aggregate(Max("depth"))["depth__max"] >= 5
    assert Provenance.objects.count() == 10
    second = load_demo_content()
    assert second == {"created": 0, "updated": 0, "unchanged": 10}
    assert Provenance.objects.count() == 10


def test_the_demo_command_prints_the_logins():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "10 article(s) added" in text
    assert "admin / admin-demo-pass" in text and "reader / reader-demo-pass" in text


def test_the_demo_discussion_shows_a_featured_and_a_held_comment_and_is_idempotent():
    from moderation.models import Hold, HoldRule, LogEntry

    call_command("demo", "--no-serve", stdout=io.StringIO())
    site = Comment.objects.filter(is_archived=False).order_by("id")
    assert [(c.user.username, c.status) for c in site] == [
        ("reader", "published"),
        ("moderator", "published"),
        ("reader", "pending"),
    ]
    first, reply, held = site
    assert first.is_featured and reply.parent == first
    assert Hold.objects.get(comment=held).rule == HoldRule.NEW_ACCOUNT

    def state():
        return (
            list(Comment.objects.values_list("pk", "status", "is_featured", "body_source")),
            LogEntry.objects.count(),
            Hold.objects.count(),
        )

    before = state()
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert state() == before
