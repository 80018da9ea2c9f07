import datetime

import pytest
from django.urls import reverse

from archive.models import DatePrecision


@pytest.fixture
def corpus(make_source, make_author, make_article):
    """Two sources, two authors, articles across years, one with a discussion."""
    courier = make_source("The Courier", homepage="https://courier.example.org")
    ledger = make_source("The Ledger")
    ana, ben = make_author("Ana Ruiz"), make_author("Ben Okafor")
    articles = {
        "ferry": make_article(
            "Ferry returns",
            source=courier,
            authors=(ana,),
            published=datetime.date(2025, 3, 14),
            kicker="Transport",
            dek="Back after two winters.",
            comment_count=5,
        ),
        "library": make_article(
            "Library reopens", source=courier, authors=(ben,), published=datetime.date(2024, 9, 2)
        ),
        "budget": make_article(
            "Budget month",
            source=ledger,
            authors=(ana, ben),
            published=datetime.date(2024, 4, 1),
            precision=DatePrecision.MONTH,
            comment_count=2,
        ),
        "old": make_article(
            "An old year",
            source=ledger,
            published=datetime.date(2008, 1, 1),
            precision=DatePrecision.YEAR,
        ),
    }
    return {"courier": courier, "ledger": ledger, "ana": ana, "ben": ben, **articles}


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def test_home_lists_latest_discussed_and_sources(client, corpus):
    response = client.get(reverse("archive:home"))
    assert response.status_code == 200
    assert [a.title for a in response.context["latest"]][:2] == ["Ferry returns", "Library reopens"]
    assert [a.title for a in response.context["discussed"]] == ["Ferry returns", "Budget month"]
    assert b"The Courier" in response.content


def test_article_list_defaults_to_newest_first(client, corpus):
    response = client.get(reverse("archive:article_list"))
    assert response.status_code == 200
    assert titles(response) == ["Ferry returns", "Library reopens", "Budget month", "An old year"]
    assert response.context["total"] == 4


def test_filters_combine(client, corpus):
    url = reverse("archive:article_list")
    response = client.get(url, {"source": "the-courier", "author": "ben-okafor"})
    assert titles(response) == ["Library reopens"]
    response = client.get(url, {"author": "ana-ruiz", "year": "2024"})
    assert titles(response) == ["Budget month"]
    response = client.get(url, {"source": "the-ledger", "has_discussion": "on"})
    assert titles(response) == ["Budget month"]
    response = client.get(url, {"date_from": "2024-05-01", "date_to": "2025-01-01"})
    assert titles(response) == ["Library reopens"]
    response = client.get(url, {"date": "2025-03-14"})
    assert titles(response) == ["Ferry returns"]


def test_sorting(client, corpus):
    url = reverse("archive:article_list")
    assert titles(client.get(url, {"sort": "oldest"}))[0] == "An old year"
    assert titles(client.get(url, {"sort": "discussed"}))[:2] == ["Ferry returns", "Budget month"]


def test_pagination_keeps_filters_in_links(client, settings, corpus):
    settings.AGORA_ARTICLES_PER_PAGE = 1
    response = client.get(reverse("archive:article_list"), {"source": "the-courier"})
    assert response.context["page"].paginator.num_pages == 2
    assert b"source=the-courier&amp;page=2" in response.content
    response = client.get(reverse("archive:article_list"), {"source": "the-courier", "page": "2"})
    assert titles(response) == ["Library reopens"]
    assert b"2 articles, page 2 of 2" in response.content


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({"source": "nope"}, 400, b"There is no source with that name"),
        ({"author": "nobody"}, 400, b"There is no author with that name"),
        ({"date": "2020-13-45"}, 400, b"Enter a valid date"),
        ({"date_from": "yesterday"}, 400, b"Enter a valid date"),
        ({"year": "twenty"}, 400, b"Enter a number"),
        ({"year": "99999"}, 400, b"less than or equal to 9999"),
        ({"sort": "random"}, 400, b"Select a valid choice"),
        ({"source": "x" * 5000}, 400, b"There is no source with that name"),
        ({"source": "a\x00b"}, 400, b"Null characters are not allowed"),
        ({"page": "abc"}, 400, b"The page must be a whole number"),
        ({"page": "9" * 5000}, 400, b"The page must be a whole number"),
        ({"page": "99999"}, 404, b"There is no page 99999"),
        ({"page": "0"}, 404, b"There is no page 0"),
    ],
)
def test_bad_filter_values_get_a_clear_message(client, corpus, params, status, message):
    response = client.get(reverse("archive:article_list"), params)
    assert response.status_code == status
    assert message in response.content


def test_bad_page_on_source_and_author_pages(client, corpus):
    source_url = reverse("archive:source", args=["the-courier"])
    assert client.get(source_url, {"page": "x"}).status_code == 400
    assert client.get(source_url, {"page": "7"}).status_code == 404
    author_url = reverse("archive:author", args=["ana-ruiz"])
    assert client.get(author_url, {"page": "\x00"}).status_code == 400


def test_article_page_shows_everything_a_reader_needs(client, corpus):
    article = corpus["ferry"]
    article.url = "https://courier.example.org/ferry"
    article.save()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Transport", "Ferry returns", "Back after two winters.", "14 March 2025"]:
        assert text in html
    assert f'href="{corpus["ana"].get_absolute_url()}"' in html
    assert 'href="https://courier.example.org/ferry"' in html
    assert 'id="discussion"' in html


def test_article_page_dates_at_their_precision(client, corpus):
    html = client.get(corpus["budget"].get_absolute_url()).content.decode()
    assert '<time datetime="2024-04">April 2024</time>' in html
    html = client.get(corpus["old"].get_absolute_url()).content.decode()
    assert '<time datetime="2008">2008</time>' in html


def test_unknown_article_is_a_friendly_404(client, db):
    response = client.get(reverse("archive:article", args=["no-such-article"]))
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_source_pages(client, corpus):
    response = client.get(reverse("archive:source_list"))
    assert response.status_code == 200
    assert b"The Courier" in response.content and b"The Ledger" in response.content
    response = client.get(reverse("archive:source", args=["the-courier"]))
    assert response.status_code == 200
    assert response.context["source"].article_count == 2
    assert titles(response) == ["Ferry returns", "Library reopens"]
    assert b"courier.example.org" in response.content


def test_author_page(client, corpus):
    response = client.get(reverse("archive:author", args=["ana-ruiz"]))
    assert response.status_code == 200
    assert titles(response) == ["Ferry returns", "Budget month"]


def test_atom_feeds(client, corpus):
    response = client.get(reverse("archive:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.count(b"<entry>") == 4
    response = client.get(reverse("archive:source_feed", args=["the-ledger"]))
    assert response.content.count(b"<entry>") == 2
    assert b"Budget month" in response.content and b"Ferry returns" not in response.content
    assert client.get(reverse("archive:source_feed", args=["nope"])).status_code == 404


def test_server_error_page_renders_without_context(client, db, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
