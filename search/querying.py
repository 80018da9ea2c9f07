"""Query building: the querysets of the articles and comments that match a parsed query
(`search_articles`, `search_comments`), as the engine in use (`backend()`) matches them, with
the query's sources, authors, commenters, dates and states as filters. Ordinary querysets
(annotated with `search_rank` when the query has words), so callers keep filtering them."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone

from archive.models import Article, Author, Source
from comments.models import Comment, CommentStatus
from web.permissions import can_moderate

from .backends import backend
from .query import Query, parse


def as_query(q: str | Query, *, moderator: bool = False) -> Query:
    return q if isinstance(q, Query) else parse(q, moderator=moderator)


def _author_articles(name: str) -> QuerySet:
    """The ids of the articles by the authors with that slug or with `name` in their name.
    The small authors table is searched once, the link table's index gives their articles."""
    authors = Author.objects.filter(Q(slug=name.lower()) | Q(name__icontains=name))
    ids = backend().named_ids(authors.values_list("pk", flat=True))
    links = Article.authors.through.objects.filter(author_id__in=ids)
    return links.order_by().values("article_id")


def _source_articles(name: str) -> QuerySet:
    """The ids of the articles from the sources with that slug or with `name` in their name."""
    sources = Source.objects.filter(Q(slug=name.lower()) | Q(name__icontains=name))
    ids = backend().named_ids(sources.values_list("pk", flat=True))
    return Article.objects.filter(source_id__in=ids).order_by().values("pk")


def narrowing_articles(query: Query) -> list[QuerySet]:
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
    query = as_query(q)
    engine = backend()
    qs = engine.match_articles(qs, query, tier=tier)
    # Each match is checked against the sets. (Looking a small set up in the index one id at
    # a time, as for comments, costs more here: each lookup evaluates a tier's expression.)
    narrowing = narrowing_articles(query)
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


def search_comments(qs: QuerySet, q: str | Query, viewer) -> QuerySet:
    """Comments matching `q` that `viewer` may find: published ones for readers; every state
    for moderators (narrowed with status:…)."""
    moderator = can_moderate(viewer)
    query = as_query(q, moderator=moderator)
    if moderator:
        if query.statuses:
            qs = qs.filter(status__in=query.statuses)
    else:
        qs = qs.filter(status=CommentStatus.PUBLISHED)
    engine = backend()
    qs = engine.match_comments(qs, query)
    # Sets of comments: a few are looked up in the index (rows_among), more are checked
    # against each match of the words (matches_among).
    for articles in narrowing_articles(query):
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
    users = get_user_model().objects.filter(
        Q(username__iexact=name) | Q(profile__display_name__iexact=name)
    )
    by_users = Comment.objects.filter(user_id__in=users.values("pk"))
    # Written as comment_archived_author_idx is, so that index finds them.
    by_name = Comment.objects.filter(
        Q(user__isnull=True) & Exact(Lower("archived_author_name"), Lower(Value(name)))
    )
    return by_users.order_by().values("pk").union(by_name.order_by().values("pk"), all=True)
