"""The one-click unsubscribe of notification mails (RFC 8058): a signed address per reader;
GET asks, POST turns the reader's mail off, without a session or a CSRF token."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.mail import unsubscribe_token, user_id_from_unsubscribe_token
from accounts.models import Profile


@pytest.fixture
def rita(make_user):
    user = make_user("rita")
    Profile.objects.filter(user=user).update(email_notifications=True)
    return user


def url_for(token: str) -> str:
    return reverse("accounts:unsubscribe", args=[token])


def mail_is_on(user) -> bool:
    return Profile.objects.get(user=user).email_notifications


def test_it_shows_a_confirmation_on_get_and_changes_nothing(client, rita):
    response = client.get(url_for(unsubscribe_token(rita)))
    assert response.status_code == 200
    assert b"Turn notification mail off" in response.content
    assert b'method="post"' in response.content
    assert "no-store" in response["Cache-Control"]  # it names the reader: no shared cache
    assert mail_is_on(rita)


def test_a_post_with_the_token_turns_mail_off_without_login_or_csrf_token(rita):
    client = Client(enforce_csrf_checks=True)  # as a mail client posts: no cookie, no token
    response = client.post(url_for(unsubscribe_token(rita)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"Notification mail is off" in response.content
    assert not mail_is_on(rita)
    # A second POST (a client retrying) is answered the same way.
    assert client.post(url_for(unsubscribe_token(rita))).status_code == 200
    assert not mail_is_on(rita)


def test_it_turns_off_only_the_tokens_reader(client, rita, make_user):
    sam = make_user("sam")
    Profile.objects.filter(user=sam).update(email_notifications=True)
    client.force_login(sam)  # whoever is signed in, the token decides
    client.post(url_for(unsubscribe_token(rita)))
    assert not mail_is_on(rita)
    assert mail_is_on(sam)


@pytest.mark.parametrize(
    "token",
    ["nonsense", "1:forged-signature", "", signing.Signer(salt="another.salt").sign("1")],
    ids=["garbage", "forged", "empty", "other-salt"],
)
def test_a_bad_token_is_refused_and_changes_nothing(client, rita, token):
    if not token:
        response = client.post("/unsubscribe//")
        assert response.status_code == 404
    else:
        for method in (client.get, client.post):
            response = method(url_for(token))
            assert response.status_code == 400
            assert b"This link does not work" in response.content
    assert mail_is_on(rita)


def test_a_token_made_with_another_salt_for_the_same_user_is_refused(rita):
    other = signing.Signer(salt="agora.something.else").sign(str(rita.pk))
    assert user_id_from_unsubscribe_token(other) is None
    assert user_id_from_unsubscribe_token(unsubscribe_token(rita)) == rita.pk
    assert unsubscribe_token(rita).startswith(f"{rita.pk}:")


def test_a_valid_token_for_a_deleted_account_is_not_found(client, rita):
    token = unsubscribe_token(rita)
    rita.delete()
    assert client.post(url_for(token)).status_code == 404


def test_only_get_and_post_are_answered(client, rita):
    assert client.put(url_for(unsubscribe_token(rita))).status_code == 405
    assert mail_is_on(rita)
