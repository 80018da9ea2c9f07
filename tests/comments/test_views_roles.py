"""Every discussion view against every role: status code, and the database after."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comments.actions import follow, post_comment
from comments.models import Comment, CommentStatus, Notification, ThreadFollow

from .conftest import ROLES

LOGIN = "/accounts/login/"


def status_of(response) -> int | str:
    """The status, with redirects to the login page told apart from others."""
    if response.status_code == 302 and response.url.startswith(LOGIN):
        return "login"
    return response.status_code


READ_ALL = dict.fromkeys(ROLES, 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["comments:permalink", "comments:continue"])
def test_comment_pages_show_published_comments_to_everyone(client_for, comment, role, name):
    response = client_for(role).get(reverse(name, args=[comment.pk]))
    assert response.status_code == 200
    assert "The <em>original</em> text." in response.content.decode()


PENDING_SEEN_BY = {
    "anonymous": 404,
    "reader": 404,
    "author": 200,
    "other": 404,
    "moderator": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["comments:permalink", "comments:continue"])
def test_pending_comments_are_seen_by_their_author_and_moderators(client_for, comment, role, name):
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
    response = client_for(role).get(reverse(name, args=[comment.pk]))
    assert response.status_code == PENDING_SEEN_BY[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_posting_page_asks_anonymous_readers_to_log_in(client_for, article, role):
    response = client_for(role).get(reverse("comments:post", args=[article.slug]))
    assert status_of(response) == ("login" if role == "anonymous" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_posting_by_role(client_for, article, users, role):
    response = client_for(role).post(
        reverse("comments:post", args=[article.slug]), {"body": f"From {role}"}
    )
    if role == "anonymous":
        assert status_of(response) == "login"
        assert not Comment.objects.exists()
        return
    comment = Comment.objects.get()
    assert comment.user == users[role] and comment.body_source == f"From {role}"
    assert response.status_code == 302
    assert response.url == f"{article.get_absolute_url()}#c{comment.pk}"


AUTHOR_ONLY = {
    "anonymous": "login",
    "reader": 403,
    "author": 200,
    "other": 403,
    "moderator": 403,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["comments:edit", "comments:delete"])
def test_edit_and_delete_pages_are_for_the_author_only(client_for, comment, role, name):
    response = client_for(role).get(reverse(name, args=[comment.pk]))
    assert status_of(response) == AUTHOR_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_editing_by_role(client_for, comment, role):
    response = client_for(role).post(
        reverse("comments:edit", args=[comment.pk]), {"body": "Changed"}
    )
    comment.refresh_from_db()
    if role == "author":
        assert response.status_code == 302 and comment.body_source == "Changed"
        assert comment.revisions.count() == 1
    else:
        assert status_of(response) == AUTHOR_ONLY[role]
        assert comment.body_source == "The *original* text." and comment.edited is None
        assert not comment.revisions.exists()


@pytest.mark.parametrize("role", ROLES)
def test_deleting_by_role(client_for, comment, article, role):
    response = client_for(role).post(reverse("comments:delete", args=[comment.pk]))
    comment.refresh_from_db()
    article.refresh_from_db()
    if role == "author":
        assert response.status_code == 302 and comment.status == CommentStatus.DELETED
        assert article.comment_count == 0
    else:
        assert status_of(response) == AUTHOR_ONLY[role]
        assert comment.status == CommentStatus.PUBLISHED and article.comment_count == 1


HISTORY = {
    "anonymous": "login",
    "reader": 403,
    "author": 200,
    "other": 403,
    "moderator": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_history_is_for_the_author_and_moderators(client_for, comment, users, role):
    from comments.actions import edit_comment

    edit_comment(users["author"], comment, "Second version")
    response = client_for(role).get(reverse("comments:history", args=[comment.pk]))
    assert status_of(response) == HISTORY[role]
    if HISTORY[role] == 200:
        page = response.content.decode()
        assert "The <em>original</em> text." in page and "Second version" in page


@pytest.mark.parametrize("role", ROLES)
def test_following_and_unfollowing_by_role(client_for, article, users, role):
    client = client_for(role)
    response = client.post(reverse("comments:follow", args=[article.slug]))
    if role == "anonymous":
        assert status_of(response) == "login" and not ThreadFollow.objects.exists()
        return
    assert response.status_code == 302
    assert ThreadFollow.objects.filter(user=users[role], article=article).exists()
    response = client.post(reverse("comments:unfollow", args=[article.slug]))
    assert response.status_code == 302 and not ThreadFollow.objects.exists()


@pytest.fixture
def notice(users, comment, article) -> Notification:
    """A reply to the author's comment: a notice for the author."""
    reply = post_comment(users["other"], article, "A reply", parent=comment)
    return Notification.objects.get(comment=reply, user=users["author"])


