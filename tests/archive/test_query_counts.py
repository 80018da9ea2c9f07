"""A page costs the same number of queries whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def archive_of(make_source, make_author, make_article):
    def build(n: int):
        source = make_source()
        authors = (make_author(), make_author())
        return [make_article(source=source, authors=authors) for _ in range(n)]

    return build


@pytest.mark.parametrize(
    "url_for",
    [
        lambda a: reverse("archive:home"),
        lambda a: reverse("archive:article_list"),
        lambda a: reverse("archive:article_list") + "?sort=discussed&has_discussion=",
        lambda a: reverse("archive:source_list"),
        lambda a: a.source.get_absolute_url(),
        lambda a: a.authors.first().get_absolute_url(),
        lambda a: a.get_absolute_url(),
        lambda a: reverse("archive:feed"),
    ],
    ids=["home", "list", "list-sorted", "sources", "source", "author", "article", "feed"],
)
def test_queries_do_not_grow_with_the_archive(client, settings, archive_of, url_for):
    settings.AGORA_ARTICLES_PER_PAGE = 50
    small = archive_of(1)
    small_count = count_queries(client, url_for(small[0]))
    large = archive_of(100)
    assert count_queries(client, url_for(large[0])) == small_count


def test_list_page_query_budget(client, archive_of, django_assert_max_num_queries):
    article = archive_of(60)[0]
    with django_assert_max_num_queries(6):
        client.get(reverse("archive:article_list"))
    with django_assert_max_num_queries(3):
        client.get(article.get_absolute_url())
