"""Revisions of an edited comment shown to moderators as a diff."""

from __future__ import annotations

import difflib

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


def diff_parts(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """A word-level diff of two texts as (kind, words) pairs, kind "equal", "del" or "ins"."""
    old_words = old_text.split(" ") if old_text else []
    new_words = new_text.split(" ") if new_text else []
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            if words := " ".join(old_words[a1:a2]):
                parts.append(("equal", words))
            continue
        if op in ("delete", "replace"):
            parts.append(("del", " ".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(("ins", " ".join(new_words[b1:b2])))
    return parts


def diff_html(old_text: str, new_text: str) -> SafeString:
    """The diff as HTML, removed words in <del>, added ones in <ins>; the template escapes
    the texts (they are user input)."""
    html = render_to_string("moderation/_diff.html", {"parts": diff_parts(old_text, new_text)})
    return SafeString(html.strip("\n"))


def revision_diffs(revisions) -> list[dict]:
    """For revisions oldest first (objects with body_source, created, editor), each one with
    the diff from the one before it."""
    rows = []
    previous = ""
    for revision in revisions:
        rows.append({"revision": revision, "diff": diff_html(previous, revision.body_source)})
        previous = revision.body_source
    return rows
