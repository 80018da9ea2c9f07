"""Guess an upload's import format from its name and first bytes."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import PurePath

from imports.parsers.base import ParseError
from imports.parsers.decoding import binary_reason
from imports.parsers.jsonfeed import is_json_feed

FORMATS = ("text", "html", "feed", "jsonl")

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".json": "feed",  # JSON Feed; a site backup is JSON Lines (.jsonl)
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
_SNIFF = 4096


def detect_format(name: str, data: bytes) -> str:
    """Return "text", "html", "feed" or "jsonl"; raise ParseError for binary data.

    The content wins over the extension when it is unambiguous (a feed saved as .txt is still a
    feed); the extension decides otherwise, and plain text is the fallback.
    """
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        head = data[:_SNIFF].decode("utf-16", errors="ignore").encode("utf-8")
    else:
        reason = binary_reason(data)
        if reason:
            raise ParseError(f"binary or unknown file: {reason}, not something Agora can import")
        head = data[:_SNIFF].removeprefix(codecs.BOM_UTF8)
    start = head.lstrip()
    # Markup may open with an XML declaration, a comment or a doctype before the root element.
    if start.startswith(b"<"):
        if _FEED_ROOT.search(head):
            return "feed"
        if _HTML_START.search(head):
            return "html"
    if start.startswith(b"{") and is_json_feed(head):
        return "feed"
    if start.startswith(b"{") and _looks_like_jsonl(head):
        return "jsonl"
    by_extension = _EXTENSIONS.get(PurePath(name or "").suffix.lower())
    if by_extension:
        return by_extension
    if start.startswith(b"<") and re.search(rb"<(?:p|div|article|h1)[\s>]", head, re.IGNORECASE):
        return "html"
    return "text"


def _looks_like_jsonl(head: bytes) -> bool:
    first_line = head.split(b"\n", 1)[0].strip()
    try:
        return isinstance(json.loads(first_line), dict)
    except ValueError:
        # The sniffed head may cut a long first record; a "{" + '"key":' start is telling enough.
        return re.match(rb'\{\s*"[^"]{1,64}"\s*:', first_line) is not None
