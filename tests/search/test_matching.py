"""The same table of queries and expected matches runs on SQLite and on PostgreSQL (CI runs
the suite on both): the engines may rank differently, never match differently."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article
from comments.models import Comment
from search import engine, querying, ranking
from search.counting import countable_in_the_index
from search.engine import (
    article_count_source,
    articles_by_relevance,
    comment_count_source,
    commenter_comment_ids,
    search_articles,
    search_comments,
)
from search.query import parse
from search.results import TIERS, IndexTier


def found_articles(q):
    return search_articles(Article.objects.all(), q)


def found_comments(q, viewer):
    return search_comments(Comment.objects.all(), q, viewer)


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
    ("quieter commenter:maria", {"engine"}),
    ('quieter commenter:"OLD SAILOR"', {"reply"}),  # an archived author, any case
    ("ferry commenter:nobody", set()),
    ("is:featured", {"lovely"}),
    ("source:ledger", set()),  # only hidden comments there
    ("author:ellison", {"engine", "reply"}),
    ("quieter author:ellison", {"engine", "reply"}),
    ("ferry source:courier", {"engine", "lovely"}),
    ("ferry source:ledger", set()),  # only hidden comments there
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
    ("ferry source:ledger", {"removed", "spam"}),
    ("ferry author:okafor", {"removed", "spam", "deleted", "lovely"}),
]


def titles(corpus, qs) -> set[str]:
    names = {a.pk: key for key, a in corpus.articles.items()}
    return {names[pk] for pk in qs.values_list("pk", flat=True)}


def keys(corpus, qs) -> set[str]:
    names = {c.pk: key for key, c in corpus.comments.items()}
    return {names[pk] for pk in qs.values_list("pk", flat=True)}


@pytest.mark.parametrize("q, expected", ARTICLE_CASES, ids=[c[0] for c in ARTICLE_CASES])
def test_articles_match(corpus, q, expected):
    assert titles(corpus, found_articles(q)) == expected


COUNTED_FROM_THE_INDEX = [c for c in ARTICLE_CASES if countable_in_the_index(parse(c[0]))]


@pytest.mark.parametrize(
    "q, expected", COUNTED_FROM_THE_INDEX, ids=[c[0] for c in COUNTED_FROM_THE_INDEX]
)
def test_counting_in_the_index_agrees_with_the_matches(corpus, q, expected):
    assert article_count_source(parse(q)).count() == len(expected)


def test_other_searches_are_counted_on_the_articles(corpus):
    for q, _ in ARTICLE_CASES:
        if (q, _) not in COUNTED_FROM_THE_INDEX:
            assert article_count_source(parse(q)) is None, q


def test_searches_narrowed_by_source_or_author_are_counted_in_the_index(db):
    # Each match is checked against the set of the source's (author's) articles rather than
    # read from the articles table.
    for q in ("source:courier ferry", "author:okafor library", "source:ledger author:okafor heat"):
        assert article_count_source(parse(q)) is not None, q


@pytest.mark.parametrize(
    "q, expected", COMMENT_CASES_READER, ids=[c[0] for c in COMMENT_CASES_READER]
)
def test_comments_match_for_readers(corpus, q, expected):
    assert keys(corpus, found_comments(q, corpus.reader)) == expected


@pytest.mark.parametrize("lookups", [0, 10**6], ids=["checked match by match", "looked up"])
def test_sets_of_rows_narrow_the_same_way_looked_up_or_checked(corpus, monkeypatch, lookups):
    # source:, author: and commenter: give sets of comments: up to INDEX_LOOKUPS of them are
    # looked up one by one in the index, more are checked against each match. Either way
    # finds the same rows.
    monkeypatch.setattr(querying, "INDEX_LOOKUPS", lookups)
    fields = ("source:", "author:", "commenter:")
    for q, expected in ARTICLE_CASES:
        if any(field in q for field in fields):
            assert titles(corpus, found_articles(q)) == expected, q
            if parse(q).must:
                assert {a.pk for a in articles_by_relevance(q)} == {
                    corpus.articles[key].pk for key in expected
                }, q
    for q, expected in COMMENT_CASES_READER:
        if any(field in q for field in fields):
            assert keys(corpus, found_comments(q, corpus.reader)) == expected, q
    for q, expected in COMMENT_CASES_MODERATOR:
        if any(field in q for field in fields):
            assert keys(corpus, found_comments(q, corpus.moderator)) == expected, q


COMMENTS_COUNTED_FROM_THE_INDEX = [
    (case, viewer)
    for viewer, cases in (("reader", COMMENT_CASES_READER), ("moderator", COMMENT_CASES_MODERATOR))
    for case in cases
    if countable_in_the_index(parse(case[0], moderator=viewer == "moderator"))
]


@pytest.mark.parametrize(
    "case, viewer",
    COMMENTS_COUNTED_FROM_THE_INDEX,
    ids=[f"{viewer}: {case[0]}" for case, viewer in COMMENTS_COUNTED_FROM_THE_INDEX],
)
def test_counting_comments_in_the_index_agrees_with_the_matches(corpus, case, viewer):
    q, expected = case
    who = getattr(corpus, viewer)
    query = parse(q, moderator=viewer == "moderator")
    source = comment_count_source(query, who)
    if connection.vendor == "sqlite" and (query.sources or query.authors):
        # FTS5's rows do not name their comment's article: the page's search counts these.
        assert source is None
        return
    # On PostgreSQL under a source or an author too: the documents name their article.
    assert source.count() == len(expected) == found_comments(q, who).count(), q


def test_the_comment_count_follows_every_change_of_state(corpus):
    # PostgreSQL's documents keep a published flag; SQLite's count reads the comments' state.
    from comments.models import CommentStatus

    def counted() -> int:
        return comment_count_source(parse("ferry"), corpus.reader).count()

    assert counted() == len(found_comments("ferry", corpus.reader)) == 2
    comment = corpus.comments["engine"]
    for status, expected in (
        (CommentStatus.REMOVED, 1),
        (CommentStatus.SPAM, 1),
        (CommentStatus.PUBLISHED, 2),
        (CommentStatus.DELETED, 1),
    ):
        Comment.objects.filter(pk=comment.pk).update(status=status)
        assert counted() == expected == found_comments("ferry", corpus.reader).count()
    # Moderators count every state.
    moderators = comment_count_source(parse("ferry"), corpus.moderator).count()
    assert moderators == found_comments("ferry", corpus.moderator).count()
    # The page shows the same count.
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PUBLISHED)
    edited = Comment.objects.get(pk=comment.pk)
    edited.body_source = "Nothing about boats now."
    edited.save(update_fields=["body_source"])
    assert counted() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's TRUNCATE triggers")
def test_emptying_the_tables_empties_their_search_rows_too(corpus):
    # TRUNCATE (how the test runner empties tables) fires no row trigger: without statement
    # triggers, documents of rows that are gone would still be counted.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's deferred checks
        cursor.execute("TRUNCATE comments_comment CASCADE")
        cursor.execute("SELECT count(*) FROM search_comment_document")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM search_article_head")
        assert cursor.fetchone()[0] > 0
        cursor.execute("TRUNCATE archive_article CASCADE")
        for table in ("search_article_document", "search_article_head"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone()[0] == 0, table
    assert article_count_source(parse("ferry")).count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize("q", ["ferry", "title:ferry", "ferry OR library"])
def test_articles_are_counted_through_their_gin_index_and_the_setting_does_not_stay(corpus, q):
    from search.models import ArticleDocument, ArticleHead

    matches = article_count_source(parse(q))
    assert matches.model in (ArticleDocument, ArticleHead)
    sql, params = matches.query.sql_with_params()
    with engine.backend().counting(matches), connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT COUNT(*) FROM (" + sql + ") capped", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on search_article_" in plan and "Seq Scan" not in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
    # Comments are left to the planner.
    comments = engine.comment_count_source(parse(q), corpus.reader)
    with engine.backend().counting(comments), connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
    assert engine.CappedCount(Article.objects.none(), count_from=matches).count() == len(
        found_articles(q)
    )


def test_an_archived_authors_comments_are_found_by_their_index(corpus):
    sql, params = commenter_comment_ids("Old Sailor").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny tables are cheaper to scan; what matters is that the index can be used.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "comment_archived_author_idx" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's rowid lookups")
def test_a_few_comments_by_a_commenter_are_looked_up_in_the_index_one_by_one(corpus):
    sql = str(found_comments("quieter commenter:maria", corpus.reader).query)
    assert '"search_comment_fts"."rowid" IN (SELECT' in sql


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's rowids")
def test_many_comments_are_checked_by_their_index_rowid_not_their_rows(corpus, monkeypatch):
    monkeypatch.setattr(querying, "INDEX_LOOKUPS", 0)
    for q in ("ferry source:courier", "ferry author:okafor", "quieter commenter:maria"):
        sql = str(found_comments(q, corpus.reader).query)
        assert '+"search_comment_fts"."rowid" IN (SELECT' in sql, q


def test_anonymous_readers_find_only_published_comments(corpus):
    from django.contrib.auth.models import AnonymousUser

    assert keys(corpus, found_comments("ferry", AnonymousUser())) == {"engine", "lovely"}
    assert keys(corpus, found_comments("ferry", None)) == {"engine", "lovely"}


@pytest.mark.parametrize(
    "q, expected", COMMENT_CASES_MODERATOR, ids=[c[0] for c in COMMENT_CASES_MODERATOR]
)
def test_comments_match_for_moderators(corpus, q, expected):
    assert keys(corpus, found_comments(q, corpus.moderator)) == expected


def ranked(q: str) -> list[int]:
    return [a.pk for a in articles_by_relevance(q)]


def test_a_title_match_ranks_above_a_body_match(corpus):
    assert ranked("ferry") == [corpus.articles["ferry"].pk, corpus.articles["heat"].pk]


def test_a_kicker_or_dek_match_ranks_above_a_body_match(corpus):
    # "timetable": in the dek of "heat", in the body of "ferry".
    assert ranked("timetable")[0] == corpus.articles["heat"].pk


@pytest.mark.parametrize("q", [q for q, expected in ARTICLE_CASES if expected and parse(q).must])
def test_the_relevance_tiers_hold_every_match_once(corpus, q):
    found = ranked(q)
    assert len(found) == len(set(found))
    assert set(found) == set(found_articles(q).values_list("pk", flat=True))


@pytest.fixture
def tiered(make_article, make_source):
    """Articles of one source whose only difference is where the words are: body-only ones
    repeat them, which a score alone (bm25) would put first."""
    shout = "Cormorant cormorant cormorant cormorant cormorant nesting nesting nesting."
    post = make_source("The Estuary Post")

    def article(title, **extra):
        return make_article(title, source=post, **extra)

    return {
        "body-1": article("A quiet week on the estuary", paragraphs=(shout,)),
        "title-1": article("Cormorant nesting season opens", paragraphs=("Quiet.",)),
        "dek-1": article(
            "Birds on the breakwater", dek="The cormorant nesting count", paragraphs=("Hm.",)
        ),
        "body-2": article("Another quiet week", paragraphs=(shout + " " + shout,)),
        "split": article("Cormorant colony", kicker="Nesting", paragraphs=("Nothing here.",)),
        "title-2": article("Cormorant nesting, again", paragraphs=(shout,)),
        "kicker-1": article(
            "Spring on the quay", kicker="Cormorant nesting", paragraphs=("Quiet.",)
        ),
    }


def test_every_word_in_the_title_then_in_the_head_then_anywhere(tiered):
    names = {a.pk: key for key, a in tiered.items()}
    order = [names[pk] for pk in ranked("cormorant nesting")]
    assert sorted(order[:2]) == ["title-1", "title-2"]
    # The words across title and kicker count as a head match too.
    assert sorted(order[2:5]) == ["dek-1", "kicker-1", "split"]
    assert sorted(order[5:]) == ["body-1", "body-2"]


def test_a_page_across_the_tiers_reads_its_rows_once(tiered):
    # Each tier ranked in the index gives ids; the rows of every tier are read in one query.
    results = articles_by_relevance("cormorant nesting")
    with CaptureQueriesContext(connection) as queries:
        page = results[0:20]
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "archive_article"' in q["sql"]]
    assert len(page) == len(tiered) and len(reads) == 1
    # A later page starts past the first tiers, whatever they hold.
    assert [a.pk for a in results[3:6]] == [a.pk for a in page[3:6]]
    assert [a.pk for a in results[5:]] == [a.pk for a in page[5:]]


def test_a_page_counted_in_the_index_never_builds_the_whole_match(tiered):
    # The tiers' base (every match at once) is only there to be counted: where the index
    # counts the search, a page of a words-only search never builds it.
    from unittest import mock

    query = parse("cormorant nesting")
    with mock.patch.object(ranking, "search_articles", side_effect=AssertionError("built")):
        results = articles_by_relevance(query)
        counted = engine.CappedCount(results, count_from=article_count_source(query))
        assert counted.count() == len(results[0:20]) == len(tiered)
    assert results.count() == len(tiered)  # built when it is counted itself


def test_a_source_or_an_author_keeps_the_order_and_the_scores(tiered):
    # Narrowed by a set of articles, each kept row is scored after the filters (SQLite:
    # bm25() in the select list, not the rank column): the same order, the same scores.
    def scored(q):
        return [(a.pk, a.search_rank) for a in articles_by_relevance(q)]

    whole = scored("cormorant nesting")
    assert scored("cormorant nesting source:estuary") == whole
    assert [pk for pk, _ in whole] == ranked("cormorant nesting")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's rank column and bm25()")
def test_only_a_narrowed_search_scores_after_filtering(tiered):
    def sql(q):
        return " ".join(str(tier.query) for tier in articles_by_relevance(q).tiers)

    assert "bm25(" in sql("cormorant source:estuary")
    # Each match is checked against the set by its index rowid, before its row is read.
    assert '+"search_article_fts"."rowid" IN (SELECT' in sql("cormorant source:estuary")
    assert "bm25(" in sql("cormorant source:post")
    # Words alone: each tier is ranked by the rank column, in the index alone.
    assert all(isinstance(tier, IndexTier) for tier in articles_by_relevance("cormorant").tiers)


def test_a_source_or_author_that_is_not_there_finds_nothing(tiered):
    for q in ("cormorant author:nobody", "cormorant source:nowhere"):
        results = articles_by_relevance(q)
        assert (list(results), results.count()) == ([], 0)
        assert list(found_articles(q)) == []
        assert list(found_comments(q, None)) == []
        assert article_count_source(parse(q)).count() == 0


def test_slices_across_tiers_read_like_the_whole_list(tiered):
    results = articles_by_relevance("cormorant")
    whole = list(results)
    assert len(whole) == len(tiered) == results.count()
    for start in range(len(whole) + 2):
        for stop in range(start, len(whole) + 3):
            assert results[start:stop] == whole[start:stop], (start, stop)
        assert results[start:] == whole[start:]
    assert results[3] == whole[3]
    with pytest.raises(IndexError):
        results[len(whole)]


@pytest.mark.parametrize("q", ["cormorant", "cormorant nesting", "cormor*", '"cormorant nesting"'])
def test_tiers_ranked_in_the_index_read_like_the_joined_queries(tiered, q):
    # Where the engine ranks a words-only search's tiers in its index (PostgreSQL), every
    # slice gives the rows, the order and the scores of the queries joined to the articles.
    in_index = articles_by_relevance(q)
    joined = articles_by_relevance(q, filtered=True)
    if engine.backend().ranks_tiers_in_index:
        assert isinstance(in_index.tier(0), IndexTier)
    assert not isinstance(joined.tier(0), IndexTier)
    whole = [(a.pk, a.search_rank) for a in joined]
    assert [(a.pk, a.search_rank) for a in in_index] == whole
    assert len(whole) == in_index.count()
    for start in range(len(whole) + 1):
        for stop in range(start, len(whole) + 2):
            assert [a.pk for a in in_index[start:stop]] == [pk for pk, _ in whole[start:stop]]
    for n in range(TIERS):
        assert in_index.tier(n).count() == joined.tier(n).count(), n


def test_other_searches_rank_their_tiers_joined_to_the_articles(tiered):
    for q in ("cormorant -nesting", "source:estuary cormorant", "cormorant after:2001-01-01"):
        assert not isinstance(articles_by_relevance(q).tier(0), IndexTier), q


def test_the_search_page_pages_through_the_tiers(client, settings, tiered):
    settings.AGORA_ARTICLES_PER_PAGE = 3
    seen = []
    for page in (1, 2, 3):
        response = client.get("/search/", {"q": "cormorant nesting", "page": page})
        assert response.status_code == 200
        seen += [a.pk for a, _snippet in response.context["results"]]
    assert seen == ranked("cormorant nesting")
    assert len(seen) == len(tiered)


def test_the_page_filters_apply_to_every_tier_and_to_the_count(
    client, settings, tiered, make_article, make_source
):
    elsewhere = make_source("The Other Gazette")
    for n in range(4):  # one in each tier's place, from another source
        make_article(f"Cormorant nesting {n}", source=elsewhere, paragraphs=("Quiet.",))
    make_article("Quay notes", source=elsewhere, paragraphs=("cormorant nesting",))
    settings.AGORA_ARTICLES_PER_PAGE = 2
    source = tiered["title-1"].source.slug
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(
            "/search/", {"q": "cormorant nesting", "source": source, "page": page}
        )
        assert response.status_code == 200
        assert response.context["counts"]["articles"] == str(len(tiered))
        seen += [a.pk for a, _snippet in response.context["results"]]
    ours = {a.pk for a in tiered.values()}
    assert seen == [pk for pk in ranked("cormorant nesting") if pk in ours]
    assert (
        client.get("/search/", {"q": "cormorant nesting", "source": source, "page": 5}).status_code
        == 404
    )


def test_the_search_queryset_can_be_filtered_further(corpus):
    found = found_comments("ferry", corpus.moderator).filter(status="spam")
    assert list(found) == [corpus.comments["spam"]]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_before_and_after_are_days_where_the_reader_is(corpus, settings, zone):
    import datetime

    from django.utils import timezone

    from .conftest import add_comment

    settings.TIME_ZONE = zone
    local = timezone.get_current_timezone()
    midnight = datetime.datetime(2025, 5, 2, tzinfo=local)  # the 2nd begins where they are
    late = add_comment(corpus.articles["ferry"], "Late harbour note.", created=midnight)
    early = add_comment(
        corpus.articles["ferry"],
        "Early harbour note.",
        created=midnight - datetime.timedelta(microseconds=1),
    )

    def found(q):
        return set(found_comments(q, corpus.reader).filter(pk__in=[late.pk, early.pk]))

    assert found("harbour after:2025-05-01") == {late}
    assert found("harbour before:2025-05-02") == {early}
    assert found("harbour after:2025-04-30 before:2025-05-03") == {late, early}
    # Compared as instants, not through a date computed for each row.
    assert "cast_date" not in str(found_comments("harbour after:2025-05-01", None).query)


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_calendar_s_ends_find_nothing_before_or_after_them(corpus, settings, zone):
    settings.TIME_ZONE = zone
    for q in ("ferry before:0001-01-01", "ferry after:9999-12-31", "after:9999-12-31"):
        assert list(found_comments(q, corpus.moderator)) == [], q
    assert keys(corpus, found_comments("ferry after:0001-01-01", corpus.reader)) == {
        "engine",
        "lovely",
    }
    assert keys(corpus, found_comments("ferry before:9999-12-31", corpus.reader)) == {
        "engine",
        "lovely",
    }


def test_counts_stop_at_their_cap_and_say_there_are_more(corpus):
    from search.engine import CappedCount

    found = found_articles("ferry")  # the ferry and heat pumps articles
    assert (CappedCount(found, cap=1).count(), CappedCount(found, cap=1).more) == (1, True)
    assert (CappedCount(found, cap=2).count(), CappedCount(found, cap=2).more) == (2, False)
    assert (CappedCount(found, cap=5).count(), CappedCount(found, cap=5).more) == (2, False)
    nowhere = found_comments("ferry source:nowhere", None)
    assert (CappedCount(nowhere).count(), CappedCount(nowhere).more) == (0, False)


def test_counts_from_the_index_stop_at_their_cap_too(corpus):
    from search.engine import CappedCount

    query = parse("ferry")
    articles = article_count_source(query)  # the ferry and heat pumps articles
    comments = comment_count_source(query, corpus.reader)  # "engine" and "lovely"
    for source in (articles, comments):
        assert (CappedCount(source, cap=1).count(), CappedCount(source, cap=1).more) == (1, True)
        assert (CappedCount(source, cap=2).count(), CappedCount(source, cap=2).more) == (2, False)


def test_an_inactive_moderator_finds_only_what_readers_find(corpus):
    corpus.moderator.is_active = False
    assert keys(corpus, found_comments("ferry", corpus.moderator)) == {"engine", "lovely"}
    assert keys(corpus, found_comments("ferry status:spam", corpus.moderator)) == {
        "engine",
        "lovely",
    }
