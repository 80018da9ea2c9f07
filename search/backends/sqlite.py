"""SQLite FTS5: our own compiler from the query AST to MATCH syntax.

Every term reaches FTS5 as a string ("term", inner quotes doubled), so nothing a reader types
is read as FTS5 syntax; the only column filter we ever write is `title :`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField, QuerySet, Value
from django.db.models.lookups import In

from comments.models import Comment, CommentStatus
from search.models import ArticleFts, CommentFts
from search.query import AnyOf, Query, Term
from search.sql import SQLITE_INSERT_TRIGGERS as INSERT_TRIGGERS

from .base import MARK_END, MARK_START, Backend

SNIPPET_TOKENS = 28
# The weights of the articles' `rank` (search/migrations/0003): title, kicker, dek, body.
ARTICLE_WEIGHTS = (10.0, 4.0, 4.0, 1.0)


class Bm25(Func):
    """bm25() of a match, called for each row SQLite keeps, after the other filters."""

    function = "bm25"
    output_field = FloatField()


class NotIndexed(Func):
    """`+expr`: the same value, which SQLite's planner will not look up in an index."""

    template = "+%(expressions)s"
    output_field = IntegerField()


def fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def compile_term(term: Term, *, titles: bool) -> str:
    expr = fts_string(term.text) + ("*" if term.prefix else "")
    if term.title_only and titles:
        return f"title : {expr}"
    return expr


def compile_parts(query: Query, *, titles: bool) -> tuple[str, str]:
    """(words, excluded): what must match, and what must not; either may be empty."""
    parts = []
    for clause in query.must:
        if isinstance(clause, AnyOf):
            inner = " OR ".join(compile_term(t, titles=titles) for t in clause.terms)
            parts.append(f"({inner})")
        else:
            parts.append(compile_term(clause, titles=titles))
    words = " AND ".join(parts)
    excluded = " OR ".join(compile_term(t, titles=titles) for t in query.exclude)
    return words, excluded


def compile_match(query: Query, *, titles: bool) -> tuple[str, str]:
    """(positive, negative) MATCH expressions; either may be empty."""
    positive, negative = compile_parts(query, titles=titles)
    if positive and negative:
        positive = f"({positive}) NOT ({negative})"
    return positive, negative


def tier_match(query: Query, tier: int) -> str:
    """The matches of one relevance tier. A column filter applies to every phrase inside it,
    and nested in another (a title: term) the two intersect; the words (never negated)
    matched within some columns also match anywhere, so only the body tier, the costly one,
    intersects with the words' whole match. One expression, not a second MATCH on the same
    table: FTS5 drops every row when given two `=` constraints on it."""
    words, excluded = compile_parts(query, titles=True)
    title = f"title : ({words})"
    head = f"{{title kicker dek}} : ({words})"
    if tier == 0:
        expr, unwanted = title, excluded
    elif tier == 1:
        expr, unwanted = head, " OR ".join(filter(None, [f"({title})", excluded]))
    else:
        expr, unwanted = words, " OR ".join(filter(None, [f"({head})", excluded]))
    return f"({expr}) NOT ({unwanted})" if unwanted else expr


class RankedTierIds:
    """(rowid, rank) of one relevance tier's matches, best first, read from FTS5 alone a
    slice at a time: the statement the raw baseline runs. (As a queryset of the index's
    model, building and compiling it cost more than running it for a rare word.)"""

    def __init__(self, expr: str):
        self.expr = expr

    def __getitem__(self, key: slice) -> list[tuple[int, float]]:
        start, stop = key.start or 0, key.stop
        limit = -1 if stop is None else max(stop - start, 0)  # -1: no limit
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, rank FROM search_article_fts WHERE search_article_fts MATCH %s "
                "ORDER BY rank LIMIT %s OFFSET %s",
                [self.expr, limit, start],
            )
            return cursor.fetchall()


