import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.forms import SIGNUP_REFUSED
from accounts.models import Profile

User = get_user_model()
URL = reverse("accounts:signup")


def form(**overrides) -> dict:
    data = {
        "username": "newreader",
        "email": "new.reader@example.org",
        "password1": "correct horse battery",
        "password2": "correct horse battery",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_it_shows_the_form_with_a_hidden_honeypot(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="website"' in html
    assert 'autocomplete="off"' in html and 'tabindex="-1"' in html
    assert "Leave this field empty" in html
    assert 'class="hp-field"' in html
    assert "style=" not in html


def test_it_creates_the_user_and_profile_and_signs_in(client):
    response = client.post(URL, form())
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:home")
    user = User.objects.get(username="newreader")
    assert user.email == "new.reader@example.org"
    assert user.check_password("correct horse battery")
    assert Profile.objects.filter(user=user).exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_redirects_to_a_safe_next(client):
    response = client.post(URL, form(next="/articles/?page=2"))
    assert response["Location"] == "/articles/?page=2"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "\\\\evil"]
)
def test_it_ignores_a_next_pointing_elsewhere(client, next_url):
    response = client.post(URL, form(next=next_url))
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:home")


def test_it_does_not_send_a_new_reader_back_to_the_log_in_form(client):
    login_url = reverse("accounts:login") + "?next=/articles/"
    response = client.post(URL, form(next=login_url))
    assert response["Location"] == reverse("archive:home")


def test_signing_up_starts_a_new_session(client):
    session = client.session
    session["seen_the_home_page"] = True
    session.save()
    before = session.session_key
    client.post(URL, form())
    assert client.session.session_key != before
    assert "_auth_user_id" in client.session


def test_a_username_taken_in_the_same_instant_is_a_form_error(client, monkeypatch):
    from django.db import IntegrityError

    def taken(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr("accounts.views.sign_up", taken)
    response = client.post(URL, form())
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["username"])
    assert "_auth_user_id" not in client.session


def test_a_filled_honeypot_refuses_silently(client):
    response = client.post(URL, form(website="https://spam.example"))
    assert response.status_code == 200
    assert not User.objects.filter(username="newreader").exists()
    assert SIGNUP_REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_email_is_required(client):
    response = client.post(URL, form(email=""))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


def test_email_must_be_unique_whatever_its_case(client, make_user):
    make_user("first", email="Someone@Example.org")
    response = client.post(URL, form(email="someone@EXAMPLE.ORG"))
    assert "Another account already uses" in str(response.context["form"].errors["email"])
    assert User.objects.count() == 1


def test_username_must_be_unique_whatever_its_case(client, make_user):
    make_user("NewReader")
    response = client.post(URL, form())
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


@pytest.mark.parametrize("username", ["has space", "semi;colon", "<script>", "x" * 151, ""])
def test_username_goes_through_djangos_validator(client, username):
    response = client.post(URL, form(username=username))
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password1,password2",
    [
        ("correct horse battery", "correct horse batterx"),  # mismatch
        ("short", "short"),  # too short
        ("password123", "password123"),  # too common
        ("8374652910384", "8374652910384"),  # all digits
        ("newreader1", "newreader1"),  # too like the username
    ],
)
def test_passwords_are_checked_twice_and_by_the_validators(client, password1, password2):
    response = client.post(URL, form(password1=password1, password2=password2))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()


def test_errors_keep_what_was_typed_except_passwords(client):
    response = client.post(URL, form(password2="different one entirely"))
    html = response.content.decode()
    assert 'value="newreader"' in html
    assert 'value="new.reader@example.org"' in html
    assert "correct horse battery" not in html


def test_nul_bytes_and_odd_input_give_a_form_error_not_a_500(client):
    response = client.post(URL, form(username="bad\x00name", email="a\x00@example.org"))
    assert response.status_code == 200
    assert not User.objects.exists()


def test_a_signed_in_reader_is_sent_on(client, make_user):
    client.force_login(make_user("already"))
    assert client.get(URL).status_code == 302
    response = client.post(URL, form())
    assert response.status_code == 302
    assert not User.objects.filter(username="newreader").exists()


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "signup": (2, 3600)}
    statuses = []
    for i in range(3):
        statuses.append(
            client.post(URL, form(username=f"reader{i}", email=f"r{i}@example.org")).status_code
        )
        client.logout()
    assert statuses == [302, 302, 429]
    assert not User.objects.filter(username="reader2").exists()
    other_address = client.post(
        URL, form(username="elsewhere", email="e@example.org"), REMOTE_ADDR="192.0.2.7"
    )
    assert other_address.status_code == 302


def test_a_429_says_how_long_to_wait(client, settings):
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "signup": (0, 3600)}
    response = client.post(URL, form())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many sign-ups" in response.content


def test_it_needs_a_csrf_token():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(URL, form())
    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, method):
    assert getattr(client, method)(URL).status_code == 405


def test_a_body_in_a_broken_encoding_is_a_form_error_not_a_500(client):
    body = b"username=\xff\xfe\xc3&email=x%40example.org&password1=\xe9&password2=\xe9"
    response = client.generic("POST", URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not User.objects.exists()
