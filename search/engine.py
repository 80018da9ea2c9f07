"""One interface over both engines: `search_articles(qs, q)` and `search_comments(qs, q,
viewer)` return ordinary querysets (annotated with `search_rank` when the query has text), so
callers keep filtering them; `Article.objects.search(q)` and `Comment.objects.search(q,
viewer)` delegate here."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from functools import cached_property
from html import escape as html_escape

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Q, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import Lower, Substr
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .backends.base import MARK_END, MARK_START, Backend
from .query import Query, parse

EXCERPT_CHARS = 240


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from .backends.postgres import PostgresBackend

        return PostgresBackend()
    from .backends.sqlite import SqliteBackend

    return SqliteBackend()


def by_relevance(qs: QuerySet) -> QuerySet:
    """Rows from search_articles/search_comments (with text), best match first by the
    engine's score alone. Articles are ordered with `articles_by_relevance`."""
    return qs.order_by(*backend().relevance_order)


TIERS = 3


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
    from archive.models import Article

    query = _as_query(q)
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


class IndexTier:
    """One relevance tier of an article search that only words narrow, ranked in the engine's
    index alone: a slice reads its ids and scores from the index, best first, then their rows
    by id from `rows` (the caller's queryset, which must not filter rows out).

    Joined to the articles, a tier's query had the planner join every match before sorting
    them: for a word in 1,100 titles on PostgreSQL, 8–11 ms (with a parallel worker, 45 ms
    without), against 4 for the same ranking in the heads' table alone. On SQLite the cost
    is the same either way, but a page of a rare word reaches all three tiers: RankedTiers
    reads the rows of every tier's ids in one query (`read`), where each joined tier was a
    query of its own to build and compile."""

    def __init__(self, query: Query, n: int, rows: QuerySet):
        self.query, self.n, self.rows = query, n, rows

    def count(self) -> int:
        return backend().tier_index_matches(self.query, self.n).count()

    def ranked(self, key: slice) -> list[tuple[int, float]]:
        """(id, score) of the slice's matches, best first, from the index alone."""
        return list(backend().ranked_tier_ids(self.query, self.n)[key])

    def __getitem__(self, key: slice) -> list:
        return self.read(self.ranked(key))

    def read(self, ranked: list[tuple[int, float]]) -> list:
        """The rows of `ranked` (from any tier of the search), in its order, with their
        scores; one query."""
        found = self.rows.order_by().in_bulk([pk for pk, _ in ranked])  # ordered by `ranked`
        rows = []
        for pk, rank in ranked:
            if pk in found:  # a row deleted since the index was read
                row = found[pk]
                row.search_rank = rank
                rows.append(row)
        return rows


class SlicedResults:
    """What the paginator and CappedCount need of a result sequence that is read a slice at a
    time: `base` (unordered) to count, len(), iteration and single items; subclasses read a
    forward slice in `_slice(start, stop)`."""

    ordered = True
    base: QuerySet

    def count(self) -> int:
        return self.base.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0:])

    def __getitem__(self, key):
        if isinstance(key, int):
            if key < 0:
                raise IndexError("negative indexes are not supported")
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        return self._slice(key)

    def _slice(self, key: slice) -> list:
        raise NotImplementedError


class RankedTiers(SlicedResults):
    """A sliceable sequence over tiers of ordered querysets, read one after another: a slice
    queries only the tiers it reaches, and counts a tier only to skip past it. `base` (all
    the tiers at once, unordered) is what to count, or a function that makes it, called only
    when it is counted; `tier(n)` makes the nth tier's queryset, only once a slice reaches it
    (a common word's first page is all title matches). The base's prefetches (or
    `prefetch`, given a function) are made once for the rows of a slice, whichever tiers
    they came from."""

    def __init__(
        self,
        base: QuerySet | Callable[[], QuerySet],
        tier: Callable[[int], QuerySet],
        count: int = TIERS,
        *,
        prefetch: tuple = (),
    ):
        if isinstance(base, QuerySet):
            self.__dict__["base"] = base
            prefetch = base._prefetch_related_lookups
        else:
            self._make_base = base
        self.prefetch = prefetch
        self._make, self._count = tier, count
        self._made: dict[int, QuerySet] = {}

    @cached_property
    def base(self) -> QuerySet:
        return self._make_base()

    def tier(self, n: int) -> QuerySet | IndexTier:
        """The nth tier, without the base's prefetches (made once per slice instead)."""
        if n not in self._made:
            self._made[n] = self._make(n)
        return self._made[n]

    @property
    def tiers(self) -> list[QuerySet | IndexTier]:
        return [self.tier(n) for n in range(self._count)]

    def _slice(self, key: slice) -> list:
        if key.step not in (None, 1) or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise ValueError("only forward slices without a step are supported")
        start, stop = key.start or 0, key.stop
        wanted = None if stop is None else stop - start
        rows: list = []
        for n in range(self._count):
            if wanted is not None and wanted <= 0:
                break
            tier = self.tier(n)
            part = slice(start, None if wanted is None else start + wanted)
            # Tiers ranked in the index give ids, whose rows are read once for all tiers.
            got = tier.ranked(part) if isinstance(tier, IndexTier) else list(tier[part])
            rows += got
            if wanted is not None:
                wanted -= len(got)
            # Where the next tier's part of the slice starts: at its top once this tier gave
            # rows (it was read to its end, or the slice is full); else past what it holds.
            if start and not got:
                start = max(0, start - tier.count())
            else:
                start = 0
        if rows and isinstance(self.tier(0), IndexTier):
            rows = self.tier(0).read(rows)
        if self.prefetch:
            prefetch_related_objects(rows, *self.prefetch)
        return rows


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


