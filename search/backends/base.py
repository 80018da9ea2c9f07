"""What every engine does; `search.backends.backend()` picks one by `connection.vendor`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Protocol

from django.db.models import Q, QuerySet

from search.query import Query

# Private-use characters mark the matched words in a snippet; `search.snippets` escapes the
# text and only then turns them into <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"


class DeferredArticles(Protocol):
    """Articles inserted since a point, indexed for search in one statement when asked.

    `index_new()` must run before an article of the batch is updated (the engine's update
    trigger expects the row indexed) and `finish()` before the transaction commits. `mark()`
    and `restore(mark)` bracket a savepoint: rolled back, it takes its indexing with it.
    """

    def index_new(self) -> None: ...

    def finish(self) -> None: ...

    def mark(self) -> int: ...

    def restore(self, mark: int) -> None: ...


class Backend:
    # How to order rows annotated with `search_rank`, best first.
    relevance_order: tuple[str, ...] = ()

    def match_articles(self, qs: QuerySet, query: Query, tier: int | None = None) -> QuerySet:
        """Rows matching the query's text, annotated with `search_rank` (its scale and direction
        are the engine's: order with `relevance_order`). With `tier`, only the matches of one
        relevance tier (see engine.articles_by_relevance): 0, every word in the title; 1, every
        word in the title, kicker or dek, but not all in the title; 2, the rest."""
        raise NotImplementedError

    def match_comments(self, qs: QuerySet, query: Query) -> QuerySet:
        raise NotImplementedError

    def score_survivors(self, qs: QuerySet) -> QuerySet:
        """`qs` (from match_articles or match_comments, with text) for when its other filters
        leave few of the matches: the engine may then score only the rows that pass them,
        rather than every match of the words before filtering."""
        return qs

    def index_rows_among(self, qs: QuerySet, ids: QuerySet) -> QuerySet:
        """Index rows (from article_index_matches) whose article is among `ids`."""
        return qs.filter(pk__in=ids)

    def rows_among(self, qs: QuerySet, query: Query, ids: QuerySet) -> QuerySet:
        """`qs` (from match_comments) narrowed to the comments whose ids `ids` gives: a small
        set, which the engine may look up in its index one id at a time."""
        return qs.filter(pk__in=ids)

    def named_ids(self, ids: QuerySet) -> QuerySet | list:
        """The ids of the sources or authors a query names (`ids`, a flat values_list), as the
        engine's queries should hold them: read once into a list, or left a subquery for the
        planner to estimate from. PostgreSQL keeps the subquery: given the ids of a source's
        2,500 articles, it chose to scan every document with a common word (108 ms) rather
        than check those articles' documents one by one (12 ms)."""
        return ids

    # Whether best_comment_ids can list the best matches from the index alone.
    ranks_in_index = False

    def best_comment_ids(self, query: Query, limit: int) -> list[int]:
        """The ids of the `limit` best comments matching the query's words, best first, read
        from the index alone (whatever the comments' states)."""
        raise NotImplementedError

    def matches_among(self, qs: QuerySet, ids: QuerySet, rows: Q | None = None) -> QuerySet:
        """`qs` (from match_articles or match_comments, with text) narrowed to the rows whose
        ids `ids` gives: a set too large to look up one by one, which each match is checked
        against. `rows`, when given, is the same set as a condition on the rows themselves
        (the comments under some articles: their article), which engines that read each
        match's row check instead."""
        return qs.filter(rows if rows is not None else Q(pk__in=ids))

    # Whether ranked_tier_ids can rank a relevance tier in the index alone.
    ranks_tiers_in_index = False

    def tier_index_matches(self, query: Query, tier: int):
        """The index rows of one relevance tier of a query that only words narrow (something
        with `count()`)."""
        raise NotImplementedError

    def ranked_tier_ids(self, query: Query, tier: int) -> QuerySet:
        """(article id, score) of that tier's matches, best first, as match_articles scores
        and relevance_order orders them."""
        raise NotImplementedError

    def article_index_matches(self, query: Query):
        """The index rows matching the query's text, for counting without touching the
        articles (valid when nothing but text narrows the search); None without text. A
        queryset, or the engine's own count source (with `count()` and `capped_count(limit)`,
        which index_rows_among takes too)."""
        raise NotImplementedError

    def comment_index_matches(self, query: Query, *, published_only: bool):
        """What counts the comments matching the query's text (valid when nothing but text
        narrows the search), only the published ones with `published_only`, as
        article_index_matches does the articles; None where the engine cannot, or without
        text."""
        return None

    def comment_index_rows_under(self, matches, articles: QuerySet):
        """Index rows (from comment_index_matches) of the comments under `articles` (ids);
        None where the engine cannot count those apart."""
        raise NotImplementedError

    def counting(self, qs: QuerySet):
        """A context manager around the capped count of `qs` (see engine.CappedCount), for
        engines that plan some counts better than their planner would."""
        return nullcontext()

    def article_snippets(self, ids: list[int], query: Query) -> dict[int, str]:
        """Body passages with the matches between MARK_START and MARK_END, for these rows only."""
        raise NotImplementedError

    def comment_snippets(self, ids: list[int], query: Query) -> dict[int, str]:
        raise NotImplementedError

    def bulk_load(self):
        """A context manager for bulk imports: no per-row indexing, one rebuild at the end."""
        raise NotImplementedError

    def defer_comment_indexing(self) -> Callable[[list[int]], None]:
        """Inside a write transaction about to insert many comments: stop indexing them one by
        one and return a function that, given the ids of the comments inserted since (an
        engine that can tell them itself ignores them), indexes them in one statement and
        restores the per-row indexing. Call it before the transaction commits; a rollback
        undoes both. Only for code that inserts comments (never updates their text)."""
        return lambda ids: None

    def defer_article_indexing(self) -> DeferredArticles | None:
        """Inside a write transaction about to insert many articles: stop indexing them one by
        one, where that pays, and return what indexes them later (None: this engine indexes
        each row as it is written). Rolled back with the transaction, as above."""
        return None

    def rebuild(self) -> None:
        raise NotImplementedError
