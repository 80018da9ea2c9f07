"""Text that pages, feeds and the export cannot carry: imported with a warning, never a 500,
and cleaned out of what is already stored."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from lxml import etree

from archive.models import Article, Author, Source
from backup.export import export_lines
from backup.reading import parse_jsonl, read_lines
from backup.restore import restore_records
from comments.models import Comment
from imports.pipeline import import_paths
from tests.moderation.world import make_comment, make_user

ISSUE_TITLE = "Harbour \x0bnotice\x01 about ferries"


def atom(response) -> etree._Element:
    assert response.status_code == 200, response.status_code
    return etree.fromstring(response.content)


def test_it_imports_the_issue_s_article_with_a_warning_and_the_feeds_answer(db, client, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(f"Title: {ISSUE_TITLE}\nSource: Courier\n---\n\nThe ferries\x01 run.\n")
    summary = import_paths([path])
    assert summary.imported == 1, summary.failures
    assert any("removed characters" in w and "title" in w for w in summary.warnings)
    article = Article.objects.get()
    assert article.title == "Harbour notice about ferries"
    assert "\x01" not in article.body_text
    feed = atom(client.get(reverse("archive:feed")))
    titles = feed.findall(
        ".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title"
    )
    assert [t.text for t in titles] == ["Harbour notice about ferries"]
    atom(client.get(reverse("comments:article_feed", args=[article.slug])))
    atom(client.get(reverse("archive:source_feed", args=[article.source.slug])))


def test_the_import_command_prints_the_warning(db, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(f"Title: {ISSUE_TITLE}\n---\n\nBody.\n")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    assert "removed characters" in out.getvalue() + err.getvalue()


def test_a_manifest_override_is_cleaned_too(db, tmp_path):
    (tmp_path / "a.txt").write_text("Title: Plain\n---\n\nBody.\n")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,title,source\na.txt,Over\u202eridden\x07,Wire\x02 service\n")
    out = io.StringIO()
    call_command(
        "import_articles", str(tmp_path / "a.txt"), "--manifest", str(manifest), stdout=out
    )
    article = Article.objects.get()
    assert (article.title, article.source.name) == ("Overridden", "Wire service")
    assert "removed characters" in out.getvalue()


def raw_update(model, pk: int, **values) -> None:
    """Write past every boundary, as a row from before the rule (or raw SQL) would be."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for column, value in values.items():
            cursor.execute(
                f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",
                [value, pk],
            )


@pytest.fixture
def poisoned(make_article):
    """An article, its source and a comment whose stored text holds \\x01 and friends."""
    article = make_article("Ferry")
    author = make_user("rita")
    comment = make_comment(article, author, "Fine.")
    raw_update(Article, article.pk, title="Ferry\x01 \x1b[31m", dek="d\x08ek", body_text="b\x01")
    raw_update(Source, article.source_id, name="Courier\x02")
    raw_update(Comment, comment.pk, body_html="<p>x\x01\x0c</p>", archived_author_name="A\x03")
    return Article.objects.get(pk=article.pk)


def test_a_row_written_by_raw_sql_does_not_take_a_feed_down(client, poisoned):
    feed = atom(client.get(reverse("archive:feed")))
    assert b"\x01" not in etree.tostring(feed)
    atom(client.get(reverse("archive:source_feed", args=[poisoned.source.slug])))
    atom(client.get(reverse("comments:article_feed", args=[poisoned.slug])))


def test_such_rows_leave_the_json_ld_and_the_sitemap_well_formed(client, poisoned):
    page = client.get(poisoned.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block.group(1))
    assert data["headline"] == "Ferry \x1b[31m".replace("\x1b", "")
    assert data["publisher"]["name"] == "Courier"
    assert data["comment"][0]["text"] == "x"
    sitemap = client.get(reverse("sitemap_page", args=["sources", 1]))
    etree.fromstring(sitemap.content)


def test_the_export_of_such_rows_parses_line_by_line(poisoned):
    for line in export_lines():
        line.encode("utf-8")
        json.loads(line)


