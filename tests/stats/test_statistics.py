"""The statistics pages: figures over time, drawn as SVG with their tables."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from archive.models import Article
from comments.models import Comment, CommentStatus
from moderation.models import Flag
from stats.charts import bar_chart, column_chart, nice_ceiling
from stats.figures import MAX_MONTHS, Point, Series, compute, median_of_histogram
from tests.moderation.world import make_comment, make_user

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def at(year: int, month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def archive(make_source, make_article):
    gazette, courier = make_source("Gazette"), make_source("Courier")
    march = make_article(source=gazette, published=datetime.date(2025, 3, 3))
    make_article(source=gazette, published=datetime.date(2025, 5, 9))
    make_article(source=gazette, published=datetime.date(2025, 1, 1), precision="year")
    make_article(source=courier, published=datetime.date(2025, 3, 20))
    reader, other = make_user("reader"), make_user("other")
    kept = make_comment(march, reader, "Kept.")
    gone = make_comment(march, reader, "Gone.", status=CommentStatus.REMOVED)
    make_comment(march, reader, "Spam.", status=CommentStatus.SPAM)
    make_comment(march, reader, "Archived, no date.")
    Comment.objects.filter(pk=kept.pk).update(created=at(2025, 3))
    Comment.objects.filter(pk=gone.pk).update(created=at(2025, 4))
    Comment.objects.filter(body_source="Spam.").update(created=at(2025, 4))
    Comment.objects.filter(body_source="Archived, no date.").update(created=None)
    Flag.objects.create(comment=kept, reader=other, reason="spam")
    Flag.objects.create(comment=gone, reader=other, reason="abuse")
    for article in Article.objects.all():
        article.refresh_comment_stats()
    return {"gazette": gazette, "courier": courier}


def values(series: Series) -> dict[str, float]:
    return {point.label: point.value for point in series.points}


def test_the_archive_counts_articles_and_comments_per_month(archive):
    figures = compute()
    # The article dated only to 2025 is in no month; empty months between are zeros.
    assert values(figures.articles) == {"2025-03": 2, "2025-04": 0, "2025-05": 1}
    assert values(figures.comments) == {"2025-03": 1, "2025-04": 2}
    assert values(figures.removed_share) == {"2025-03": 0, "2025-04": 100.0}
    assert figures.article_total == 4
    assert figures.comment_total == 4  # the undated one too, and the notes say so
    assert "1 archived comment without a date" in figures.notes[0]


def test_a_source_counts_only_its_own(archive):
    figures = compute(archive["courier"])
    assert values(figures.articles) == {"2025-03": 1}
    assert figures.comments.points == []
    assert values(figures.reports) == {
        "Spam": 0,
        "Abuse or harassment": 0,
        "Off-topic": 0,
        "Other (explain)": 0,
    }
    gazette = compute(archive["gazette"])
    assert values(gazette.reports)["Spam"] == 1
    assert values(gazette.reports)["Abuse or harassment"] == 1


def test_the_median_counts_the_articles_without_comments_too(archive):
    # Comments per article: 2 published on one (the spam and removed ones are not counted
    # in comment_count), none on the three others.
    assert compute().median_comments == 0


@pytest.mark.parametrize(
    "histogram, median",
    [
        ({}, None),
        ({5: 1}, 5),
        ({1: 1, 2: 1, 3: 1, 4: 1}, 2.5),
        ({0: 3, 100: 1}, 0),
        ({0: 2, 10: 2}, 5),
        ({1: 1, 7: 5, 9: 1}, 7),
    ],
)
def test_the_median_of_a_histogram(histogram, median):
    assert median_of_histogram(histogram) == median


def test_a_long_archive_is_drawn_by_year(make_article):
    for year in (2001, 2004, 2010):
        make_article(published=datetime.date(year, 6, 1))
    series = compute().articles
    assert series.by_year
    assert [p.label for p in series.points][:4] == ["2001", "2002", "2003", "2004"]
    assert len(series.points) == 10 and series.total == 3
    assert 2010 - 2001 > MAX_MONTHS / 12


@pytest.mark.parametrize(
    "value, ceiling", [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (450, 500), (0.3, 0.5)]
)
def test_the_scale_ends_on_a_round_number(value, ceiling):
    assert nice_ceiling(value) == pytest.approx(ceiling)


def test_a_chart_is_an_svg_image_with_a_title_a_description_and_a_bar_per_point():
    series = Series("Articles", "articles", [Point("2025-01", 3), Point("2025-02", 0)])
    svg = etree.fromstring(str(column_chart(series, "chart-a")))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-a-title chart-a-desc"
    assert svg.find(f"{SVG}title").text == "Articles"
    assert "the highest, 3 articles, in 2025-01" in svg.find(f"{SVG}desc").text
    bars = svg.findall(f"{SVG}rect")
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2025-01: 3 articles",
        "2025-02: 0 articles",
    ]
    assert all(el.get("style") is None for el in svg.iter())  # the CSP refuses inline style


def test_category_labels_are_escaped():
    hostile = '<script>alert(1)</script> & "x"'
    svg = str(bar_chart(Series("Reports", "reports", [Point(hostile, 2)]), "chart-r"))
    tree = etree.fromstring(svg)
    assert not tree.findall(f".//{SVG}script")
    assert hostile in [el.text for el in tree.iter(f"{SVG}text")]


def test_the_pages_answer_and_an_unknown_source_is_404(client, archive):
    page = client.get("/statistics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<svg class="chart"') == 4
    assert html.count("<table>") == 4
    assert "Figures as of" in html
    source = client.get(f"/sources/{archive['gazette'].slug}/statistics/")
    assert source.status_code == 200 and "Gazette" in source.content.decode()
    assert client.get("/sources/nobody/statistics/").status_code == 404


def test_the_figures_are_kept_and_cost_a_fixed_number_of_queries(client, archive, make_article):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/statistics/").status_code == 200
        return len(captured)

    first = queries()
    assert queries() < first  # kept in the cache: no figure is computed again
    from django.core.cache import cache

    cache.clear()
    for day in range(1, 20):
        make_article(published=datetime.date(2024, 1, day))
    assert queries() == first


def test_an_empty_archive_has_a_page_too(client):
    page = client.get("/statistics/").content.decode()
    assert page.count("Nothing to show yet.") == 3  # the reports chart shows its zeros


def test_stale_figures_are_shown_while_a_task_computes_new_ones(client, settings, archive):
    from django.core.cache import cache

    from stats import figures as stats_figures

    settings.AGORA_STATS_CACHE_SECONDS = 60
    old = compute()
    old.computed -= datetime.timedelta(hours=2)
    old.article_total = 999  # a figure no longer true: it is what the page shows meanwhile
    stats_figures.store(old)
    asked = []
    shown = stats_figures.cached(refresh=lambda: asked.append(1))
    assert shown.article_total == 999 and asked == [1]
    stats_figures.cached(refresh=lambda: asked.append(1))
    assert asked == [1]  # asked once per period
    # The page asks the worker (run at once in tests), which keeps the new figures.
    cache.delete("stats:all:refreshing")
    assert "999" in client.get("/statistics/").content.decode()
    assert "999" not in client.get("/statistics/").content.decode()


def test_a_queue_that_is_down_leaves_the_stale_figures(client, settings, archive, monkeypatch):
    from stats import figures as stats_figures
    from stats import tasks

    settings.AGORA_STATS_CACHE_SECONDS = 60
    old = compute()
    old.computed -= datetime.timedelta(hours=2)
    stats_figures.store(old)

    def down(*args, **kwargs):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(tasks, "refresh_statistics", SimpleNamespace(enqueue=down))
    assert client.get("/statistics/").status_code == 200


def test_months_are_those_of_utc(make_article, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    article = make_article(published=datetime.date(2025, 3, 31))
    comment = make_comment(article, make_user("late"), "Late.")
    Comment.objects.filter(pk=comment.pk).update(
        created=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC)
    )
    figures = compute()
    assert values(figures.comments) == {"2025-03": 1}
    assert values(figures.articles) == {"2025-03": 1}
