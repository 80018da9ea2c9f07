"""A moderator clears a queue with the keyboard alone; the queue, the public log, a user page
and the settings page at phone and desktop widths, checked with axe-core."""

from __future__ import annotations

import pytest

from comments.models import Comment, CommentStatus
from moderation import actions
from moderation.defaults import ensure_defaults
from moderation.models import Flag, Hold, HoldRule, LogEntry, SiteRule
from tests.moderation.world import make_comment, make_user

from .conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-moderator-password"


@pytest.fixture
def queue_world(make_article):
    ensure_defaults()
    moderator = make_user("maya", role="moderator", password=PASSWORD)
    article = make_article("The ferry returns to Mill Quay")
    parent = make_comment(article, make_user("opener"), "Glad to see the ferry back.")
    for i in range(20):
        writer = make_user(f"writer{i:02d}")
        comment = make_comment(
            article,
            writer,
            f"Pending comment number {i:02d}: the timetable **should** change.",
            parent=parent if i % 3 == 0 else None,
            status=CommentStatus.PENDING,
        )
        Hold.objects.create(comment=comment, rule=HoldRule.NEW_ACCOUNT, detail="0 of 2 approved")
        if i % 4 == 0:
            Flag.objects.create(
                comment=comment, reader=make_user(f"flagger{i}"), reason="abuse", note="Rude"
            )
    return {"moderator": moderator, "article": article}


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_a_moderator_clears_20_pending_comments_with_the_keyboard(page, queue_world):
    log_in(page, "maya")
    page.goto("/moderation/")
    assert page.locator("[data-queue-item]").count() == 20
    for viewport, name in ((PHONE, "375"), (DESKTOP, "1280")):
        page.set_viewport_size(viewport)
        screenshot(page, f"moderation-queue-{name}")
        page.screenshot(path=str(ARTIFACTS / f"moderation-queue-{name}-top.png"))
    assert_accessible(page)

    page.keyboard.press("?")
    assert page.locator("#mod-help").get_attribute("open") is not None
    page.keyboard.press("?")
    page.keyboard.press("j")
    for i in range(20):
        focused = page.evaluate("document.activeElement.id")
        assert focused.startswith("item-"), f"step {i}: focus is on {focused!r}"
        with page.expect_navigation():
            if i % 2 == 0:
                page.keyboard.press("a")
            else:
                page.keyboard.press("r")
                assert page.evaluate("document.activeElement.tagName") == "SELECT"
                page.keyboard.press("ArrowDown")  # the first rule: Personal attack
                page.keyboard.press("Enter")
    assert "The queue is clear" in page.content()
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 0
    assert Comment.objects.filter(status=CommentStatus.PUBLISHED).count() == 11  # + the parent
    removed = LogEntry.objects.filter(action="remove")
    assert removed.count() == 10
    assert set(removed.values_list("rule_title", flat=True)) == {"Personal attack"}


def test_the_public_log_user_page_and_settings(page, queue_world):
    moderator = queue_world["moderator"]
    rule = SiteRule.objects.get(title="Off-topic")
    for comment in Comment.objects.filter(status=CommentStatus.PENDING)[:6]:
        actions.remove_comment(moderator, comment, rule=rule, note="About buses, not ferries")
    writer = Comment.objects.filter(status=CommentStatus.REMOVED).first().user
    actions.warn_user(moderator, writer, "Stay on topic")
    actions.lock_discussion(moderator, queue_world["article"], "Cooling off for the night")

    page.goto("/moderation/log/")
    assert "About buses, not ferries" in page.content()
    assert "Pending comment number" not in page.content()  # never the removed text
    for viewport, name in ((PHONE, "375"), (DESKTOP, "1280")):
        page.set_viewport_size(viewport)
        screenshot(page, f"moderation-log-{name}")
        assert_accessible(page)
    page.click("table tbody tr:first-child a")
    assert page.locator("h1").inner_text() == "Locked a discussion"

    log_in(page, "maya")
    page.goto(f"/moderation/users/{writer.username}/")
    assert "Stay on topic" in page.content()
    screenshot(page, "moderation-user-1280")
    assert_accessible(page)
    page.goto("/moderation/settings/")
    screenshot(page, "moderation-settings-1280")
    assert_accessible(page)
    page.fill("#id_suspect_words", "crypto\nguaranteed returns")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "The automatic rules were saved" in page.content()


def test_a_reader_reports_a_comment_on_a_phone(page, make_article):
    ensure_defaults()
    make_user("rita", password=PASSWORD)
    article = make_article("The library reopens")
    comment = make_comment(article, make_user("loud"), "You are all fools.")
    page.set_viewport_size(PHONE)
    log_in(page, "rita")
    page.goto(f"/comments/{comment.pk}/flag/")
    screenshot(page, "moderation-flag-375")
    assert_accessible(page)
    page.check("text=Other (explain)")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Say what is wrong" in page.content()  # "other" needs a note; nothing was lost
    page.fill("#id_note", "Insults everyone")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "a moderator will look at this comment" in page.content()
    assert Flag.objects.get().note == "Insults everyone"
