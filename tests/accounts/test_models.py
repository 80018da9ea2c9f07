import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from accounts.actions import sign_up
from accounts.models import Profile, profile_for
from accounts.validators import validate_display_name

User = get_user_model()


def test_profile_for_creates_a_missing_profile_once(make_user):
    bare = make_user("bare", profile=False)
    first = profile_for(bare)
    assert first.pk is not None
    fresh = User.objects.get(pk=bare.pk)
    assert profile_for(fresh).pk == first.pk
    assert Profile.objects.filter(user=bare).count() == 1


def test_profile_for_returns_the_existing_profile_without_a_query(
    make_user, django_assert_num_queries
):
    rita = make_user("rita")
    rita = User.objects.select_related("profile").get(pk=rita.pk)
    with django_assert_num_queries(0):
        assert profile_for(rita).user_id == rita.pk


def test_set_bio_renders_the_markdown_subset_and_drops_raw_html(db):
    profile = Profile()
    profile.set_bio("Hi *there*\r\n\r\n<script>alert(1)</script> [x](javascript:alert(1))\x00")
    assert profile.bio == "Hi *there*\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    assert "<em>there</em>" in profile.bio_html
    assert "<script" not in profile.bio_html
    assert 'href="javascript:' not in profile.bio_html
    assert "<a" not in profile.bio_html


def test_a_blank_bio_has_no_html(db):
    profile = Profile()
    profile.set_bio("   \n ")
    assert profile.bio_html == ""


def test_sign_up_creates_the_user_and_its_profile_together(db):
    user = sign_up(username="newbie", email="n@example.org", password="pass phrase here")
    assert user.profile.pk
    assert user.check_password("pass phrase here")


def test_the_name_falls_back_to_the_username(make_user):
    profile = profile_for(make_user("rita"))
    assert profile.name == "rita"
    profile.display_name = "Rita M."
    assert profile.name == str(profile) == "Rita M."


@pytest.mark.parametrize("bad", ["a\tb", "a\nb", "\x1b", "\u2028", "\u202e", "\u2066"])
def test_the_display_name_validator_refuses_control_characters(bad):
    with pytest.raises(ValidationError):
        validate_display_name(bad)


@pytest.mark.parametrize("good", ["Zoë", "👩‍🔬 Ada", "Jean-Luc O'Neil", ""])
def test_the_display_name_validator_accepts_ordinary_names(good):
    validate_display_name(good)
