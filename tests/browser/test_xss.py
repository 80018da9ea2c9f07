"""Every XSS vector in ../shared/xss, put through every place where imported or user text
reaches a page, rendered in headless Chromium: nothing may run. Checked twice, with the
Content-Security-Policy on and with it off, because the sanitizer and the templates' escaping
must hold on their own.

A "sink" stores a batch of vectors the way the site stores such text and returns the pages
that show them. To cover a new place (comment bodies, display names, bios, the search query
shown back, imported files), add one line to SINKS."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from archive.models import Article, Author, Source
from archive.sanitize import paragraphs_to_html

from ..conftest import shared_path
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BATCH = 500  # vectors per page for the list and body sinks

# Stubs record any call instead of showing a dialog; the dialog listener is the second net.
RECORD_CALLS = """
window.__xss = [];
for (const name of ["alert", "prompt", "confirm", "print"]) {
  window[name] = function (...args) { window.__xss.push(name + "(" + String(args[0]) + ")"); };
}
"""

# What must not be in the rendered DOM whatever ran or not: event handler attributes,
# script-bearing URLs, active elements, scripts other than our own static files.
INSPECT_DOM = r"""
() => {
  const bad = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                         "background", "srcset", "lowsrc", "dynsrc"];
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) bad.push(`${el.tagName} ${name}=`);
      if (name === "srcdoc") bad.push(`${el.tagName} srcdoc`);
      if (urlAttributes.includes(name) &&
          /^[\s\u0000-\u001f]*(javascript|vbscript|data|livescript):/i.test(attribute.value)) {
        bad.push(`${el.tagName} ${name}=${attribute.value.slice(0, 60)}`);
      }
    }
  }
  for (const el of document.querySelectorAll(
      "iframe, frame, frameset, object, embed, applet, base, meta[http-equiv], svg script")) {
    bad.push(`<${el.tagName.toLowerCase()}>`);
  }
  for (const el of document.querySelectorAll("script")) {
    const src = el.getAttribute("src") || "";
    if (!src.startsWith("/static/")) bad.push(`<script src="${src.slice(0, 60)}">`);
  }
  return bad;
}
"""


def load_vectors() -> list[str]:
    """All vectors of every list the README names, once each, in a stable order."""
    root = shared_path("xss")
    files = [root / "payloadbox" / "xss-payload-list.txt"]
    files += sorted((root / "payloadsallthethings").glob("*.txt"))
    seen: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            # PostgreSQL refuses NUL in text; the importer strips it the same way.
            vector = line.replace("\x00", "")
            if vector.strip():
                seen.setdefault(vector, None)
    return list(seen)


def fit(model, field: str, value: str) -> str:
    """Cut to the column's length, as a form or the importer would refuse longer values."""
    return value[: model._meta.get_field(field).max_length]


def reset_archive() -> None:
    Article.objects.all().delete()
    Source.objects.all().delete()
    Author.objects.all().delete()


def article_rows(batch: list[str]) -> list[str]:
    """One article per vector with the vector in its title, kicker and dek, its source's name
    and its author's name at once: the list page shows all five places for the whole batch."""
    reset_archive()
    sources: dict[str, Source] = {}
    authors: dict[str, Author] = {}
    for vector in batch:
        # Names are unique: two vectors that are the same once cut to length show the same.
        sources.setdefault(fit(Source, "name", vector), None)
        authors.setdefault(fit(Author, "name", vector), None)
    for created, name in zip(
        Source.objects.bulk_create(
            Source(name=name, slug=f"s{n}") for n, name in enumerate(sources)
        ),
        sources,
        strict=True,
    ):
        sources[name] = created
    for created, name in zip(
        Author.objects.bulk_create(
            Author(name=name, slug=f"a{n}") for n, name in enumerate(authors)
        ),
        authors,
        strict=True,
    ):
        authors[name] = created
    articles = []
    for n, vector in enumerate(batch):
        article = Article(
            source=sources[fit(Source, "name", vector)],
            slug=f"x{n}",
            title=fit(Article, "title", vector),
            kicker=fit(Article, "kicker", vector),
            dek=fit(Article, "dek", vector),
        )
        article.set_body(paragraphs_to_html(["Body."]))
        articles.append(article)
    articles = Article.objects.bulk_create(articles)
    Through = Article.authors.through
    Through.objects.bulk_create(
        Through(article_id=article.pk, author_id=authors[fit(Author, "name", vector)].pk)
        for article, vector in zip(articles, batch, strict=True)
    )
    return ["/articles/"]


