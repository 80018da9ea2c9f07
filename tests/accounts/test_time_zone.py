"""A reader's own time zone: chosen in settings, and every time on their pages shown in it."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Profile, profile_for
from comments.models import Comment
from tests.moderation.world import make_comment, make_user
from web.timezones import SESSION_KEY

pytestmark = pytest.mark.django_db

NOON_UTC = datetime.datetime(2025, 3, 14, 12, 0, tzinfo=datetime.UTC)


def choose(user, zone: str) -> None:
    """Store a zone past the form (an older row, or one written by hand)."""
    Profile.objects.filter(pk=profile_for(user).pk).update(time_zone=zone)


def settings_data(user, **extra) -> dict:
    profile = profile_for(user)
    return {
        "display_name": profile.display_name,
        "bio": profile.bio,
        "email": user.email,
        "time_zone": "",
    } | extra


@pytest.fixture
def thread(make_article):
    article = make_article()
    comment = make_comment(article, make_user("don"), "Noon in London.")
    Comment.objects.filter(pk=comment.pk).update(created=NOON_UTC)
    return article


def test_the_settings_offer_every_zone_and_the_site_default(client, settings):
    settings.TIME_ZONE = "UTC"
    client.force_login(make_user("liz"))
    page = client.get(reverse("accounts:settings")).content.decode()
    assert '<option value="" selected>The site&#x27;s (UTC)</option>' in page
    assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in page


def test_a_reader_chooses_a_zone_and_sees_the_thread_in_it(client, thread):
    liz = make_user("liz")
    client.force_login(liz)
    response = client.post(reverse("accounts:settings"), settings_data(liz, time_zone="Asia/Tokyo"))
    assert response.status_code == 302
    assert Profile.objects.get(user=liz).time_zone == "Asia/Tokyo"
    assert client.session[SESSION_KEY] == "Asia/Tokyo"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'title="14 March 2025, 21:00 JST"' in page
    assert 'datetime="2025-03-14T12:00:00+00:00"' in page


def test_anyone_else_sees_the_sites_zone(client, settings, thread):
    settings.TIME_ZONE = "UTC"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'title="14 March 2025, 12:00 UTC"' in page
    liz = make_user("liz")
    client.force_login(liz)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'title="14 March 2025, 12:00 UTC"' in page


def test_signing_in_brings_the_chosen_zone(client, thread):
    liz = make_user("liz", password="a-long-password-1")
    choose(liz, "America/New_York")
    client.post(reverse("accounts:login"), {"username": "liz", "password": "a-long-password-1"})
    assert client.session[SESSION_KEY] == "America/New_York"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'title="14 March 2025, 08:00 EDT"' in page


def test_a_session_from_before_the_setting_reads_the_profile_once(client, thread):
    liz = make_user("liz")
    client.force_login(liz)
    choose(liz, "Europe/Berlin")
    session = client.session
    del session[SESSION_KEY]
    session.save()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'title="14 March 2025, 13:00 CET"' in page
    assert client.session[SESSION_KEY] == "Europe/Berlin"


def test_an_unknown_zone_is_refused_with_a_message(client):
    liz = make_user("liz")
    client.force_login(liz)
    response = client.post(
        reverse("accounts:settings"), settings_data(liz, time_zone="Mars/Olympus")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=liz).time_zone == ""


def test_a_stored_zone_that_no_longer_exists_falls_back_to_the_sites(client, settings, thread):
    settings.TIME_ZONE = "UTC"
    liz = make_user("liz")
    choose(liz, "Nowhere/Gone")
    client.force_login(liz)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert 'title="14 March 2025, 12:00 UTC"' in response.content.decode()


def test_moderation_pages_show_times_in_the_zone_too(client, thread):
    from moderation.models import UserNote

    mod = make_user("mia", role="moderator")
    don = make_user("donna")
    note = UserNote.objects.create(user=don, author=mod, body="Watch this one.")
    UserNote.objects.filter(pk=note.pk).update(created=NOON_UTC)
    choose(mod, "Asia/Kolkata")
    client.force_login(mod)
    page = client.get(reverse("moderation:user", args=["donna"])).content.decode()
    assert '<time datetime="2025-03-14T17:30:00+05:30">14 Mar 2025 17:30</time>' in page
