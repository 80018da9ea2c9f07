"""A newcomer's path: sign up, fill in the profile, see it, log out; and every account page
checked with axe-core on a phone and a desktop."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commented_article(make_article):
    return make_article(
        "The ferry returns to Mill Quay",
        paragraphs=("The ferry crossed the river at seven on Monday morning.",),
    )


def sign_up(page, username: str = "mara") -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill("a quiet harbour at dawn")
    page.get_by_label("Password again").fill("a quiet harbour at dawn")
    page.get_by_role("button", name="Create my account").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_sign_up_fill_in_the_profile_see_it_and_log_out(page, viewport, commented_article):
    page.set_viewport_size(viewport)
    width = viewport["width"]

    page.goto("/accounts/signup/")
    assert page.locator("h1").inner_text() == "Sign up"
    # The honeypot is in the form but takes no room on the screen and no Tab stop.
    honeypot = page.locator("input[name=website]")
    assert honeypot.count() == 1
    box = honeypot.bounding_box()
    assert box["x"] + box["width"] <= 0, "the honeypot is off-screen"
    assert_accessible(page)
    screenshot(page, f"accounts-signup-{width}")

    sign_up(page)
    assert urlsplit(page.url).path == "/", "landed on the home page"
    assert page.get_by_role("status").inner_text().startswith("Welcome, mara")
    account_nav = page.get_by_role("navigation", name="Account")
    assert account_nav.get_by_role("link", name="Your profile: mara").is_visible()

    account_nav.get_by_role("link", name="Settings").click()
    assert page.locator("h1").inner_text() == "Settings"
    page.get_by_label("Display name").fill("Mara Ellison")
    page.get_by_label("About you").fill(
        "I write about **rivers** and *ferries*.\n\nMore at [the quay](https://example.org/quay)."
    )
    page.get_by_label("E-mail me about replies to my comments").check()
    assert_accessible(page)
    screenshot(page, f"accounts-settings-{width}")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("status").inner_text() == "Your settings are saved."

    page.get_by_role("link", name="See your profile").click()
    assert page.locator("h1").inner_text() == "Mara Ellison"
    bio = page.locator(".profile__bio")
    assert bio.locator("strong").inner_text() == "rivers"
    assert bio.locator("em").inner_text() == "ferries"
    assert bio.get_by_role("link", name="the quay").get_attribute("href") == (
        "https://example.org/quay"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, f"accounts-profile-{width}")

    page.get_by_role("button", name="Log out").click()
    assert (
        page.get_by_role("navigation", name="Account")
        .get_by_role("link", name="Log in")
        .is_visible()
    )
    page.goto("/accounts/settings/")
    assert "/accounts/login/" in page.url


def test_a_profile_with_comments(page, commented_article):
    from django.contrib.auth import get_user_model

    from accounts.actions import update_settings
    from comments.models import Comment
    from web.markup import render_markdown

    user = get_user_model().objects.create_user("ana", "ana@example.org", "a quiet harbour")
    update_settings(
        user,
        display_name="Ana Ruiz",
        bio="Reader of the *Courier* since 2009.",
        email=user.email,
        email_notifications=False,
    )
    bodies = [
        "The new timetable is a real improvement for anyone working early shifts.",
        "I took the crossing on Monday: quieter engine, **same view**.",
    ]
    for position, body in enumerate(bodies):
        Comment.objects.create(
            article=commented_article,
            user=user,
            body_source=body,
            body_html=render_markdown(body),
            position=position,
        )
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto("/people/ana/")
        assert page.locator(".profile-comment").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_accessible(page)
        screenshot(page, f"accounts-profile-comments-{viewport['width']}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_log_in_and_password_pages_are_accessible(page, viewport, django_user_model):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    django_user_model.objects.create_user("ana", "ana@example.org", "a quiet harbour")

    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Log in").click()
    assert page.locator(".field-error, .form-errors").count() >= 1
    assert_accessible(page)
    screenshot(page, f"accounts-login-errors-{width}")

    page.get_by_role("link", name="Forgot your password?").click()
    assert page.locator("h1").inner_text() == "Reset your password"
    assert_accessible(page)
    screenshot(page, f"accounts-password-reset-{width}")
    page.get_by_label("E-mail address").fill("ana@example.org")
    page.get_by_role("button", name="Send me a reset link").click()
    assert page.locator("h1").inner_text() == "Check your e-mail"
    assert_accessible(page)

    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create my account").click()
    assert page.locator(".field-error").count() >= 3
    assert_accessible(page)
    screenshot(page, f"accounts-signup-errors-{width}")