def article_body(batch: list[str], to_html: Callable[[str], str] | None) -> list[str]:
    """Each vector becomes the body of an article on its own (so one vector's unclosed tag
    cannot hide the next); the stored bodies are shown together on one article page."""
    reset_archive()
    fragments = []
    for vector in batch:
        scratch = Article(title="scratch")
        scratch.set_body(to_html(vector) if to_html else vector)
        fragments.append(f"<section>{scratch.body_html}</section>")
    article = Article(source=Source.objects.create(name="Bodies"), title="Bodies", slug="bodies")
    article.set_body("")
    article.body_html = "\n".join(fragments)  # each part as set_body stored it
    article.save()
    return [article.get_absolute_url()]


def source_homepages(batch: list[str]) -> list[str]:
    """Home page addresses go through the model field's validation (as in the admin and the
    importer); a vector that fails it is refused and reaches no page. Both the bare vector and
    the vector as the path of an otherwise valid address are tried."""
    reset_archive()
    field = Source._meta.get_field("homepage")
    urls = []
    for n, vector in enumerate(batch):
        for candidate in (vector, f"https://example.org/{vector}"):
            try:
                field.clean(candidate, None)
            except ValidationError:
                continue
            source = Source.objects.create(name=f"Source {n}", homepage=candidate, slug=f"h{n}")
            urls.append(source.get_absolute_url())
            break
    return urls


def comment_rows(batch: list[str]) -> list[str]:
    """Each vector as a site user's display name and comment (Markdown source rendered the
    way posting renders it), and as an imported comment's author name and text: the whole
    thread shows on one page."""
    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from comments.markup import render_markdown
    from comments.models import Comment

    reset_archive()
    User = get_user_model()
    User.objects.filter(username__startswith="xss-").delete()
    users = User.objects.bulk_create(
        User(username=f"xss-{n}", password="!") for n in range(len(batch))
    )
    Profile.objects.bulk_create(
        Profile(user=user, display_name=fit(Profile, "display_name", vector))
        for user, vector in zip(users, batch, strict=True)
    )
    article = Article(source=Source.objects.create(name="Talk"), title="Talk", slug="talk")
    article.set_body(paragraphs_to_html(["Body."]))
    article.save()
    comments = []
    for user, vector in zip(users, batch, strict=True):
        html = render_markdown(vector)
        comments.append(Comment(article=article, user=user, body_source=vector, body_html=html))
        comments.append(
            Comment(
                article=article,
                is_archived=True,
                archived_author_name=fit(Comment, "archived_author_name", vector),
                body_source=vector,
                body_html=paragraphs_to_html([vector]),
            )
        )
    Comment.objects.bulk_create(comments)
    return [article.get_absolute_url() + "?all=1"]


def profiles(batch: list[str]) -> list[str]:
    """A bio (Markdown subset) on a profile page, one page per sampled vector."""
    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from comments.markup import render_markdown

    User = get_user_model()
    User.objects.filter(username__startswith="bio-").delete()
    urls = []
    for n, vector in enumerate(batch):
        user = User.objects.create(username=f"bio-{n}", password="!")
        Profile.objects.create(user=user, bio=vector, bio_html=render_markdown(vector))
        urls.append(f"/people/{user.username}/")
    return urls


def search_queries(batch: list[str]) -> list[str]:
    """The query shown back on the search page (and in its hints and snippets)."""
    from urllib.parse import quote

    return [f"/search/?q={quote(vector)}" for vector in batch]


@dataclass(frozen=True)
class Sink:
    name: str
    place: Callable[[list[str]], list[str]]  # store a batch, return the URLs that show it
    batch: int = BATCH
    places: int = 1  # how many places one call fills with each vector
    step: int = 1  # every vector, or every step-th one for sinks that need a page per vector


