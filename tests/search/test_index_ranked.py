"""Comments ranked from the index alone (SQLite) read as the ranked queryset does: the same
rows, in the same order, whatever the slice and whoever is looking."""

import pytest
from django.db import connection

from comments.models import Comment, CommentStatus
from search import engine
from search.engine import (
    IndexRanked,
    by_relevance,
    comments_by_relevance,
    search_comments,
    without_words,
)
from search.query import parse
from web.permissions import can_moderate

from .conftest import add_comment


@pytest.fixture
def gulls(corpus):
    """40 comments with a word a different number of times (distinct scores); the best few
    hidden from readers, as a spam wave would be."""
    article = corpus.articles["ferry"]
    rows = []
    for n in range(40):
        status = CommentStatus.SPAM if n >= 34 else CommentStatus.PUBLISHED
        if n == 20:
            status = CommentStatus.PENDING
        text = " ".join(["gull"] * (n % 40 + 1) + ["sea"] * (40 - n))
        rows.append(add_comment(article, text, status=status))
    return rows


def ranked(q, viewer):
    query = parse(q, moderator=can_moderate(viewer))
    return by_relevance(search_comments(Comment.objects.all(), query, viewer))


def fast_ranked(q, viewer, **options):
    query = parse(q, moderator=can_moderate(viewer))
    shown = search_comments(Comment.objects.all(), without_words(query), viewer)
    return comments_by_relevance(ranked(q, viewer), query, shown=shown, **options)


@pytest.mark.parametrize("who", ["reader", "moderator"])
def test_every_slice_reads_as_the_ranked_queryset(corpus, gulls, who):
    viewer = getattr(corpus, who)
    plain = ranked("gull", viewer)
    fast = fast_ranked("gull", viewer)
    if connection.vendor == "sqlite":
        assert isinstance(fast, IndexRanked)
    whole = list(plain)
    assert len(whole) == (40 if who == "moderator" else 33)
    for start in range(0, 42, 3):
        for stop in (start, start + 1, start + 5, start + 20, 60):
            assert [c.pk for c in fast[start:stop]] == [c.pk for c in whole[start:stop]], (
                start,
                stop,
            )
    assert fast[0].pk == whole[0].pk
    assert fast.count() == len(whole)


def test_when_too_few_of_the_best_are_shown_it_reads_the_queryset(corpus, gulls, monkeypatch):
    # Every comment but the 5 lowest-ranked is spam: the index's best 2 × 5 + 20 = 30 hold
    # none a reader sees, so the first page comes from the queryset.
    Comment.objects.filter(pk__in=[c.pk for c in gulls[5:]]).update(status=CommentStatus.SPAM)
    fast = fast_ranked("gull", corpus.reader)
    if not isinstance(fast, IndexRanked):
        pytest.skip("the engine ranks in its index only on SQLite")
    asked = []
    real = type(engine.backend()).best_comment_ids

    def spy(self, query, limit):
        asked.append(limit)
        return real(self, query, limit)

    monkeypatch.setattr(type(engine.backend()), "best_comment_ids", spy)
    assert [c.pk for c in fast[0:5]] == [c.pk for c in reversed(gulls[:5])]
    assert asked == [30]


@pytest.mark.parametrize(
    "q", ["gull source:courier", "gull author:okafor", "gull commenter:maria", "gull is:featured"]
)
def test_narrowed_searches_are_ranked_by_the_queryset(corpus, q):
    assert not isinstance(fast_ranked(q, None), IndexRanked)
    assert not isinstance(fast_ranked("gull", None, filtered=True), IndexRanked)


def test_the_search_page_shows_the_same_comments(client, corpus, gulls):
    response = client.get("/search/", {"q": "gull", "in": "comments"})
    shown = [row[0].pk for row in response.context["results"]]
    assert shown == [c.pk for c in list(ranked("gull", None))[:20]]


def test_a_moderator_s_status_field_holds_for_the_rows_read_from_the_index(corpus, gulls):
    fast = fast_ranked("gull status:spam", corpus.moderator)
    assert isinstance(fast, IndexRanked) or connection.vendor != "sqlite"
    rows = list(fast[0:10])
    assert [c.pk for c in rows] == [c.pk for c in reversed(gulls[34:])]
    assert {c.status for c in rows} == {CommentStatus.SPAM}
