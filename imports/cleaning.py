"""web.text's rule applied to what an import brings in, saying what it removed.

The loader calls `clean_document` once on every parsed document (of any format, after the
manifest's and the preview's overrides): the import's summary then lists a warning for every
document whose text lost characters, so nothing is dropped silently.
"""

from __future__ import annotations

import copy

from imports.parsers.base import ParsedDocument, walk
from web.text import all_untouched, clean_text_changed

# Shown on one line: names and titles get the single-line rule (no bidi overrides, no breaks).
_LINE_FIELDS = ("title", "kicker", "dek", "caption", "source_name", "source_url", "url")
_BODY_FIELDS = ("body_html",)


def _untouched(doc: ParsedDocument) -> bool:
    lines = [getattr(doc, name) for name in _LINE_FIELDS] + list(doc.authors)
    texts = [*doc.paragraphs, doc.body_html]
    for _depth, comment in walk(doc.comments):
        if comment.author_name:
            lines.append(comment.author_name)
        texts.append(comment.body)
        texts.append(comment.body_html)
    return all_untouched(lines, single_line=True) and all_untouched(texts)


def clean_document(doc: ParsedDocument) -> tuple[ParsedDocument, list[str]]:
    """A copy of `doc` under the rule, and the warnings saying what was removed where.

    The warnings are also appended to the copy's own `warnings`, which the loader reports.
    Comments are cleaned in place (the rule is idempotent, so a document cleaned twice is the
    same document).
    """
    doc = copy.copy(doc)
    if _untouched(doc):
        return doc, []  # most documents: one pass over their text instead of one per field
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
