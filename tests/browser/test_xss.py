"""Every XSS vector in ../shared/xss, put through every place where imported or user text
reaches a page, rendered in headless Chromium: nothing may run. Checked twice, with the
Content-Security-Policy on and with it off, because the sanitizer and the templates' escaping
must hold on their own.

A "sink" stores a batch of vectors the way the site stores such text and returns the pages
that show them. To cover a new place (comment bodies, display names, bios, the search query
shown back, imported files), add one line to SINKS."""

from __future__ import annotations

import html
import itertools
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from archive.models import Article, Author, Source, unique_slug
from imports.parsers.base import ParsedComment, ParsedDocument
from imports.parsers.text import write_text
from imports.pipeline import import_paths
from web.sanitize import paragraphs_to_html

from ..conftest import shared_path
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BATCH = 500  # vectors per page for the list and body sinks
IMPORT_BATCH = BATCH - 1  # imported documents per batch: with the gathered article, one list page

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
    // The article's JSON-LD: a data block that browsers never run, written in the head,
    // where no stored text is placed.
    const dataBlock = el.type === "application/ld+json" && !el.src;
    if (dataBlock && el.parentElement === document.head) continue;
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
    from comments.models import Comment
    from web.markup import render_markdown

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
    from web.markup import render_markdown

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


# --- imported files ---------------------------------------------------------------------------
# The vectors written into the files the archive takes in (plain text, saved web pages, RSS and
# Atom feeds) and read by import_paths, as the admin's upload and the import command read them.
# What the importer refuses reaches no page, so each sink counts what it stored, and a floor
# (Sink.floor) makes sure most vectors do get through: otherwise the sink would prove nothing.
# A refusal must be a reason; a parser or loader that crashes on a vector is a failure.


@dataclass
class Placed:
    """An import sink's pages, and the importer's own account of the batch."""

    urls: list[str]
    offered: int  # documents in the batch's files that carry the vectors
    stored: int  # how many of them the importer saved
    refusals: list[str] = field(default_factory=list)  # its reasons for the others
    extra: dict[str, int] = field(default_factory=dict)  # other counts worth reporting


CRASHED = ("could not be read", "could not be saved")  # import_paths' words for an exception


def import_files(files: dict[str, str]) -> tuple[int, list[str]]:
    """Write the files into a folder and import it: (documents saved, reasons for refusals)."""
    with tempfile.TemporaryDirectory(prefix="xss-import-") as folder:
        for name, content in files.items():
            (Path(folder) / name).write_text(content, encoding="utf-8")
        summary = import_paths([folder])
    return len(summary.documents), [failure.reason for failure in summary.failures]


def stored_counts() -> dict[str, int]:
    from comments.models import Comment

    # "Reader N" signs the text files' comment that carries a vector in its text.
    signed = Comment.objects.exclude(archived_author_name="")
    return {
        "sources": Source.objects.count(),
        "authors": Author.objects.count(),
        "comments": Comment.objects.count(),
        "comments signed by a vector": signed.exclude(
            archived_author_name__regex=r"^Reader \d+$"
        ).count(),
    }


