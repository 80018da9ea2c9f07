"""The JSON Lines export (backup/export.py), read back line by line.

Like the other parsers this touches no database: it validates each object (JSON, known type,
every field present with the right kind of value, references to objects on earlier lines) and
yields it as a plain dict. backup.restore.restore_records saves them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO


class BackupError(ValueError):
    """A backup file that cannot be restored; the message names the line and what is wrong."""


_STR = (str,)
_OPT_STR = (str, type(None))


_INT = (int,)
_OPT_INT = (int, type(None))
_BOOL = (bool,)
_LIST = (list,)
_DICT = (dict,)

# type -> field -> (allowed Python types, referenced type or None). Users are referred to by
# username (they may already exist where the file is restored), everything else by id.
SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], str | None]]] = {
    "user": {
        "username": (_STR, None),
        "display_name": (_STR, None),
        "bio": (_STR, None),
        "date_joined": (_STR, None),
        "is_active": (_BOOL, None),
    },
    "site_rule": {"title": (_STR, None), "description": (_STR, None), "order": (_INT, None)},
    "moderation_settings": {
        "banned_words": (_STR, None),
        "suspect_words": (_STR, None),
        "new_account_approvals": (_INT, None),
        "max_links": (_INT, None),
        "repeat_window_minutes": (_INT, None),
        "updated": (_STR, None),
    },
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
    "comment_revision": {
        "comment": (_INT, "comment"),
        "body_source": (_STR, None),
        "body": (_STR, None),
        "created": (_STR, None),
        "editor": (_OPT_STR, None),
    },
    "follow": {"user": (_STR, None), "article": (_INT, "article"), "created": (_STR, None)},
    "hold": {
        "comment": (_INT, "comment"),
        "rule": (_STR, None),
        "detail": (_STR, None),
        "created": (_STR, None),
        "resolved": (_BOOL, None),
    },
    "flag": {
        "comment": (_INT, "comment"),
        "reader": (_STR, None),
        "reason": (_STR, None),
        "note": (_STR, None),
        "created": (_STR, None),
        "resolved": (_BOOL, None),
    },
    "standing_change": {
        "user": (_STR, None),
        "kind": (_STR, None),
        "until": (_OPT_STR, None),
        "reason": (_STR, None),
        "moderator": (_OPT_STR, None),
        "created": (_STR, None),
    },
    "user_note": {
        "user": (_STR, None),
        "author": (_OPT_STR, None),
        "body": (_STR, None),
        "created": (_STR, None),
    },
    "log_entry": {
        "actor": (_OPT_STR, None),
        "created": (_STR, None),
        "action": (_STR, None),
        "comment": (_OPT_INT, "comment"),
        "user": (_OPT_STR, None),
        "article": (_OPT_INT, "article"),
        "rule": (_OPT_INT, "site_rule"),
        "rule_title": (_STR, None),
        "reason": (_STR, None),
        "before": (_DICT, None),
        "after": (_DICT, None),
    },
}
# Fields a type may carry all together or not at all: a user's private account data, present
# only in an export made with --include-private.
OPTIONAL_GROUPS: dict[str, dict[str, tuple[tuple[type, ...], str | None]]] = {
    "user": {
        "email": (_STR, None),
        "password": (_STR, None),
        "first_name": (_STR, None),
        "last_name": (_STR, None),
        "is_staff": (_BOOL, None),
        "is_superuser": (_BOOL, None),
        "last_login": (_OPT_STR, None),
        "groups": (_LIST, None),
        "email_notifications": (_BOOL, None),
    },
}
_DATETIME_FIELDS = {
    "created",
    "discussion_closes_at",
    "imported_at",
    "date_joined",
    "updated",
    "until",
    "last_login",
}
_PUBLISHED = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
MAX_LINE_BYTES = 20 * 1024 * 1024


def parse_jsonl(lines: Iterable[bytes | str]) -> Iterator[dict]:
    """Validated records of an export, in file order; BackupError names the bad line."""
    seen: dict[str, set] = {kind: set() for kind in SCHEMA}
    comment_article: dict[int, int] = {}
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise BackupError(f"line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BackupError(f"line {number}: not UTF-8 ({exc.reason})") from exc
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError as exc:
            raise BackupError(f"line {number}: not valid JSON ({exc})") from exc
        _validate(number, record, seen, comment_article)
        yield record


def _validate(number: int, record, seen: dict[str, set], comment_article: dict) -> None:
    if not isinstance(record, dict):
        raise BackupError(f"line {number}: expected a JSON object")
    kind = record.get("type")
    if kind not in SCHEMA:
        raise BackupError(f"line {number}: unknown type {kind!r} (known: {', '.join(SCHEMA)})")
    ident = record.get("id")
    if not isinstance(ident, int) or isinstance(ident, bool) or ident < 1:
        raise BackupError(f'line {number}: {kind} needs a positive integer "id"')
    if ident in seen[kind]:
        raise BackupError(f"line {number}: {kind} {ident} appears twice")
    fields = dict(SCHEMA[kind])
    optional = OPTIONAL_GROUPS.get(kind, {})
    if any(name in record for name in optional):
        fields |= optional  # one of them present: all of them are required
    for name, (types, target) in fields.items():
        if name not in record:
            raise BackupError(f"line {number}: {kind} {ident} lacks the field {name!r}")
        value = record[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise BackupError(f"line {number}: {kind} {ident} has a bad {name!r}: {value!r:.80}")
        if name in _DATETIME_FIELDS and value is not None:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                raise BackupError(
                    f"line {number}: {kind} {ident} has a bad {name!r}: {value!r:.80} "
                    "(expected an ISO 8601 date and time with its zone)"
                )
        if target is None or value is None:
            continue
        for ref in value if isinstance(value, list) else [value]:
            if not isinstance(ref, int) or ref not in seen[target]:
                raise BackupError(
                    f"line {number}: {kind} {ident} refers to {target} {ref!r}, which no "
                    "earlier line defines"
                )
    if kind == "article" and record["published"] is not None:
        if not _PUBLISHED.fullmatch(record["published"]):
            raise BackupError(
                f"line {number}: article {ident} has a bad 'published': "
                f"{record['published']!r:.40} (expected YYYY-MM-DD, YYYY-MM or YYYY)"
            )
    if kind == "user":
        usernames = seen.setdefault("usernames", set())
        if record["username"] in usernames:
            raise BackupError(f"line {number}: user {record['username']!r:.80} appears twice")
        usernames.add(record["username"])
    if kind == "user" and "groups" in record:
        if not all(isinstance(name, str) for name in record["groups"]):
            raise BackupError(f"line {number}: user {ident} has a bad 'groups': expected names")
    if kind == "comment":
        parent = record["parent"]
        if parent is not None and comment_article[parent] != record["article"]:
            raise BackupError(
                f"line {number}: comment {ident} replies to comment {parent} of another article"
            )
        comment_article[ident] = record["article"]
    seen[kind].add(ident)


def read_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream's lines, none read past MAX_LINE_BYTES + 1 bytes (parse_jsonl refuses a
    line that long), so a restore holds one line at a time whatever the file's size."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        yield line
