"""Dates, thread walking and sanitizing shared by every parser."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from imports.parsers.base import (
    ParsedComment,
    clean_html,
    html_to_paragraphs,
    parse_date,
    parse_datetime,
    walk,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2008-04-21", (date(2008, 4, 21), "day")),
        ("2008-04", (date(2008, 4, 1), "month")),
        ("2008", (date(2008, 1, 1), "year")),
        ("April 2008", (date(2008, 4, 1), "month")),
        ("Apr. 2008", (date(2008, 4, 1), "month")),
        ("April 21, 2008", (date(2008, 4, 21), "day")),
        ("21 April 2008", (date(2008, 4, 21), "day")),
        ("2014-09-06T10:00:00+02:00", (date(2014, 9, 6), "day")),
        ("2014-09-06T10:00:00Z", (date(2014, 9, 6), "day")),
        ("2014-09-06 10:00", (date(2014, 9, 6), "day")),
        ("  2008-04-21  ", (date(2008, 4, 21), "day")),
        ("", (None, "")),
        ("someday", (None, "")),
        ("2008-13", (None, "")),
        ("February 30, 2008", (None, "")),
        ("Smarch 2008", (None, "")),
        ("9" * 10_000, (None, "")),
    ],
)
def test_parse_date_reads_the_accepted_forms_with_their_precision(value, expected):
    assert parse_date(value) == expected


def test_parse_datetime_makes_every_time_aware():
    assert parse_datetime("2008-04-21T10:05:00") == datetime(2008, 4, 21, 10, 5, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    assert parse_datetime("2008-04-21T10:05:00+02:00") == datetime(
        2008, 4, 21, 10, 5, tzinfo=plus_two
    )
    assert parse_datetime("April 21, 2008 at 12:15 am") == datetime(2008, 4, 21, 0, 15, tzinfo=UTC)
    assert parse_datetime("Tuesday, June 17, 2014 9:12 PM") == datetime(
        2014, 6, 17, 21, 12, tzinfo=UTC
    )
    assert parse_datetime("3 days ago") is None


def test_walk_yields_depth_first_with_depths():
    thread = [
        ParsedComment(
            "a", "1", children=[ParsedComment("b", "2", children=[ParsedComment("c", "3")])]
        ),
        ParsedComment("d", "4"),
    ]
    assert [(depth, c.author_name) for depth, c in walk(thread)] == [
        (0, "a"),
        (1, "b"),
        (2, "c"),
        (0, "d"),
    ]


def test_walk_handles_threads_deeper_than_the_recursion_limit():
    root = current = ParsedComment("r", "x")
    for _ in range(5000):
        child = ParsedComment("r", "x")
        current.children.append(child)
        current = child
    assert max(depth for depth, _ in walk([root])) == 5000


def test_clean_html_keeps_the_allow_list_and_marks_links():
    html = (
        '<h1>Big</h1><h2>Sub</h2><p class="x" style="color:red">Hi <em>there</em> '
        '<a href="https://e.org" target="_blank" rel="me">link</a> '
        '<a href="mailto:a@b.org">mail</a> <a href="ftp://e.org">ftp</a></p>'
        "<table><tr><td>cell</td></tr></table><img src=x>"
    )
    cleaned = clean_html(html)
    assert "<h1>" not in cleaned and "<h2>Sub</h2>" in cleaned
    assert (
        '<p>Hi <em>there</em> <a href="https://e.org" rel="nofollow ugc noopener">link</a>'
        in cleaned
    )
    assert '<a href="mailto:a@b.org" rel="nofollow ugc noopener">mail</a>' in cleaned
    assert 'href="ftp' not in cleaned and "<table" not in cleaned and "<img" not in cleaned
    assert "cell" in cleaned


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<p onmouseover="alert(1)">x</p>',
        "<svg onload=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<style>body{background:url(javascript:alert(1))}</style>",
    ],
)
def test_clean_html_removes_scripts_handlers_and_javascript_urls(hostile):
    cleaned = clean_html(hostile).lower()
    assert "alert" not in cleaned or "javascript" not in cleaned
    assert "<script" not in cleaned and "onerror" not in cleaned and "onload" not in cleaned
    assert "javascript:" not in cleaned


def test_clean_html_drops_relative_and_protocol_relative_links():
    cleaned = clean_html('<a href="/x">a</a><a href="#top">b</a><a href="//e.org">c</a>')
    assert "href" not in cleaned
    assert cleaned.count('rel="nofollow ugc noopener"') == 3


def test_html_to_paragraphs_splits_blocks_and_keeps_line_breaks():
    html = (
        "<p>One <b>bold</b>\n word.</p><p>Two<br>lines</p><ul><li>item</li></ul><script>x</script>"
    )
    assert html_to_paragraphs(html) == ["One bold word.", "Two\nlines", "item"]
    assert html_to_paragraphs("") == []


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<html ontouchstart=alert(1)>", []),
        ("<html id=x tabindex=1 onfocus=alert(1)></html>", []),
        ("<!doctype html><html><head></head></html>", []),
        ("<HTML><HEAD><TITLE>Kept</TITLE></HEAD></HTML> too", ["Kept too"]),
    ],
)
def test_html_to_paragraphs_reads_markup_that_opens_a_page_of_its_own(markup, expected):
    # lxml parses these as whole pages and, finding no <body>, fails an assertion of its own.
    assert html_to_paragraphs(markup) == expected
