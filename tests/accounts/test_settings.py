import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Profile, profile_for

from .conftest import PASSWORD

User = get_user_model()
URL = reverse("accounts:settings")


def form(user, **overrides) -> dict:
    data = {
        "display_name": "Rita M.",
        "bio": "I read about **ferries**.",
        "email": user.email,
        "current_password": "",
        "email_notifications": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_needs_a_signed_in_user(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_it_shows_the_current_values(client, make_user):
    rita = make_user("rita")
    profile = profile_for(rita)
    profile.display_name = "Rita M."
    profile.save()
    client.force_login(rita)
    html = client.get(URL).content.decode()
    assert 'value="Rita M."' in html
    assert 'value="rita@example.org"' in html
    assert reverse("accounts:password_change") in html


def test_it_saves_name_bio_and_notifications(client, make_user):
    rita = make_user("rita")
    client.force_login(rita)
    response = client.post(URL, form(rita, display_name="  Rita M.  "))
    assert response.status_code == 302
    assert response["Location"] == URL
    profile = Profile.objects.get(user=rita)
    assert profile.display_name == "Rita M."
    assert profile.bio == "I read about **ferries**."
    assert profile.bio_html == "<p>I read about <strong>ferries</strong>.</p>\n"
    assert profile.email_notifications is True
    follow = client.get(URL)
    assert "Your settings are saved." in follow.content.decode()


def test_unticking_turns_notifications_off(client, make_user):
    rita = make_user("rita")
    Profile.objects.filter(user=rita).update(email_notifications=True)
    client.force_login(rita)
    client.post(URL, form(rita, email_notifications=None))
    assert Profile.objects.get(user=rita).email_notifications is False


def test_clearing_the_bio_clears_its_html(client, make_user):
    rita = make_user("rita")
    client.force_login(rita)
    client.post(URL, form(rita))
    client.post(URL, form(rita, bio=""))
    profile = Profile.objects.get(user=rita)
    assert (profile.bio, profile.bio_html) == ("", "")


def test_a_user_without_a_profile_can_use_settings(client, make_user):
    bare = make_user("bare", profile=False)
    client.force_login(bare)
    assert client.get(URL).status_code == 200
    client.post(URL, form(bare))
    assert Profile.objects.get(user=bare).display_name == "Rita M."


@pytest.mark.parametrize(
    "name",
    ["tab\there", "new\nline", "bell\x07", "esc\x1b[31m", "nul\x00", "rtl\u202eevil", "x" * 81],
)
def test_a_display_name_with_control_characters_or_too_long_is_refused(client, make_user, name):
    rita = make_user("rita")
    client.force_login(rita)
    response = client.post(URL, form(rita, display_name=name))
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert Profile.objects.get(user=rita).display_name == ""


@pytest.mark.parametrize("name", ["Zoë Ångström", "李小龙", "Ana 🚲", "O'Brien & Sons", "x" * 80])
def test_ordinary_names_are_fine(client, make_user, name):
    rita = make_user("rita")
    client.force_login(rita)
    assert client.post(URL, form(rita, display_name=name)).status_code == 302
    assert Profile.objects.get(user=rita).display_name == name


def test_a_bio_over_2000_characters_is_refused_and_kept_in_the_form(client, make_user):
    rita = make_user("rita")
    client.force_login(rita)
    long_bio = "word " * 401
    response = client.post(URL, form(rita, bio=long_bio, display_name="Kept name"))
    assert response.status_code == 200
    assert "bio" in response.context["form"].errors
    html = response.content.decode()
    assert long_bio.strip() in html
    assert 'value="Kept name"' in html
    assert Profile.objects.get(user=rita).bio == ""


def test_changing_the_email_needs_the_current_password(client, make_user):
    rita = make_user("rita")
    client.force_login(rita)
    response = client.post(URL, form(rita, email="new@example.org"))
    assert "current_password" in response.context["form"].errors
    rita.refresh_from_db()
    assert rita.email == "rita@example.org"

    response = client.post(URL, form(rita, email="new@example.org", current_password=PASSWORD))
    assert response.status_code == 302
    rita.refresh_from_db()
    assert rita.email == "new@example.org"


def test_the_email_must_stay_unique_whatever_its_case(client, make_user):
    rita = make_user("rita")
    make_user("otto", email="otto@example.org")
    client.force_login(rita)
    response = client.post(URL, form(rita, email="OTTO@example.org", current_password=PASSWORD))
    assert "email" in response.context["form"].errors
    rita.refresh_from_db()
    assert rita.email == "rita@example.org"


def test_a_change_of_case_in_ones_own_email_is_allowed(client, make_user):
    rita = make_user("rita")
    client.force_login(rita)
    response = client.post(URL, form(rita, email="RITA@example.org"))
    assert response.status_code == 302
    rita.refresh_from_db()
    assert rita.email == "RITA@example.org"


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c"])
def test_a_bad_email_is_refused(client, make_user, email):
    rita = make_user("rita")
    client.force_login(rita)
    response = client.post(URL, form(rita, email=email, current_password=PASSWORD))
    assert "email" in response.context["form"].errors
    rita.refresh_from_db()
    assert rita.email == "rita@example.org"


def test_posted_ids_cannot_point_the_form_at_someone_else(client, roles):
    client.force_login(roles.reader)
    data = form(roles.reader, display_name="Hijacked")
    data.update({"user": roles.other.pk, "user_id": roles.other.pk, "username": "otto"})
    client.post(URL, data)
    assert Profile.objects.get(user=roles.other).display_name == ""
    assert Profile.objects.get(user=roles.reader).display_name == "Hijacked"


def test_it_needs_a_csrf_token(make_user):
    rita = make_user("rita")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(rita)
    assert csrf_client.post(URL, form(rita)).status_code == 403
    assert Profile.objects.get(user=rita).display_name == ""


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, make_user, method):
    client.force_login(make_user("rita"))
    assert getattr(client, method)(URL).status_code == 405
