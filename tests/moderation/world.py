"""Builders shared by the moderation tests and the URL matrix: users per role and comments."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from comments.models import Comment, CommentStatus
from moderation.models import StandingChange, StandingKind
from web.markup import render_markdown


def make_user(username: str, *, role: str = "reader", password: str | None = None):
    """A user in `role`; without a password (hashing one is slow) unless a test logs in
    through the login form."""
    User = get_user_model()
    user = User.objects.create_user(username, f"{username}@example.org", password)
    if role == "moderator":
        user.groups.add(Group.objects.get(name="Moderators"))
    elif role == "admin":
        user.is_staff = user.is_superuser = True
        user.save()
    elif role in ("suspended", "banned"):
        StandingChange.objects.create(
            user=user,
            kind=StandingKind.SUSPEND if role == "suspended" else StandingKind.BAN,
            until=timezone.now() + datetime.timedelta(days=3) if role == "suspended" else None,
            reason="Repeated personal attacks",
        )
    return user


def make_comment(
    article,
    user,
    text: str = "A thoughtful comment.",
    *,
    parent=None,
    status: str = CommentStatus.PUBLISHED,
    **extra,
) -> Comment:
    return Comment.objects.create(
        article=article,
        user=user,
        body_source=text,
        body_html=render_markdown(text),
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        status=status,
        **extra,
    )