class FtsMatches:
    """The matches of an FTS5 expression in one index table, counted with one plain statement,
    only the published comments' with `status`: a count source for engine.CappedCount. Built
    and compiled as a queryset of the index's model, the count cost more than running it for
    a rare word (0.3 ms of 0.5 for the articles, 0.4 of 1.7 for the comments)."""

    def __init__(self, model, expr: str, *, status: str | None = None):
        self.model, self.expr, self.status = model, expr, status

    def queryset(self) -> QuerySet:
        """The same matches as index rows, for narrowing further."""
        if self.status is not None:
            raise ValueError("the published comments' matches join the comments: no index rows")
        return self.model.objects.filter(match=self.expr)

    def capped_count(self, limit: int | None) -> int:
        """How many match, counting at most `limit` (None: all of them)."""
        table = self.model._meta.db_table
        sql = f"SELECT {table}.rowid FROM {table}"
        where = f"{table} MATCH %s"
        params: list = [self.expr]
        if self.status is not None:
            comments = Comment._meta.db_table
            sql += f" JOIN {comments} ON {comments}.id = {table}.rowid"
            where += f" AND {comments}.status = %s"
            params.append(self.status)
        sql += f" WHERE {where}"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql})", params)
            return cursor.fetchone()[0]

    def count(self) -> int:
        return self.capped_count(None)


