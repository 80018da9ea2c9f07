"""web.text's rule applied to what an import brings in, saying what it removed.

The loader calls `clean_document` once on every parsed document (of any format, after the
manifest's and the preview's overrides), and the restore of an export passes its records through
`RecordCleaner`: the import's summary then lists a warning for every document whose text lost
characters, so nothing is dropped silently.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Iterator

from archive.importers.base import ParsedDocument, walk
from web.text import clean_text_changed

# Shown on one line: names and titles get the single-line rule (no bidi overrides, no breaks).
_LINE_FIELDS = ("title", "kicker", "dek", "caption", "source_name", "source_url", "url")
_BODY_FIELDS = ("body_html",)


def clean_document(doc: ParsedDocument) -> tuple[ParsedDocument, list[str]]:
    """A copy of `doc` under the rule, and the warnings saying what was removed where.

    The warnings are also appended to the copy's own `warnings`, which the loader reports.
    Comments are cleaned in place (the rule is idempotent, so a document cleaned twice is the
    same document).
    """
    doc = copy.copy(doc)
    changed: list[str] = []
    for name in _LINE_FIELDS:
        value, was_changed = clean_text_changed(getattr(doc, name), single_line=True)
        setattr(doc, name, value)
        if was_changed:
            changed.append(name.replace("_", " "))
    authors = [clean_text_changed(name, single_line=True) for name in doc.authors]
    doc.authors = [name for name, _ in authors]
    if any(was_changed for _, was_changed in authors):
        changed.append("author names")
    paragraphs = [clean_text_changed(p) for p in doc.paragraphs]
    doc.paragraphs = [p for p, _ in paragraphs]
    body_html, html_changed = clean_text_changed(doc.body_html)
    doc.body_html = body_html
    if html_changed or any(was_changed for _, was_changed in paragraphs):
        changed.append("body")
    comments = 0
    for _depth, comment in walk(doc.comments):
        hit = False
        if comment.author_name:
            comment.author_name, was_changed = clean_text_changed(
                comment.author_name, single_line=True
            )
            hit |= was_changed
        comment.body, was_changed = clean_text_changed(comment.body)
        hit |= was_changed
        comment.body_html, was_changed = clean_text_changed(comment.body_html)
        comments += hit or was_changed
    if comments:
        changed.append(f"{comments:,} comment{'s' if comments != 1 else ''}")
    warnings = []
    if changed:
        warnings.append(
            "removed characters that pages and feeds cannot carry (control characters, lone "
            f"surrogates, noncharacters, bidirectional overrides) from: {', '.join(changed)}"
        )
    doc.warnings = [*doc.warnings, *warnings]
    return doc, warnings


# Keys of export records shown on one line.
_RECORD_LINE_KEYS = frozenset(
    {"title", "kicker", "dek", "name", "display_name", "archived_author_name", "rule_title"}
)


class RecordCleaner:
    """Passes an export's records through the rule, counting what changed per type and key."""

    def __init__(self) -> None:
        self.changes: Counter[tuple[str, str]] = Counter()

    def clean(self, records: Iterable[dict]) -> Iterator[dict]:
        for record in records:
            yield self.clean_record(record)

    def clean_record(self, record: dict) -> dict:
        kind = str(record.get("type", "record"))
        for key, value in record.items():
            if isinstance(value, str):
                cleaned, was_changed = clean_text_changed(
                    value, single_line=key in _RECORD_LINE_KEYS
                )
            elif isinstance(value, list) and any(isinstance(v, str) for v in value):
                pairs = [clean_text_changed(v) if isinstance(v, str) else (v, False) for v in value]
                cleaned = [v for v, _ in pairs]
                was_changed = any(c for _, c in pairs)
            else:
                continue
            record[key] = cleaned
            if was_changed:
                self.changes[kind, key] += 1
        return record

    @property
    def warnings(self) -> list[str]:
        return [
            f"removed characters that pages and feeds cannot carry from {count:,} {kind} "
            f"{key}{'s' if count != 1 else ''}"
            for (kind, key), count in sorted(self.changes.items())
        ]
