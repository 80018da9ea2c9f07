"""The Django admin works under the site's strict Content-Security-Policy: its pages raise no
CSP violation in Chromium, and its scripts (the date shortcuts, the filter widgets) run."""

import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_admin_pages_raise_no_csp_violation(page, make_article):
    make_article("Ferry timetable changes")
    User.objects.create_superuser("boss", "boss@example.org", "boss-long-password-1")
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "boss-long-password-1")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    for url in (
        "/admin/",
        "/admin/archive/article/",
        "/admin/archive/article/add/",
        "/admin/archive/source/add/",
        "/admin/auth/user/add/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], url
    # The admin's own JavaScript ran: the add form has the calendar/clock shortcuts it adds.
    page.goto("/admin/archive/article/add/")
    if page.locator("input.vDateField").count():
        assert page.locator(".datetimeshortcuts").count() > 0
    # ...and the recorder does see a violation when there is one.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.x") is None
