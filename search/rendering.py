"""The HTML of one search result, built in Python.

Written as a template loop, the page's 20 results cost about 2 ms of a 10 ms page: each row
resolves some 25 variables through the template engine. Here each row is assembled with
explicit escaping (the standard library's `escape`, as Django's but without its check
for lazy strings), around the snippet, which `snippets.highlight` has already escaped
and marked up. The markup is what `search/search.html` wrapped each row in before; a test
compares its text and links with the objects it shows. As in `comments.rendering`, which
builds the rows of a thread the same way.
"""

from __future__ import annotations

from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from comments.models import CommentStatus


def article_result(article, snippet: SafeString) -> SafeString:
    kicker = f'<p class="kicker">{escape(article.kicker)}</p>' if article.kicker else ""
    dek = f'<p class="dek">{escape(article.dek)}</p>' if article.dek else ""
    meta = [_link(article.source.get_absolute_url(), article.source.name)]
    authors = getattr(article, "author_list", None)
    if authors is None:  # not prefetched into a list: the manager's (cached) rows
        authors = list(article.authors.all())
    if authors:
        meta.append(", ".join(_link(a.get_absolute_url(), a.name) for a in authors))
    if article.published:
        meta.append(
            f'<a href="{escape(article.date_archive_url)}">'
            f'<time datetime="{escape(article.published_iso)}">'
            f"{escape(article.published_display)}</time></a>"
        )
    if article.comment_count:
        count = article.comment_count
        meta.append(f"{localize(count)} comment{'' if count == 1 else 's'}")
    return mark_safe(  # noqa: S308 (every value escaped above; the snippet by highlight())
        '<article class="search-result">'
        f"{kicker}"
        f'<h2 class="search-result__title">{_link(article.get_absolute_url(), article.title)}</h2>'
        f"{dek}"
        f'<p class="search-result__snippet">{snippet}</p>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        "</article>"
    )


def comment_result(comment, snippet: SafeString, about: dict) -> SafeString:
    article = comment.article
    title = _link(comment.get_absolute_url(), f"{about['author']} on “{article.title}”")
    parent = ""
    if about["parent"]:
        shown = about["parent"]
        answered = (
            f"{escape(shown['author'])}: <q>{escape(shown['excerpt'])}</q>"
            if shown["author"]
            else "a comment that is no longer shown"
        )
        parent = f'<p class="search-result__parent">In reply to {answered}</p>'
    meta = [_link(article.get_absolute_url(), article.title)]
    if comment.created:
        created = comment.created
        if timezone.is_aware(created):
            created = timezone.localtime(created)
        # As the date filter's "c" and "j F Y", written out: two dateformat calls were
        # half of a row's time.
        meta.append(
            f'<time datetime="{created.isoformat()}">'
            f"{created.day} {MONTHS[created.month]} {created.year}</time>"
        )
    if comment.is_featured:
        meta.append('<span class="badge">Featured</span>')
    if comment.status != CommentStatus.PUBLISHED:
        meta.append(
            f'<span class="badge badge--status">{escape(comment.get_status_display())}</span>'
        )
    return mark_safe(  # noqa: S308 (every value escaped; the snippet by highlight())
        '<article class="search-result search-result--comment">'
        f'<h2 class="search-result__title">{title}</h2>'
        f"{parent}"
        f'<p class="search-result__snippet">{snippet}</p>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        "</article>"
    )


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'