@pytest.mark.parametrize("role", ROLES)
def test_the_notices_page_shows_only_your_own(client_for, notice, role):
    response = client_for(role).get(reverse("comments:notifications"))
    if role == "anonymous":
        assert status_of(response) == "login"
        return
    assert response.status_code == 200
    assert ("replied to your comment" in response.content.decode()) == (role == "author")


READ_ONE = {
    "anonymous": "login",
    "reader": 404,
    "author": 302,
    "other": 404,
    "moderator": 404,
    "admin": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_marking_a_notice_read_by_role(client_for, notice, role):
    response = client_for(role).post(reverse("comments:notification_read", args=[notice.pk]))
    assert status_of(response) == READ_ONE[role]
    notice.refresh_from_db()
    assert (notice.read_at is not None) == (role == "author")


@pytest.mark.parametrize("role", ROLES)
def test_marking_all_read_touches_only_your_own(client_for, notice, role):
    response = client_for(role).post(reverse("comments:notifications_read_all"))
    assert status_of(response) == ("login" if role == "anonymous" else 302)
    notice.refresh_from_db()
    assert (notice.read_at is not None) == (role == "author")


@pytest.mark.parametrize("role", ROLES)
def test_the_comment_feed_is_public(client_for, comment, article, role):
    Comment.objects.create(
        article=article, body_source="x", body_html="<p>Held back</p>", status="pending"
    )
    response = client_for(role).get(reverse("comments:article_feed", args=[article.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "original" in body and "Held back" not in body


# Wrong methods and missing CSRF tokens.

POST_VIEWS = [
    ("comments:post", "slug", {"body": "x"}),
    ("comments:edit", "comment", {"body": "x"}),
    ("comments:delete", "comment", {}),
    ("comments:follow", "slug", {}),
    ("comments:unfollow", "slug", {}),
    ("comments:notification_read", "notice", {}),
    ("comments:notifications_read_all", None, {}),
]


def _url(name, kind, comment, article, notice):
    args = {"slug": [article.slug], "comment": [comment.pk], "notice": [notice.pk], None: []}
    return reverse(name, args=args[kind])


@pytest.mark.parametrize("name,kind,data", POST_VIEWS)
def test_post_views_refuse_a_post_without_csrf_token(
    users, comment, article, notice, name, kind, data
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["author"])
    before = (
        Comment.objects.count(),
        ThreadFollow.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
    )
    comment_before = Comment.objects.values().get(pk=comment.pk)
    response = client.post(_url(name, kind, comment, article, notice), data)
    assert response.status_code == 403
    assert before == (
        Comment.objects.count(),
        ThreadFollow.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
    )
    assert Comment.objects.values().get(pk=comment.pk) == comment_before


@pytest.mark.parametrize(
    "name,kind",
    [
        ("comments:follow", "slug"),
        ("comments:unfollow", "slug"),
        ("comments:notification_read", "notice"),
        ("comments:notifications_read_all", None),
    ],
)
def test_state_changes_refuse_get(client_for, comment, article, notice, name, kind):
    follow(comment.user, article)
    response = client_for("author").get(_url(name, kind, comment, article, notice))
    assert response.status_code == 405
    assert ThreadFollow.objects.filter(user=comment.user).exists()
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    "name,kind,method",
    [
        ("comments:permalink", "comment", "post"),
        ("comments:continue", "comment", "post"),
        ("comments:history", "comment", "post"),
        ("comments:notifications", None, "post"),
        ("comments:post", "slug", "put"),
        ("comments:edit", "comment", "delete"),
        ("comments:delete", "comment", "delete"),
    ],
)
def test_wrong_methods_get_405(client_for, comment, article, notice, name, kind, method):
    response = getattr(client_for("author"), method)(_url(name, kind, comment, article, notice))
    assert response.status_code == 405
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
