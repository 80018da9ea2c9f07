"""The JSON Lines export (archive/exporting.py), read back line by line.

Like the other parsers this touches no database: it validates each object (JSON, known type,
every field present with the right kind of value, references to objects on earlier lines) and
yields it as a plain dict. archive.loader.restore_records saves them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from archive.importers.base import ParseError

_STR = (str,)
_OPT_STR = (str, type(None))
_INT = (int,)
_OPT_INT = (int, type(None))
_BOOL = (bool,)
_LIST = (list,)

# type -> field -> (allowed Python types, referenced type or None)
SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], str | None]]] = {
    "source": {
        "name": (_STR, None),
        "slug": (_STR, None),
        "homepage": (_STR, None),
        "description": (_STR, None),
        "created": (_STR, None),
    },
    "author": {"name": (_STR, None), "slug": (_STR, None), "created": (_STR, None)},
    "article": {
        "title": (_STR, None),
        "kicker": (_STR, None),
        "dek": (_STR, None),
        "slug": (_STR, None),
        "source": (_INT, "source"),
        "authors": (_LIST, "author"),
        "url": (_STR, None),
        "published": (_OPT_STR, None),
        "body": (_STR, None),
        "path": (_STR, None),
        "comment_policy": (_STR, None),
        "discussion_locked": (_BOOL, None),
        "discussion_closes_at": (_OPT_STR, None),
        "created": (_STR, None),
    },
    "revision": {
        "article": (_INT, "article"),
        "title": (_STR, None),
        "body": (_STR, None),
        "created": (_STR, None),
        "created_by": (_OPT_STR, None),
    },
    "provenance": {
        "article": (_INT, "article"),
        "file_name": (_STR, None),
        "sha256": (_STR, None),
        "format": (_STR, None),
        "imported_at": (_STR, None),
        "imported_by": (_OPT_STR, None),
        "outcome": (_STR, None),
    },
    "comment": {
        "article": (_INT, "article"),
        "parent": (_OPT_INT, "comment"),
        "author_name": (_OPT_STR, None),
        "user": (_OPT_STR, None),
        "body": (_STR, None),
        "body_source": (_STR, None),
        "status": (_STR, None),
        "archived": (_BOOL, None),
        "created": (_OPT_STR, None),
        "position": (_INT, None),
        "depth": (_INT, None),
        "path": (_STR, None),
    },
}
_DATETIME_FIELDS = {"created", "discussion_closes_at", "imported_at"}
_PUBLISHED = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
MAX_LINE_BYTES = 20 * 1024 * 1024


def parse_jsonl(lines: Iterable[bytes | str]) -> Iterator[dict]:
    """Validated records of an export, in file order; ParseError names the bad line."""
    seen: dict[str, set[int]] = {kind: set() for kind in SCHEMA}
    comment_article: dict[int, int] = {}
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise ParseError(f"line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ParseError(f"line {number}: not UTF-8 ({exc.reason})") from exc
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError as exc:
            raise ParseError(f"line {number}: not valid JSON ({exc})") from exc
        _validate(number, record, seen, comment_article)
        yield record


def _validate(number: int, record, seen: dict[str, set[int]], comment_article: dict) -> None:
    if not isinstance(record, dict):
        raise ParseError(f"line {number}: expected a JSON object")
    kind = record.get("type")
    if kind not in SCHEMA:
        raise ParseError(f"line {number}: unknown type {kind!r} (known: {', '.join(SCHEMA)})")
    ident = record.get("id")
    if not isinstance(ident, int) or isinstance(ident, bool) or ident < 1:
        raise ParseError(f'line {number}: {kind} needs a positive integer "id"')
    if ident in seen[kind]:
        raise ParseError(f"line {number}: {kind} {ident} appears twice")
    for name, (types, target) in SCHEMA[kind].items():
        if name not in record:
            raise ParseError(f"line {number}: {kind} {ident} lacks the field {name!r}")
        value = record[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ParseError(f"line {number}: {kind} {ident} has a bad {name!r}: {value!r:.80}")
        if name in _DATETIME_FIELDS and value is not None:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                raise ParseError(
                    f"line {number}: {kind} {ident} has a bad {name!r}: {value!r:.80} "
                    "(expected an ISO 8601 date and time with its zone)"
                )
        if target is None or value is None:
            continue
        for ref in value if isinstance(value, list) else [value]:
            if not isinstance(ref, int) or ref not in seen[target]:
                raise ParseError(
                    f"line {number}: {kind} {ident} refers to {target} {ref!r}, which no "
                    "earlier line defines"
                )
    if kind == "article" and record["published"] is not None:
        if not _PUBLISHED.fullmatch(record["published"]):
            raise ParseError(
                f"line {number}: article {ident} has a bad 'published': "
                f"{record['published']!r:.40} (expected YYYY-MM-DD, YYYY-MM or YYYY)"
            )
    if kind == "comment":
        parent = record["parent"]
        if parent is not None and comment_article[parent] != record["article"]:
            raise ParseError(
                f"line {number}: comment {ident} replies to comment {parent} of another article"
            )
        comment_article[ident] = record["article"]
    seen[kind].add(ident)
