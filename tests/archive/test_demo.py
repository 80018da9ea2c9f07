"""The demo content goes through the real importer, threads included, and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Max

from archive.demo import load_demo_content
from archive.models import Article, Provenance
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_the_demo_imports_articles_with_threads_then_changes_nothing():
    first = load_demo_content()
    assert first["created"] == Article.objects.count() == 10
    assert Comment.objects.filter(is_archived=True).aggregate(Max("depth"))["depth__max"] >= 7
    assert Article.objects.filter(comment_count=210).exists()
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
