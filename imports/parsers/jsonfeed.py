"""JSON Feed (1.0 and 1.1, jsonfeed.org): one document per item, as an RSS or Atom entry."""

from __future__ import annotations

import html as html_lib
import json
from datetime import date, datetime

from imports.parsers.base import ParsedDocument, ParseError, clean_html, html_to_paragraphs

VERSION_PREFIX = "https://jsonfeed.org/version/"


def is_json_feed(data: bytes) -> bool:
    """A JSON object whose "version" names JSON Feed (read only from the file's start, so a
    big file is not parsed twice to tell)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"https://jsonfeed.org/version/' in head


def parse_json_feed(data: bytes) -> list[ParsedDocument]:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParseError(f"a JSON Feed must be UTF-8: {exc}") from None
    except ValueError as exc:
        raise ParseError(f"not valid JSON: {exc}") from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(VERSION_PREFIX):
        raise ParseError("not a JSON Feed: no jsonfeed.org version")
    items = feed.get("items")
    if not isinstance(items, list):
        raise ParseError("the JSON Feed has no list of items")
    source_name = " ".join(_text(feed.get("title")).split())
    source_url = _http(feed.get("home_page_url"))
    feed_authors = _authors(feed)
    documents: list[ParsedDocument] = []
    skipped: list[str] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            skipped.append(f"skipped item {number}: it is not an object")
            continue
        title = " ".join(html_to_paragraphs(_text(item.get("title"))))
        if not title:
            skipped.append(f"skipped item {number}: it has no title")
            continue
        doc = ParsedDocument(title=title, paragraphs=[], format="feed")
        doc.source_name, doc.source_url = source_name, source_url
        doc.url = _http(item.get("url")) or _http(item.get("external_url")) or _http(item.get("id"))
        doc.authors = _authors(item) or feed_authors
        published = _day(item.get("date_published")) or _day(item.get("date_modified"))
        if published:
            doc.published, doc.precision = published, "day"
        doc.body_html = _body(item)
        doc.paragraphs = html_to_paragraphs(doc.body_html)
        documents.append(doc)
    if not documents:
        raise ParseError("the JSON Feed has no items with a title")
    documents[0].warnings.extend(skipped)
    return documents


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _http(value) -> str:
    text = _text(value)
    return text if text.lower().startswith(("http://", "https://")) else ""


def _authors(holder: dict) -> list[str]:
    """Names from "authors" (1.1), or from "author" (1.0)."""
    listed = holder.get("authors")
    if not isinstance(listed, list):
        listed = [holder["author"]] if isinstance(holder.get("author"), dict) else []
    names = [_text(a.get("name")) for a in listed if isinstance(a, dict)]
    return [name for name in names if name]


def _day(value) -> date | None:
    """The day of an RFC 3339 time ("2024-05-01T10:00:00+02:00"), as the feed writes it."""
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _body(item: dict) -> str:
    content = _text(item.get("content_html"))
    if content:
        cleaned = clean_html(content)
        return cleaned if cleaned.lstrip().startswith("<") else f"<p>{cleaned}</p>"
    text = _text(item.get("content_text")) or _text(item.get("summary"))
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
