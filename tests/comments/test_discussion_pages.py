"""What readers see and do on the article page and the posting page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import CommentPolicy
from comments.actions import edit_comment, post_comment
from comments.models import Comment, CommentStatus, ThreadVisit
from comments.tree import MAX_DEPTH

from .conftest import make_comment


def page_of(client, article, query: str = "") -> str:
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_comment_shows_author_relative_time_exact_time_and_permalink(client, users, article):
    comment = make_comment(
        article, user=users["author"], created=timezone.now() - timezone.timedelta(days=3)
    )
    html = page_of(client, article)
    assert "3 days ago</time>" in html
    assert f'datetime="{comment.created.isoformat(timespec="seconds")}"' in html
    assert re.search(r'<time datetime="[^"]+" title="\d+ \w+ \d{4}, \d\d:\d\d', html)
    assert f'href="/comments/{comment.pk}/"' in html
    assert 'href="/people/author/">author</a>' in html  # linked to the profile
    assert "1 comment" in html


def test_author_url_is_the_profile_page(comment):
    assert comment.author_url == "/people/author/"


def test_archived_comments_are_marked_and_nameless_ones_called_unknown(client, article):
    make_comment(article, is_archived=True, archived_author_name="Old Reader")
    make_comment(article, is_archived=True, archived_author_name="")
    html = page_of(client, article)
    assert "Old Reader" in html and "Unknown commenter" in html
    assert html.count("archived comment</span>") == 2
    assert html.count("comment--archived") == 2


def test_deleted_and_removed_comments_are_placeholders_that_keep_their_replies(
    client, users, article
):
    gone = make_comment(article, user=users["author"], status=CommentStatus.DELETED, body="Secret")
    removed = make_comment(article, status=CommentStatus.REMOVED, body="Abuse")
    make_comment(article, parent=gone, body="Reply to deleted")
    make_comment(article, parent=removed, body="Reply to removed")
    html = page_of(client, article)
    assert "[deleted by its author]" in html and "[removed by a moderator]" in html
    assert "Secret" not in html and "Abuse" not in html
    assert "Reply to deleted" in html and "Reply to removed" in html


def test_pending_comments_show_to_their_author_only(client_for, users, article):
    make_comment(article, user=users["author"], status=CommentStatus.PENDING, body="Waiting")
    assert "awaiting review" in page_of(client_for("author"), article)
    assert "Waiting" not in page_of(client_for("other"), article)
    assert "Waiting" not in page_of(client_for("anonymous"), article)


def test_edit_and_delete_links_only_for_the_author(client_for, comment, article):
    edit = reverse("comments:edit", args=[comment.pk])
    assert edit in page_of(client_for("author"), article)
    assert edit not in page_of(client_for("other"), article)
    assert edit not in page_of(client_for("moderator"), article)


def test_edited_comments_say_so_with_the_time(client, users, comment, article):
    edit_comment(users["author"], comment, "Better")
    html = page_of(client, article)
    assert 'class="comment__edited">edited <time' in html


def test_every_branch_collapses_without_javascript(client, users, comment, article):
    post_comment(users["other"], article, "Reply", parent=comment)
    html = page_of(client, article)
    assert f'<details open class="comment__replies" data-branch="{comment.pk}">' in html
    assert "<summary>" in html and "1 reply" in html
    assert html.count("<details") == html.count("</details>")
    assert html.count("<ol") == html.count("</ol>")
    assert html.count("<li") - html.count("<link") == html.count("</li>")


@pytest.mark.parametrize("sort", ["oldest", "newest", "replies", "bogus", "", "<script>"])
def test_sorts_are_validated_and_bad_ones_fall_back(client, users, article, sort):
    first = make_comment(
        article, body="First", created=timezone.now() - timezone.timedelta(hours=2)
    )
    make_comment(article, body="Second", created=timezone.now() - timezone.timedelta(hours=1))
    make_comment(article, parent=first, body="Under first")
    html = page_of(client, article, f"?sort={sort}")
    newest_first = html.index("Second") < html.index("First")
    assert newest_first == (sort == "newest")
    assert (
        "&lt;script&gt;" not in html
        and "<script>" not in html.split("</main>")[0].split('id="discussion"')[1]
    )


def test_the_thread_pages_by_top_level_comment(client, settings, article):
    settings.AGORA_THREAD_PAGE_SIZE = 2
    for n in range(5):
        top = make_comment(article, body=f"Top {n}", position=n)
        make_comment(article, parent=top, body=f"Reply {n}")
    html = page_of(client, article)
    assert "Top 1" in html and "Reply 1" in html and "Top 2" not in html
    assert "Page 1 of 3" in html and "all=1" in html
    html = page_of(client, article, "?page=3")
    assert "Top 4" in html and "Reply 4" in html and "Top 0" not in html
    html = page_of(client, article, "?all=1")
    assert all(f"Top {n}" in html and f"Reply {n}" in html for n in range(5))
    assert client.get(article.get_absolute_url() + "?page=9").status_code == 404
    assert client.get(article.get_absolute_url() + "?page=x").status_code == 400


def test_deep_threads_continue_on_their_own_page(client, article):
    chain = [make_comment(article, body="Level 0")]
    for level in range(1, 12):
        chain.append(make_comment(article, parent=chain[-1], body=f"Level {level}"))
    html = page_of(client, article)
    assert f"Level {MAX_DEPTH - 1}<" in html and f"Level {MAX_DEPTH}<" not in html
    cut = chain[MAX_DEPTH - 1]
    continue_url = reverse("comments:continue", args=[cut.pk])
    assert continue_url in html and "Continue this thread" in html
    page = client.get(continue_url).content.decode()
    assert "Level 11<" in page and "Level 0<" not in page
    assert f"{article.get_absolute_url()}#c{cut.pk}" in page  # back to the full thread
    assert "Level 11<" in page_of(client, article, "?all=1")


def test_the_permalink_page_shows_ancestors_and_replies(client, article):
    top = make_comment(article, body="Grandparent")
    middle = make_comment(article, parent=top, body="Parent")
    target = make_comment(article, parent=middle, body="Target")
    make_comment(article, parent=target, body="Child")
    make_comment(article, body="Unrelated")
    html = client.get(reverse("comments:permalink", args=[target.pk])).content.decode()
    assert html.index("Grandparent") < html.index("Parent") < html.index("Target")
    assert "Child" in html and "Unrelated" not in html


def test_signed_in_readers_see_what_is_new_since_their_last_visit(client_for, users, article):
    client = client_for("reader")
    make_comment(article, body="Old one", created=timezone.now() - timezone.timedelta(days=2))
    html = page_of(client, article)
    assert "badge--new" not in html  # a first visit marks nothing
    visit = ThreadVisit.objects.get(user=users["reader"], article=article)
    ThreadVisit.objects.filter(pk=visit.pk).update(
        seen_at=timezone.now() - timezone.timedelta(days=1)
    )
    make_comment(article, body="Fresh one", user=users["other"])
    html = page_of(client, article)
    assert html.count("badge--new") == 1
    assert html.index("badge--new") > html.index("Old one")
    assert ThreadVisit.objects.get(pk=visit.pk).seen_at > timezone.now() - timezone.timedelta(
        minutes=1
    )
    assert "badge--new" not in page_of(client, article)


def test_the_header_counts_unread_notices(client_for, users, comment, article):
    post_comment(users["other"], article, "Reply", parent=comment)
    html = page_of(client_for("author"), article)
    assert re.search(r'class="unread-count">1<', html)


# Posting through the page.


def post_url(article):
    return reverse("comments:post", args=[article.slug])


def test_a_reply_redirects_to_its_anchor(client_for, comment, article):
    response = client_for("other").post(
        post_url(article), {"body": "Hi", "parent": comment.pk, "idempotency_key": "abc"}
    )
    reply = Comment.objects.get(parent=comment)
    assert response.status_code == 302
    assert response.url == f"{article.get_absolute_url()}#c{reply.pk}"


def test_a_filled_honeypot_posts_nothing_and_keeps_the_text(client_for, comment, article):
    before = Comment.objects.count()
    response = client_for("other").post(
        post_url(article), {"body": "Buy now", "parent": comment.pk, "website": "spam.example"}
    )
    assert response.status_code == 400
    assert Comment.objects.count() == before
    assert "This form could not be accepted" in response.content.decode()
    assert "Buy now" in response.content.decode()


def test_the_comment_form_carries_a_hidden_honeypot(client_for, article):
    html = client_for("other").get(article.get_absolute_url()).content.decode()
    assert 'class="hp-field" aria-hidden="true"' in html


def test_the_fetch_path_returns_the_rendered_comment(client_for, comment, article):
    response = client_for("other").post(
        post_url(article),
        {"body": "With *JS*", "parent": comment.pk},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 201
    data = response.json()
    reply = Comment.objects.get(parent=comment)
    assert data["id"] == reply.pk and data["parent"] == comment.pk
    assert f'id="c{reply.pk}"' in data["html"] and "<em>JS</em>" in data["html"]
    bad = client_for("other").post(
        post_url(article), {"body": "  "}, headers={"X-Requested-With": "fetch"}
    )
    assert bad.status_code == 400 and "empty" in bad.json()["errors"][0]


def test_a_row_posted_with_fetch_carries_the_controls_the_page_would_show(
    client_for, comment, article
):
    """A moderator's new reply can be featured or removed at once, without a reload; a
    reader's row has what a reader gets on the page (no moderation buttons)."""
    moderated = client_for("moderator").post(
        post_url(article),
        {"body": "Moderator here.", "parent": comment.pk},
        headers={"X-Requested-With": "fetch"},
    )
    html = moderated.json()["html"]
    reply = Comment.objects.get(body_source="Moderator here.")
    assert f"/moderation/comments/{reply.pk}/" in html and "Feature" in html
    assert article.get_absolute_url() in html  # back to the article, not the posting URL
    as_reader = client_for("other").post(
        post_url(article),
        {"body": "Reader here.", "parent": comment.pk},
        headers={"X-Requested-With": "fetch"},
    )
    assert "Feature" not in as_reader.json()["html"]


