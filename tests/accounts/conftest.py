"""Accounts fixtures: one user per role, each with a known password."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

from accounts.models import Profile

PASSWORD = "a-long-test-passphrase"


@pytest.fixture(autouse=True)
def fresh_rate_limits_and_fast_hashing(settings):
    # Rate-limit counts live in the cache, which outlives a test: start each test at zero.
    cache.clear()
    # Hashing at full strength makes every created user cost a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username: str, *, profile: bool = True, **extra):
        User = get_user_model()
        extra.setdefault("email", f"{username}@example.org")
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if profile:
            Profile.objects.create(user=user)
        return user

    return make


@dataclass
class Roles:
    reader: object
    other: object
    moderator: object
    admin: object


@pytest.fixture
def roles(make_user) -> Roles:
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(Permission.objects.get(codename="moderate"))
    moderator = make_user("moddy")
    moderator.groups.add(moderators)
    return Roles(
        reader=make_user("rita"),
        other=make_user("otto"),
        moderator=moderator,
        admin=make_user("ada", is_staff=True, is_superuser=True),
    )


def client_for(client, user):
    """The test client signed in as `user`, or anonymous for None."""
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def make_comment(db):
    from comments.models import Comment, CommentStatus
    from web.markup import render_markdown

    def make(article, user, body: str = "A fair point.", status=CommentStatus.PUBLISHED):
        position = Comment.objects.filter(article=article).count()
        return Comment.objects.create(
            article=article,
            user=user,
            body_source=body,
            body_html=render_markdown(body),
            status=status,
            position=position,
        )

    return make
