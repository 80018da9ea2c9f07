"""A reader's path through a discussion, in a real browser: with JavaScript (posting with
fetch, in place) and without it (plain forms), on a phone and a desktop."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comments.models import Comment, CommentStatus

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "walk-the-quay-2026"


@pytest.fixture(autouse=True)
def trusted_new_accounts():
    """These walks are about the discussion: the readers are brand-new accounts, whose first
    comments moderation would hold (tests/moderation covers that), so that rule is off."""
    from moderation.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"new_account_approvals": 0})


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("mara", "mara@example.org", PASSWORD)


@pytest.fixture
def article(make_article):
    return make_article(
        "The ferry returns to Mill Quay",
        paragraphs=("The ferry crossed the river at seven on Monday morning.",),
    )


def log_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill("mara")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}*")


def comment_box(page, text: str):
    return page.locator("article.comment__box", has=page.locator(".comment__body", has_text=text))


def test_comment_reply_collapse_edit_delete_with_javascript(page, reader, article):
    log_in(page, article.get_absolute_url())
    # A mark on the window survives only as long as the page is not reloaded.
    page.evaluate("window.__same_page = true")
    page.get_by_label("Your comment").fill("The *new* timetable suits me.")
    page.get_by_role("button", name="Post comment").click()
    first = comment_box(page, "The new timetable suits me.")
    first.wait_for()
    assert first.locator("em").inner_text() == "new"
    assert page.evaluate("window.__same_page") is True  # posted with fetch, no reload

    # Reply in place: the form opens under the comment and the reply appears without reload.
    first.get_by_role("link", name="Reply").click()
    page.get_by_label("Your reply").fill("Mine too, except on Sundays.")
    page.get_by_role("button", name="Post reply").click()
    reply = comment_box(page, "Mine too, except on Sundays.")
    reply.wait_for()
    assert page.evaluate("window.__same_page") is True
    assert Comment.objects.filter(parent__isnull=False).count() == 1

    # Collapse the branch; the choice is remembered after a reload.
    page.reload()
    branch = page.locator("details.comment__replies").first
    assert reply.is_visible()
    branch.locator("summary").click()
    assert not comment_box(page, "Mine too").is_visible()
    page.reload()
    assert not comment_box(page, "Mine too").is_visible()
    page.locator("details.comment__replies summary").first.click()
    assert comment_box(page, "Mine too").is_visible()

    # Edit: the "edited" mark shows.
    comment_box(page, "Mine too").get_by_role("link", name="Edit").click()
    page.get_by_label("Your comment").fill("Mine too, except on Sundays and holidays.")
    page.get_by_role("button", name="Save changes").click()
    edited = comment_box(page, "and holidays")
    edited.wait_for()
    assert edited.locator(".comment__edited").inner_text().startswith("edited")

    # Delete: a confirmation page, then a placeholder; the reply to the first stays.
    comment_box(page, "The new timetable suits me.").get_by_role(
        "link", name="Delete", exact=True
    ).click()
    page.get_by_role("button", name="Delete the comment").click()
    page.locator(".comment__placeholder").wait_for()
    assert page.locator(".comment__placeholder").inner_text() == "[deleted by its author]"
    assert comment_box(page, "and holidays").is_visible()
    assert_accessible(page)
    screenshot(page, "discussion-after-delete-1280")


def test_the_plain_forms_work_without_javascript(browser, live_server, reader, article):
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, article.get_absolute_url())
        # Preview first: the Markdown is shown and the text kept.
        page.get_by_label("Your comment").fill("Plain **HTML** works.")
        page.get_by_role("button", name="Preview").click()
        assert page.locator(".comment-preview strong").inner_text() == "HTML"
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_url("**#c*")
        first = Comment.objects.get()
        assert page.url.endswith(f"#c{first.pk}")
        # Reply goes through the posting page.
        comment_box(page, "Plain HTML works.").get_by_role("link", name="Reply").click()
        page.get_by_label("Your comment").fill("And so do replies.")
        page.get_by_role("button", name="Post reply").click()
        page.wait_for_url("**#c*")
        reply = Comment.objects.get(parent=first)
        assert page.url.endswith(f"#c{reply.pk}")
        # Collapse without JavaScript: <details> does it.
        page.locator("details.comment__replies summary").first.click()
        assert not comment_box(page, "And so do replies.").is_visible()
        screenshot(page, "discussion-no-js-1280")
    finally:
        context.close()


@pytest.fixture
def deep_thread(article, django_user_model):
    """Six levels of replies, with an archived comment and a removed one among them."""
    others = [
        django_user_model.objects.create_user(name, password="x-pass-12345")
        for name in ("tomas", "ines", "lee")
    ]
    now = timezone.now()
    texts = [
        "The crossing took eleven minutes this morning, two less than the old boat.",
        "Was that with the tide or against it? Against it the old boat took twenty.",
        "With the tide. I will time it against the tide on Thursday and report back.",
        "Thursday's crossing against the tide: fourteen minutes, door to door.",
        "That settles it for me; I will take the ferry instead of the bridge bus.",
        "The bus is still quicker from the station side, for what it's worth.",
        "Only when the bridge is not closed for the market, which is twice a week.",
    ]
    parent = None
    for depth, text in enumerate(texts):
        parent = Comment.objects.create(
            article=article,
            parent=parent,
            depth=depth,
            user=None if depth == 2 else others[depth % 3],
            is_archived=depth == 2,
            archived_author_name="",
            body_source=text,
            body_html=f"<p>{text}</p>",
            status=CommentStatus.REMOVED if depth == 4 else CommentStatus.PUBLISHED,
            created=now - timezone.timedelta(hours=10 - depth),
        )
    article.refresh_comment_stats()
    return parent


def test_a_six_level_thread_stays_readable_on_a_phone(page, deep_thread, article):
    page.set_viewport_size(PHONE)
    page.goto(article.get_absolute_url())
    boxes = page.locator("li.comment > .comment__box")
    assert boxes.count() == 7
    for index in range(7):
        assert boxes.nth(index).bounding_box()["width"] >= 200, index
    assert page.get_by_text("Unknown commenter").is_visible()
    assert page.get_by_text("archived comment").first.is_visible()
    assert page.get_by_text("[removed by a moderator]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(f"#c{deep_thread.pk}").scroll_into_view_if_needed()
    screenshot(page, "thread-6-levels-375")
    assert_accessible(page)


def test_the_thread_page_is_accessible_on_a_desktop(page, deep_thread, article):
    page.goto(article.get_absolute_url())
    assert_accessible(page)
    screenshot(page, "thread-6-levels-1280")
    page.goto(f"/comments/{deep_thread.pk}/")
    assert_accessible(page)
    screenshot(page, "permalink-1280")


def test_notices_and_the_posting_page_are_accessible(page, reader, article, django_user_model):
    from comments.actions import post_comment

    mine = post_comment(reader, article, "Is the Sunday timetable changing too?")
    other = django_user_model.objects.create_user("tomas", password="x-pass-12345")
    post_comment(other, article, "Yes, from **next month**.", parent=mine)
    log_in(page, "/notifications/")
    assert page.locator(".unread-count").inner_text().startswith("1")
    assert page.get_by_text("tomas replied to your comment").is_visible()
    assert_accessible(page)
    screenshot(page, "notices-1280")
    page.get_by_role("button", name="Mark read").click()
    assert page.locator(".unread-count").count() == 0
    page.goto(f"/articles/{article.slug}/comments/new/?parent={mine.pk}")
    page.get_by_label("Your comment").fill("Thanks, *good* to know.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".comment-preview em").inner_text() == "good"
    assert_accessible(page)
    screenshot(page, "reply-preview-1280")
