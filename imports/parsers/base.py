"""Shared data model and helpers for the import parsers.

The loader depends on these names; keep them stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import lxml.html
from lxml import etree

from imports.parsers.dates import on_24_hours, parse_human_datetime
from web import sanitize


@dataclass
class ParsedComment:
    author_name: str | None  # None when the comment has no author
    body: str  # plain text, paragraphs separated by "\n\n"
    created: datetime | None = None  # aware datetime when known
    children: list[ParsedComment] = field(default_factory=list)
    body_html: str = ""  # sanitized HTML when the source had markup (html/feed), else ""


@dataclass
class ParsedDocument:
    title: str
    paragraphs: list[str]  # plain-text body paragraphs
    kicker: str = ""
    dek: str = ""
    caption: str = ""  # photo caption line, kept out of the body
    source_name: str = ""
    source_url: str = ""  # homepage of the source when known
    authors: list[str] = field(default_factory=list)
    url: str = ""
    published: date | None = None
    precision: str = ""  # "day", "month", "year" or "" when published is None
    body_html: str = ""  # sanitized HTML for html/feed formats; "" means build from paragraphs
    comments: list[ParsedComment] = field(default_factory=list)
    format: str = ""  # "text", "html", "feed"
    warnings: list[str] = field(default_factory=list)  # e.g. "decoded as Windows-1252"
    comment_count_declared: int | None = None


class ParseError(ValueError):
    """Clear, user-facing reason why a file cannot be imported."""


# The longest articles run to a few hundred thousand characters. A body (or a comment) ten times
# that is not one, and sanitizing, indexing and storing it would take many times its size in
# memory: refused before that work starts.
MAX_BODY_CHARS = 2_000_000


def check_body_length(size: int, what: str = "the article body") -> None:
    if size > MAX_BODY_CHARS:
        raise ParseError(
            f"{what} is {size:,} characters long; the limit is {MAX_BODY_CHARS:,}, far beyond "
            "any article"
        )


# --- sanitizing -------------------------------------------------------------------------------


def clean_html(html: str) -> str:
    """Sanitize untrusted HTML with the project's one sanitizer (web.sanitize)."""
    return sanitize.clean_html(html).strip()


# Elements after which a new plain-text paragraph starts.
_BLOCK_TAGS = {
    "p",
    "div",
    "blockquote",
    "li",
    "ul",
    "ol",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "tr",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head"}
_SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")


def html_to_paragraphs(html: str | etree._Element) -> list[str]:
    """Plain-text paragraphs of an HTML fragment: one per block element, <br> kept as "\\n"."""
    if isinstance(html, str):
        if not html.strip():
            return []
        try:
            root = lxml.html.fragment_fromstring(html, create_parent="div")
        except (etree.ParserError, ValueError):
            return []
        except (AssertionError, IndexError):
            # Markup that opens with its own <html> or doctype is parsed by lxml as a whole
            # page, and when that page ends up with no <body> lxml asserts (IndexError under
            # python -O). A feed entry's title can be such markup; one of ours holds it instead.
            try:
                root = lxml.html.document_fromstring(f"<html><body>{html}</body></html>").body
            except (etree.ParserError, ValueError):
                return []
    else:
        root = html
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = "".join(current)
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
        current.clear()

    # Iterative walk: comment markup from the wild can nest deeper than Python's recursion limit.
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if closing:
            if tag in _BLOCK_TAGS:
                flush()
            if el.tail and el is not root:
                current.append(el.tail.replace("\n", " "))
            continue
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            # Comments/processing instructions and scripts contribute nothing but their tail.
            if el.tail and el is not root:
                current.append(el.tail.replace("\n", " "))
            continue
        if tag in _BLOCK_TAGS:
            flush()
        if tag == "br":
            current.append("\n")
        if el.text:
            current.append(el.text.replace("\n", " "))
        stack.append((el, True))
        for child in reversed(el):
            stack.append((child, False))
    flush()
    return paragraphs


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_YEAR = re.compile(r"(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}")
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})")


def _safe_date(year: str | int, month: str | int, day: str | int = 1) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(value: str) -> tuple[date | None, str]:
    """Parse a publication date and say how precise it is.

    Returns (date, precision) with precision "day", "month" or "year"; (None, "") when the value
    is empty or not understood. A month or year is stored as its first day.
    """
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None, ""
    if m := _YMD.fullmatch(value):
        d = _safe_date(*m.groups())
        return (d, "day") if d else (None, "")
    if m := _YEAR_MONTH.fullmatch(value):
        d = _safe_date(*m.groups())
        return (d, "month") if d else (None, "")
    if m := _YEAR.fullmatch(value):
        d = _safe_date(m.group(1), 1)
        return (d, "year") if d else (None, "")
    if _ISO_PREFIX.match(value):
        parsed = parse_datetime(value)
        if parsed:
            return parsed.date(), "day"
        d = _safe_date(value[0:4], value[5:7], value[8:10])
        return (d, "day") if d else (None, "")
    if m := _MONTH_DAY_YEAR.fullmatch(value):
        month = _MONTHS.get(m.group(1).lower())
        d = _safe_date(m.group(3), month, m.group(2)) if month else None
        return (d, "day") if d else (None, "")
    if m := _DAY_MONTH_YEAR.fullmatch(value):
        month = _MONTHS.get(m.group(2).lower())
        d = _safe_date(m.group(3), month, m.group(1)) if month else None
        return (d, "day") if d else (None, "")
    if m := _MONTH_YEAR.fullmatch(value):
        month = _MONTHS.get(m.group(1).lower())
        d = _safe_date(m.group(2), month) if month else None
        return (d, "month") if d else (None, "")
    return None, ""


_CLOCK = re.compile(
    r"(?:,|\s+at)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE
)


def parse_datetime(value: str) -> datetime | None:
    """Aware datetime from ISO 8601, "April 21, 2008 at 10:05 pm" or a date written in another
    language (imports.parsers.dates); naive times count as UTC.

    Comment timestamps on saved pages rarely carry a zone; UTC is the least surprising guess and
    keeps every stored datetime aware.
    """
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    iso = value.replace("Z", "+00:00") if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = _english_datetime(value) or parse_human_datetime(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _english_datetime(value: str) -> datetime | None:
    # search, not match: Disqus titles read "Tuesday, June 17, 2014 9:12 AM".
    m = _MONTH_DAY_YEAR.search(value)
    if not m or m.start() > 12:
        return None
    month = _MONTHS.get(m.group(1).lower())
    day = _safe_date(m.group(3), month, m.group(2)) if month else None
    if day is None:
        return None
    hour = minute = second = 0
    if clock := _CLOCK.fullmatch(value[m.end() :]):
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        hour = on_24_hours(hour, clock.group(4))
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return None


# --- threads ----------------------------------------------------------------------------------


def walk(comments: Iterable[ParsedComment]) -> Iterator[tuple[int, ParsedComment]]:
    """Yield (depth, comment) depth-first in reading order; iterative so deep threads are safe."""
    stack: list[tuple[int, ParsedComment]] = [(0, c) for c in reversed(list(comments))]
    while stack:
        depth, comment = stack.pop()
        yield depth, comment
        stack.extend((depth + 1, child) for child in reversed(comment.children))
