"""In the browser: a reader reports a comment from the article page, a moderator removes it
from the queue, and the reader then sees the placeholder linked to the log entry. A thread
with a featured comment and a placeholder, at phone width, checked with axe-core."""

from __future__ import annotations

import pytest

from comments.models import CommentStatus
from moderation import actions
from moderation.defaults import ensure_defaults
from moderation.models import Flag, LogEntry, SiteRule
from tests.moderation.world import make_comment, make_user

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-password"


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def log_out(page) -> None:
    with page.expect_navigation():
        page.click(".account-nav button[type=submit]")


@pytest.fixture
def thread_world(make_article):
    ensure_defaults()
    article = make_article("The ferry returns to Mill Quay")
    make_user("rosa", password=PASSWORD)
    make_user("maya", role="moderator", password=PASSWORD)
    writer = make_user("writer")
    good = make_comment(article, writer, "The timetable finally meets the 7:40 train.")
    rude = make_comment(article, writer, "Whoever planned this is an idiot.")
    reply = make_comment(article, make_user("calm"), "Let us keep it civil.", parent=rude)
    return {"article": article, "good": good, "rude": rude, "reply": reply}


def test_a_report_becomes_a_removal_the_reader_can_trace(page, thread_world):
    article, rude = thread_world["article"], thread_world["rude"]
    log_in(page, "rosa")
    page.goto(article.get_absolute_url())
    page.click(f"#c{rude.pk} > .comment__box > .comment-mod a:text('Report')")
    page.check("input[value=abuse]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert Flag.objects.filter(comment=rude, reader__username="rosa").exists()
    page.goto(article.get_absolute_url())
    assert (
        page.locator(f"#c{rude.pk} > .comment__box > .comment-mod").inner_text().strip()
        == "Reported"
    )
    log_out(page)

    log_in(page, "maya")
    page.goto("/moderation/?tab=flagged")
    item = page.locator(f"#item-{rude.pk}")
    item.locator("select[name=rule]").select_option(label="Personal attack")
    item.locator("input[name=note]").fill("Name-calling")
    with page.expect_navigation():
        item.locator("button:text('Remove')").click()
    rude.refresh_from_db()
    assert rude.status == CommentStatus.REMOVED
    entry = LogEntry.objects.get(comment=rude, action="remove")
    log_out(page)

    log_in(page, "rosa")
    page.goto(article.get_absolute_url())
    placeholder = page.locator(f"#c{rude.pk} .comment__placeholder a")
    assert placeholder.inner_text() == "[removed by a moderator]"
    assert placeholder.get_attribute("href") == f"/moderation/log/{entry.pk}/"
    assert "idiot" not in page.content()
    assert page.locator(f"#c{thread_world['reply'].pk}").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        placeholder.click()
    assert "Personal attack" in page.content() and "Name-calling" in page.content()
    assert_accessible(page)


def test_a_thread_with_a_featured_comment_and_a_placeholder_at_phone_width(page, thread_world):
    moderator = make_user("mod2", role="moderator")
    actions.feature_comment(moderator, thread_world["good"])
    actions.remove_comment(
        moderator,
        thread_world["rude"],
        rule=SiteRule.objects.first(),
    )
    page.set_viewport_size(PHONE)
    page.goto(thread_world["article"].get_absolute_url() + "#discussion")
    featured = page.locator(".featured-comments")
    assert featured.is_visible() and "7:40" in featured.inner_text()
    assert page.locator(".comment--featured").count() == 1
    assert page.locator(".comment__placeholder a").count() == 1
    page.locator("#discussion").scroll_into_view_if_needed()
    screenshot(page, "thread-featured-placeholder-375")
    assert_accessible(page)
    # No sideways scrolling at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    screenshot(page, "thread-featured-placeholder-1280")
    assert_accessible(page)


def test_a_moderator_sees_quick_actions_and_the_removed_text(page, thread_world):
    moderator = make_user("mod3", role="moderator", password=PASSWORD)
    actions.remove_comment(
        moderator,
        thread_world["rude"],
        rule=SiteRule.objects.first(),
    )
    log_in(page, "mod3")
    page.goto(thread_world["article"].get_absolute_url())
    removed = page.locator(f"#c{thread_world['rude'].pk}")
    assert "Removed text, shown to moderators" in removed.inner_text()
    assert "idiot" in removed.inner_text()
    good = page.locator(f"#c{thread_world['good'].pk}")
    with page.expect_navigation():
        good.locator("button:text('Feature')").click()
    assert page.url.endswith(f"#c{thread_world['good'].pk}")
    assert page.locator(".featured-comments").is_visible()
    assert_accessible(page)
