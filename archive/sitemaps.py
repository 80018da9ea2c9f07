"""Sitemaps for search engines: an index, and pages of articles, sources and authors.

Django's sitemap framework pages with COUNT and OFFSET, which read every row before the page
at millions of articles. Here page N of a kind holds the rows whose id falls in the N-th
range of AGORA_SITEMAP_SIZE ids: each page is one range scan of the primary key, whatever the
archive's size. The index lists the ranges that hold rows, with the latest change of each
(one grouped pass over the table's ids and dates), and is kept in the cache for
AGORA_SITEMAP_CACHE_SECONDS. A range emptied by deletions is left out of the index and
answers 404.

An article's `lastmod` is its last edit or its last comment, whichever is later: both change
its page. Sources and authors carry no `lastmod` (optional in the protocol): their pages list
articles, whose own entries say when they changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Max, Model
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from web.reversing import absolute_url

from .models import Article, Author, Source

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
CONTENT_TYPE = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Model]
    dated: bool  # entries carry lastmod


KINDS = {
    "articles": Kind("articles", Article, dated=True),
    "sources": Kind("sources", Source, dated=False),
    "authors": Kind("authors", Author, dated=False),
}


def later(*moments: datetime.datetime | None) -> datetime.datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def w3c(moment: datetime.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def index_pages(kind: Kind) -> list[tuple[int, datetime.datetime | None]]:
    """(page number, latest change) for each id range of `kind` that holds rows."""
    size = settings.AGORA_SITEMAP_SIZE
    rows = kind.model.objects.order_by().annotate(bucket=(F("id") - 1) / size).values("bucket")
    if kind.dated:
        rows = rows.annotate(updated=Max("updated"), commented=Max("last_comment_at"))
        return [(row["bucket"] + 1, later(row["updated"], row["commented"])) for row in rows]
    return [(row["bucket"] + 1, None) for row in rows.distinct()]


def cached_index() -> list[tuple[str, int, datetime.datetime | None]]:
    key = f"sitemap:index:{settings.AGORA_SITEMAP_SIZE}"
    entries = cache.get(key)
    if entries is None:
        entries = [
            (kind.name, number, changed)
            for kind in KINDS.values()
            for number, changed in sorted(index_pages(kind), key=lambda page: page[0])
        ]
        cache.set(key, entries, timeout=settings.AGORA_SITEMAP_CACHE_SECONDS)
    return entries


def page_entries(kind: Kind, number: int) -> list[tuple[str, datetime.datetime | None]]:
    """(path, lastmod) of the rows in the `number`-th id range of `kind`, by id."""
    size = settings.AGORA_SITEMAP_SIZE
    rows = kind.model.objects.filter(id__gt=(number - 1) * size, id__lte=number * size)
    rows = rows.order_by("id")
    if kind.dated:
        values = rows.values_list("slug", "updated", "last_comment_at")
        return [
            (reverse("archive:article", args=[slug]), later(updated, commented))
            for slug, updated, commented in values
        ]
    view = {"sources": "archive:source", "authors": "archive:author"}[kind.name]
    return [(reverse(view, args=[slug]), None) for slug in rows.values_list("slug", flat=True)]


def _element(tag: str, loc: str, lastmod: datetime.datetime | None) -> str:
    dated = f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else ""
    return f"<{tag}><loc>{escape(absolute_url(loc))}</loc>{dated}</{tag}>"


def _xml(root: str, elements: Iterable[str]) -> HttpResponse:
    body = "".join(
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<{root} xmlns="{NAMESPACE}">\n',
            "\n".join(elements),
            f"\n</{root}>\n",
        )
    )
    return HttpResponse(body, content_type=CONTENT_TYPE)


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    pages = cached_index()
    if not any(name == "articles" and number == 1 for name, number, _ in pages):
        # The first articles page also lists the home page, so it is always there.
        pages = [("articles", 1, None), *pages]
    elements = [
        _element("sitemap", reverse("sitemap_page", args=[name, number]), changed)
        for name, number, changed in pages
    ]
    return _xml("sitemapindex", elements)


@require_safe
def sitemap_page(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    chosen = KINDS.get(kind)
    if chosen is None or number < 1:
        raise Http404("No such sitemap.")
    entries = page_entries(chosen, number)
    if chosen.name == "articles" and number == 1:
        home = [(reverse("archive:home"), None), (reverse("archive:article_list"), None)]
        entries = home + entries
    if not entries:
        raise Http404("No such sitemap page.")  # a range emptied by deletions
    return _xml("urlset", (_element("url", path, lastmod) for path, lastmod in entries))
