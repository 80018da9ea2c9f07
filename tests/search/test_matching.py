"""The same table of queries and expected matches runs on SQLite and on PostgreSQL (CI runs
the suite on both): the engines may rank differently, never match differently."""

import pytest

from archive.models import Article
from comments.models import Comment
from search.engine import by_relevance

ARTICLE_CASES = [
    ("ferry", {"ferry", "heat"}),
    ("ferries", {"ferry", "heat"}),  # stemming
    ("FERRY", {"ferry", "heat"}),
    ("timetable", {"ferry", "heat"}),  # body and dek
    ('"new timetable"', {"ferry"}),
    ('"timetable new"', set()),
    ("budget OR heat", {"budget", "heat"}),
    ("library -renovation", {"budget"}),
    ("-ferry", {"budget", "library"}),
    ('-"dry dock"', {"budget", "library", "heat"}),
    ("renov*", {"library"}),
    ("title:library", {"budget", "library"}),
    ("title:ferry", {"ferry"}),
    ('title:"mill quay"', {"ferry"}),
    ("title:libr*", {"budget", "library"}),
    ("transport", {"ferry"}),  # kicker
    ("source:courier", {"ferry", "library"}),
    ('source:"riverside ledger"', {"budget", "heat"}),
    ("source:the-harbourside-courier library", {"library"}),
    ("author:okafor", {"budget", "library", "heat"}),
    ("author:ellison ferry", {"ferry", "heat"}),
    ("before:2024-06-01", {"budget", "heat"}),
    ("after:2024-06-01", {"ferry", "library"}),
    ("after:2024-01-01 before:2025-01-01", {"budget", "library"}),
    ("before:2024-13-45 ferry", {"ferry", "heat"}),  # invalid date ignored
    ("workshop teenagers", {"library"}),
    ("ferry OR budget -winter", {"budget"}),  # "winters" and "winter" share a stem
    ("zanzibar", set()),
    ("is:featured", set()),  # a comment-only field
    ("commenter:maria", set()),
]

COMMENT_CASES_READER = [
    ("ferry", {"engine", "lovely"}),
    ("quieter", {"engine", "reply"}),
    ("quieter -timetable", {"engine"}),
    ("commenter:maria", {"engine"}),
    ('commenter:"maria quinn"', {"engine"}),
    ('commenter:"old sailor"', {"reply"}),
    ("is:featured", {"lovely"}),
    ("source:ledger", set()),  # only hidden comments there
    ("author:ellison", {"engine", "reply"}),
    ("ferry is:pending", {"engine", "lovely"}),  # moderators only: ignored for readers
    ("before:2025-01-01 ferry", {"lovely"}),
    ("after:2025-03-15", {"reply"}),
    ("lov*", {"lovely"}),
]

COMMENT_CASES_MODERATOR = [
    ("ferry", {"engine", "pending", "removed", "spam", "deleted", "lovely"}),
    ("ferry status:pending", {"pending"}),
    ("ferry is:spam", {"spam"}),
    ("is:removed", {"removed"}),
    ("source:ledger", {"removed", "spam"}),
]


def titles(corpus, qs) -> set[str]:
    names = {a.pk: key for key, a in corpus.articles.items()}
    return {names[pk] for pk in qs.values_list("pk", flat=True)}


def keys(corpus, qs) -> set[str]:
    names = {c.pk: key for key, c in corpus.comments.items()}
    return {names[pk] for pk in qs.values_list("pk", flat=True)}


@pytest.mark.parametrize("q, expected", ARTICLE_CASES, ids=[c[0] for c in ARTICLE_CASES])
def test_articles_match(corpus, q, expected):
    assert titles(corpus, Article.objects.search(q)) == expected


@pytest.mark.parametrize(
    "q, expected", COMMENT_CASES_READER, ids=[c[0] for c in COMMENT_CASES_READER]
)
def test_comments_match_for_readers(corpus, q, expected):
    assert keys(corpus, Comment.objects.search(q, corpus.reader)) == expected


def test_anonymous_readers_find_only_published_comments(corpus):
    from django.contrib.auth.models import AnonymousUser

    assert keys(corpus, Comment.objects.search("ferry", AnonymousUser())) == {"engine", "lovely"}
    assert keys(corpus, Comment.objects.search("ferry", None)) == {"engine", "lovely"}


@pytest.mark.parametrize(
    "q, expected", COMMENT_CASES_MODERATOR, ids=[c[0] for c in COMMENT_CASES_MODERATOR]
)
def test_comments_match_for_moderators(corpus, q, expected):
    assert keys(corpus, Comment.objects.search(q, corpus.moderator)) == expected


def test_a_title_match_ranks_above_a_body_match(corpus):
    ranked = by_relevance(Article.objects.search("ferry"))
    assert [a.pk for a in ranked] == [corpus.articles["ferry"].pk, corpus.articles["heat"].pk]


def test_a_kicker_or_dek_match_ranks_above_a_body_match(corpus):
    # "timetable": in the dek of "heat", in the body of "ferry".
    ranked = by_relevance(Article.objects.search("timetable"))
    assert ranked[0].pk == corpus.articles["heat"].pk


def test_the_search_queryset_can_be_filtered_further(corpus):
    found = Comment.objects.search("ferry", corpus.moderator).filter(status="spam")
    assert list(found) == [corpus.comments["spam"]]
