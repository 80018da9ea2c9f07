"""The search page and the help page."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.backends.base import MARK_END, MARK_START
from search.engine import backend

from .conftest import add_comment

URL = reverse("search:search")


def get(client, **params):
    return client.get(URL, params)


def test_it_shows_the_form_and_no_results_without_a_query(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'role="search"' in response.content
    assert reverse("search:help").encode() in response.content


def test_it_finds_articles_with_highlighted_snippets_and_counts_both_tabs(client, corpus):
    response = get(client, q="ferry")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The ferry returns to Mill Quay" in page
    assert "Heat pumps in terraced houses" in page
    assert "<mark>ferry</mark>" in page or "<mark>Ferry</mark>" in page
    assert response.context["counts"] == {"articles": "2", "comments": "2"}
    # The title match comes first.
    rows = [row[0].pk for row in response.context["results"]]
    assert rows[0] == corpus.articles["ferry"].pk


def test_a_search_without_matches_says_so(client, corpus):
    response = get(client, q="zanzibar")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No results among the articles" in page
    assert "0 articles found" in page


def test_an_article_result_names_its_authors_by_name_with_their_links(
    client, make_article, make_author
):
    zoe, adam = make_author("Zoe Quill"), make_author("Adam Reed")
    make_article("The lighthouse keeper retires", authors=(zoe, adam))
    page = get(client, q="lighthouse").content.decode()
    assert re.search(
        f'href="{adam.get_absolute_url()}">Adam Reed</a>, '
        f'<a href="{zoe.get_absolute_url()}">Zoe Quill</a>',
        page,
    )


@pytest.mark.parametrize(
    ("tab", "unbuilt"), [("articles", "_comment_results"), ("comments", "_article_results")]
)
def test_the_tab_not_shown_is_counted_in_the_index_without_building_its_results(
    client, corpus, tab, unbuilt
):
    expected = get(client, q="ferry", **{"in": tab}).context["counts"]
    with mock.patch(f"search.views.{unbuilt}", side_effect=AssertionError(unbuilt)):
        response = get(client, q="ferry", **{"in": tab})
    assert response.context["counts"] == expected
    assert expected["articles"] != "0" and expected["comments"] != "0"


def test_the_comments_tab_shows_article_author_and_parent(client, corpus):
    response = get(client, q="timetable", **{"in": "comments"})
    page = response.content.decode()
    reply = corpus.comments["reply"]
    assert response.context["tab"] == "comments"
    assert [row[0].pk for row in response.context["results"]] == [reply.pk]
    assert reply.get_absolute_url() in page
    assert "Old Sailor" in page
    assert "The ferry returns to Mill Quay" in page
    assert "In reply to Maria Quinn" in page
    assert "The new ferry engine is much quieter" in page
    assert "<mark>timetable</mark>" in page


def test_the_in_operator_picks_the_tab(client, corpus):
    response = get(client, q="quieter in:comments")
    assert response.context["tab"] == "comments"
    assert response.context["counts"]["comments"] == "2"


def test_the_in_operator_wins_over_the_tab_the_form_was_on(client, corpus):
    response = get(client, q="quieter in:comments", **{"in": "articles"})
    assert response.context["tab"] == "comments"


def test_readers_never_see_hidden_comments(client, corpus):
    response = get(client, q="ferry", **{"in": "comments"})
    page = response.content.decode()
    for hidden in ("Pending ferry", "Removed ferry", "cheap ferry", "Deleted ferry"):
        assert hidden not in page


def test_a_reply_to_a_hidden_comment_does_not_quote_it(client, corpus):
    parent = corpus.comments["removed"]
    add_comment(parent.article, "Answering the zeppelin question.", parent=parent, name="Ann")
    page = get(client, q="zeppelin", **{"in": "comments"}).content.decode()
    assert "Answering the <mark>zeppelin</mark> question" in page
    assert "Removed ferry rant" not in page
    assert "no longer shown" in page


def test_moderators_find_every_state_and_can_narrow_it(client, corpus):
    client.force_login(corpus.moderator)
    response = get(client, q="ferry", **{"in": "comments"})
    assert response.context["counts"]["comments"] == "6"
    assert "Spam" in response.content.decode()
    response = get(client, q="ferry status:pending", **{"in": "comments"})
    assert [row[0].pk for row in response.context["results"]] == [corpus.comments["pending"].pk]


def test_readers_get_a_hint_for_moderator_fields(client, corpus):
    client.force_login(corpus.reader)
    response = get(client, q="ferry status:spam", **{"in": "comments"})
    assert "is for moderators" in response.content.decode()
    assert response.context["counts"]["comments"] == "2"


def test_an_unknown_field_is_searched_as_text_with_a_hint(client, corpus):
    response = get(client, q="foo:bar")
    assert response.status_code == 200
    assert "unknown field foo: searched as text" in response.content.decode()


def test_an_invalid_date_gives_a_hint(client, corpus):
    response = get(client, q="ferry after:2024-02-31")
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()
    assert response.context["counts"]["articles"] == "2"


def test_filters_combine_with_the_query(client, corpus):
    response = get(client, q="timetable", source="the-riverside-ledger")
    assert [row[0].pk for row in response.context["results"]] == [corpus.articles["heat"].pk]
    response = get(client, q="ferry", date_from="2025-01-01")
    assert [row[0].pk for row in response.context["results"]] == [corpus.articles["ferry"].pk]
    author = corpus.articles["budget"].authors.get()
    response = get(client, q="library", author=author.slug)
    assert {row[0].pk for row in response.context["results"]} == {
        corpus.articles["budget"].pk,
        corpus.articles["library"].pk,
    }


def test_the_date_filters_take_a_comment_s_day_where_the_site_is(client, corpus, settings):
    # Auckland is 13 hours ahead of UTC in January: a comment at 11:30 UTC on the 4th was
    # written on the 5th there, one at 10:30 UTC on the 5th on the 5th too, one at 11:30 UTC on
    # the 5th on the 6th.
    settings.TIME_ZONE = "Pacific/Auckland"
    article = corpus.articles["ferry"]
    utc = datetime.UTC
    times = {
        "on the fifth early": datetime.datetime(2026, 1, 4, 11, 30, tzinfo=utc),
        "on the fifth late": datetime.datetime(2026, 1, 5, 10, 30, tzinfo=utc),
        "on the sixth": datetime.datetime(2026, 1, 5, 11, 30, tzinfo=utc),
        "on the fourth": datetime.datetime(2026, 1, 4, 10, 30, tzinfo=utc),
    }
    made = {
        label: add_comment(article, f"A gannet seen {label}.", name="Spotter", created=when)
        for label, when in times.items()
    }

    def found(**days):
        response = get(client, q="gannet", **{"in": "comments"}, **days)
        return {row[0].pk for row in response.context["results"]}

    fifth = {made["on the fifth early"].pk, made["on the fifth late"].pk}
    assert found(date_from="2026-01-05", date_to="2026-01-05") == fifth
    assert found(date_from="2026-01-05") == fifth | {made["on the sixth"].pk}
    assert found(date_to="2026-01-05") == fifth | {made["on the fourth"].pk}
    assert found(date_to="9999-12-31") == set(made[label].pk for label in times)
    assert found(date_from="9999-12-31") == set()
    # Compared as instants: no per-row date function on SQLite.
    with CaptureQueriesContext(connection) as queries:
        found(date_from="2026-01-05", date_to="2026-01-05")
    assert not any("django_datetime_cast_date" in q["sql"] for q in queries.captured_queries)


def test_comment_results_read_as_the_comments_do_not_as_their_markdown(client, corpus):
    article = corpus.articles["ferry"]
    parent = add_comment(article, "> Quoted first\n\nSee **the** [pelican log](/log/).", name="A")
    add_comment(
        article, "A *pelican* reply, see the [pelican log](/log/).", name="B", parent=parent
    )
    for q in ("pelican", ""):
        response = get(client, q=q or "commenter:B", **{"in": "comments"})
        page = response.content.decode()
        assert "](/log/)" not in page and "**" not in page and "&gt; Quoted" not in page
    page = get(client, q="pelican", **{"in": "comments"}).content.decode()
    assert "<mark>pelican</mark> log" in page
    assert "<mark>pelican</mark> reply" in page
    # The parent's excerpt, shown above the reply, too.
    assert "Quoted first See the pelican log." in page


def test_filters_alone_list_articles(client, corpus):
    response = get(client, source="the-harbourside-courier", sort="oldest")
    assert [row[0].pk for row in response.context["results"]] == [
        corpus.articles["library"].pk,
        corpus.articles["ferry"].pk,
    ]


def test_bad_filter_values_are_reported_and_ignored(client, corpus):
    response = get(client, q="ferry", source="nowhere", date_from="yesterday", sort="best")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no source with that name" in page
    assert response.context["counts"]["articles"] == "2"


@pytest.mark.parametrize("sort, first", [("newest", "ferry"), ("oldest", "heat")])
def test_it_sorts_by_date_on_request(client, corpus, sort, first):
    response = get(client, q="ferry", sort=sort)
    assert response.context["results"][0][0].pk == corpus.articles[first].pk


def test_the_pages_keep_the_query(client, corpus, settings, make_article):
    settings.AGORA_ARTICLES_PER_PAGE = 2
    for n in range(3):
        make_article(f"Zephyr report {n}", paragraphs=("A zephyr blew.",))
    response = get(client, q="zephyr")
    assert response.context["page"].paginator.num_pages == 2
    assert "q=zephyr" in response.content.decode()
    second = client.get(URL, {"q": "zephyr", "page": "2"})
    assert len(second.context["results"]) == 1


def test_snippets_are_escaped_whatever_the_stored_text_holds(client, corpus, make_article):
    make_article(
        "Escapes",
        paragraphs=(f"<script>alert(1)</script> quokka {MARK_START}<b>bold</b>{MARK_END} & co",),
    )
    add_comment(
        corpus.articles["ferry"],
        f'<img src=x onerror="alert(1)"> quokka {MARK_START}<i>x',
        name="Mallory",
    )
    page = get(client, q="quokka").content.decode()
    assert "<script>alert" not in page
    assert "<mark>quokka</mark>" in page
    if connection.vendor == "sqlite":  # PostgreSQL's headline leaves tag-like text out
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>quokka</mark>" in page
    assert "<b>bold</b>" not in page
    page = get(client, q="quokka", **{"in": "comments"}).content.decode()
    assert "<img" not in page
    assert "<i>" not in page
    assert page.count("<mark>") == page.count("</mark>")


def test_the_index_follows_edits_and_deletions(client, corpus):
    article = corpus.articles["budget"]
    article.title = "Budget talks resume over xylophones"
    article.save()
    assert get(client, q="xylophones").context["counts"]["articles"] == "1"
    article.delete()
    assert get(client, q="xylophones").context["counts"]["articles"] == "0"
    comment = corpus.comments["engine"]
    comment.body_source = "Now about walruses."
    comment.save(update_fields=["body_source"])
    assert get(client, q="walruses").context["counts"]["comments"] == "1"
    assert get(client, q="quieter").context["counts"]["comments"] == "1"


def test_a_moderation_decision_takes_effect_at_once(client, corpus):
    comment = corpus.comments["engine"]
    comment.status = "removed"
    comment.save(update_fields=["status"])
    assert get(client, q="engine").context["counts"]["comments"] == "0"


def test_search_is_rate_limited(client, corpus, settings):
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "search": (3, 60)}
    codes = [get(client, q="ferry").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_it_refuses_post(client, db):
    assert client.post(URL, {"q": "ferry"}).status_code == 405


def test_the_help_page_documents_the_language(client, db):
    response = client.get(reverse("search:help"))
    assert response.status_code == 200
    page = response.content.decode()
    for operator in ("OR", "title:", "source:", "author:", "commenter:", "before:", "after:"):
        assert operator in page
    for operator in ("in:comments", "is:featured", "status:pending"):
        assert operator in page


def test_every_page_has_the_search_box(client, db):
    page = client.get(reverse("archive:home")).content.decode()
    assert f'<form class="site-search" role="search" action="{URL}"' in page
    assert '<label for="site-search-q"' in page


def _count(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("tab", ["articles", "comments"])
def test_the_page_costs_the_same_queries_whatever_the_results(
    client, corpus, make_article, make_author, tab, sort
):
    small = _count(client, {"q": "ferry", "in": tab, "sort": sort})
    authors = (make_author(), make_author())
    for n in range(15):
        article = make_article(
            f"Ferry number {n}", authors=authors, published=datetime.date(2020, 1, n + 1)
        )
        parent = add_comment(article, f"Ferry thought {n}", name=f"P{n}")
        add_comment(article, f"Ferry reply {n}", name=f"R{n}", parent=parent)
    large = _count(client, {"q": "ferry", "in": tab, "sort": sort})
    assert large == small
    # Articles by relevance are read tier by tier: up to three tiers for one page, each one
    # query, or two where the engine ranks them in its index (their ids, then their rows).
    tiers = 3 * (2 if backend().ranks_tiers_in_index else 1)
    # PostgreSQL counts the articles with a plan of its own, set in a savepoint (SAVEPOINT,
    # SET LOCAL, ROLLBACK TO SAVEPOINT) around the count.
    planned = 3 if connection.vendor == "postgresql" else 0
    assert large <= (6 + tiers if tab == "articles" else 7) + planned


def test_the_form_s_widgets_are_written_without_the_template_engine(client, corpus):
    # Each of the source select's options was a template render (web/form_rendering.py).
    response = get(client, q="ferry")
    rendered = [t.name for t in response.templates]
    assert "search/search.html" in rendered
    assert not [name for name in rendered if name.startswith("django/forms/widgets/")]
    assert '<select name="source" id="id_source">' in response.content.decode()
