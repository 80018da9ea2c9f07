"""Hostile and broken inputs: each has a clear outcome, no exception escapes, nothing partial
is saved. Every file is generated here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from archive.models import Article, Source
from comments.models import Comment
from imports.parsers.base import MAX_BODY_CHARS
from imports.pipeline import Limits, import_paths

pytestmark = pytest.mark.django_db

LIMITS = Limits(
    max_files=50, max_total_bytes=50 * 1024 * 1024, max_file_bytes=20 * 1024 * 1024, max_ratio=100
)


def run(*paths: Path, **kwargs):
    return import_paths([str(p) for p in paths], limits=LIMITS, **kwargs)


def only_failure(summary) -> str:
    assert summary.imported == summary.updated == summary.unchanged == 0
    assert summary.failed == 1
    return summary.failures[0].reason


def nothing_saved() -> None:
    assert not Article.objects.exists() and not Comment.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "blank"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        ("nul.txt", b"Title\n\nbody\x00\x00\x00 text", "NUL"),
        ("long.txt", b"Title\n\n" + b"x" * (10 * 1024 * 1024), "too long"),
    ],
)
def test_unreadable_files_fail_clearly(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    assert reason in only_failure(run(tmp_path / name))
    nothing_saved()


def test_a_file_with_only_a_title_is_an_article_without_body(tmp_path):
    (tmp_path / "t.txt").write_text("Only a title\n")
    summary = run(tmp_path / "t.txt")
    assert summary.imported == 1 and Article.objects.get().body_html == ""


def test_invalid_utf8_is_decoded_with_a_warning(tmp_path):
    (tmp_path / "w.txt").write_bytes("Café society\n\nA crème brûlée.\n".encode("cp1252"))
    summary = run(tmp_path / "w.txt")
    assert summary.imported == 1
    assert Article.objects.get().title == "Café society"
    assert any("Windows-1252" in w for w in summary.warnings)


def test_a_fifty_level_thread_keeps_its_depth(tmp_path):
    lines = ["Title: Deep thread", "---", "", "The body.", ""]
    for depth in range(50):
        indent = "  " * depth
        lines += [f"{indent}• Person {depth}", "", f"{indent}  Reply at depth {depth}.", ""]
    (tmp_path / "deep.txt").write_text("\n".join(lines))
    assert run(tmp_path / "deep.txt").imported == 1
    assert Comment.objects.get(archived_author_name="Person 49").depth == 49


def test_mixed_tabs_and_spaces_still_nest(tmp_path):
    text = "Title: Tabs\n---\n\nBody.\n\n• Ann\n\n\tTabbed body.\n\n\t• Bob\n\n\t  Reply.\n"
    (tmp_path / "tabs.txt").write_text(text)
    assert run(tmp_path / "tabs.txt").imported == 1
    assert Comment.objects.get(archived_author_name="Bob").parent.archived_author_name == "Ann"


def test_truncated_html_still_imports_what_is_there(tmp_path):
    page = b"<html><head><title>Cut off</title></head><body><article><p>First para.</p><p>Sec"
    (tmp_path / "cut.html").write_bytes(page)
    summary = run(tmp_path / "cut.html")
    assert summary.failed == 0 and summary.imported == 1
    assert "First para." in Article.objects.get().body_text


def test_scripts_handlers_and_javascript_links_are_not_stored(tmp_path):
    page = (
        b"<html><head><title>Hostile page</title><script>steal()</script></head><body>"
        b"<article><h1>Hostile page</h1><p onclick='steal()'>Text with a "
        b"<a href='javascript:steal()'>link</a> and enough words to count as a paragraph.</p>"
        b"<p>Another <img src=x onerror=steal()> paragraph of text here.</p></article>"
        b"<ol class='commentlist'><li class='comment'><div class='comment-author'>"
        b"<cite class='fn'>Mallory</cite></div><div class='comment-content'><p>Hi "
        b"<a href='javascript:x()' onmouseover='x()'>click</a><script>bad()</script></p>"
        b"</div></li></ol></body></html>"
    )
    (tmp_path / "x.html").write_bytes(page)
    assert run(tmp_path / "x.html").imported == 1
    stored = Article.objects.get().body_html + "".join(
        Comment.objects.values_list("body_html", flat=True)
    )
    for bad in ("<script", "steal", "onclick", "onerror", "onmouseover", "javascript:"):
        assert bad not in stored


def test_a_duplicate_import_is_unchanged(tmp_path):
    (tmp_path / "a.txt").write_text("A title\n\nA body.\n")
    run(tmp_path / "a.txt")
    assert run(tmp_path / "a.txt").unchanged == 1


def test_a_feed_with_an_entity_bomb_is_refused(tmp_path):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<rss version='2.0'><channel><title>T</title>"
        b"<item><title>&c;</title></item></channel></rss>"
    )
    (tmp_path / "bomb.xml").write_bytes(bomb)
    assert "entit" in only_failure(run(tmp_path / "bomb.xml"))
    nothing_saved()


def test_a_zip_of_too_many_entries_is_refused_whole(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for number in range(LIMITS.max_files + 1):
            zf.writestr(f"{number}.txt", f"Title {number}\n\nBody.\n")
    assert "holds 51 files" in only_failure(run(path))
    nothing_saved()


def test_a_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.zip"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("zeros.txt", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    reason = only_failure(run(path))
    assert "zip bomb" in reason or "expands" in reason
    nothing_saved()


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/evil.txt", "C:/evil.txt", "a/../../evil.txt"]
)
def test_zip_slip_names_refuse_the_archive(tmp_path, name):
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("good.txt", "A fine title\n\nBody.\n")
        zf.writestr(zipfile.ZipInfo(name), "Evil\n\nBody.\n")
    assert "refused" in only_failure(run(path))
    nothing_saved()


def test_a_nested_zip_is_refused_but_siblings_import(tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", "Inner\n\nBody.\n")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(inner, "inner.zip")
        zf.writestr("b.txt", "Outer article\n\nBody.\n")
    summary = run(outer)
    assert summary.imported == 1 and summary.failed == 1
    assert "inside a zip" in summary.failures[0].reason


def test_a_lying_zip_directory_cannot_exceed_the_cap(tmp_path):
    # A member whose declared size is small but whose stream is bigger is cut off, not read.
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", "Title\n\n" + "word " * 1000)
    data = bytearray(path.read_bytes())
    # Patch the central directory's uncompressed size (offset 24 in the entry) down to 10.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    summary = run(path)
    assert summary.failed == 1 and summary.imported == 0
    nothing_saved()


def test_an_article_body_beyond_any_article_is_refused(tmp_path):
    paragraph = "The harbour board met again on Tuesday to discuss the quay. " * 8
    body = "\n\n".join([paragraph] * (MAX_BODY_CHARS // len(paragraph) + 100))
    (tmp_path / "huge.txt").write_text(f"A huge article\n\n{body}\n")
    reason = only_failure(run(tmp_path / "huge.txt"))
    assert f"characters long; the limit is {MAX_BODY_CHARS:,}, far beyond any article" in reason
    assert reason.startswith("the article body is ")
    nothing_saved()


def test_a_comment_beyond_any_article_is_refused_with_its_article(tmp_path):
    line = "  " + "spam spam spam eggs and spam " * 16
    comment = "\n\n".join([line] * (MAX_BODY_CHARS // len(line) + 100))
    (tmp_path / "c.txt").write_text(
        f"Title: A giant comment\n---\n\nA short body.\n\n• Troll\n\n{comment}\n"
    )
    reason = only_failure(run(tmp_path / "c.txt"))
    assert reason.startswith("a comment is ") and "far beyond any article" in reason
    nothing_saved()
