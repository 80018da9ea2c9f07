"""Result sequences read a slice at a time, for the paginator: the tiers of an article search
(`RankedTiers`, with `IndexTier` for a tier ranked in the index alone) and comments ranked in
the index alone (`IndexRanked`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.db.models import QuerySet, prefetch_related_objects

from .backends import backend
from .query import Query

TIERS = 3


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
