"""The passages a search result shows (`article_snippets`, `comment_snippets`, for a page's
rows only), escaped, with the matched words marked by `highlight`."""

from __future__ import annotations

import re
from html import escape as html_escape

from django.db.models.functions import Substr
from django.utils.safestring import SafeString, mark_safe

from archive.models import Article
from comments.models import Comment
from web.markup import markdown_text

from .backends import backend
from .backends.base import MARK_END, MARK_START
from .query import Query

EXCERPT_CHARS = 240


def highlight(marked: str) -> SafeString:
    """Escape a snippet, then turn the engine's private markers into <mark> elements: the only
    markup in the result is ours, balanced, whatever the stored text contains."""
    out: list[str] = []
    open_ = False
    for piece in _MARKS.split(marked):
        if not piece:
            continue
        if piece == MARK_START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif piece == MARK_END:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(html_escape(piece))  # Django's escape, without its lazy-string check
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 (escaped above; only our <mark> tags added)


_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def article_snippets(ids: list[int], query: Query) -> dict[int, SafeString]:
    """Highlighted body passages for the page's rows (one query)."""
    if query.must:
        marked = backend().article_snippets(ids, query)
    else:
        marked = {pk: excerpt(text) for pk, text in _openings(Article, "body_text", ids).items()}
    return {pk: highlight(excerpt(marked.get(pk, ""), 600)) for pk in ids}


def comment_snippets(ids: list[int], query: Query) -> dict[int, SafeString]:
    """As article_snippets, from the comments' Markdown source shown as it reads (no link
    addresses, emphasis marks or quote markers)."""
    if query.must:
        found = backend().comment_snippets(ids, query)
        marked = {pk: markdown_text(text) for pk, text in found.items()}
    else:
        openings = _openings(Comment, "body_source", ids)
        marked = {pk: excerpt(markdown_text(text)) for pk, text in openings.items()}
    return {pk: highlight(excerpt(marked.get(pk, ""), 600)) for pk in ids}


def _openings(model, column: str, ids: list[int]) -> dict[int, str]:
    """The opening of each row's `column`, as stored (the caller makes it an excerpt)."""
    if not ids:
        return {}
    rows = model.objects.filter(pk__in=ids).values_list("pk", Substr(column, 1, EXCERPT_CHARS + 40))
    return dict(rows)
