"""Every account page, for every role: anonymous, the reader, another reader, a moderator and
an admin. Status codes, and the database after (nobody edits anyone else's account)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Profile

from .conftest import client_for

User = get_user_model()
ROLES = ["anonymous", "reader", "other", "moderator", "admin"]


def user_for(roles, role):
    return None if role == "anonymous" else getattr(roles, role)


def login_redirect(url: str) -> str:
    return f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,args,anonymous,signed_in",
    [
        ("accounts:signup", [], 200, 302),
        ("accounts:login", [], 200, 200),
        ("accounts:settings", [], 302, 200),
        ("accounts:password_change", [], 302, 200),
        ("accounts:password_change_done", [], 302, 200),
        ("accounts:password_reset", [], 200, 200),
        ("accounts:password_reset_done", [], 200, 200),
        ("accounts:password_reset_complete", [], 200, 200),
        ("accounts:profile", ["rita"], 200, 200),
    ],
)
def test_reading_each_page(client, roles, role, name, args, anonymous, signed_in):
    url = reverse(name, args=args)
    response = client_for(client, user_for(roles, role)).get(url)
    expected = anonymous if role == "anonymous" else signed_in
    assert response.status_code == expected
    if role == "anonymous" and expected == 302:
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("role", ROLES)
def test_settings_post_changes_only_the_posters_own_account(client, roles, role):
    user = user_for(roles, role)
    client = client_for(client, user)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": f"Name by {role}",
            "bio": "",
            "email": user.email if user else "x@example.org",
            "username": "rita",
            "user": roles.reader.pk,
        },
    )
    everyone = {p.user.username: p.display_name for p in Profile.objects.select_related("user")}
    if user is None:
        assert response.status_code == 302
        assert response["Location"] == login_redirect(reverse("accounts:settings"))
        assert set(everyone.values()) == {""}
    else:
        assert response.status_code == 302
        assert everyone.pop(user.username) == f"Name by {role}"
        assert set(everyone.values()) == {""}, "no other account was touched"


@pytest.mark.parametrize("role", ROLES)
def test_password_change_changes_only_the_posters_own_password(client, roles, role):
    user = user_for(roles, role)
    client = client_for(client, user)
    before = {u.pk: u.password for u in User.objects.all()}
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "a-long-test-passphrase",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    after = {u.pk: u.password for u in User.objects.all()}
    assert response.status_code == 302
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == (set() if user is None else {user.pk})


@pytest.mark.parametrize("role", ROLES)
def test_logout_signs_out_whoever_posts_it(client, roles, role):
    client = client_for(client, user_for(roles, role))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,args",
    [
        ("accounts:signup", []),
        ("accounts:settings", []),
        ("accounts:logout", []),
        ("accounts:profile", ["rita"]),
        ("accounts:password_change", []),
        ("accounts:password_reset", []),
        ("accounts:login", []),
    ],
)
def test_wrong_methods_are_405(client, roles, role, name, args):
    client = client_for(client, user_for(roles, role))
    url = reverse(name, args=args)
    if role == "anonymous" and name == "accounts:settings":
        # The login check comes first: nothing about the page is said to a stranger.
        assert client.put(url).status_code == 302
        return
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    if name == "accounts:logout":
        assert client.get(url).status_code == 405
    if name == "accounts:profile":
        assert client.post(url).status_code == 405


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name",
    [
        "accounts:signup",
        "accounts:login",
        "accounts:logout",
        "accounts:settings",
        "accounts:password_change",
        "accounts:password_reset",
    ],
)
def test_every_post_needs_a_csrf_token(roles, role, name):
    user = user_for(roles, role)
    csrf_client = Client(enforce_csrf_checks=True)
    if user is not None:
        csrf_client.force_login(user)
    before = {u.pk: (u.password, u.email, u.last_login) for u in User.objects.all()}
    response = csrf_client.post(
        reverse(name),
        {"username": "x", "email": "x@example.org", "password": "y", "display_name": "Z"},
    )
    assert response.status_code == 403
    assert {u.pk: (u.password, u.email, u.last_login) for u in User.objects.all()} == before
    assert not Profile.objects.filter(display_name="Z").exists()