class SqliteBackend(Backend):
    def _match(self, qs, query, model, relation, titles, tier=None):
        positive, negative = compile_match(query, titles=titles)
        if positive and tier is not None:
            positive = tier_match(query, tier)
        if positive:
            # bm25: smaller is better. Ordering by the bare rank column lets FTS5 hand rows over
            # already sorted, so a LIMIT stops the join after one page.
            return qs.filter(**{f"{relation}__match": positive}).annotate(
                search_rank=F(f"{relation}__rank")
            )
        if negative:
            qs = qs.exclude(pk__in=model.objects.filter(match=negative).values("pk"))
        return qs

    relevance_order = ("search_rank",)

    def score_survivors(self, qs: QuerySet) -> QuerySet:
        # Ordered by the rank column, FTS5 scores every match of the words, sorts them and
        # hands them over best first: right when most matches are kept, as a LIMIT then
        # stops the join early. When a set (an author's articles, say) keeps few, bm25() in
        # the select list is computed only for the rows that pass: 2 ms instead of 10 for a
        # word in a tenth of the articles among one author's.
        weights = ARTICLE_WEIGHTS if qs.model._meta.label == "archive.Article" else ()
        score = Bm25(F("search_fts__match"), *(Value(w) for w in weights))
        return qs.annotate(search_rank=score)

    def match_articles(self, qs: QuerySet, query: Query, tier: int | None = None) -> QuerySet:
        return self._match(qs, query, ArticleFts, "search_fts", titles=True, tier=tier)

    def match_comments(self, qs: QuerySet, query: Query) -> QuerySet:
        return self._match(qs, query, CommentFts, "search_fts", titles=False)

    def index_rows_among(self, qs: FtsMatches | QuerySet, ids: QuerySet) -> QuerySet:
        if isinstance(qs, FtsMatches):
            qs = qs.queryset()
        # `+rowid`, an expression rather than the column, so SQLite checks each match against
        # the set instead of handing FTS5 the ids to seek one by one: for a source's 1,250
        # articles, 0.4 ms against 13 ms for a rare word, 2 ms against 10 for a common one.
        return qs.filter(In(NotIndexed(F("pk")), ids))

    def rows_among(self, qs: QuerySet, query: Query, ids: QuerySet) -> QuerySet:
        if not query.must:  # no MATCH: no index joined
            return qs.filter(pk__in=ids)
        # On the index's rowid, FTS5 is handed the ids one by one (`rowid = ?`) and seeks
        # each in the words' lists; on the rows' id, it would list every match of the words
        # and SQLite would read each one's row to test it (1 ms against 35 ms for a
        # commenter's comments with a word in a fifth of them).
        return qs.filter(search_fts__pk__in=ids)

    def matches_among(self, qs: QuerySet, ids: QuerySet, rows=None) -> QuerySet:
        # The set is read once into a temporary index, and each match's rowid is looked up
        # there before its row is read (`+`: not handed to FTS5 as ids to seek). Checking the
        # row instead read every match's row: 7.6 ms against 1.1 for an author's 530
        # comments and a word in 7,500; 2.7 ms against 0.9 for the author's articles.
        return qs.filter(In(NotIndexed(F("search_fts__pk")), ids))

    def named_ids(self, ids: QuerySet) -> list:
        # Read once: as a subquery, each of a page's queries searched the sources or authors
        # again, and compiled the nesting again (author:Babu with a word, 15.4 ms to 12.8).
        return list(ids)

    ranks_tiers_in_index = True

    def tier_index_matches(self, query: Query, tier: int) -> FtsMatches:
        return FtsMatches(ArticleFts, tier_match(query, tier))

    def ranked_tier_ids(self, query: Query, tier: int) -> RankedTierIds:
        return RankedTierIds(tier_match(query, tier))

    ranks_in_index = True

    def best_comment_ids(self, query: Query, limit: int) -> list[int]:
        # bm25() in ORDER BY, not the rank column: SQLite keeps the best `limit` in a heap
        # as FTS5 scores each match, rather than FTS5 sorting them all. (The comments'
        # rank is plain bm25(): the same order.)
        positive, _ = compile_match(query, titles=False)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_comment_fts WHERE search_comment_fts MATCH %s "
                "ORDER BY bm25(search_comment_fts) LIMIT %s",
                [positive, limit],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def article_index_matches(self, query: Query) -> FtsMatches | None:
        positive, _ = compile_match(query, titles=True)
        return FtsMatches(ArticleFts, positive) if positive else None

    def comment_index_matches(self, query: Query, *, published_only: bool) -> FtsMatches | None:
        # FTS5 does not know which comments are published: their count joins the comments
        # for it (the page's own search does the same). Every state's is the index's alone.
        positive, _ = compile_match(query, titles=False)
        if not positive:
            return None
        status = CommentStatus.PUBLISHED.value if published_only else None
        return FtsMatches(CommentFts, positive, status=status)

    def comment_index_rows_under(self, matches: FtsMatches, articles: QuerySet) -> None:
        # The index rows do not name their article: the page's search counts these.
        return None

    def _snippets(self, table, column, ids, query, titles) -> dict[int, str]:
        positive, _ = compile_match(query, titles=titles)
        if not ids or not positive:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({table}, {column}, %s, %s, '…', {SNIPPET_TOKENS}) "
            f"FROM {table} WHERE {table} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, positive, *ids])
            return dict(cursor.fetchall())

    def article_snippets(self, ids: list[int], query: Query) -> dict[int, str]:
        return self._snippets("search_article_fts", 3, ids, query, titles=True)

    def comment_snippets(self, ids: list[int], query: Query) -> dict[int, str]:
        return self._snippets("search_comment_fts", 0, ids, query, titles=False)

    @contextmanager
    def bulk_load(self):
        """Write many rows without indexing each one, then index them all at once."""
        with connection.cursor() as cursor:
            for name in INSERT_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for sql in INSERT_TRIGGERS.values():
                    cursor.execute(sql)
            self.rebuild()

    def defer_comment_indexing(self) -> Callable[[list[int]], None]:
        # FTS5 indexes a set of rows about 5× faster in one INSERT … SELECT than through a
        # trigger per row. The comments to index are those past the last id before.
        index = DeferredFts("search_comment_fts")
        return lambda ids: index.finish()

    def defer_article_indexing(self) -> DeferredFts:
        # Indexed by its trigger, each article's words are written out at the document's next
        # statement as an index segment of their own (FTS5 flushes its pending words at every
        # savepoint, and an import has one per document), which the next writes then merge.
        return DeferredFts("search_article_fts")

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            for table in ("search_article_fts", "search_comment_fts"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


# Each full-text table: the table it indexes, its columns, and the trigger that indexes a new row.
FTS_TABLES = {
    "search_article_fts": (
        "archive_article",
        ("title", "kicker", "dek", "body_text"),
        "search_article_ai",
    ),
    "search_comment_fts": ("comments_comment", ("body_source",), "search_comment_ai"),
}


class DeferredFts:
    """The rows of `table` past the highest id indexed, indexed into `fts` in one
    INSERT … SELECT when asked, its insert trigger dropped meanwhile.

    SQLite's DDL is transactional and the transaction holds the write lock: no other
    connection ever sees the table without its trigger, nor writes a row meanwhile.
    """

    def __init__(self, fts: str) -> None:
        table, columns, trigger = FTS_TABLES[fts]
        self.table, self.fts, self.columns, self.trigger = table, fts, ", ".join(columns), trigger
        self.indexed_up_to = self._highest_id()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {self.trigger}")

    def _highest_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            return cursor.fetchone()[0]

    def index_new(self) -> None:
        highest = self._highest_id()
        if highest > self.indexed_up_to:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {self.fts}(rowid, {self.columns}) "
                    f"SELECT id, {self.columns} FROM {self.table} WHERE id > %s AND id <= %s",
                    [self.indexed_up_to, highest],
                )
            self.indexed_up_to = highest

    def finish(self) -> None:
        self.index_new()
        with connection.cursor() as cursor:
            cursor.execute(INSERT_TRIGGERS[self.trigger])

    def mark(self) -> int:
        return self.indexed_up_to

    def restore(self, mark: int) -> None:
        self.indexed_up_to = mark
