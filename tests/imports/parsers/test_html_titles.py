"""A saved page's title is its headline: an <h1> that is not the site's name, else the
title metadata without the site's name."""

import pytest

from imports.parsers.html import parse_html

BODY = "<p>" + "The ferry crossed the river at seven on Monday morning, on time. " * 6 + "</p>"


def page(head: str, body: str) -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    "head, body, title",
    [
        (  # the <title> carries the site's name
            '<title>The ferry returns - Harbour Gazette</title><meta property="og:site_name" '
            'content="Harbour Gazette">',
            f"<article><h1>The ferry returns</h1>{BODY}</article>",
            "The ferry returns",
        ),
        (  # a logo in an <h1> before the headline
            "<title>The ferry returns | Gazette</title>"
            '<meta property="og:site_name" content="Gazette">',
            f"<header><h1>Gazette</h1></header><article><h1>The ferry returns</h1>{BODY}</article>",
            "The ferry returns",
        ),
        (  # the sharing title is worded otherwise: the headline wins
            '<meta property="og:title" content="Ferry: back after two winters">',
            f"<article><h1>After two winters the ferry is back</h1>{BODY}</article>",
            "After two winters the ferry is back",
        ),
        (  # a promo's <h1> shares no word with the title
            "<title>Business focus: building online</title>",
            f"<aside><h1>Need a hand?</h1></aside><article><h1>Business focus: why some "
            f"triumph online</h1>{BODY}</article>",
            "Business focus: why some triumph online",
        ),
        (  # no <h1>: the title without the site's name, in front or behind
            '<title>Harbour Gazette » The ferry returns</title><meta property="og:site_name" '
            'content="Harbour Gazette">',
            f"<article>{BODY}</article>",
            "The ferry returns",
        ),
    ],
)
def test_the_title_is_the_headline(head, body, title):
    assert parse_html(page(head, body)).title == title


def test_a_title_that_is_only_the_site_name_is_kept_as_it_is():
    doc = parse_html(
        page(
            '<title>Gazette</title><meta property="og:site_name" content="Gazette">',
            f"<article>{BODY}</article>",
        )
    )
    assert doc.title == "Gazette"