class IndexRanked(SlicedResults):
    """A sliceable sequence over `qs` (matches of `query`, ordered best first): a slice asks
    the index alone for the best matches, twice as many as it reaches and 20 more, and reads
    those rows from `shown` (the comments the viewer may see, words aside). When enough of
    them are shown, they are the slice: any other shown match ranks below them all.
    Otherwise, the slice is read from `qs` as it is.

    Ordering by the index's rank column makes FTS5 score and sort every match, then read it
    again for the join; the index alone keeps only the best in a heap: for 7,500 matches,
    6.4 ms instead of 10. (Read back through the index, by rowid with the words, the rows
    cost 11 ms more: each lookup evaluates the words again.) `base` is what to count."""

    def __init__(self, qs: QuerySet, query: Query, shown: QuerySet):
        self.qs, self.query, self.shown = qs, query, shown
        self.base = qs.order_by()

    def _slice(self, key: slice) -> list:
        start, stop = key.start or 0, key.stop
        if stop is None or key.step not in (None, 1) or start < 0 or stop < 0:
            return list(self.qs[key])
        ids = backend().best_comment_ids(self.query, 2 * stop + 20)
        # Which are shown, by id alone; then the whole rows (with their joins) of the slice
        # only: building all 60 rows of a first page, and their articles, authors and
        # parents, cost more than this second query.
        visible = set(self.shown.order_by().filter(pk__in=ids).values_list("pk", flat=True))
        shown = [pk for pk in ids if pk in visible]
        if len(shown) >= stop or len(ids) < 2 * stop + 20:  # enough, or every match
            wanted = shown[start:stop]
            rows = self.shown.order_by().in_bulk(wanted)
            return [rows[pk] for pk in wanted if pk in rows]  # unless deleted meanwhile
        return list(self.qs[start:stop])


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


def is_moderator(viewer) -> bool:
    return bool(
        viewer is not None and viewer.is_authenticated and viewer.has_perm("comments.moderate")
    )


def _as_query(q: str | Query, *, moderator: bool = False) -> Query:
    return q if isinstance(q, Query) else parse(q, moderator=moderator)


def _author_articles(name: str) -> QuerySet:
    """The ids of the articles by the authors with that slug or with `name` in their name.
    The small authors table is searched once, the link table's index gives their articles."""
    from archive.models import Article, Author

    authors = Author.objects.filter(Q(slug=name.lower()) | Q(name__icontains=name))
    ids = backend().named_ids(authors.values_list("pk", flat=True))
    links = Article.authors.through.objects.filter(author_id__in=ids)
    return links.order_by().values("article_id")


def _source_articles(name: str) -> QuerySet:
    """The ids of the articles from the sources with that slug or with `name` in their name."""
    from archive.models import Article, Source

    sources = Source.objects.filter(Q(slug=name.lower()) | Q(name__icontains=name))
    ids = backend().named_ids(sources.values_list("pk", flat=True))
    return Article.objects.filter(source_id__in=ids).order_by().values("pk")


def _narrowing_articles(query: Query) -> list[QuerySet]:
    """The ids of the articles of each source: and author: name of the query. Built once per
    query: a page asks for them for its count, each tier it reads and the comments' tab, and
    building these nested querysets cost more than running them."""
    names = (tuple(query.sources), tuple(query.authors))
    built = query.__dict__.get("_narrowing")
    if built is None or built[0] != names:
        sets = [*map(_source_articles, query.sources), *map(_author_articles, query.authors)]
        built = query.__dict__["_narrowing"] = (names, sets)
    return built[1]


