"""The Content-Security-Policy is on every response, and no page of ours needs it relaxed:
no inline <script>, no style="" and no on*="" attribute anywhere in what we render."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def parse_policy(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


# Data blocks, which browsers never run (so the policy does not cover them): JSON read by
# our scripts and the JSON-LD read by search engines.
DATA_BLOCKS = ("application/json", "application/ld+json")


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: script elements with a body and no src, and
    style/on* attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
        if tag == "script" and "src" not in names and names.get("type") not in DATA_BLOCKS:
            self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")


@pytest.fixture
def site(make_article, make_author, make_source):
    source = make_source("The Harbour Gazette", homepage="https://gazette.example/")
    author = make_author("Ada Byline")
    article = make_article(
        "Ferry timetable changes", source=source, authors=(author,), kicker="Transport"
    )
    return {
        "home": "/",
        "article list": "/articles/",
        "filtered list": "/articles/?q=ferry",
        "article": article.get_absolute_url(),
        "sources": "/sources/",
        "source": source.get_absolute_url(),
        "author": author.get_absolute_url(),
        "login": "/accounts/login/",
        "a missing page": "/no-such-page/",
    }


def test_every_page_of_ours_has_the_policy_and_no_inline_code(client, site):
    for name, url in site.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        policy = parse_policy(response["Content-Security-Policy"])
        assert policy == EXPECTED_DIRECTIVES, name
        finder = InlineCodeFinder()
        finder.feed(response.content.decode())
        assert finder.problems == [], f"{name} ({url}): {finder.problems}"


def test_feeds_carry_the_policy_too(client, site, make_source):
    for url in ("/feeds/articles/", site["source"] + "feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_signed_in_pages_have_no_inline_code_either(client, site):
    # The header changes when signed in (the log-out form, the admin link).
    staff = User.objects.create_user("editor", password="x-long-password-1", is_staff=True)
    client.force_login(staff)
    for url in (site["home"], site["article"]):
        finder = InlineCodeFinder()
        finder.feed(client.get(url).content.decode())
        assert finder.problems == [], url


def test_the_admin_runs_under_the_same_policy(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert parse_policy(response["Content-Security-Policy"]) == EXPECTED_DIRECTIVES


def test_the_finder_catches_what_the_policy_would_block():
    finder = InlineCodeFinder()
    finder.feed(
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<p style="color:red" onclick="x()">a</p><style>p{}</style>'
    )
    assert len(finder.problems) == 4
