"""A proxy or CDN may keep public pages; a reader's own pages stay private; articles and
feeds answer 304 to a reader who already has them."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.cache import get_max_age

from comments.models import Comment, CommentStatus


@pytest.fixture(autouse=True)
def http_caching(settings):
    settings.AGORA_HTTP_MAX_AGE = 30
    settings.AGORA_HTTP_SHARED_MAX_AGE = 120


@pytest.fixture
def article(make_article):
    return make_article(title="Harbour notice about ferries")


def control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_an_anonymous_article_page_is_public_with_both_ages(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert control(response) >= {"public", "max-age=30", "s-maxage=120"}
    assert "Cookie" in response["Vary"]
    assert response.has_header("ETag")


def test_the_same_page_answers_304_to_its_etag(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""


def test_a_signed_in_readers_page_is_private(client, article):
    reader = get_user_model().objects.create_user("reader", password="a long passphrase 1")
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assert "private" in control(response) and "public" not in control(response)
    assert get_max_age(response) in (None, 0)


def test_a_page_with_a_form_is_private(client, db):
    response = client.get("/accounts/login/")
    assert "private" in control(response)


@pytest.mark.parametrize("feed", ["/feeds/articles/", "comments"])
def test_feeds_carry_an_etag_and_answer_304(client, article, feed):
    writer = get_user_model().objects.create_user("writer", password="a long passphrase 1")
    Comment.objects.create(
        article=article,
        user=writer,
        body_source="First!",
        body_html="<p>First!</p>",
        status=CommentStatus.PUBLISHED,
        created=timezone.now(),
        added=timezone.now(),
    )
    url = f"{article.get_absolute_url()}comments/feed/" if feed == "comments" else feed
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_zero_turns_public_caching_off(client, article, settings):
    settings.AGORA_HTTP_MAX_AGE = 0
    assert "private" in control(client.get(article.get_absolute_url()))


def test_healthz_is_never_kept(client, db):
    assert "public" not in control(client.get("/healthz"))


def test_an_empty_comment_feed_keeps_its_etag(client, article):
    url = f"{article.get_absolute_url()}comments/feed/"
    first = client.get(url)
    time.sleep(1.1)  # Atom's dates have whole seconds: "now" would have moved on
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
