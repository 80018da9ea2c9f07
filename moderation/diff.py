"""Revisions of an edited comment shown to moderators as a diff."""

from __future__ import annotations

import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def diff_html(old_text: str, new_text: str) -> SafeString:
    """A word-level diff of two texts as HTML: removed words in <del>, added ones in <ins>,
    everything escaped (the texts are user input)."""
    old_words = old_text.split(" ") if old_text else []
    new_words = new_text.split(" ") if new_text else []
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    html = " ".join(part for part in parts if part)
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - every part escaped above


def revision_diffs(revisions) -> list[dict]:
    """For revisions oldest first (objects with body_source, created, editor), each one with
    the diff from the one before it."""
    rows = []
    previous = ""
    for revision in revisions:
        rows.append({"revision": revision, "diff": diff_html(previous, revision.body_source)})
        previous = revision.body_source
    return rows