def search_articles(qs: QuerySet, q: str | Query, *, tier: int | None = None) -> QuerySet:
    query = _as_query(q)
    engine = backend()
    qs = engine.match_articles(qs, query, tier=tier)
    # Each match is checked against the sets. (Looking a small set up in the index one id at
    # a time, as for comments, costs more here: each lookup evaluates a tier's expression.)
    narrowing = _narrowing_articles(query)
    for ids in narrowing:
        qs = engine.matches_among(qs, ids) if query.must else qs.filter(pk__in=ids)
    if narrowing and query.must:
        # A source's or an author's articles are a few percent of the archive.
        qs = engine.score_survivors(qs)
    if query.before:
        qs = qs.filter(published__lt=query.before)
    if query.after:
        qs = qs.filter(published__gt=query.after)
    if query.commenters or query.featured or query.statuses:
        # Fields that only describe comments: no article has them.
        qs = qs.none()
    return qs


# A set of at most this many comments is looked up one by one in the index; past it, every
# match of the words is checked against the set instead (one lookup costs about as much as
# checking twenty matches by their rows).
INDEX_LOOKUPS = 300


def _few(ids: QuerySet) -> bool:
    return ids[: INDEX_LOOKUPS + 1].count() <= INDEX_LOOKUPS


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
    for ids in _narrowing_articles(query):
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
    matches = engine.comment_index_matches(query, published_only=not is_moderator(viewer))
    if matches is None:
        return None
    for articles in _narrowing_articles(query):
        matches = engine.comment_index_rows_under(matches, articles)
        if matches is None:
            return None
    return matches


def search_comments(qs: QuerySet, q: str | Query, viewer) -> QuerySet:
    """Comments matching `q` that `viewer` may find: published ones for readers; every state
    for moderators (narrowed with status:…)."""
    from comments.models import Comment, CommentStatus

    moderator = is_moderator(viewer)
    query = _as_query(q, moderator=moderator)
    if moderator:
        if query.statuses:
            qs = qs.filter(status__in=query.statuses)
    else:
        qs = qs.filter(status=CommentStatus.PUBLISHED)
    engine = backend()
    qs = engine.match_comments(qs, query)
    # Sets of comments: a few are looked up in the index (rows_among), more are checked
    # against each match of the words (matches_among).
    for articles in _narrowing_articles(query):
        under = Comment.objects.filter(article_id__in=articles).order_by().values("pk")
        if not query.must:
            qs = qs.filter(article_id__in=articles)
        elif _few(under):
            qs = engine.rows_among(qs, query, under)
        else:
            qs = engine.matches_among(qs, under, rows=Q(article_id__in=articles))
    for name in query.commenters:
        theirs = commenter_comment_ids(name)
        if not query.must:
            qs = qs.filter(pk__in=theirs)
        elif _few(theirs):
            qs = engine.rows_among(qs, query, theirs)
        else:
            qs = engine.matches_among(qs, theirs)
    # Days where the reader is, as created__date__lt/gt would read them, but compared as
    # instants: SQLite computed each match's date in a Python function (4.5 ms for the
    # comments with a word in 4,000 of them, against 1.2).
    # (No instant at the calendar's ends: nothing is before its first day or after its last.)
    if query.before:
        start = start_of(query.before)
        qs = qs.filter(created__lt=start) if start else qs.none()
    if query.after:
        start = start_of(query.after, days_later=1)
        qs = qs.filter(created__gte=start) if start else qs.none()
    if query.featured:
        qs = qs.filter(is_featured=True)
    return qs


def start_of(day: datetime.date, *, days_later: int = 0) -> datetime.datetime | None:
    """The first instant of `day` (plus `days_later`) in the current time zone, or None when
    that is past either end of what a datetime holds, in UTC as the database stores it."""
    try:
        start = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=days_later), datetime.time.min)
        )
        start.astimezone(datetime.UTC)
    except OverflowError:
        return None
    return start


def commenter_comment_ids(name: str) -> QuerySet:
    """The ids of the comments by the users with that user name or display name, and of those
    archived under that author name (case-insensitive, as iexact). Two halves, each found by
    an index (an OR of the two would scan the comments on PostgreSQL)."""
    from comments.models import Comment

    users = get_user_model().objects.filter(
        Q(username__iexact=name) | Q(profile__display_name__iexact=name)
    )
    by_users = Comment.objects.filter(user_id__in=users.values("pk"))
    # Written as comment_archived_author_idx is, so that index finds them.
    by_name = Comment.objects.filter(
        Q(user__isnull=True) & Exact(Lower("archived_author_name"), Lower(Value(name)))
    )
    return by_users.order_by().values("pk").union(by_name.order_by().values("pk"), all=True)


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
    from archive.models import Article

    if query.must:
        marked = backend().article_snippets(ids, query)
    else:
        marked = {pk: excerpt(text) for pk, text in _openings(Article, "body_text", ids).items()}
    return {pk: highlight(excerpt(marked.get(pk, ""), 600)) for pk in ids}


def comment_snippets(ids: list[int], query: Query) -> dict[int, SafeString]:
    """As article_snippets, from the comments' Markdown source shown as it reads (no link
    addresses, emphasis marks or quote markers)."""
    from comments.models import Comment
    from web.markup import markdown_text

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
