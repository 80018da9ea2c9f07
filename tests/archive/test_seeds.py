"""Acceptance: the five seed articles import as manifest.csv says, with and without it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from archive.models import Article
from comments.models import Comment
from tests.conftest import shared_path

pytestmark = pytest.mark.django_db

EXPECTED_THREAD = [("Don L", 0), ("liz", 1), ("Don L", 2), ("", 3), ("liz", 3), ("Don L", 4)]


def import_seeds(*args: str) -> dict:
    out = io.StringIO()
    call_command("import_articles", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def thread(article: Article) -> list[tuple[str, int]]:
    """(author, depth) in reading order."""
    rows = list(Comment.objects.filter(article=article))
    children: dict = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    order, stack = [], sorted(children.get(None, []), key=lambda c: c.position)[::-1]
    while stack:
        row = stack.pop()
        order.append(row)
        stack.extend(sorted(children.get(row.pk, []), key=lambda c: c.position)[::-1])
    return order


def article_for(name: str) -> Article:
    return Article.objects.get(provenance__file_name=name)


def test_with_the_manifest_every_seed_has_its_manifest_metadata():
    seeds = shared_path("seeds")
    manifest = seeds / "manifest.csv"
    summary = import_seeds(str(seeds), "--manifest", str(manifest))
    assert summary["imported"] == 5 and summary["failed"] == 0
    for row in csv.DictReader(manifest.open(encoding="utf-8")):
        article = article_for(row["file"])
        assert article.title == row["title"]
        assert article.kicker == row["kicker"] and article.dek == row["dek"]
        assert article.source.name == row["source"]
        assert article.source.homepage == row["source_url"]
        assert article.url == row["url"]
        assert article.published_iso == row["published"]
        if row["author"]:
            assert [a.name for a in article.authors.all()] == [row["author"]]

    huffpost = article_for("000_7901c2c0bca743ea.txt")
    assert "join huffpost" not in huffpost.body_text.lower()
    assert "testPromo" not in huffpost.body_text

    prospect = article_for("001_597a286e1c6c6ca4.txt")
    assert prospect.title == "FIXING TO GO ALL IN."
    assert "Matthew Duss" not in prospect.body_text
    assert [a.name for a in prospect.authors.all()] == ["Matthew Duss"]


def test_seed_003_keeps_its_six_comment_thread_apart_from_the_article():
    seeds = shared_path("seeds")
    import_seeds(str(seeds), "--manifest", str(seeds / "manifest.csv"))
    article = article_for("003_54302b17e97d2168.txt")
    comments = thread(article)
    assert [(c.archived_author_name, c.depth) for c in comments] == EXPECTED_THREAD
    assert all(c.is_archived for c in comments)
    article.refresh_from_db()
    assert article.comment_count == 6
    for comment in comments:
        first_line = comment.body_source.split("\n")[0]
        assert first_line not in article.body_text
    first_paragraph = article.body_text.split("\n\n")[0]
    assert all(first_paragraph not in c.body_source for c in comments)


def test_without_the_manifest_titles_and_thread_are_still_found():
    seeds = shared_path("seeds")
    files = [
        seeds / name
        for name in (
            "000_7901c2c0bca743ea.txt",
            "001_597a286e1c6c6ca4.txt",
            "003_54302b17e97d2168.txt",
        )
    ]
    summary = import_seeds(*map(str, files))
    assert summary["imported"] == 3
    rows = {r["file"]: r for r in csv.DictReader((seeds / "manifest.csv").open(encoding="utf-8"))}
    for file in files:
        assert article_for(file.name).title == rows[file.name]["title"]
    article = article_for("003_54302b17e97d2168.txt")
    assert [(c.archived_author_name, c.depth) for c in thread(article)] == EXPECTED_THREAD


def test_importing_the_seeds_twice_changes_nothing():
    seeds = shared_path("seeds")
    import_seeds(str(seeds), "--manifest", str(seeds / "manifest.csv"))
    again = import_seeds(str(seeds), "--manifest", str(seeds / "manifest.csv"))
    assert again["unchanged"] == 5 and Comment.objects.count() == 6
