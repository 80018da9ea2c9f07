"""PostgreSQL: weighted tsvectors in side tables (GIN-indexed, kept by triggers), queried
with a tsquery we build from the AST.

The tsquery is one bound parameter of `to_tsquery`: every term is a quoted lexeme string
(quotes and backslashes, the only characters special inside one, become spaces), so a reader's
`&`, `|`, `!`, `<->` or `:*` stays text. `title:` becomes the weight label `:A`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, connections, transaction
from django.db.models import F, QuerySet

from comments.models import CommentStatus
from search.models import ArticleDocument, ArticleHead, CommentDocument
from search.query import AnyOf, Query, Term
from search.sql import ARTICLE_HEAD_VECTOR, ARTICLE_VECTOR, COMMENT_VECTOR

from .base import MARK_END, MARK_START, Backend

CONFIG = "english"
HEADLINE = {
    "start_sel": MARK_START,
    "stop_sel": MARK_END,
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


def lexeme(term: Term, *, titles: bool, weights: str = "") -> str:
    """`weights` narrows the term to those parts of the document (A title, B kicker and dek,
    C body); a `title:` term stays in the title whatever they are."""
    text = term.text.replace("'", " ").replace("\\", " ").strip()
    if term.title_only and titles:
        weights = "A"
    suffix = weights + ("*" if term.prefix else "")
    return f"'{text}'" + (f":{suffix}" if suffix else "")


def compile_tsquery(query: Query, *, titles: bool, weights: str = "") -> tuple[str, str]:
    """(positive, negative) tsquery texts; `weights` narrows the positive terms only."""
    parts = []
    for clause in query.must:
        if isinstance(clause, AnyOf):
            inner = " | ".join(lexeme(t, titles=titles, weights=weights) for t in clause.terms)
            parts.append(f"({inner})")
        else:
            parts.append(lexeme(clause, titles=titles, weights=weights))
    positive = " & ".join(parts)
    negative = " | ".join(lexeme(t, titles=titles) for t in query.exclude)
    if positive and negative:
        positive = f"({positive}) & !({negative})"
    return positive, negative


def tier_tsquery(query: Query, tier: int) -> str:
    """The matches of one relevance tier, by the words' weights: A title, B kicker and dek
    (the "head" is A or B). The excluded words are excluded everywhere, as in the search."""
    expr, excluded = tier_parts(query, tier)
    return f"({expr}) & !({excluded})" if excluded else expr


def tier_parts(query: Query, tier: int) -> tuple[str, str]:
    """(the tier's words, by weight; the excluded words, or "")."""
    words_only = Query(must=query.must)
    words, _ = compile_tsquery(words_only, titles=True)
    title, _ = compile_tsquery(words_only, titles=True, weights="A")
    head, _ = compile_tsquery(words_only, titles=True, weights="AB")
    _, excluded = compile_tsquery(query, titles=True)
    return {0: title, 1: f"({head}) & !({title})", 2: f"({words}) & !({head})"}[tier], excluded


def title_only(query: Query) -> bool:
    """Every word of the query is a title: term (so the head alone can answer it)."""
    terms = [t for c in query.must for t in (c.terms if isinstance(c, AnyOf) else [c])]
    return bool(terms) and all(t.title_only for t in terms)


def ts(expr: str) -> SearchQuery:
    return SearchQuery(expr, search_type="raw", config=CONFIG)


class PostgresBackend(Backend):
    def _match(self, qs, query, model, titles, tier=None):
        positive, negative = compile_tsquery(query, titles=titles)
        if positive:
            tsquery = ts(positive)
            narrowed = tsquery if tier is None else ts(tier_tsquery(query, tier))
            return qs.filter(search_document__document=narrowed).annotate(
                search_rank=SearchRank(F("search_document__document"), tsquery, cover_density=True)
            )
        if negative:
            qs = qs.exclude(pk__in=model.objects.filter(document=ts(negative)).values("pk"))
        return qs

    relevance_order = ("-search_rank", "-id")

    def match_articles(self, qs: QuerySet, query: Query, tier: int | None = None) -> QuerySet:
        head_tier = tier in (0, 1) or (tier is None and title_only(query))
        if not query.must or not head_tier:
            return self._match(qs, query, ArticleDocument, titles=True, tier=tier)
        # Matches in the title, kicker or dek: found in the head's index and checked against
        # the head, never the whole document; only the excluded words need the document.
        # They are ranked by their head too: every word is in it, and scoring the whole text
        # of each match (a common word has a thousand title matches) decompressed every
        # document, 20 ms of such a page's 50.
        positive, _ = compile_tsquery(query, titles=True)
        if tier is None:
            words = compile_tsquery(Query(must=query.must), titles=True)[0]
            excluded = compile_tsquery(query, titles=True)[1]
        else:
            words, excluded = tier_parts(query, tier)
        qs = qs.filter(search_head__head=ts(words))
        if excluded:
            qs = qs.filter(search_document__document=ts(f"!({excluded})"))
        return qs.annotate(
            search_rank=SearchRank(F("search_head__head"), ts(positive), cover_density=True)
        )

    ranks_tiers_in_index = True

    def tier_index_matches(self, query: Query, tier: int) -> QuerySet:
        if tier in (0, 1):
            return ArticleHead.objects.filter(head=ts(tier_parts(query, tier)[0]))
        return ArticleDocument.objects.filter(document=ts(tier_tsquery(query, tier)))

    def ranked_tier_ids(self, query: Query, tier: int) -> QuerySet:
        positive, _ = compile_tsquery(query, titles=True)
        vector = F("head") if tier in (0, 1) else F("document")
        return (
            self.tier_index_matches(query, tier)
            .annotate(rank=SearchRank(vector, ts(positive), cover_density=True))
            .order_by("-rank", "-pk")
            .values_list("pk", "rank")
        )

    def match_comments(self, qs: QuerySet, query: Query) -> QuerySet:
        return self._match(qs, query, CommentDocument, titles=False)

    def article_index_matches(self, query: Query) -> QuerySet | None:
        positive, _ = compile_tsquery(query, titles=True)
        if not positive:
            return None
        if title_only(query) and not query.exclude:
            return ArticleHead.objects.filter(head=ts(positive))
        return ArticleDocument.objects.filter(document=ts(positive))

    def comment_index_matches(self, query: Query, *, published_only: bool) -> QuerySet | None:
        positive, _ = compile_tsquery(query, titles=False)
        if not positive:
            return None
        matches = CommentDocument.objects.filter(document=ts(positive))
        return matches.filter(published=True) if published_only else matches

    def comment_index_rows_under(self, matches: QuerySet, articles: QuerySet) -> QuerySet:
        # The documents name their comment's article (migration 0008).
        return matches.filter(article_id__in=articles)

    @contextmanager
    def counting(self, qs: QuerySet):
        """Articles are counted through their GIN indexes, never by scanning the documents.

        For a count capped at 1,001 rows, the planner expects a scan to stop after a few
        thousand documents and prices each at one operator call; but checking a document of
        2 KB costs far more than that. Measured on 50,000 articles: a common word 13 ms
        scanning, 6 through the index; a prefix 18 and 7; two words with OR 33 and 8. (The
        comments' documents are small: scanning them wins, and is left to the planner.) The
        setting lasts for this statement only: its transaction or savepoint is rolled back."""
        if qs.model not in (ArticleDocument, ArticleHead):
            yield
            return
        with transaction.atomic(using=qs.db):
            with connections[qs.db].cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            yield
            transaction.set_rollback(True, using=qs.db)

    def _snippets(self, model, column, ids, query, titles) -> dict[int, str]:
        positive, _ = compile_tsquery(query, titles=titles)
        if not ids or not positive:
            return {}
        # Only the page's rows: ts_headline re-parses the text, the costliest step of a search.
        rows = (
            model.objects.filter(pk__in=ids)
            .annotate(snippet=SearchHeadline(column, ts(positive), config=CONFIG, **HEADLINE))
            .values_list("pk", "snippet")
        )
        return dict(rows)

    def article_snippets(self, ids: list[int], query: Query) -> dict[int, str]:
        from archive.models import Article

        return self._snippets(Article, "body_text", ids, query, titles=True)

    def comment_snippets(self, ids: list[int], query: Query) -> dict[int, str]:
        from comments.models import Comment

        return self._snippets(Comment, "body_source", ids, query, titles=False)

    def defer_comment_indexing(self) -> Callable[[list[int]], None]:
        # The insert trigger skips rows while this transaction says so (migration 0007): a
        # transaction-local setting, which other sessions never see and a rollback undoes.
        # The ids are needed here: other sessions may insert comments meanwhile.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL agora.defer_comment_index = 'on'")

        def index_and_restore(ids: list[int]) -> None:
            with connection.cursor() as cursor:
                if ids:
                    _index_comments(cursor, "WHERE id = ANY(%s)", [list(ids)])
                # Inside an outer transaction, the setting would outlive this batch.
                cursor.execute("SET LOCAL agora.defer_comment_index = 'off'")

        return index_and_restore

    @contextmanager
    def bulk_load(self):
        """PostgreSQL indexes each row in its insert trigger here (ALTER TABLE … DISABLE
        TRIGGER is refused inside a transaction with Django's deferred foreign-key checks
        pending). The importer, which knows its comments' ids, defers them instead
        (defer_comment_indexing): about a fifth of their cost is the trigger calls."""
        yield

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_article_document (article_id, document) "
                f"SELECT id, {ARTICLE_VECTOR.format(p='')} FROM archive_article "
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document"
            )
            cursor.execute(
                "INSERT INTO search_article_head (article_id, head) "
                f"SELECT id, {ARTICLE_HEAD_VECTOR.format(p='')} FROM archive_article "
                "ON CONFLICT (article_id) DO UPDATE SET head = EXCLUDED.head"
            )
            _index_comments(cursor)


def _index_comments(cursor, where: str = "", params: list | None = None) -> None:
    """(Re)compute the documents of the comments `where` picks (all of them without it)."""
    cursor.execute(
        "INSERT INTO search_comment_document (comment_id, document, published, article_id) "
        f"SELECT id, {COMMENT_VECTOR.format(p='')}, status = %s, article_id "
        f"FROM comments_comment {where} "
        "ON CONFLICT (comment_id) DO UPDATE SET document = EXCLUDED.document, "
        "published = EXCLUDED.published, article_id = EXCLUDED.article_id",
        [CommentStatus.PUBLISHED.value, *(params or [])],
    )
