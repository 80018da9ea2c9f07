"""Browsing the archive by date: years, a year's months, a month's articles."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.calendar import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(make_article):
    return {
        "march": make_article("March day", published=datetime.date(2025, 3, 14)),
        "march_month": make_article(
            "March month", published=datetime.date(2025, 3, 1), precision="month"
        ),
        "year_only": make_article(
            "Some time in 2025", published=datetime.date(2025, 1, 1), precision="year"
        ),
        "june": make_article("June day", published=datetime.date(2025, 6, 2)),
        "old": make_article("Old one", published=datetime.date(2022, 11, 30)),
        "undated": make_article("Undated", published=None),
    }


def titles(response) -> list[str]:
    return [article.title for article in response.context["page"]]


def test_the_index_counts_the_articles_of_each_year_newest_first(client, dated):
    response = client.get("/archive/")
    assert response.status_code == 200
    assert [(e.period.year, e.count) for e in response.context["years"]] == [(2025, 4), (2022, 1)]
    assert b'href="/archive/2025/"' in response.content


def test_an_empty_archive_says_so(client):
    assert b"No article in the archive has a date yet." in client.get("/archive/").content


def test_a_year_counts_its_months_and_its_articles_dated_only_to_the_year(client, dated):
    response = client.get("/archive/2025/")
    counts = {e.period.month: e.count for e in response.context["months"]}
    assert counts == {1: 0, 2: 0, 3: 2, 4: 0, 5: 0, 6: 1, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0}
    assert response.context["year_only"] == 1
    assert b"1 article dated only to the year 2025." in response.content
    assert sorted(titles(response)) == ["June day", "March day", "March month", "Some time in 2025"]
    assert b'href="/archive/2025/03/"' in response.content
    assert b'href="/archive/2025/01/"' not in response.content  # January has none


def test_a_month_holds_its_articles_known_to_the_day_or_the_month(client, dated):
    response = client.get("/archive/2025/03/")
    assert response.status_code == 200
    assert sorted(titles(response)) == ["March day", "March month"]
    # Dated only to 2025 (stored as 1 January): in the year, in no month.
    assert titles(client.get("/archive/2025/01/")) == []


def test_previous_and_next_skip_the_empty_periods(client, dated):
    march = client.get("/archive/2025/03/").context
    assert march["previous"] == Period(2022, 11)  # the year-only article is in no month
    assert march["next"] == Period(2025, 6)
    june = client.get("/archive/2025/06/").context
    assert june["next"] is None
    year = client.get("/archive/2025/").context
    assert (year["previous"], year["next"]) == (Period(2022), None)


@pytest.mark.parametrize(
    "path",
    [
        "/archive/2025/13/",
        "/archive/2025/00/",
        "/archive/0000/",
        "/archive/2025/6/",
        "/archive/25/",
        "/archive/2025/06/?page=9",
    ],
)
def test_impossible_or_unwritten_periods_are_404(client, dated, path):
    assert client.get(path).status_code == 404


def test_a_bad_page_number_is_a_clear_400(client, dated):
    response = client.get("/archive/2025/?page=two")
    assert response.status_code == 400


def test_the_month_is_paged(client, settings, make_article):
    settings.AGORA_ARTICLES_PER_PAGE = 2
    for day in range(1, 6):
        make_article(f"Day {day}", published=datetime.date(2024, 5, day))
    assert titles(client.get("/archive/2024/05/")) == ["Day 5", "Day 4"]
    assert titles(client.get("/archive/2024/05/?page=3")) == ["Day 1"]


def test_an_articles_date_links_to_its_month_or_its_year(client, dated):
    page = client.get(dated["march"].get_absolute_url()).content.decode()
    assert '<a href="/archive/2025/03/" title="More from 14 March 2025">' in page
    assert dated["year_only"].date_archive_url == "/archive/2025/"
    assert dated["undated"].date_archive_url == ""
    listing = client.get("/articles/").content.decode()
    assert 'href="/archive/2025/06/"' in listing
    assert 'href="/archive/">Browse by date</a>' in listing


def test_a_period_page_costs_the_same_queries_however_many_articles(client, make_article):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    make_article("One", published=datetime.date(2023, 2, 3))
    small = (queries("/archive/2023/"), queries("/archive/2023/02/"))
    for day in range(1, 20):
        make_article(f"More {day}", published=datetime.date(2023, 2, day))
    assert (queries("/archive/2023/"), queries("/archive/2023/02/")) == small
