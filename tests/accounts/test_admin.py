import pytest
from django.urls import reverse

from accounts.models import Profile


@pytest.fixture
def admin_client_for(roles, client):
    client.force_login(roles.admin)
    return client


def change_form(user, profile: Profile | None, **profile_fields) -> dict:
    """The user change form as the admin posts it, with the inline profile."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1" if profile else "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-user": str(user.pk),
        "profile-0-display_name": "",
        "profile-0-bio": "",
    }
    if profile:
        data["profile-0-id"] = str(profile.pk)
    data.update({f"profile-0-{k}": v for k, v in profile_fields.items()})
    return data


def test_an_admin_edit_of_the_bio_re_renders_its_html(admin_client_for, roles):
    rita = roles.reader
    profile = Profile.objects.get(user=rita)
    url = reverse("admin:auth_user_change", args=[rita.pk])
    response = admin_client_for.post(
        url, change_form(rita, profile, bio="Now **bold** <img src=x onerror=alert(1)>")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.bio_html.startswith("<p>Now <strong>bold</strong>")
    assert "<img" not in profile.bio_html


def test_an_admin_can_give_a_profile_to_a_user_without_one(admin_client_for, make_user):
    bare = make_user("bare", profile=False)
    url = reverse("admin:auth_user_change", args=[bare.pk])
    assert admin_client_for.get(url).status_code == 200
    response = admin_client_for.post(url, change_form(bare, None, bio="*hello*"))
    assert response.status_code == 302
    assert Profile.objects.get(user=bare).bio_html == "<p><em>hello</em></p>\n"


def test_a_display_name_with_control_characters_is_refused_in_the_admin_too(
    admin_client_for, roles
):
    rita = roles.reader
    profile = Profile.objects.get(user=rita)
    url = reverse("admin:auth_user_change", args=[rita.pk])
    response = admin_client_for.post(url, change_form(rita, profile, display_name="a\x1bb"))
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.display_name == ""


def test_readers_and_moderators_cannot_reach_the_user_admin(client, roles):
    url = reverse("admin:auth_user_change", args=[roles.reader.pk])
    for user in (roles.reader, roles.moderator):
        client.force_login(user)
        assert client.get(url).status_code == 302
