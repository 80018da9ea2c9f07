"""Comment and profile text: a Markdown subset rendered to sanitized HTML, once, when written.

Paragraphs, emphasis, links, quotes, lists and code. Raw HTML typed by the writer is not
interpreted: it shows as text. Images, headings and tables are not part of the subset."""

from __future__ import annotations

from markdown_it import MarkdownIt

from archive.sanitize import clean_html

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .disable(["image", "heading", "lheading", "html_block", "html_inline"])
    .enable(["strikethrough"])
)


def render_markdown(source: str) -> str:
    return clean_html(_md.render(source.replace("\x00", "")))
