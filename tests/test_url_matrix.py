"""THE ROLE MATRIX: every URL pattern of the project × every role, with the status each role
gets for GET and (for views that take POST) for POST.

Walks the whole URL resolver, so a new URL pattern without a row in TABLE fails the build:
add its row (and, if needed, its arguments in ARGS and its POST data in POST_DATA). Cells
that must not change anything also assert that the database is unchanged, which is how
IDOR (acting on someone else's behalf) is caught."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.mail import unsubscribe_token
from accounts.models import Profile
from archive.models import Article
from comments.actions import edit_comment, follow
from comments.models import (
    Comment,
    CommentRevision,
    Notification,
    NotificationKind,
    ThreadFollow,
)
from moderation.defaults import ensure_defaults
from moderation.models import (
    Flag,
    LogEntry,
    ModerationSettings,
    SiteRule,
    StandingChange,
    UserNote,
)
from tests.moderation.world import make_comment, make_user

ROLES = ("anon", "reader", "author", "suspended", "banned", "moderator", "admin")

# Status per role, in ROLES order. "L" = redirect to the login page (302 to /accounts/login/).
# None for POST: the view does not take POST (read-only page), so only GET is checked.
#                                    anon reader author susp  banned mod  admin
OK = (200,) * 7
MOD = ("L", 403, 403, 403, 403, 200, 200)
MOD_POST = ("L", 403, 403, 403, 403, 302, 302)
ADMIN = ("L", 403, 403, 403, 403, 403, 200)
ADMIN_POST = ("L", 403, 403, 403, 403, 403, 302)
NOT_ALLOWED = (405,) * 7
SIGNED_IN = ("L", 200, 200, 200, 200, 200, 200)
SIGNED_OUT_ONLY = (200, 302, 302, 302, 302, 302, 302)
AUTHOR = ("L", 403, 200, 403, 403, 403, 403)
AUTHOR_POST = ("L", 403, 302, 403, 403, 403, 403)


@dataclass(frozen=True)
class Row:
    get: tuple
    post: tuple | None = None


TABLE: dict[str, Row] = {
    # The archive: public reading pages and feeds.
    "archive:home": Row(OK),
    "archive:article_list": Row(OK),
    "archive:article": Row(OK),
    "archive:source_list": Row(OK),
    "archive:source": Row(OK),
    "archive:source_feed": Row(OK),
    "archive:author": Row(OK),
    "archive:feed": Row(OK),
    "archive:dates": Row(OK),
    "archive:year": Row(OK),
    "archive:month": Row(OK),
    "stats:archive": Row(OK),
    "stats:source": Row(OK),
    # Accounts.
    "accounts:login": Row(OK, (200,) * 7),  # an empty POST shows the form's errors
    "accounts:logout": Row(NOT_ALLOWED, (302,) * 7),
    "accounts:signup": Row(SIGNED_OUT_ONLY, SIGNED_OUT_ONLY),  # empty POST: the form's errors
    "accounts:settings": Row(SIGNED_IN, SIGNED_IN),  # only ever edits request.user
    "accounts:password_change": Row(SIGNED_IN, SIGNED_IN),
    "accounts:password_change_done": Row(SIGNED_IN),
    "accounts:password_reset": Row(OK, OK),
    "accounts:password_reset_done": Row(OK),
    "accounts:password_reset_confirm": Row(OK, OK),  # a bad token: "link no longer works"
    "accounts:password_reset_complete": Row(OK),
    "accounts:profile": Row(OK),
    # One-click unsubscribe from a mail (RFC 8058): the signed token is the authorization,
    # whoever sends it; GET only shows the button, POST turns the token's reader's mail off.
    "accounts:unsubscribe": Row(OK, OK),
    # Operations: the load balancer's probe, public and read-only.
    "health": Row(OK, NOT_ALLOWED),
    # Discovery: what crawlers and browsers read at fixed addresses, public and read-only.
    "robots": Row(OK, NOT_ALLOWED),
    "favicon": Row((302,) * 7, NOT_ALLOWED),
    "sitemap_index": Row(OK, NOT_ALLOWED),
    "sitemap_page": Row(OK, NOT_ALLOWED),
    # Search: public; POST is not a way to search.
    "search:search": Row(OK, NOT_ALLOWED),
    "search:help": Row(OK),
    # Comments: reading is public; writing needs an account, and a restricted one is refused
    # with the reason (400, the form's error); editing and deleting are for the author only.
    "comments:permalink": Row(OK, NOT_ALLOWED),
    "comments:continue": Row(OK, NOT_ALLOWED),
    "comments:article_feed": Row(OK),
    "comments:post": Row(SIGNED_IN, ("L", 302, 302, 400, 400, 302, 302)),
    "comments:edit": Row(AUTHOR, AUTHOR_POST),
    "comments:delete": Row(AUTHOR, AUTHOR_POST),
    # The author reads their versions; moderators too (and compare them: moderation:revisions).
    "comments:history": Row(("L", 403, 200, 403, 403, 200, 200), NOT_ALLOWED),
    "comments:follow": Row(NOT_ALLOWED, ("L",) + (302,) * 6),
    "comments:unfollow": Row(NOT_ALLOWED, ("L",) + (302,) * 6),
    "comments:notifications": Row(SIGNED_IN, NOT_ALLOWED),
    # The notice is the author's: anyone else's POST is 404, and nothing is marked read.
    "comments:notification_read": Row(NOT_ALLOWED, ("L", 404, 302, 404, 404, 404, 404)),
    "comments:notifications_read_all": Row(NOT_ALLOWED, ("L",) + (302,) * 6),
    # Moderation.
    "moderation:queue": Row(MOD, NOT_ALLOWED),
    "moderation:comment_action": Row(MOD, MOD_POST),  # GET: a confirmation form
    "moderation:bulk": Row(NOT_ALLOWED, MOD_POST),
    "moderation:user": Row(MOD, NOT_ALLOWED),
    "moderation:standing": Row(NOT_ALLOWED, MOD_POST),
    "moderation:note": Row(NOT_ALLOWED, MOD_POST),
    "moderation:article": Row(MOD, MOD_POST),
    "moderation:settings": Row(MOD, MOD_POST),
    "moderation:moderators": Row(ADMIN, ADMIN_POST),
    "moderation:log": Row(OK, NOT_ALLOWED),
    "moderation:log_entry": Row(OK, NOT_ALLOWED),
    "moderation:revisions": Row(MOD, NOT_ALLOWED),
    # Readers report a comment; its author and restricted accounts may not.
    "moderation:flag": Row(
        ("L", 200, 403, 403, 403, 200, 200), ("L", 302, 403, 403, 403, 302, 302)
    ),
}


def url_kwargs(name: str, world: dict) -> dict:
    """Concrete arguments for a pattern, from the fixture world."""
    article, comment = world["article"], world["comment"]
    return {
        "archive:article": {"slug": article.slug},
        "archive:source": {"slug": article.source.slug},
        "archive:source_feed": {"slug": article.source.slug},
        "archive:author": {"slug": world["writer"].slug},
        "sitemap_page": {"kind": "articles", "number": 1},
        "stats:source": {"slug": article.source.slug},
        "archive:year": {"year": article.published.year},
        "archive:month": {"year": article.published.year, "month": article.published.month},
        "comments:permalink": {"pk": comment.pk},
        "comments:continue": {"pk": comment.pk},
        "comments:edit": {"pk": comment.pk},
        "comments:delete": {"pk": comment.pk},
        "comments:history": {"pk": comment.pk},
        "comments:post": {"slug": article.slug},
        "comments:article_feed": {"slug": article.slug},
        "comments:follow": {"slug": article.slug},
        "comments:unfollow": {"slug": article.slug},
        "comments:notification_read": {"pk": world["notice"].pk},
        "moderation:revisions": {"pk": comment.pk},
        "accounts:profile": {"username": "author"},
        "accounts:unsubscribe": {"token": unsubscribe_token(world["users"]["author"])},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "bad-token"},
        "moderation:comment_action": {"pk": comment.pk},
        "moderation:flag": {"pk": comment.pk},
        "moderation:user": {"username": "author"},
        "moderation:standing": {"username": "author"},
        "moderation:note": {"username": "author"},
        "moderation:article": {"slug": article.slug},
        "moderation:log_entry": {"pk": world["entry"].pk},
    }.get(name, {})


def post_data(name: str, world: dict) -> dict:
    comment = world["comment"]
    rule = SiteRule.objects.first()
    return {
        "comments:post": {"body": "Posted from the matrix.", "parent": comment.pk},
        "comments:edit": {"body": "Edited from the matrix."},
        "moderation:comment_action": {"action": "remove", "rule": rule.pk, "note": "x"},
        "moderation:bulk": {"ids": [comment.pk], "action": "spam"},
        "moderation:standing": {"kind": "ban", "reason": "Abuse"},
        "moderation:note": {"body": "Keep an eye on them"},
        "moderation:article": {"comment_policy": "closed", "reason": "Enough"},
        "moderation:settings": {
            "banned_words": "foo",
            "suspect_words": "",
            "new_account_approvals": 0,
            "max_links": 9,
            "repeat_window_minutes": 5,
        },
        "moderation:moderators": {"username": "reader", "op": "add"},
        "moderation:flag": {"reason": "abuse"},
    }.get(name, {})


def all_url_names() -> set[str]:
    """Every URL pattern's namespaced name (or its route when unnamed), admin and static
    files excepted."""
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(("admin/", "static/", "^static")):
                continue
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(
                    pattern.url_patterns,
                    route,
                    f"{namespace}{ns}:" if ns else namespace,
                )
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}{pattern.name}" if pattern.name else route)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_pattern_has_a_row_in_the_matrix(db):
    names = all_url_names()
    missing = sorted(names - TABLE.keys())
    stale = sorted(TABLE.keys() - names)
    assert not missing, f"URL patterns without a row in tests/test_url_matrix.py: {missing}"
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"


@pytest.fixture
def world(make_article, make_author, db):
    cache.clear()  # rate limits
    ensure_defaults()  # roles and rules, in case a browser test flushed the database
    writer = make_author("Ana Ruiz")
    article = make_article("Ferry returns", authors=(writer,))
    users = {
        role: make_user(role, role=role if role != "author" else "reader")
        for role in ROLES
        if role != "anon"
    }
    # Every role's first comments would be held as a new account's: posting here is about
    # who may post, so that rule is off and posts are published (or refused) predictably.
    ModerationSettings.objects.update_or_create(pk=1, defaults={"new_account_approvals": 0})
    Profile.objects.update_or_create(user=users["author"], defaults={"email_notifications": True})
    comment = make_comment(article, users["author"], "The ferry is back.")
    edit_comment(users["author"], comment, "The ferry is back, on time.")
    follow(users["author"], article)
    reply = make_comment(article, users["reader"], "Welcome back.", parent=comment)
    notice = Notification.objects.create(
        user=users["author"], comment=reply, kind=NotificationKind.REPLY
    )
    entry = LogEntry.objects.create(
        actor=users["moderator"], action="approve", comment=comment, article=article
    )
    yield {
        "article": article,
        "comment": comment,
        "writer": writer,
        "users": users,
        "entry": entry,
        "notice": notice,
    }
    cache.clear()


def snapshot() -> dict:
    """Everything a discussion, moderation or flag request could change."""
    return {
        "comments": sorted(
            Comment.objects.values_list(
                "pk", "status", "body_source", "edited", "is_featured", "replies_locked"
            )
        ),
        "revisions": sorted(CommentRevision.objects.values_list("pk", "comment_id")),
        "follows": sorted(ThreadFollow.objects.values_list("user_id", "article_id")),
        "notices": sorted(Notification.objects.values_list("pk", "user_id", "read_at")),
        "flags": Flag.objects.count(),
        "standing": StandingChange.objects.count(),
        "notes": UserNote.objects.count(),
        "log": LogEntry.objects.count(),
        "articles": sorted(
            Article.objects.values_list(
                "pk", "comment_policy", "discussion_locked", "discussion_closes_at"
            )
        ),
        "moderators": sorted(Group.objects.get(name="Moderators").user_set.values_list("pk")),
        "settings": list(ModerationSettings.objects.values()),
        # Who gets notification mail (a profile made on first visit is not a change).
        "mail": sorted(
            Profile.objects.filter(email_notifications=True).values_list("user_id", flat=True)
        ),
    }


def client_for(role: str, world: dict, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anon":
        client.force_login(world["users"][role])
    return client


def check(response, expected) -> None:
    if expected == "L":
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{response.status_code} != {expected}: {response.content[:300]!r}"
        )


CELLS = [
    (name, method, index, role)
    for name, row in TABLE.items()
    for method, codes in (("GET", row.get), ("POST", row.post))
    if codes is not None
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(
    ("name", "method", "index", "role"),
    CELLS,
    ids=[f"{name}-{method}-{role}" for name, method, _, role in CELLS],
)
def test_role_matrix(world, name, method, index, role):
    row = TABLE[name]
    expected = (row.get if method == "GET" else row.post)[index]
    url = reverse(name, kwargs=url_kwargs(name, world))
    client = client_for(role, world)
    before = snapshot()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(name, world))
    check(response, expected)
    if method == "GET" or expected in ("L", 400, 403, 404, 405):
        assert snapshot() == before, f"{method} {url} as {role} changed the database"
    elif name.startswith("moderation:") or name in MUST_CHANGE:
        # A successful POST is a real action, not a redirect that did nothing.
        assert snapshot() != before, f"POST {url} as {role} changed nothing"


# Successful POSTs of these must have done something (a follow may already exist, and
# "mark all read" finds nothing for most roles).
MUST_CHANGE = {
    "comments:post",
    "comments:edit",
    "comments:delete",
    "comments:notification_read",
    "accounts:unsubscribe",
}

POST_VIEWS = [
    (name, ROLES[row.post.index(302)])
    for name, row in TABLE.items()
    if row.post is not None and 302 in row.post and name != "accounts:login"
]


@pytest.mark.parametrize(("name", "role"), POST_VIEWS, ids=[n for n, _ in POST_VIEWS])
def test_post_without_a_csrf_token_is_refused(world, name, role):
    client = client_for(role, world, enforce_csrf_checks=True)
    before = snapshot()
    response = client.post(reverse(name, kwargs=url_kwargs(name, world)), post_data(name, world))
    assert response.status_code == 403
    assert snapshot() == before


def test_login_post_without_a_csrf_token_is_refused(world):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "reader", "password": "x"}
    )
    assert response.status_code == 403
