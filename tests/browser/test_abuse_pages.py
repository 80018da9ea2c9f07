"""The pages a throttled or refused reader sees are readable and accessible."""

import pytest
from django.contrib.auth.models import User

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_lockout_page_after_too_many_failed_logins(page, settings, viewport):
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_user("alice", password="correct-horse-battery-9")
    page.set_viewport_size(viewport)
    for _ in range(2):
        page.goto("/accounts/login/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", "wrong")
        with page.expect_response("**/accounts/login/") as answer:
            page.click("main button[type=submit]")
    assert answer.value.status == 429
    assert page.locator("h1").inner_text() == "Too many failed log-ins"
    assert "15 minutes" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, f"lockout-{viewport['width']}")


def test_the_page_for_a_body_too_large(page, settings):
    settings.AGORA_UPLOAD_MAX_BYTES = 1024
    page.goto("/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "y" * 2000)  # the username field has a maxlength
    with page.expect_response("**/accounts/login/") as answer:
        page.click("main button[type=submit]")
    assert answer.value.status == 413
    assert page.locator("h1").inner_text() == "That request is too large"
    assert "1.0\xa0KB" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "request-too-large")