SINKS = [
    Sink("article title, kicker, dek; source name; author name", article_rows, places=5),
    Sink("article body, HTML (set_body)", lambda batch: article_body(batch, None)),
    Sink(
        "article body, text (paragraphs_to_html)",
        lambda batch: article_body(batch, lambda vector: paragraphs_to_html([vector])),
    ),
    Sink("source home page URL", source_homepages, batch=2000, step=8),
    Sink(
        "comment body (Markdown) and display name; imported comment text and author name",
        comment_rows,
        batch=250,
        places=4,
    ),
    Sink("profile bio", profiles, batch=100, step=40),
    Sink("search query shown back", search_queries, batch=100, step=40),
]


def open_page(browser, live_server, dialogs: list[str]):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=True)
    host = live_server.url

    def only_our_documents_and_styles(route):
        request = route.request
        if request.url.startswith(host) and request.resource_type in ("document", "stylesheet"):
            route.continue_()
        else:
            route.abort()  # images, media, other hosts: not needed, and a failed load still
            # fires any onerror handler a vector might have smuggled in

    context.route("**/*", only_our_documents_and_styles)
    context.add_init_script(RECORD_CALLS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return context, page


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="rendering does not depend on the database: CI runs the full browser XSS sweep "
    "once, on SQLite; the PostgreSQL run keeps the sanitizer's own vector tests",
)
@pytest.mark.parametrize("csp", ["on", "off"], ids=["csp-on", "csp-off"])
def test_no_vector_runs_in_any_sink(browser, live_server, settings, csp):
    if csp == "off":
        # The header goes; the sanitizer and the escaping alone must hold.
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "EXCLUDE_URL_PREFIXES": ["/"],
        }
    settings.AGORA_ARTICLES_PER_PAGE = BATCH
    # This measures escaping, not abuse control: the search sink asks for many pages.
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "search": (1_000_000, 60)}
    vectors = load_vectors()
    dialogs: list[str] = []
    context, page = open_page(browser, live_server, dialogs)
    failures: list[str] = []
    report: dict[str, dict] = {}
    try:
        for sink in SINKS:
            pages = 0
            began = time.monotonic()
            chosen = vectors[:: sink.step]
            for start in range(0, len(chosen), sink.batch):
                batch = chosen[start : start + sink.batch]
                for url in sink.place(batch):
                    response = page.goto(url, wait_until="domcontentloaded")
                    pages += 1
                    assert response.status == 200, (sink.name, url, response.status)
                    has_header = "content-security-policy" in response.headers
                    assert has_header == (csp == "on"), (sink.name, url)
                    page.wait_for_timeout(20)  # let timers and focus handlers have their go
                    where = f"{sink.name} {url} (vectors {start}–{start + len(batch) - 1})"
                    if not page.url.startswith(live_server.url + url.split("?")[0]):
                        failures.append(f"{where}: navigated away to {page.url}")
                        continue
                    called = page.evaluate("window.__xss")
                    if called:
                        failures.append(f"{where}: called {called[:5]}")
                    bad = page.evaluate(INSPECT_DOM)
                    if bad:
                        failures.append(f"{where}: in the DOM {bad[:5]}")
            report[sink.name] = {"pages": pages, "seconds": round(time.monotonic() - began, 1)}
    finally:
        context.close()
    failures += [f"dialog shown: {message!r}" for message in dialogs]
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        "csp": csp,
        "vectors": len(vectors),
        "places": sum(sink.places for sink in SINKS),
        "checked": sum(len(vectors[:: sink.step]) * sink.places for sink in SINKS),
        "per_sink": report,
        "failures": failures[:50],
    }
    Path(ARTIFACTS.parent / f"xss-{csp}.json").write_text(json.dumps(summary, indent=2))
    assert not failures, "\n".join(failures[:30])
    assert len(vectors) > 5000, "the shared lists were not all read"


def test_the_inspection_catches_what_it_looks_for(browser, live_server):
    """The checks above can fail: a page with a live handler, a javascript: link and a stray
    script is caught by each of them."""
    dialogs: list[str] = []
    context, page = open_page(browser, live_server, dialogs)
    try:
        page.goto("/")
        page.evaluate(
            "() => { document.body.insertAdjacentHTML('beforeend',"
            " '<a href=\"javascript:alert(1)\">x</a><img src=x onerror=alert(2)>'); alert(3); }"
        )
        bad = page.evaluate(INSPECT_DOM)
        assert any(re.search("javascript:", item) for item in bad)
        assert any("onerror" in item for item in bad)
        assert page.evaluate("window.__xss") == ["alert(3)"]
    finally:
        context.close()
