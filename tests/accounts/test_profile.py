import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.actions import update_settings
from accounts.models import Profile
from comments.models import CommentStatus

User = get_user_model()


def profile_url(user) -> str:
    return reverse("accounts:profile", args=[user.get_username()])


@pytest.fixture
def article(make_article):
    return make_article("The ferry returns")


def test_it_shows_the_name_bio_and_joined_date(client, make_user):
    rita = make_user("rita", date_joined=timezone.make_aware(datetime.datetime(2024, 3, 5)))
    update_settings(
        rita,
        display_name="Rita M.",
        bio="I like *ferries*.",
        email=rita.email,
        email_notifications=False,
    )
    response = client.get(profile_url(rita))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Rita M.</h1>" in html
    assert "<em>ferries</em>" in html
    assert "5 March 2024" in html
    assert "rita" in html


def test_without_a_display_name_it_shows_the_username(client, make_user):
    response = client.get(profile_url(make_user("rita")))
    assert "<h1>rita</h1>" in response.content.decode()


def test_a_user_without_a_profile_gets_one_instead_of_a_crash(client, make_user):
    bare = make_user("bare", profile=False)
    response = client.get(profile_url(bare))
    assert response.status_code == 200
    assert Profile.objects.filter(user=bare).exists()


def test_unknown_and_inactive_users_are_404(client, make_user):
    make_user("gone", is_active=False)
    assert client.get(reverse("accounts:profile", args=["nobody"])).status_code == 404
    assert client.get(reverse("accounts:profile", args=["gone"])).status_code == 404


def test_it_lists_their_comments_newest_first_linked_to_permalinks(
    client, make_user, make_article, make_comment
):
    rita, otto = make_user("rita"), make_user("otto")
    ferry, library = make_article("Ferry returns"), make_article("Library reopens")
    older = make_comment(ferry, rita, "First thoughts")
    newer = make_comment(library, rita, "Second thoughts")
    newer.added = older.added + datetime.timedelta(minutes=5)
    newer.save(update_fields=["added"])
    make_comment(ferry, otto, "Not hers")

    response = client.get(profile_url(rita))

    assert [c.pk for c in response.context["page"]] == [newer.pk, older.pk]
    html = response.content.decode()
    assert f'href="{newer.get_absolute_url()}">Library reopens</a>' in html
    assert f'href="{older.get_absolute_url()}">Ferry returns</a>' in html
    assert "Not hers" not in html


def test_it_shows_only_what_the_viewer_may_see(client, roles, article, make_comment):
    rita = roles.reader
    make_comment(article, rita, "Published words")
    make_comment(article, rita, "Pending words", status=CommentStatus.PENDING)
    make_comment(article, rita, "Spam words", status=CommentStatus.SPAM)
    make_comment(article, rita, "Deleted words", status=CommentStatus.DELETED)
    make_comment(article, rita, "Removed words", status=CommentStatus.REMOVED)

    def seen_by(viewer) -> str:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        return client.get(profile_url(rita)).content.decode()

    anonymous = seen_by(None)
    assert "Published words" in anonymous
    assert "Pending words" not in anonymous and "Spam words" not in anonymous
    assert "Removed words" not in anonymous
    assert "removed by a moderator" in anonymous
    assert "Deleted words" not in anonymous

    assert "Pending words" not in seen_by(roles.other)

    own = seen_by(rita)
    assert "Pending words" in own and "Pending review" in own
    assert "Spam words" not in own and "Deleted words" not in own

    moderator = seen_by(roles.moderator)
    assert all(w in moderator for w in ["Pending words", "Spam words", "Removed words"])
    assert "Deleted words" not in moderator


def test_comments_are_paginated_and_a_bad_page_is_refused(client, make_user, article, make_comment):
    rita = make_user("rita")
    for i in range(25):
        make_comment(article, rita, f"Comment {i}")
    first = client.get(profile_url(rita))
    assert len(first.context["page"].object_list) == 20
    assert "25 comments" in first.content.decode()
    second = client.get(profile_url(rita), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert client.get(profile_url(rita), {"page": 3}).status_code == 404
    assert client.get(profile_url(rita), {"page": "x"}).status_code == 400


@pytest.mark.parametrize("viewer", ["anonymous", "reader", "moderator"])
def test_it_costs_the_same_queries_for_few_or_many_comments(
    client, roles, make_article, make_comment, viewer
):
    rita = roles.reader
    if viewer != "anonymous":
        client.force_login(roles.reader if viewer == "reader" else roles.moderator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(profile_url(rita)).status_code == 200
        return len(captured)

    make_comment(make_article(), rita)
    few = queries()
    for _ in range(19):
        make_comment(make_article(), rita)
    assert queries() == few
    assert few <= 8


def test_the_owner_sees_a_link_to_settings_others_do_not(client, roles):
    assert (
        reverse("accounts:settings") not in client.get(profile_url(roles.reader)).content.decode()
    )
    client.force_login(roles.reader)
    assert "Edit your profile" in client.get(profile_url(roles.reader)).content.decode()
    assert "Edit your profile" not in client.get(profile_url(roles.other)).content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_reads(client, make_user, method):
    assert getattr(client, method)(profile_url(make_user("rita"))).status_code == 405


def test_the_header_links_to_the_signed_in_users_profile_and_settings(client, make_user):
    rita = make_user("rita")
    anonymous = client.get(reverse("archive:home")).content.decode()
    assert reverse("accounts:signup") in anonymous
    assert reverse("accounts:login") in anonymous
    client.force_login(rita)
    html = client.get(reverse("archive:home")).content.decode()
    assert f'href="{profile_url(rita)}"' in html
    assert f'href="{reverse("accounts:settings")}"' in html
    assert reverse("accounts:signup") not in html
