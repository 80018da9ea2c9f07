"""The one moderator check: signed in, active, holding comments.moderate (or a superuser)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User

from web.permissions import can_moderate


@pytest.fixture
def moderator(db):
    user = User.objects.create(username="mod")
    user.user_permissions.add(Permission.objects.get(codename="moderate"))
    return User.objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def test_it_says_a_moderator_moderates(moderator):
    assert can_moderate(moderator)


def test_it_says_readers_and_anonymous_visitors_do_not(db):
    assert not can_moderate(User.objects.create(username="reader"))
    assert not can_moderate(AnonymousUser())
    assert not can_moderate(None)


def test_an_inactive_moderator_moderates_nowhere(moderator):
    moderator.is_active = False
    assert not can_moderate(moderator)
    assert not can_moderate(moderator, holds_moderate=True)


def test_it_trusts_what_a_query_read_of_the_permission(db, moderator, django_assert_num_queries):
    reader = User.objects.create(username="reader")
    superuser = User.objects.create(username="root", is_superuser=True)
    with django_assert_num_queries(0):
        assert can_moderate(moderator, holds_moderate=True)
        assert not can_moderate(reader, holds_moderate=False)
        assert can_moderate(superuser, holds_moderate=False)
        assert not can_moderate(AnonymousUser(), holds_moderate=True)
