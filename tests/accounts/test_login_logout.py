from django.conf import settings
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
SETTINGS = reverse("accounts:settings")


def test_logging_in_starts_a_new_session(client, make_user):
    user = make_user("rita")
    session = client.session
    session["seen_the_home_page"] = True
    session.save()
    before = session.session_key

    response = client.post(LOGIN, {"username": "rita", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_refused_without_saying_which_part(client, make_user):
    make_user("rita")
    response = client.post(LOGIN, {"username": "rita", "password": "not it"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "correct username and password" in response.content.decode()


def test_login_follows_a_safe_next_only(client, make_user):
    make_user("rita")
    response = client.post(
        LOGIN, {"username": "rita", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("archive:home")
    client.logout()
    response = client.post(LOGIN, {"username": "rita", "password": PASSWORD, "next": SETTINGS})
    assert response["Location"] == SETTINGS


def test_logging_out_ends_the_session(client, make_user):
    make_user("rita")
    client.post(LOGIN, {"username": "rita", "password": PASSWORD})
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(SETTINGS).status_code == 200

    response = client.post(LOGOUT)

    assert response.status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(SETTINGS)
    assert response.status_code == 302, "the old session key no longer signs anyone in"
    assert response["Location"].startswith(LOGIN)


def test_logout_is_post_only(client, make_user):
    client.force_login(make_user("rita"))
    assert client.get(LOGOUT).status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_needs_a_csrf_token(make_user):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(make_user("rita"))
    assert csrf_client.post(LOGOUT).status_code == 403
    assert "_auth_user_id" in csrf_client.session


def test_login_needs_a_csrf_token(make_user):
    make_user("rita")
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(LOGIN, {"username": "rita", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in csrf_client.session


def test_an_inactive_user_cannot_log_in(client, make_user):
    make_user("gone", is_active=False)
    client.post(LOGIN, {"username": "gone", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_login_page_links_to_sign_up_and_password_reset(client, db):
    html = client.get(LOGIN).content.decode()
    assert reverse("accounts:signup") in html
    assert reverse("accounts:password_reset") in html
