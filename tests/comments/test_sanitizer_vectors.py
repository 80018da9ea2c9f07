"""Every public XSS vector, through comment Markdown and the sanitizer, comes out inert."""

from __future__ import annotations

import re
from functools import cache

import pytest

from web.markup import render_markdown
from web.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html

from ..conftest import shared_path

TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
ATTR = re.compile(r"""([^\s=/"'>]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.I)
FORBIDDEN = ("<script", "<svg", "<math", "<iframe", "<object", "<embed", "<style")


@cache
def vectors() -> list[str]:
    root = shared_path("xss")
    lines: list[str] = []
    for path in sorted(root.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines.extend(line for line in text.splitlines() if line.strip())
    return lines


def assert_inert(html: str, vector: str) -> None:
    lowered = html.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, (vector, html)
    for match in TAG.finditer(html):
        tag, attrs = match.group(1).lower(), match.group(2)
        assert tag in ALLOWED_TAGS, (vector, html)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in ATTR.findall(attrs):
            name = name.lower()
            assert not name.startswith("on"), (vector, html)
            assert name in allowed, (vector, html)
            if name in ("href", "src", "cite"):
                import html as htmllib

                raw = htmllib.unescape(value.strip("\"'"))
                assert not BAD_SCHEME.match(raw), (vector, html)


def test_there_are_thousands_of_vectors():
    assert len(vectors()) > 8_000


@pytest.mark.parametrize("path", ["markdown", "clean_html"])
def test_every_vector_comes_out_inert_and_cleaning_is_idempotent(path):
    render = render_markdown if path == "markdown" else clean_html
    for vector in vectors():
        html = render(vector)
        assert_inert(html, vector)
        assert clean_html(html) == html, vector
        # Also inside a link, as a comment writer might try.
        linked = (
            render(f"[x]({vector})") if path == "markdown" else render(f'<a href="{vector}">x</a>')
        )
        assert_inert(linked, vector)
