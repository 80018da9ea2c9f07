"""Fixtures for the discussion tests: the six roles and a small thread."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from comments.actions import post_comment
from comments.models import Comment, CommentStatus


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Password hashing is deliberately slow; these tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def trusted_new_accounts(db):
    """These tests are about the discussion, not moderation's screening: the fixture users are
    brand-new accounts, which moderation would hold until two of their comments were approved.
    The tests that exercise holds set a rule (pre-moderated article) explicitly."""
    from moderation.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"new_account_approvals": 0})


@pytest.fixture
def users(db, django_user_model):
    """reader, author (of the comment under test), other (another reader), moderator, admin."""
    make = django_user_model.objects.create_user
    moderator = make("moderator", "mod@example.org", "pass-moderator-1")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate"))
    return {
        "reader": make("reader", "reader@example.org", "pass-reader-1"),
        "author": make("author", "author@example.org", "pass-author-1"),
        "other": make("other", "other@example.org", "pass-other-1"),
        "moderator": moderator,
        "admin": django_user_model.objects.create_superuser(
            "admin", "admin@example.org", "pass-admin-1"
        ),
    }


ROLES = ["anonymous", "reader", "author", "other", "moderator", "admin"]


@pytest.fixture
def client_for(client, users):
    """A test client signed in as `role` (or anonymous)."""

    def make(role: str):
        client.logout()
        if role != "anonymous":
            # "reader" reads; "other" has written elsewhere in the thread: both outsiders.
            client.force_login(users[role])
        return client

    return make


@pytest.fixture
def article(make_article):
    return make_article("A discussed article")


@pytest.fixture
def comment(users, article) -> Comment:
    return post_comment(users["author"], article, "The *original* text.")


def make_comment(article, *, parent=None, user=None, status=CommentStatus.PUBLISHED, **extra):
    """A comment stored directly (imported-style), without the posting rules."""
    from django.utils import timezone

    body = extra.pop("body", "Text.")
    return Comment.objects.create(
        article=article,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        user=user,
        body_source=body,
        body_html=f"<p>{body}</p>",
        status=status,
        created=extra.pop("created", timezone.now()),
        **extra,
    )
