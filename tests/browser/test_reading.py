"""A reader's path through the archive, in a real browser, on a phone and a desktop."""

import re

import pytest

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_home_filter_by_source_then_read(page, archive, viewport):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    page.goto("/")
    assert page.locator("h1").inner_text() == "The archive"
    assert_accessible(page)
    screenshot(page, f"home-{width}")

    page.get_by_role("link", name="Articles", exact=True).click()
    page.get_by_label("Source").select_option(label="The Harbourside Courier")
    page.get_by_role("button", name="Apply filters").click()
    assert "source=the-harbourside-courier" in page.url
    assert page.locator(".result-count").inner_text().startswith("2 articles")
    assert_accessible(page)
    screenshot(page, f"articles-filtered-{width}")

    page.get_by_role("link", name="The ferry returns to Mill Quay").click()
    assert page.locator("h1").inner_text() == "The ferry returns to Mill Quay"
    assert page.locator(".kicker").first.inner_text() == "TRANSPORT"
    assert page.get_by_role("link", name="Mara Ellison").is_visible()
    assert page.locator("time").inner_text() == "14 March 2025"
    # Nothing on the page may be wider than the viewport (no sideways scrolling on a phone).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, f"article-{width}")


def test_source_and_author_pages_are_accessible(page, archive):
    for path in ["/sources/", "/sources/the-harbourside-courier/", "/authors/mara-ellison/"]:
        page.goto(path)
        assert_accessible(page)
    page.goto("/articles/?source=nope")
    assert page.get_by_role("alert").inner_text().count("no source") == 1
    assert_accessible(page)
    page.goto("/no/such/page/")
    assert "We could not find that page" in page.inner_text("h1")
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_content(page, archive):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    # The fragment reaches page.url through a navigation event, so wait for it.
    page.wait_for_url(re.compile(r"#main$"), timeout=5000)
    page.wait_for_function("document.activeElement.id === 'main'", timeout=5000)
