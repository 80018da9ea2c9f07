"""The statistics pages in a real browser: charts drawn, tables reachable, light and dark."""

import pytest

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_statistics_page_draws_its_charts(page, archive, viewport, scheme):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    page.get_by_role("link", name="Statistics").click()
    assert page.locator("h1").inner_text() == "The archive over time"
    # Articles and reports: the fixture's articles have no comments to draw yet.
    assert page.get_by_role("img").count() == 2
    assert page.get_by_text("Nothing to show yet.").count() == 2
    bars = page.locator("svg.chart rect.chart__bar")
    assert bars.count() > 0
    assert bars.first.bounding_box()["height"] > 0
    page.get_by_text("The figures as a table").first.click()
    assert page.locator("table").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)
    screenshot(page, f"statistics-{viewport['width']}-{scheme}")


def test_a_sources_statistics_are_linked_from_its_page(page, archive):
    page.goto("/sources/the-harbourside-courier/")
    page.locator("#main").get_by_role("link", name="Statistics").click()
    assert "The Harbourside Courier" in page.locator("h1").inner_text()
    assert_accessible(page)