def imported_pages(*, sample_every: int) -> list[str]:
    """The pages that show a batch of imported documents.

    The list of articles (all its pages) shows every stored title, kicker, dek, source and
    author name. Bodies and threads are one per article, and a page per vector would not fit
    in CI: every stored body and comment is gathered, as stored, under one article shown with
    its whole thread, and every `sample_every`-th article's own pages (the article with its
    thread, its source, its first author) are visited too.
    """
    from django.conf import settings

    from comments.models import Comment

    articles = list(Article.objects.select_related("source").prefetch_related("authors"))
    # The gathered article below is listed too.
    list_pages = -(-(len(articles) + 1) // settings.AGORA_ARTICLES_PER_PAGE)
    urls = ["/articles/"] + [f"/articles/?page={number}" for number in range(2, list_pages + 1)]
    for article in articles[::sample_every]:
        urls += [article.get_absolute_url() + "?all=1", article.source.get_absolute_url()]
        urls += [author.get_absolute_url() for author in list(article.authors.all())[:1]]
    gathered = Article(
        source=Source.objects.create(
            name="Gathered from the import", slug=unique_slug(Source, "gathered")
        ),
        title="Gathered from the import",
        slug=unique_slug(Article, "gathered"),
    )
    gathered.set_body("")
    gathered.body_html = "\n".join(f"<section>{a.body_html}</section>" for a in articles)
    gathered.save()
    # Copies, parents before replies, so that the sampled articles keep their own threads.
    copies: dict[int, int] = {}
    rows = list(Comment.objects.exclude(article=gathered).order_by("depth", "id"))
    for depth in sorted({row.depth for row in rows}):
        level = [row for row in rows if row.depth == depth]
        originals = [row.pk for row in level]
        for row in level:
            row.pk, row.article, row.parent_id = None, gathered, copies.get(row.parent_id)
        for original, copy in zip(originals, Comment.objects.bulk_create(level), strict=True):
            copies[original] = copy.pk
    return [*urls, gathered.get_absolute_url() + "?all=1"]


def text_files(batch: list[str]) -> Placed:
    """One plain-text file per vector, written by the text format's own writer: the vector is
    the title, kicker, dek, source, author, a body paragraph, a comment's author and another
    comment's text. (A first comment whose author does not look like a name is read as the end
    of the article's text, as the format says.)"""
    reset_archive()
    files = {}
    for n, vector in enumerate(batch):
        doc = ParsedDocument(
            title=vector,
            paragraphs=[vector],
            kicker=vector,
            dek=vector,
            source_name=vector,
            authors=[vector],
            comments=[
                ParsedComment(author_name=vector, body=f"Comment {n}."),
                ParsedComment(author_name=f"Reader {n}", body=vector),
            ],
        )
        files[f"{n:04d}.txt"] = write_text(doc)
    stored, refusals = import_files(files)
    counts = stored_counts()  # before the gathering copies the comments
    return Placed(imported_pages(sample_every=IMPORT_BATCH), len(files), stored, refusals, counts)


def text_addresses(batch: list[str]) -> Placed:
    """Each vector as a plain-text file's source home page and, in another file, its original
    address: as given and as the path of an otherwise valid address. The importer refuses a
    document whose address is not an http(s) URL; the stored ones are shown on their source's
    page (the home page link) and on the article's page (the link to the original)."""
    reset_archive()
    files = {}
    for n, vector in enumerate(batch):
        for variant, address in (("given", vector), ("path", f"https://h{n}.example.org/{vector}")):
            # Each source on a host of its own: sources are matched by domain too.
            files[f"{n:04d}-home-{variant}.txt"] = write_text(
                ParsedDocument(
                    title=f"Home page {n} {variant}",
                    paragraphs=["Body."],
                    source_name=f"Source {n} {variant}",
                    source_url=address,
                )
            )
            files[f"{n:04d}-original-{variant}.txt"] = write_text(
                ParsedDocument(
                    title=f"Original {n} {variant}",
                    paragraphs=["Body."],
                    source_name="Originals",
                    url=address,
                )
            )
    stored, refusals = import_files(files)
    homes = Source.objects.exclude(homepage="")
    originals = Article.objects.exclude(url="")
    extra = {
        f"{what}, {variant}": rows.filter(**{lookup: variant}).count()
        for what, rows, lookup in (
            ("home pages", homes, "name__endswith"),
            ("original addresses", originals, "title__endswith"),
        )
        for variant in ("given", "path")
    }
    urls = [a.get_absolute_url() for a in originals] + [s.get_absolute_url() for s in homes]
    return Placed(urls, len(files), stored, refusals, extra)


def xml_text(value: str) -> str:
    # Characters XML 1.0 forbids are dropped, as a feed writer would; the rest is escaped.
    allowed = "".join(c for c in value if c in "\t\n\r" or c >= " ")
    return html.escape(allowed, quote=True)


RSS_FILE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>{v}</title>
  <link>https://f{n}.example.org/</link>
  <description>Feed {n}</description>
  <item>
    <title>{v} #{n}</title>
    <link>https://f{n}.example.org/entry</link>
    <dc:creator>{v}</dc:creator>
    <pubDate>Tue, 17 Jun 2014 09:30:00 +0000</pubDate>
    <description>{v}</description>
    <content:encoded>{v}</content:encoded>
  </item>
</channel>
</rss>
"""

ATOM_FILE = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">{v}</title>
  <link href="https://f{n}.example.org/"/>
  <id>urn:xss:{n}</id>
  <updated>2014-06-17T00:00:00Z</updated>
  <entry>
    <title type="html">{v} #{n}</title>
    <link href="https://f{n}.example.org/entry"/>
    <id>urn:xss:{n}:entry</id>
    <updated>2014-06-17T00:00:00Z</updated>
    <author><name>{v}</name></author>
    <summary type="html">{v}</summary>
    <content type="html">{v}</content>
  </entry>
</feed>
"""


TITLES_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Titles</title><link>https://rss.example.org/</link>
{items}
</channel></rss>
"""
TITLES_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Titles</title>
<link href="https://atom.example.org/"/><id>urn:xss:titles</id>
<updated>2014-06-17T00:00:00Z</updated>
{items}
</feed>
"""


def feed_files(batch: list[str]) -> Placed:
    """One feed per vector, RSS and Atom in turn: the vector is the feed's title (the source's
    name) and its entry's title, author, summary and content (HTML, escaped in the XML as
    feeds carry it). That entry's title has a number after the vector: a title that is only
    markup is empty once read as text, and the entry would be skipped with all its fields.
    One RSS and one Atom feed more hold every vector of the batch as a bare entry title."""
    reset_archive()
    files = {}
    for n, vector in enumerate(batch):
        template, extension = (RSS_FILE, "rss") if n % 2 == 0 else (ATOM_FILE, "atom")
        files[f"{n:04d}.{extension}"] = template.format(v=xml_text(vector), n=n)
    files["titles.rss"] = TITLES_RSS.format(
        items="\n".join(
            f"<item><title>{xml_text(vector)}</title>"
            f"<link>https://rss.example.org/{n}/bare</link></item>"
            for n, vector in enumerate(batch)
        )
    )
    files["titles.atom"] = TITLES_ATOM.format(
        items="\n".join(
            f'<entry><title type="html">{xml_text(vector)}</title>'
            f'<link href="https://atom.example.org/{n}/bare"/><id>urn:xss:titles:{n}</id>'
            "<updated>2014-06-17T00:00:00Z</updated></entry>"
            for n, vector in enumerate(batch)
        )
    )
    _, refusals = import_files(files)
    stored = Article.objects.filter(url__endswith="/entry").count()
    extra = {
        "bare entry titles (RSS and Atom)": Article.objects.filter(url__endswith="/bare").count(),
        **stored_counts(),
    }
    urls = imported_pages(sample_every=IMPORT_BATCH)
    return Placed(urls, len(batch), stored, refusals, extra)


HTML_FILE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{text}</title>
  <meta property="og:site_name" content="{text}">
  <meta name="author" content="{text}">
</head>
<body>
  <article>
    <h1>{text}</h1>
    <p>The opening paragraph of an article, long enough for the extractor to take this block
    for the article's text rather than for the page's furniture around it.</p>
    <p>{markup}</p>
  </article>
  <div id="comments">
    <ol class="commentlist">
      <li class="comment" id="comment-1">
        <div class="comment-author vcard"><cite class="fn">{text}</cite> says:</div>
        <div class="comment-content"><p>{markup}</p></div>
      </li>
      <li class="comment" id="comment-2">
        <div class="comment-author vcard"><cite class="fn">{markup}</cite> says:</div>
        <div class="comment-content"><p>Comment {n}.</p></div>
      </li>
    </ol>
  </div>
</body>
</html>
"""


def html_files(batch: list[str]) -> Placed:
    """One saved page per vector: escaped as text in the page's title, site name, author and
    headline, and as markup (unescaped, as a hostile page would hold it) in a body paragraph,
    a WordPress comment's text and another comment's author. (Few vectors become the article's
    author: trafilatura drops a name that does not read like a person's.)"""
    reset_archive()
    files = {
        f"{n:04d}.html": HTML_FILE.format(text=html.escape(vector), markup=vector, n=n)
        for n, vector in enumerate(batch)
    }
    stored, refusals = import_files(files)
    counts = stored_counts()  # before the gathering copies the comments
    return Placed(imported_pages(sample_every=50), len(files), stored, refusals, counts)


@dataclass(frozen=True)
class Sink:
    name: str
    place: Callable[[list[str]], list[str] | Placed]  # store a batch, return the URLs showing it
    batch: int = BATCH
    places: int = 1  # how many places one call fills with each vector
    step: int = 1  # every vector, or every step-th one for sinks that need a page per vector
    floor: float = 0.0  # for import sinks: the share of documents that must be stored


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
    # Importing costs more than placing rows (a source and authors of its own per document,
    # the parsers, trafilatura's ~35 ms a page): these take every step-th vector to fit in CI.
    Sink(
        "imported text file: title, kicker, dek, source, author, body, comment author and text",
        text_files,
        batch=IMPORT_BATCH,
        places=8,
        step=3,
        floor=0.95,
    ),
    Sink(
        "imported text file: source home page, original address",
        text_addresses,
        batch=IMPORT_BATCH,
        places=2,
        step=16,
        # Most vectors hold a space or are no http(s) address: refused, as they must be.
        floor=0.03,
    ),
    Sink(
        "imported RSS/Atom feed: feed title, entry title (numbered and bare), author, content",
        feed_files,
        batch=IMPORT_BATCH,
        places=5,
        step=4,
        floor=0.9,
    ),
    Sink(
        "imported web page: title, site name, author, body, comment author and text",
        html_files,
        batch=IMPORT_BATCH,
        places=6,
        step=16,
        floor=0.9,
    ),
]


@dataclass
class ImportTally:
    """What an import sink's batches stored and refused, and why."""

    counts: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)

    def add(self, placed: Placed, where: str) -> list[str]:
        """Count a batch; return its failures: the importer crashing instead of refusing."""
        self.counts.update(offered=placed.offered, stored=placed.stored, **placed.extra)
        # Counted by kind: without the quoted value and the numbers.
        self.refusals.update(
            re.sub(r"\d[\d,]*", "N", re.sub(r"'.*'|\".*\"", "…", reason))[:100]
            for reason in placed.refusals
        )
        return [
            f"{where}: the importer crashed: {reason[:300]}"
            for reason in placed.refusals
            if reason.startswith(CRASHED)
        ]

    def report(self) -> dict:
        return {
            "documents": dict(self.counts),
            "refused": self.counts["offered"] - self.counts["stored"],
            "refusals": dict(self.refusals.most_common(6)),
        }

    def below(self, floor: float, name: str) -> list[str]:
        stored, offered = self.counts["stored"], self.counts["offered"]
        if stored >= floor * offered:
            return []
        return [f"{name}: only {stored} of {offered} documents stored (floor {floor:.0%})"]


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
def test_no_vector_runs_in_any_sink_with_or_without_csp(browser, live_server, settings):
    """Each batch is stored once and every page that shows it is opened twice: with the
    Content-Security-Policy, and without it (the sanitizer and the escaping alone must hold)."""
    policies = {
        "on": settings.CONTENT_SECURITY_POLICY,
        "off": {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/"]},
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
            placing = 0.0  # of which storing the batches, the rest is the browser's
            chosen = vectors[:: sink.step]
            tally = ImportTally()
            for start in range(0, len(chosen), sink.batch):
                batch = chosen[start : start + sink.batch]
                placed_at = time.monotonic()
                urls = sink.place(batch)
                placing += time.monotonic() - placed_at
                if isinstance(urls, Placed):
                    failures += tally.add(
                        urls, f"{sink.name} (vectors {start}–{start + len(batch) - 1})"
                    )
                    urls = urls.urls
                for url, csp in itertools.product(urls, policies):
                    # A context manager, not the settings fixture: each of the fixture's
                    # assignments stacks one more layer of settings for the rest of the test.
                    with override_settings(CONTENT_SECURITY_POLICY=policies[csp]):
                        response = page.goto(url, wait_until="domcontentloaded")
                    pages += 1
                    assert response.status == 200, (sink.name, url, response.status)
                    has_header = "content-security-policy" in response.headers
                    assert has_header == (csp == "on"), (sink.name, url, csp)
                    page.wait_for_timeout(20)  # let timers and focus handlers have their go
                    where = (
                        f"{sink.name} {url} (vectors {start}–{start + len(batch) - 1}, CSP {csp})"
                    )
                    if not page.url.startswith(live_server.url + url.split("?")[0]):
                        failures.append(f"{where}: navigated away to {page.url}")
                        continue
                    called = page.evaluate("window.__xss")
                    if called:
                        failures.append(f"{where}: called {called[:5]}")
                    bad = page.evaluate(INSPECT_DOM)
                    if bad:
                        failures.append(f"{where}: in the DOM {bad[:5]}")
            report[sink.name] = {
                "pages": pages,
                "seconds": round(time.monotonic() - began, 1),
                "storing seconds": round(placing, 1),
            }
            if tally.counts:
                report[sink.name] |= tally.report()
                failures += tally.below(sink.floor, sink.name)
    finally:
        context.close()
    failures += [f"dialog shown: {message!r}" for message in dialogs]
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        "csp": list(policies),
        "vectors": len(vectors),
        "places": sum(sink.places for sink in SINKS),
        "checked_per_csp_mode": sum(len(vectors[:: sink.step]) * sink.places for sink in SINKS),
        "per_sink": report,
        "failures": failures[:50],
    }
    Path(ARTIFACTS.parent / "xss.json").write_text(json.dumps(summary, indent=2))
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
        # A data block like the article's JSON-LD, but in the body, where stored text goes.
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.type = 'application/ld+json'; s.text = '{}'; document.body.append(s); }"
        )
        bad = page.evaluate(INSPECT_DOM)
        assert any(re.search("javascript:", item) for item in bad)
        assert any("onerror" in item for item in bad)
        assert '<script src="">' in bad
        assert page.evaluate("window.__xss") == ["alert(3)"]
    finally:
        context.close()