def test_preview_renders_the_markdown_and_saves_nothing(client_for, article):
    response = client_for("reader").post(
        post_url(article), {"body": "Look **here**", "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>here</strong>" in html and "Look **here**</textarea>" in html
    assert not Comment.objects.exists()


def test_errors_keep_what_was_typed(client_for, article):
    text = "Long " * 2_001
    response = client_for("reader").post(post_url(article), {"body": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "at most 10,000 characters" in html and text.strip() in html
    assert not Comment.objects.exists()


def test_rejections_are_explained(client_for, users, comment, article):
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.REMOVED)
    response = client_for("other").post(post_url(article), {"body": "Hi", "parent": comment.pk})
    assert response.status_code == 400
    assert "can no longer be replied to" in response.content.decode()
    article.comment_policy = CommentPolicy.CLOSED
    article.save()
    response = client_for("other").post(post_url(article), {"body": "Hi"})
    assert response.status_code == 400 and "closed" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_reply_to_a_missing_comment_is_404_and_a_bad_parent_400(client_for, article):
    client = client_for("reader")
    assert client.post(post_url(article), {"body": "Hi", "parent": "999"}).status_code == 404
    assert client.post(post_url(article), {"body": "Hi", "parent": "x"}).status_code == 400
    assert not Comment.objects.exists()


def test_a_double_submission_makes_one_comment(client_for, article):
    client = client_for("reader")
    data = {"body": "Once only", "idempotency_key": "0f" * 16}
    first = client.post(post_url(article), data)
    second = client.post(post_url(article), data)
    assert first.url == second.url and Comment.objects.count() == 1


def test_held_comments_tell_their_author(client_for, article):
    article.comment_policy = CommentPolicy.PREMODERATED
    article.save()
    response = client_for("reader").post(post_url(article), {"body": "Held"}, follow=True)
    assert "awaiting review" in response.content.decode()
    assert Comment.objects.get().status == CommentStatus.PENDING


def test_posting_is_rate_limited(client_for, settings, article):
    from django.core.cache import cache

    cache.clear()
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "post-comment": (2, 60)}
    client = client_for("reader")
    for n in range(2):
        assert client.post(post_url(article), {"body": f"n{n}"}).status_code == 302
    response = client.post(post_url(article), {"body": "one too many"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert Comment.objects.count() == 2
    cache.clear()


def test_the_article_page_has_the_form_for_signed_in_readers_only(client_for, article):
    html = page_of(client_for("reader"), article)
    assert 'id="comment-form"' in html and 'name="idempotency_key"' in html
    assert "csrfmiddlewaretoken" in html
    html = page_of(client_for("anonymous"), article)
    assert 'id="comment-form"' not in html and "Log in</a> to take part" in html


def test_closed_discussions_say_so_and_offer_no_reply(client_for, comment, article):
    article.discussion_locked = True
    article.save()
    html = page_of(client_for("reader"), article)
    assert "closed to new comments" in html and 'class="comment__reply"' not in html


def test_moderators_by_group_or_permission_see_held_and_spam_comments(
    client, users, article, django_user_model
):
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Moderators")  # moderation's migration makes it
    group.permissions.add(Permission.objects.get(codename="moderate"))
    by_group = django_user_model.objects.create_user("groupmod", password="pass-groupmod-1")
    by_group.groups.add(group)
    make_comment(article, user=users["author"], status=CommentStatus.PENDING, body="Held one")
    make_comment(article, status=CommentStatus.SPAM, body="Spam one")
    for user in (by_group, users["moderator"], users["admin"]):
        client.force_login(user)
        html = page_of(client, article)
        assert "Held one" in html and "Spam one" in html and "badge--spam" in html
    client.force_login(users["reader"])
    html = page_of(client, article)
    assert "Held one" not in html and "Spam one" not in html


def test_site_users_link_to_their_profile(client, users, comment):
    html = page_of(client, comment.article)
    assert '<a class="comment__author" href="/people/author/">author</a>' in html


@pytest.mark.parametrize("value", ["²", "١", "-1", "1e3", "9" * 40, "\x00"])
def test_odd_numbers_in_the_query_are_refused_cleanly(client_for, article, value):
    client = client_for("reader")
    assert client.get(article.get_absolute_url(), {"page": value}).status_code in (400, 404)
    response = client.get(reverse("comments:post", args=[article.slug]), {"parent": value})
    assert (
        response.status_code == 400
        and "not a comment you can reply to" in response.content.decode()
    )
    response = client.post(
        reverse("comments:post", args=[article.slug]), {"body": "x", "parent": value}
    )
    assert response.status_code == 400 and not Comment.objects.exists()


def test_nul_bytes_in_a_body_get_a_message_not_an_error(client_for, article):
    response = client_for("reader").post(
        reverse("comments:post", args=[article.slug]), {"body": "a\x00b"}
    )
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("page", ["article", "permalink", "continue"])
def test_the_rows_take_the_place_of_their_marker_once(client, users, article, page):
    # The rows are spliced into the rendered page as bytes (see render_discussion).
    top = make_comment(article, user=users["author"], body="Première — 日本語 → ok")
    reply = make_comment(article, parent=top, user=users["other"], body="A reply.")
    url = {
        "article": article.get_absolute_url(),
        "permalink": reverse("comments:permalink", args=[top.pk]),
        "continue": reverse("comments:continue", args=[top.pk]),
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "thread-rows-" not in html
    assert html.count(f'id="c{reply.pk}"') == 1
    assert html.index('<ol class="thread">') < html.index(f'id="c{reply.pk}"')
    assert html.index(f'id="c{reply.pk}"') < html.index("</html>")
    assert "Première — 日本語 → ok" in html
    assert int(response["Content-Length"]) == len(response.content)
