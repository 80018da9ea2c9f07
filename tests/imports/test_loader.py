"""The loader: one parsed document saved atomically, with identity, revisions and threads."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from archive.models import Article, ArticleRevision, Author, Provenance, Source
from comments.models import Comment
from imports.loader import ImportSession, load_document
from imports.parsers.base import ParsedComment, ParsedDocument, ParseError

pytestmark = pytest.mark.django_db


def document(**changes) -> ParsedDocument:
    doc = ParsedDocument(
        title="Ferry returns",
        paragraphs=["First paragraph.", "Second paragraph."],
        source_name="The Courier",
        source_url="https://courier.example.org",
        authors=["Mara Ellison"],
        url="https://courier.example.org/ferry",
        published=datetime.date(2025, 3, 1),
        precision="month",
        format="text",
        comments=[
            ParsedComment(
                "Don L",
                "Root comment.",
                children=[ParsedComment(None, "Anonymous reply.\n\nSecond para.")],
            ),
            ParsedComment("liz", "Another root."),
        ],
    )
    for key, value in changes.items():
        setattr(doc, key, value)
    return doc


def load(doc, **kwargs):
    kwargs.setdefault("file_name", "ferry.txt")
    kwargs.setdefault("sha256", "a" * 64)
    kwargs.setdefault("format", "text")
    return load_document(doc, **kwargs)


def test_it_saves_article_source_authors_thread_and_provenance():
    result = load(document())
    article = result.article
    assert result.outcome == "imported"
    assert article.source.name == "The Courier"
    assert article.source.homepage == "https://courier.example.org"
    assert [a.name for a in article.authors.all()] == ["Mara Ellison"]
    assert article.published_iso == "2025-03"
    assert article.body_html == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"
    rows = list(Comment.objects.filter(article=article).order_by("depth", "position"))
    assert [(c.archived_author_name, c.depth, c.position) for c in rows] == [
        ("Don L", 0, 0),
        ("liz", 0, 1),
        ("", 1, 0),
    ]
    reply = rows[2]
    assert reply.parent == rows[0] and reply.is_archived and reply.status == "published"
    assert reply.body_html == "<p>Anonymous reply.</p>\n<p>Second para.</p>"
    assert reply.body_source == "Anonymous reply.\n\nSecond para."
    article.refresh_from_db()
    assert article.comment_count == 3
    assert Provenance.objects.get(article=article).outcome == "imported"


def test_the_same_document_twice_is_unchanged_and_adds_nothing():
    load(document())
    result = load(document())
    assert result.outcome == "unchanged"
    assert Comment.objects.count() == 3
    assert Article.objects.count() == 1 and ArticleRevision.objects.count() == 0
    assert Provenance.objects.count() == 1


def test_a_changed_document_updates_and_keeps_a_revision():
    first = load(document()).article
    result = load(document(title="Ferry returns at last", paragraphs=["New text."]))
    assert result.outcome == "updated" and result.article.pk == first.pk
    revision = ArticleRevision.objects.get(article=first)
    assert revision.title == "Ferry returns" and "Second paragraph." in revision.body_text
    first.refresh_from_db()
    assert first.title == "Ferry returns at last" and first.body_text == "New text."
    assert Provenance.objects.filter(article=first).count() == 2


def test_new_comments_are_added_to_an_existing_thread_without_duplicates():
    load(document())
    doc = document()
    doc.comments[0].children.append(ParsedComment("Newcomer", "A late reply."))
    result = load(doc)
    assert result.outcome == "updated" and result.comments_added == 1
    late = Comment.objects.get(archived_author_name="Newcomer")
    assert late.parent.archived_author_name == "Don L" and late.depth == 1 and late.position == 1


def test_without_url_identity_is_source_and_title():
    load(document(url=""))
    assert load(document(url="")).outcome == "unchanged"
    assert load(document(url="", source_name="Other paper", source_url="")).outcome == "imported"


def test_overrides_replace_detection():
    result = load(
        document(),
        overrides={
            "title": "Manifest title",
            "author": "Ann One; Bob Two and Cy Three",
            "published": "2008",
            "source": "Slate",
            "source_url": "https://slate.com",
            "kicker": "",
        },
    )
    article = result.article
    assert article.title == "Manifest title"
    assert sorted(a.name for a in article.authors.all()) == ["Ann One", "Bob Two", "Cy Three"]
    assert article.published_iso == "2008" and article.published_precision == "year"
    assert article.source.name == "Slate"


def test_a_bad_override_date_is_a_clear_error():
    with pytest.raises(ParseError, match="YYYY-MM-DD"):
        load(document(), overrides={"published": "last Tuesday"})
    assert not Article.objects.exists()


def test_a_failure_midway_saves_nothing_of_the_document():
    # The article, source and authors are written before the comments fail.
    with mock.patch("imports.loader.insert_comments", side_effect=RuntimeError):
        with pytest.raises(RuntimeError):
            load(document())
    assert not Article.objects.exists()
    assert not Source.objects.exists() and not Author.objects.exists()
    assert not Provenance.objects.exists()


def test_a_dry_run_saves_nothing_but_reports_the_outcome():
    result = load(document(), dry_run=True)
    assert result.outcome == "imported"
    assert not Article.objects.exists() and not Comment.objects.exists()


def test_html_comments_keep_their_sanitized_markup():
    comment = ParsedComment(
        "X", "Hi", body_html='<p>Hi <a href="javascript:x()">y</a><script>z()</script></p>'
    )
    result = load(document(format="html", comments=[comment], body_html="<p>Body</p>"))
    saved = Comment.objects.get(article=result.article)
    assert "javascript" not in saved.body_html and "script" not in saved.body_html
    assert result.article.body_html == "<p>Body</p>"


def test_a_deep_thread_is_saved_level_by_level():
    root = ParsedComment("a0", "level 0")
    node = root
    for depth in range(1, 60):
        child = ParsedComment(f"a{depth}", f"level {depth}")
        node.children.append(child)
        node = child
    load(document(comments=[root]))
    deepest = Comment.objects.get(archived_author_name="a59")
    assert deepest.depth == 59 and deepest.parent.archived_author_name == "a58"


def test_identical_sibling_comments_are_one_comment_with_both_reply_sets():
    twin = [
        ParsedComment("Ann", "Same.", children=[ParsedComment("Bob", "Reply one.")]),
        ParsedComment("Ann", "Same.", children=[ParsedComment("Cy", "Reply two.")]),
    ]
    load(document(comments=twin))
    ann = Comment.objects.get(archived_author_name="Ann")
    assert sorted(ann.replies.values_list("archived_author_name", flat=True)) == ["Bob", "Cy"]


def test_comment_ids_continue_after_deleted_ones():
    first = load(document()).article
    highest = max(Comment.objects.values_list("id", flat=True))
    Comment.objects.all().delete()
    first.delete()
    load(document())
    assert min(Comment.objects.values_list("id", flat=True)) > highest


def test_a_session_forgets_rows_of_a_failed_document():
    with ImportSession() as session:
        with mock.patch("imports.loader.insert_comments", side_effect=RuntimeError):
            with pytest.raises(RuntimeError):
                load(document(), session=session)
        # The failed document's source and author were rolled back with it; handing out the
        # cached rows would point the next article at ids that do not exist.
        assert not Source.objects.exists() and not Author.objects.exists()
        result = load(document(), session=session)
    assert result.outcome == "imported" and result.article.source.name == "The Courier"
    assert Source.objects.get().pk == result.article.source_id
    assert Author.objects.get().pk == result.article.authors.get().pk


def test_a_session_reuses_sources_and_authors(django_assert_max_num_queries):
    with ImportSession() as session:
        load(document(url="https://courier.example.org/1"), session=session)
        # Savepoint, article lookup with free slugs, article, release: the comments, the
        # author link and the provenance wait for the batch's end, the comment ids were taken
        # ahead, and nothing looks up the source or the author again.
        with django_assert_max_num_queries(4) as queries:
            load(document(url="https://courier.example.org/2", title="Other"), session=session)
    looked_up = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in looked_up if "archive_source" in sql or '"archive_author"' in sql]
    assert Source.objects.count() == 1 and Author.objects.count() == 1
