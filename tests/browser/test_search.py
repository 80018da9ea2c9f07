"""Searching from the header, on a phone and a desktop, down to a comment's permalink."""

import datetime

import pytest
from django.contrib.auth.models import User

from comments.models import Comment

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def discussion(make_source, make_author, make_article):
    courier = make_source("The Harbourside Courier")
    article = make_article(
        "The ferry returns to Mill Quay",
        source=courier,
        authors=(make_author("Mara Ellison"),),
        kicker="Transport",
        dek="After two winters in dry dock, the river ferry is back.",
        published=datetime.date(2025, 3, 14),
        paragraphs=(
            "The ferry crossed the river at seven on Monday morning, with a quieter engine "
            "and a new timetable pinned to the waiting-room door.",
        ),
    )
    make_article("Library reopens", source=courier, published=datetime.date(2024, 9, 2))
    maria = User.objects.create(username="maria")
    first = Comment.objects.create(
        article=article,
        user=maria,
        body_source="The new engine is much quieter than the old one.",
        body_html="<p>The new engine is much quieter than the old one.</p>",
        created=datetime.datetime(2025, 3, 15, 9, tzinfo=datetime.UTC),
    )
    reply = Comment.objects.create(
        article=article,
        parent=first,
        depth=1,
        archived_author_name="Old Sailor",
        is_archived=True,
        body_source="Quieter, yes, but the timetable is worse on Sundays.",
        body_html="<p>Quieter, yes, but the timetable is worse on Sundays.</p>",
        created=datetime.datetime(2025, 3, 16, 9, tzinfo=datetime.UTC),
    )
    return article, reply


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_search_from_the_header_to_a_comment(page, discussion, viewport):
    article, reply = discussion
    page.set_viewport_size(viewport)
    width = viewport["width"]
    page.goto("/")
    page.get_by_role("search").get_by_label("Search articles and comments").fill("timetable")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=timetable*")
    assert page.locator("h1").inner_text() == "Search"
    assert page.locator(".search-result mark").first.inner_text().lower() == "timetable"
    assert_accessible(page)
    screenshot(page, f"search-articles-{width}")

    page.get_by_role("link", name="Comments 1").click()
    assert "in=comments" in page.url
    result = page.locator(".search-result--comment")
    assert result.locator("mark").inner_text() == "timetable"
    assert "In reply to maria" in result.inner_text()
    assert_accessible(page)
    screenshot(page, f"search-comments-{width}")

    result.get_by_role("link", name="Old Sailor on “The ferry returns to Mill Quay”").click()
    page.wait_for_url(f"**{reply.get_absolute_url()}")
    # The permalink page shows the comment with its parent for context.
    assert "timetable" in page.locator(f"#c{reply.pk}").inner_text()
    assert_accessible(page)


def test_the_help_page_is_linked_and_accessible(page, discussion):
    page.goto("/search/?q=ferry")
    page.get_by_role("link", name="How to search").first.click()
    assert page.locator("h1").inner_text() == "How to search"
    assert_accessible(page)
    screenshot(page, "search-help-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "search-help-375")


def test_hostile_queries_render_a_friendly_page(page, discussion):
    page.goto("/search/?q=%28NEAR%20title%3A%20-%2A%20foo%3Abar%20%22unclosed")
    assert "unknown field foo: searched as text" in page.content()
    assert_accessible(page)
    screenshot(page, "search-hints-1280")
