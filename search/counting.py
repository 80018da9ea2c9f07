"""Counting a search, capped (`CappedCount`): by the query's own SQL, or in the engine's index
alone where only words, sources and authors narrow it (`article_count_source`,
`comment_count_source`)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from web.permissions import can_moderate

from .backends import backend
from .query import Query
from .querying import narrowing_articles
from .results import SlicedResults


class CappedCount:
    """A queryset for the paginator whose count stops at `cap` rows: counting every match of a
    common word would visit every matching row (for 500,000 comments, a second); nobody reads
    past page 50. `more` says the true count is larger ("1,000+").

    `count_from`, what to count instead of `qs`: a queryset, or an engine's own count source
    (from article_count_source or comment_count_source) that counts with `capped_count`."""

    def __init__(self, qs: QuerySet, cap: int = 1000, *, count_from=None):
        self.qs, self.cap = qs, cap
        if count_from is None:
            count_from = qs.base if isinstance(qs, SlicedResults) else qs
        self.count_from = count_from
        self.ordered = True
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            if isinstance(self.count_from, QuerySet):
                self._count = _count(self.count_from.order_by().values("pk")[: self.cap + 1])
            else:
                self._count = self.count_from.capped_count(self.cap + 1)
        return min(self._count, self.cap)

    @property
    def more(self) -> bool:
        self.count()
        return self._count > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.qs[key]


def _count(qs: QuerySet) -> int:
    """qs.count(), written around the query's own SQL: QuerySet.count() rebuilds the query
    as an aggregation first, a third of a search count's time."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty set of ids)
        return 0
    with backend().counting(qs), connections[qs.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", params)
        return cursor.fetchone()[0]


def countable_in_the_index(query: Query) -> bool:
    """Whether article_count_source can count the query's articles in the index alone: it
    has words, and nothing but words, sources and authors narrows it."""
    if query.exclude or query.before or query.after:
        return False
    if query.commenters or query.featured or query.statuses:
        return False
    return bool(query.must)


def article_count_source(query: Query):
    """Where to count an article search by its words, sources and authors (for CappedCount's
    `count_from`): the index alone holds one row per article (the triggers see to it), so
    counting there skips a lookup per match; the sources' and authors' articles are a set
    each match is checked against."""
    if not countable_in_the_index(query):
        return None
    engine = backend()
    matches = engine.article_index_matches(query)
    if matches is None:
        return None
    for ids in narrowing_articles(query):
        matches = engine.index_rows_among(matches, ids)
    return matches


def comment_count_source(query: Query, viewer):
    """Where to count a comment search by its words, sources and authors, as
    article_count_source does for articles, for readers and for moderators who name no
    state: the index rows where the index knows which comments are published and under
    which article (PostgreSQL); on SQLite, the words alone, in one statement joined to the
    comments' state. None when anything else narrows the search, or the engine cannot count
    it so."""
    if not countable_in_the_index(query):
        return None
    engine = backend()
    matches = engine.comment_index_matches(query, published_only=not can_moderate(viewer))
    if matches is None:
        return None
    for articles in narrowing_articles(query):
        matches = engine.comment_index_rows_under(matches, articles)
        if matches is None:
            return None
    return matches
