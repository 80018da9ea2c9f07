"""`manage.py export_archive` and the JSON Lines round trip."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from archive.models import Article, ArticleRevision, Author, Provenance, Source
from backup.reading import BackupError, parse_jsonl
from backup.restore import restore_records
from comments.models import Comment
from imports.loader import load_document
from imports.parsers.base import ParsedComment, ParsedDocument

pytestmark = pytest.mark.django_db


def seed_archive() -> None:
    """Every date precision, a thread, a revision and provenance."""
    thread = [
        ParsedComment(
            "Don L",
            "Root.",
            created=datetime.datetime(2014, 9, 6, 10, 5, tzinfo=datetime.UTC),
            children=[
                ParsedComment(None, "Reply <b>&amp;</b>", children=[ParsedComment("liz", "Deep.")])
            ],
        ),
        ParsedComment("liz", "Second root — with “quotes”."),
    ]
    for number, (published, precision) in enumerate(
        [
            (datetime.date(2014, 9, 6), "day"),
            (datetime.date(2008, 4, 1), "month"),
            (datetime.date(2001, 1, 1), "year"),
            (None, ""),
        ]
    ):
        doc = ParsedDocument(
            title=f"Article {number}",
            paragraphs=["Body één.", "Two."],
            source_name="Source A" if number % 2 else "Source B",
            authors=["Ann", "Bob"] if number == 0 else [],
            url=f"https://example.org/{number}" if number < 3 else "",
            published=published,
            precision=precision,
            comments=thread if number == 0 else [],
            format="text",
        )
        load_document(doc, file_name=f"{number}.txt", sha256=f"{number:064d}", format="text")
    changed = ParsedDocument(
        title="Article 0, revised",
        paragraphs=["New body."],
        source_name="Source B",
        authors=["Ann", "Bob"],
        url="https://example.org/0",
        published=datetime.date(2014, 9, 6),
        precision="day",
        format="text",
    )
    load_document(changed, file_name="0b.txt", sha256="f" * 64, format="text")


def export() -> str:
    out = io.StringIO()
    call_command("export_archive", "-", stdout=out)
    return out.getvalue()


def wipe() -> None:
    Comment.objects.all().delete()
    Article.objects.all().delete()
    Source.objects.all().delete()
    Author.objects.all().delete()


def test_every_line_has_a_type_and_an_id_with_parents_first():
    seed_archive()
    records = [json.loads(line) for line in export().splitlines()]
    kinds = [r["type"] for r in records]
    order = [
        "site_rule",
        "moderation_settings",
        "source",
        "author",
        "article",
        "revision",
        "provenance",
        "comment",
    ]
    assert kinds == sorted(kinds, key=order.index)
    assert set(kinds) == set(order)  # no users, follows or moderation history in this archive
    seen = set()
    for record in records:
        assert isinstance(record["id"], int)
        if record["type"] == "comment" and record["parent"] is not None:
            assert ("comment", record["parent"]) in seen
        seen.add((record["type"], record["id"]))
    article = next(
        r for r in records if r["type"] == "article" and r["title"].startswith("Article 0")
    )
    assert article["published"] == "2014-09-06" and article["path"].startswith("/articles/")
    anonymous = next(r for r in records if r["type"] == "comment" and r["depth"] == 1)
    assert anonymous["author_name"] is None and anonymous["archived"] is True
    assert ArticleRevision.objects.count() == 1 and Provenance.objects.count() == 5


def test_export_restore_export_gives_the_same_bytes(tmp_path):
    seed_archive()
    first = export()
    assert first.count('"type": "comment"') == 4 and first.count('"type": "revision"') == 1
    wipe()
    path = tmp_path / "archive.jsonl"
    path.write_text(first, encoding="utf-8")
    call_command("restore_archive", str(path), "--json", stdout=io.StringIO())
    assert export() == first


def test_restored_sequences_continue_after_the_restored_ids(tmp_path):
    seed_archive()
    first = export()
    wipe()
    restore_records(parse_jsonl(io.StringIO(first)))
    highest = max(Source.objects.values_list("id", flat=True))
    assert Source.objects.create(name="Brand new").pk > highest


def test_restore_refuses_a_non_empty_archive():
    seed_archive()
    with pytest.raises(BackupError, match="empty archive"):
        restore_records(parse_jsonl(io.StringIO(export())))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "source", "id": 1\n', "line 1: not valid JSON"),
        ('{"type": "planet", "id": 1}\n', "line 1: unknown type"),
        ('{"type": "author", "id": 1, "name": "A", "slug": "a"}\n', "lacks the field 'created'"),
        (
            '{"type": "author", "id": 1, "name": "A", "slug": "a", '
            '"created": "2020-01-01T00:00:00+00:00"}\n'
            '{"type": "revision", "id": 1, "article": 9, "title": "t", "body": "", '
            '"created": "2020-01-01T00:00:00+00:00", "created_by": null}\n',
            "line 2: revision 1 refers to article 9",
        ),
    ],
)
def test_the_jsonl_parser_names_the_bad_line(text, message):
    with pytest.raises(BackupError, match=message):
        list(parse_jsonl(io.StringIO(text)))


def test_export_writes_a_file(tmp_path):
    seed_archive()
    out = tmp_path / "out.jsonl"
    call_command("export_archive", str(out), stderr=io.StringIO())
    assert out.read_text(encoding="utf-8") == export()
