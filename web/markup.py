"""Comment and profile text: a Markdown subset rendered to sanitized HTML, once, when written.

Paragraphs, emphasis, links, quotes, lists and code. Raw HTML typed by the writer is not
interpreted: it shows as text. Images, headings and tables are not part of the subset."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from web.sanitize import clean_html

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .disable(["image", "heading", "lheading", "html_block", "html_inline"])
    .enable(["strikethrough"])
)


def render_markdown(source: str) -> str:
    return clean_html(_md.render(source.replace("\x00", "")))


# The subset's syntax, for showing a comment's source as the reader would read it: search
# snippets and excerpts, which are cut from the source wherever the words were found.
_ANY_MARKUP = re.compile(r"[\[\]*_~`\\]|^[ \t]*(?:>|[-+][ \t]|\d{1,9}[.)][ \t])", re.MULTILINE)
_BLOCK_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?", re.MULTILINE)
_LINK = re.compile(r"\[([^\]\n]{0,300})\]\([^)\n]{0,300}\)")
_EMPHASIS = re.compile(r"(?<!\\)(\*\*|\*|~~|`)(?=\S)(.{1,300}?)(?<=\S)(?<!\\)\1")
_UNDERSCORES = re.compile(r"(?<![\w\\])(__|_)(?=\S)(.{1,300}?)(?<=\S)\1(?!\w)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# (Each pattern looks at most 300 characters ahead of a mark: a line of marks that never close
# costs linear time, not quadratic.)
# What is left of constructs cut by the excerpt's edges: a link's "](address" without its
# text's opening, a "[" whose closing was cut, a mark touching a word on one side only (an
# excerpt's words may carry marks of their own, which count as word characters here).
_LINK_TAIL = re.compile(r"\]\([^)\s]{0,300}\)?")
_WORDISH = r"[^\s!-/:-@\[-`{-~]"
_STRAY_MARK = re.compile(
    rf"(?<!{_WORDISH})(?<!\\)(?:\*\*|\*|~~|`)(?={_WORDISH})"
    rf"|(?<={_WORDISH})(?<!\\)(?:\*\*|\*|~~|`)(?!{_WORDISH})"
)


def markdown_text(source: str) -> str:
    """`source` without the Markdown subset's markup: quote and list markers, links (their
    text kept), emphasis, strikethrough and code marks, backslash escapes; and, for an excerpt
    cut from it, the pieces of those that its edges cut."""
    if not _ANY_MARKUP.search(source):  # most comments: nothing to take out
        return source
    text = _BLOCK_MARKERS.sub("", source)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _UNDERSCORES.sub(r"\2", text)
    text = _LINK_TAIL.sub("", text)
    text = "\n".join(map(_without_unclosed_brackets, text.split("\n")))
    text = _STRAY_MARK.sub("", text)
    return _ESCAPE.sub(r"\1", text)


def _without_unclosed_brackets(line: str) -> str:
    last = line.rfind("]")
    return line[: last + 1] + line[last + 1 :].replace("[", "")
