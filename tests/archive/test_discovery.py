"""What search engines, link previews and browsers read: sitemaps, robots.txt, the favicon,
canonical links, Open Graph and JSON-LD."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from lxml import etree

from archive.models import Article
from comments.models import Comment, CommentStatus
from tests.moderation.world import make_comment, make_user

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "https://agora.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.AGORA_SITEMAP_SIZE = 2


def valid(response, schema: str) -> etree._Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert xsd.validate(root), xsd.error_log
    return root


def locs(root) -> list[str]:
    return root.xpath("//s:loc/text()", namespaces=NS)


def jsonld(response) -> dict:
    html = response.content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


# Sitemaps


@pytest.mark.django_db
def test_the_index_lists_a_page_per_range_of_ids_of_each_kind(client, make_article, make_author):
    articles = [make_article(authors=(make_author(),)) for _ in range(5)]
    root = valid(client.get("/sitemap.xml"), "siteindex.xsd")
    listed = locs(root)
    first = (articles[0].pk - 1) // 2 + 1
    last = (articles[-1].pk - 1) // 2 + 1
    # Page 1 is always there: it also lists the home page (on PostgreSQL the ids of this
    # test's articles may start far past it).
    pages = sorted({1, *range(first, last + 1)})
    expected = [f"{SITE}/sitemaps/articles-{n}.xml" for n in pages]
    assert [loc for loc in listed if "/articles-" in loc] == expected
    assert any("/sources-" in loc for loc in listed)
    assert any("/authors-" in loc for loc in listed)
    for loc in listed:
        path = loc.removeprefix(SITE)
        valid(client.get(path), "sitemap.xsd")


@pytest.mark.django_db
def test_every_article_source_and_author_is_in_exactly_one_page(client, make_article, make_author):
    articles = [make_article(authors=(make_author(),)) for _ in range(5)]
    index = locs(valid(client.get("/sitemap.xml"), "siteindex.xsd"))
    addresses: list[str] = []
    for loc in index:
        addresses += locs(valid(client.get(loc.removeprefix(SITE)), "sitemap.xsd"))
    for article in articles:
        assert addresses.count(SITE + article.get_absolute_url()) == 1
        assert addresses.count(SITE + article.source.get_absolute_url()) == 1
        assert addresses.count(SITE + article.authors.get().get_absolute_url()) == 1
    assert addresses.count(f"{SITE}/") == 1


@pytest.mark.django_db
def test_an_articles_lastmod_is_its_last_edit_or_its_last_comment(client, make_article):
    article = make_article()
    later = timezone.now() + datetime.timedelta(days=3)
    Article.objects.filter(pk=article.pk).update(last_comment_at=later)
    page = (article.pk - 1) // 2 + 1
    root = valid(client.get(f"/sitemaps/articles-{page}.xml"), "sitemap.xsd")
    entry = root.xpath(
        "//s:url[s:loc=$loc]/s:lastmod/text()",
        namespaces=NS,
        loc=SITE + article.get_absolute_url(),
    )
    assert entry == [later.isoformat(timespec="seconds")]
    index = valid(client.get("/sitemap.xml"), "siteindex.xsd")
    assert later.isoformat(timespec="seconds") in index.xpath("//s:lastmod/text()", namespaces=NS)


@pytest.mark.django_db
def test_a_range_emptied_by_deletions_leaves_the_index_and_answers_404(
    client, settings, make_article
):
    settings.AGORA_SITEMAP_CACHE_SECONDS = 0
    articles = [make_article() for _ in range(6)]
    gone = [a for a in articles if (a.pk - 1) // 2 == (articles[2].pk - 1) // 2]
    page = (gone[0].pk - 1) // 2 + 1
    assert client.get(f"/sitemaps/articles-{page}.xml").status_code == 200
    Article.objects.filter(pk__in=[a.pk for a in gone]).delete()
    assert client.get(f"/sitemaps/articles-{page}.xml").status_code == 404
    assert f"{SITE}/sitemaps/articles-{page}.xml" not in locs(
        valid(client.get("/sitemap.xml"), "siteindex.xsd")
    )


@pytest.mark.django_db
def test_an_empty_archive_still_has_a_valid_index_and_its_home_page(client):
    index = valid(client.get("/sitemap.xml"), "siteindex.xsd")
    assert locs(index) == [f"{SITE}/sitemaps/articles-1.xml"]
    assert locs(valid(client.get("/sitemaps/articles-1.xml"), "sitemap.xsd")) == [
        f"{SITE}/",
        f"{SITE}/articles/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/sitemaps/essays-1.xml", "/sitemaps/articles-0.xml", "/sitemaps/sources-99.xml"]
)
def test_unknown_sitemaps_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_sitemap_page_is_one_query_and_the_cached_index_none(
    client, settings, make_article, django_assert_num_queries
):
    settings.AGORA_SITEMAP_SIZE = 1000
    for _ in range(30):
        make_article()
    with CaptureQueriesContext(connection) as page:
        client.get("/sitemaps/articles-1.xml")
    assert len(page) == 1
    # The page is one range of the primary key, never an OFFSET or a count.
    assert "OFFSET" not in page[0]["sql"].upper() and "COUNT(" not in page[0]["sql"].upper()
    with django_assert_num_queries(3):  # one grouped pass per kind
        client.get("/sitemap.xml")
    with django_assert_num_queries(0):
        client.get("/sitemap.xml")


# robots.txt and the favicon


@pytest.mark.django_db
def test_robots_txt_names_the_sitemap_and_keeps_crawlers_off_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    for private in ("/admin/", "/accounts/", "/moderation/", "/search/", "/notifications/"):
        assert f"Disallow: {private}" in lines
    assert "Allow: /moderation/log/" in lines


@pytest.mark.django_db
def test_the_favicon_is_found_where_browsers_look(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


# Canonical links and social meta


@pytest.mark.django_db
def test_pages_carry_their_canonical_address_without_filters(client, settings, make_article):
    settings.AGORA_ARTICLES_PER_PAGE = 1
    article = make_article()
    make_article()
    page = client.get(article.get_absolute_url() + "?sort=newest&utm_source=x").content.decode()
    assert f'<link rel="canonical" href="{SITE}{article.get_absolute_url()}">' in page
    listing = client.get("/articles/?page=2&sort=oldest").content.decode()
    assert f'<link rel="canonical" href="{SITE}/articles/?page=2">' in listing
    first = client.get("/articles/?page=1").content.decode()
    assert f'<link rel="canonical" href="{SITE}/articles/">' in first


@pytest.mark.django_db
def test_an_article_page_has_open_graph_and_twitter_meta(client, make_article, make_author):
    article = make_article("Harbour notice", dek="The ferry returns.", authors=(make_author(),))
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Harbour notice">' in page
    assert '<meta property="og:description" content="The ferry returns.">' in page
    assert f'<meta property="og:url" content="{SITE}{article.get_absolute_url()}">' in page
    assert '<meta property="article:published_time" content="2014-06-17">' in page
    assert '<meta name="twitter:card" content="summary">' in page


@pytest.mark.django_db
def test_source_and_author_pages_have_their_own_titles(client, make_article, make_author):
    article = make_article(authors=(make_author("Jo Bloggs"),))
    source_page = client.get(article.source.get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="{article.source.name}">' in source_page
    author_page = client.get(article.authors.get().get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Jo Bloggs">' in author_page


# JSON-LD


@pytest.mark.django_db
def test_an_article_is_a_news_article_with_its_source_authors_and_original(
    client, make_source, make_article, make_author
):
    source = make_source("Harbour Gazette", homepage="https://gazette.example")
    article = make_article(
        "Ferry returns",
        source=source,
        dek="After two years.",
        authors=(make_author("Ann Lee"),),
        url="https://gazette.example/ferry",
    )
    data = jsonld(client.get(article.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ferry returns"
    assert data["description"] == "After two years."
    assert data["datePublished"] == "2014-06-17"
    assert data["isBasedOn"] == "https://gazette.example/ferry"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Harbour Gazette",
        "url": "https://gazette.example",
    }
    assert [author["name"] for author in data["author"]] == ["Ann Lee"]
    assert data["url"] == SITE + article.get_absolute_url()


@pytest.mark.django_db
def test_a_date_known_to_the_month_is_written_as_a_month(client, make_article):
    article = make_article(published=datetime.date(2019, 4, 1), precision="month")
    assert jsonld(client.get(article.get_absolute_url()))["datePublished"] == "2019-04"


@pytest.mark.django_db
def test_the_published_comments_are_comments_with_their_parents(client, make_article):
    article = make_article()
    liz = make_user("liz")
    don = make_user("don")
    top = make_comment(article, don, "Top of the thread.")
    reply = make_comment(article, liz, "A reply to Don.", parent=top)
    make_comment(article, liz, "Removed text.", status=CommentStatus.REMOVED)
    article.refresh_comment_stats()
    data = jsonld(client.get(article.get_absolute_url()))
    comments = {item["text"]: item for item in data["comment"]}
    assert set(comments) == {"Top of the thread.", "A reply to Don."}
    assert comments["Top of the thread."]["parentItem"] == {"@id": data["@id"]}
    assert comments["A reply to Don."]["parentItem"] == {"@id": f"{SITE}/comments/{top.pk}/"}
    assert comments["A reply to Don."]["@id"] == f"{SITE}/comments/{reply.pk}/"
    assert comments["A reply to Don."]["author"] == {"@type": "Person", "name": "liz"}
    assert data["commentCount"] == 2


@pytest.mark.django_db
def test_the_page_writes_at_most_the_configured_number_of_comments(client, settings, make_article):
    settings.AGORA_JSONLD_COMMENTS = 3
    article = make_article()
    reader = make_user("reader")
    for n in range(5):
        make_comment(article, reader, f"Comment {n}.")
    assert len(jsonld(client.get(article.get_absolute_url()))["comment"]) == 3


@pytest.mark.django_db
def test_no_stored_text_can_close_the_script_or_break_the_json(client, make_article):
    hostile = "</script><script>alert(1)</script> & <!-- \x01\ufffe\u202e"
    article = make_article()
    Article.objects.filter(pk=article.pk).update(title=hostile, dek=hostile)
    make_comment(article, make_user("mallory"), "Fine.")
    # As sanitized HTML stores such text: escaped.
    Comment.objects.filter(article=article).update(body_html=f"<p>{escape(hostile)}</p>")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["headline"].startswith("</script><script>alert(1)</script> & <!--")
    assert "\x01" not in data["headline"] and "\ufffe" not in data["headline"]
    assert data["comment"][0]["text"].startswith("</script>")
