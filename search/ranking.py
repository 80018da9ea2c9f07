"""Relevance order: articles in tiers (title, then title, kicker or dek, then the rest; the
engine's score within each) and comments by the engine's score, read from the index alone
where nothing but the words narrows them."""

from __future__ import annotations

import dataclasses

from django.db.models import QuerySet

from archive.models import Article

from .backends import backend
from .counting import countable_in_the_index
from .query import Query
from .querying import as_query, search_articles
from .results import IndexRanked, IndexTier, RankedTiers


def by_relevance(qs: QuerySet) -> QuerySet:
    """Rows from search_articles/search_comments (with text), best match first by the
    engine's score alone. Articles are ordered with `articles_by_relevance`."""
    return qs.order_by(*backend().relevance_order)


def articles_by_relevance(
    q: str | Query, narrow=None, qs: QuerySet | None = None, *, filtered: bool = False
) -> RankedTiers:
    """Articles matching `q` (which must have words) in relevance order: first those with
    every word in the title, then those with every word in the title, kicker or dek, then the
    rest; the engine's score orders each tier. `narrow(qs)` adds the caller's filters (the
    same to the whole set and to each tier); say `filtered` when it filters rows out, rather
    than only choosing what to read of them.

    Scoring is the costly part of a search: for a word in half the archive, every match has
    to be scored before the best can be known. In tiers, the first page of such a search
    scores only the title matches (a few percent of them); the body-only tier is scored only
    by a reader who pages past every title, kicker and dek match.

    When nothing but the words narrows the search, an engine that can (`ranks_tiers_in_index`)
    ranks each tier in its index alone and the rows are read by id (`IndexTier`)."""
    query = as_query(q)
    engine = backend()
    narrow = narrow or (lambda found: found)
    if engine.ranks_tiers_in_index and qs is None and not filtered and _only_words(query):
        rows = narrow(Article.objects.all())
        return RankedTiers(
            # Only built to be counted, which the index usually does (article_count_source).
            lambda: narrow(search_articles(Article.objects.all(), query)),
            lambda n: IndexTier(query, n, rows.prefetch_related(None)),
            prefetch=rows._prefetch_related_lookups,
        )
    qs = Article.objects.all() if qs is None else qs
    order = engine.relevance_order
    return RankedTiers(
        narrow(search_articles(qs, query)),
        lambda n: (
            narrow(search_articles(qs, query, tier=n)).order_by(*order).prefetch_related(None)
        ),
    )


def _only_words(query: Query) -> bool:
    return countable_in_the_index(query) and not (query.sources or query.authors)


def comments_by_relevance(
    qs: QuerySet, query: Query, *, shown: QuerySet | None = None, filtered: bool = False
):
    """Comments from search_comments (the query has words), best match first. When nothing
    but the words and the viewer's visibility narrows them (no `filtered` by the caller, no
    sets, dates or flags in the query), the engine may list the best matches from its index
    alone (`IndexRanked`), and read their rows from `shown`: the same comments as `qs`
    without the words (search_comments with `without_words(query)`), fetched as `qs`
    fetches them."""
    ranked = by_relevance(qs)
    if shown is None:
        return ranked
    narrowed = (
        filtered
        or query.sources
        or query.authors
        or query.commenters
        or query.before
        or query.after
        or query.featured
    )
    if narrowed or not backend().ranks_in_index:
        return ranked
    return IndexRanked(ranked, query, shown)


def without_words(query: Query) -> Query:
    """The query's other fields (who may see what), for reading rows found in the index."""
    return dataclasses.replace(query, must=[], exclude=[])
