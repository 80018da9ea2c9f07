"""Browsing the archive by date in a real browser, light and dark, on a phone and a desktop."""

import pytest

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_from_the_list_to_a_year_a_month_and_back_by_an_articles_date(
    page, archive, viewport, scheme
):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    width = viewport["width"]
    page.goto("/articles/")
    page.get_by_role("link", name="Browse by date").click()
    assert page.locator("h1").inner_text() == "The archive by year"
    years = page.locator(".period-list li").all_inner_texts()
    assert years == ["2025 1 article", "2024 2 articles"]
    assert_accessible(page)

    page.get_by_role("link", name="2024", exact=True).click()
    assert page.locator("h1").inner_text() == "Articles from 2024"
    assert page.locator(".result-count").inner_text() == "2 articles"
    assert page.get_by_role("link", name="2025 →").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, f"year-{width}-{scheme}")

    page.get_by_role("link", name="September", exact=True).click()
    assert page.url.endswith("/archive/2024/09/")
    assert page.locator(".article-row__title").all_inner_texts() == ["Library reopens"]
    assert page.get_by_role("link", name="← April 2024").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Library reopens").click()
    page.get_by_role("link", name="2 September 2024").click()
    assert page.url.endswith("/archive/2024/09/")


def test_dark_mode_follows_the_readers_system(page, archive):
    page.goto("/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(251, 250, 247)" and dark == "rgb(23, 25, 26)"
    page.goto("/articles/the-ferry-returns-to-mill-quay/")
    assert_accessible(page)


def test_print_leaves_out_the_sites_controls(page, archive):
    page.goto("/articles/the-ferry-returns-to-mill-quay/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert page.locator("h1").is_visible()
    assert page.locator(".article__body").is_visible()
