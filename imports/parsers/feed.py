"""RSS 2.0, Atom and JSON feeds: one document per entry."""

from __future__ import annotations

import codecs
import html as html_lib
import re
from datetime import date
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import feedparser
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as defused_fromstring

from imports.parsers.base import ParsedDocument, ParseError, clean_html, html_to_paragraphs
from imports.parsers.decoding import binary_reason, damaged_utf8
from imports.parsers.jsonfeed import is_json_feed, parse_json_feed

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""")
_STARTS_WITH_BLOCK = re.compile(r"<(?:p|ul|ol|blockquote|pre|h[2-4])\b")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
# Exports that look like feeds but are not articles to publish as they stand: a WordPress
# export holds drafts, private posts, attachments and menu items as <item>s, and a Disqus
# export holds comments only. Named and refused rather than read as a feed.
_WXR = re.compile(rb"<wp:wxr_version\b|xmlns:wp=[\"']https?://wordpress\.org/export/", re.I)
_DISQUS = re.compile(rb"<disqus[\s>]", re.IGNORECASE)


def parse_feed(data: bytes) -> list[ParsedDocument]:
    """Parse an RSS 2.0 or Atom feed into one document per usable entry."""
    if not data.strip():
        raise ParseError("the file is empty")
    if is_json_feed(data):
        return parse_json_feed(data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        raise ParseError("this is JSON but not a JSON Feed (it names no jsonfeed.org version)")
    _refuse_exports(data)
    reason = binary_reason(data)
    if reason:
        raise ParseError(f"binary or unknown file: {reason}, not a feed")
    _refuse_damaged_utf8(data)
    _refuse_entities(data)
    # Bytes, never str: given a str, feedparser would treat it as a URL or a path and fetch it.
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        raise ParseError("not an RSS or Atom feed: no <rss> or <feed> root with entries found")

    feed = parsed.feed
    source_name = " ".join((feed.get("title") or "").split())
    source_url = feed.get("link") or ""
    feed_authors = _authors(feed)
    documents: list[ParsedDocument] = []
    skipped: list[str] = []
    for number, entry in enumerate(parsed.entries, start=1):
        title = " ".join(html_to_paragraphs(entry.get("title") or ""))
        if not title:
            skipped.append(f"skipped entry {number}: it has no title")
            continue
        doc = ParsedDocument(title=title, paragraphs=[], format="feed")
        doc.source_name, doc.source_url = source_name, source_url
        doc.url = _entry_address(entry)
        doc.authors = _authors(entry) or feed_authors
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if published:
            doc.published = date(published.tm_year, published.tm_mon, published.tm_mday)
            doc.precision = "day"
        doc.body_html = _body_html(entry)
        doc.paragraphs = html_to_paragraphs(doc.body_html)
        count = str(entry.get("slash_comments") or "").strip()
        if count.isdigit():
            doc.comment_count_declared = int(count)
        documents.append(doc)
    if not documents:
        raise ParseError("the feed has no entries with a title")
    if skipped:
        documents[0].warnings.extend(skipped)
    if parsed.get("bozo"):
        documents[0].warnings.append(f"the feed is not well-formed XML: {parsed.bozo_exception}")
    return documents


def _refuse_exports(data: bytes) -> None:
    head = data[:65536]
    if _WXR.search(head):
        raise ParseError(
            "this is a WordPress export (WXR), not a feed: Agora cannot import it yet, and read "
            "as a feed it would publish drafts, private posts, attachments and menu items"
        )
    if _DISQUS.search(head):
        raise ParseError("this is a Disqus comment export: Agora cannot import it yet")


def _entry_address(entry: feedparser.FeedParserDict) -> str:
    """The entry's web address: its alternate link, else any http link, else an http id (an
    Atom id is often a urn:uuid, which is no address)."""
    links = [link for link in entry.get("links") or [] if _is_http(link.get("href"))]
    for link in links:
        if (link.get("rel") or "alternate") == "alternate":
            return link["href"]
    for candidate in (entry.get("link"), *(link.get("href") for link in links), entry.get("id")):
        if _is_http(candidate):
            return candidate
    return ""


def _is_http(value) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _refuse_damaged_utf8(data: bytes) -> None:
    """A feed in UTF-8 (declared, or by default) with bad bytes in it: feedparser would read the
    whole of it as Windows-1252, garbling every accented letter."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    declared = _XML_ENCODING.match(data[:300])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        reason = damaged_utf8(data)
        if reason:
            raise ParseError(reason) from None


def _refuse_entities(data: bytes) -> None:
    """Refuse entity declarations before feedparser could expand them (billion laughs, XXE)."""
    try:
        defused_fromstring(data)
    except (EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden) as exc:
        raise ParseError(
            "feed declares XML entities or external references, which Agora refuses "
            "(they can expand without bound or read other files)"
        ) from exc
    except XMLSyntaxError as exc:
        # A broken document never reaches the entity handler; feedparser's lenient parser still
        # reads it, so make sure no declaration hides behind the syntax error.
        if _ENTITY_DECLARATION.search(data):
            raise ParseError(
                "feed declares XML entities and is not well-formed XML; Agora refuses it"
            ) from exc


def _authors(entry: feedparser.FeedParserDict) -> list[str]:
    """An entry's (or the feed's) author names."""
    names = [(a.get("name") or "").strip() for a in entry.get("authors") or []]
    names = [name for name in names if name]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return names


def _body_html(entry: feedparser.FeedParserDict) -> str:
    contents = list(entry.get("content") or [])
    contents.sort(key=lambda c: (c.get("type") or "") not in _HTML_TYPES)
    candidates = [(c.get("value") or "", c.get("type") or "") for c in contents]
    if entry.get("summary"):
        detail = entry.get("summary_detail") or {}
        candidates.append((entry["summary"], detail.get("type") or "text/html"))
    for value, kind in candidates:
        if not value.strip():
            continue
        if kind in _HTML_TYPES:
            cleaned = clean_html(value)
            # RSS descriptions are often bare text; give them a paragraph like everything else.
            if cleaned and not _STARTS_WITH_BLOCK.match(cleaned):
                cleaned = f"<p>{cleaned}</p>"
            return cleaned
        paragraphs = [p.strip() for p in value.split("\n\n") if p.strip()]
        return "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
    return ""