def test_clean_stored_text_reports_and_with_dry_run_changes_nothing(poisoned):
    out = io.StringIO()
    call_command("clean_stored_text", "--dry-run", stdout=out)
    report = out.getvalue()
    assert "archive.Article.title: 1 row" in report
    assert "archive.Source.name: 1 row" in report
    assert "comments.Comment.body_html: 1 row" in report
    assert "would change" in report
    assert Article.objects.get(pk=poisoned.pk).title == "Ferry\x01 \x1b[31m"


def test_clean_stored_text_cleans_and_keeps_the_content_hash_in_step(poisoned):
    out = io.StringIO()
    call_command("clean_stored_text", stdout=out)
    article = Article.objects.get(pk=poisoned.pk)
    assert (article.title, article.dek, article.body_text) == ("Ferry [31m", "dek", "b")
    assert article.content_hash == Article.hash_content(article.title, article.body_text)
    assert article.source.name == "Courier"
    comment = Comment.objects.get(article=article)
    assert (comment.body_html, comment.archived_author_name) == ("<p>x</p>", "A")
    again = io.StringIO()
    call_command("clean_stored_text", stdout=again)
    assert "changed 0 field values" in again.getvalue()


def test_clean_stored_text_can_be_limited_to_a_model(poisoned):
    out = io.StringIO()
    call_command("clean_stored_text", "--model", "archive.source", stdout=out)
    assert "archive.Source.name: 1 row" in out.getvalue()
    assert "Article" not in out.getvalue().split("changed")[0]
    assert Article.objects.get(pk=poisoned.pk).title == "Ferry\x01 \x1b[31m"


def test_clean_stored_text_refuses_an_unknown_model(db):
    with pytest.raises(Exception, match="unknown model"):
        call_command("clean_stored_text", "--model", "nope")


def test_a_cleaned_name_that_would_collide_is_left_and_reported(make_source):
    make_source("Courier")
    other = make_source("Other")
    raw_update(Source, other.pk, name="Courier\x02")
    err = io.StringIO()
    call_command("clean_stored_text", "--model", "Source", stdout=io.StringIO(), stderr=err)
    assert "left as it is" in err.getvalue()
    assert Source.objects.get(pk=other.pk).name == "Courier\x02"


def test_a_restore_cleans_its_records_and_says_so(make_article, tmp_path):
    article = make_article("Ferry")
    raw_update(Article, article.pk, title="Ferry\x01")
    raw_update(Source, article.source_id, name="Courier\u202e")
    lines = list(export_lines())
    # A lone surrogate, escaped as the export writes it: JSON carries it, no column can.
    lines = [line.replace('"Ferry\\u0001"', '"Ferry\\u0001\\ud800"') for line in lines]
    assert any("\\ud800" in line for line in lines)
    Article.objects.all().delete()
    Source.objects.all().delete()
    path = tmp_path / "export.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    with path.open("rb") as stream:
        result = restore_records(parse_jsonl(read_lines(stream)))
    assert result.counts["article"] == 1
    restored = Article.objects.get()
    assert (restored.title, restored.source.name) == ("Ferry", "Courier")
    assert any("1 article title" in w for w in result.warnings), result.warnings
    assert any("1 source name" in w for w in result.warnings), result.warnings


def test_the_admin_cleans_what_it_saves(admin_client, db):
    response = admin_client.post(
        reverse("admin:archive_author_add"),
        {
            "name": "\u202eMara\x01 Ellison",
            "slug": "mara",
            "created_0": "2024-01-01",
            "created_1": "10:00",
        },
    )
    assert response.status_code == 302
    assert Author.objects.get().name == "Mara Ellison"


def test_a_form_cleans_what_it_saves(client, db):
    reader = make_user("rita")
    client.force_login(reader)
    client.post(
        reverse("accounts:settings"),
        {"display_name": "Rita", "bio": "Hi\x01 there\r\n\ufffe", "email": reader.email},
    )
    reader.profile.refresh_from_db()
    assert reader.profile.bio == "Hi there\n"
