"""Display names and bios are reader-written text that reaches pages: every public XSS vector
put into them must come out inert (the display name escaped, the bio sanitized)."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.actions import update_settings
from web.sanitize import ALLOWED_TAGS

from ..conftest import shared_path

# Our own page furniture (base.html, forms) plus whatever the sanitizer lets through.
PAGE_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "div", "nav", "ul", "li",
    "form", "input", "button", "span", "main", "p", "h1", "h2", "time", "section", "footer",
    "label", "textarea", "fieldset", "legend", "strong", "ol", "select", "option",
} | set(ALLOWED_TAGS)  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "background"}


def vectors() -> list[str]:
    folder = shared_path("xss")
    chosen: list[str] = []
    for name in ["XSS_Polyglots.txt", "RSNAKE_XSS.txt"]:
        chosen += (folder / "payloadsallthethings" / name).read_text(errors="replace").splitlines()
    everything = (folder / "payloadbox" / "xss-payload-list.txt").read_text(errors="replace")
    chosen += everything.splitlines()[::200]
    return [v for v in chosen if v.strip()]


class PageElements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


def assert_inert(html: str, vector: str) -> PageElements:
    page = PageElements()
    page.feed(html)
    for tag, attrs in page.elements:
        assert tag in PAGE_TAGS, f"<{tag}> reached the page from {vector!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name}= reached the page from {vector!r}"
            assert name != "style", f"style= reached the page from {vector!r}"
            if name in URL_ATTRIBUTES and value:
                squashed = "".join(ch for ch in value if ch.isprintable() and not ch.isspace())
                assert not squashed.lower().startswith(("javascript:", "data:", "vbscript:")), (
                    f"{name}={value!r} reached the page from {vector!r}"
                )
    return page


def as_stored_name(vector: str) -> str:
    """What the settings form could store: no control characters, 80 characters at most."""
    kept = "".join(ch for ch in vector if unicodedata.category(ch) not in {"Cc", "Zl", "Zp"})
    return kept.strip()[:80]


def test_every_vector_is_inert_in_the_display_name_and_the_bio(client, make_user):
    rita = make_user("rita")
    client.force_login(rita)
    profile_url = reverse("accounts:profile", args=["rita"])
    settings_url = reverse("accounts:settings")
    checked = 0
    for vector in vectors():
        name = as_stored_name(vector)
        update_settings(
            rita, display_name=name, bio=vector[:2000], email=rita.email, email_notifications=False
        )
        profile_page = assert_inert(client.get(profile_url).content.decode(), vector)
        assert profile_page.h1 == (name or "rita"), "the name shows as the text it is"
        assert_inert(client.get(settings_url).content.decode(), vector)
        checked += 1
    assert checked > 100, "the vector files were read"


@pytest.mark.parametrize(
    "vector",
    [
        '"><script>alert(1)</script>',
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg/onload=alert(1)>",
    ],
)
def test_the_settings_form_stores_and_shows_classic_vectors_safely(client, make_user, vector):
    rita = make_user("rita")
    client.force_login(rita)
    response = client.post(
        reverse("accounts:settings"),
        {"display_name": vector[:80], "bio": vector, "email": rita.email},
    )
    assert response.status_code == 302
    html = client.get(reverse("accounts:profile", args=["rita"])).content.decode()
    assert_inert(html, vector)
    assert "<" not in vector or vector not in html, "markup is never echoed as it was typed"
