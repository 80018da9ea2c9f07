"""Hostile text in every stored field an outsider can reach, stored through the real entry
points (an import, the forms over HTTP), then every page and feed that shows it: no 5xx, every
Atom feed parses, and the export parses line by line as JSON and round-trips."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from archive.models import Article
from backup.export import ExportOptions, export_lines
from comments.models import Comment
from imports.loader import load_document
from imports.parsers.base import ParsedComment, ParsedDocument
from imports.parsers.text import write_text
from imports.pipeline import import_paths
from moderation.defaults import ensure_defaults
from tests.moderation.world import make_user
from web.text import escape_surrogates

_codes = st.integers


def _range(low: int, high: int):
    return _codes(low, high).map(chr)


HOSTILE_CHAR = st.one_of(
    st.sampled_from("Ferry quay é ü 12 .,;:-"),
    _range(0x00, 0x1F),  # C0 controls, NUL included
    _range(0x7F, 0x9F),  # DEL and C1
    _range(0xD800, 0xDFFF),  # lone surrogates
    st.sampled_from(["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff"]),  # nonchars
    _range(0x202A, 0x202E) | _range(0x2066, 0x2069),  # bidi overrides and isolates
    _range(0x0300, 0x036F) | st.sampled_from(["\ufb2c", "\U0001d15e", "\u0344"]),  # combining
    st.characters(codec=None),
)


def hostile(max_size: int):
    return st.text(alphabet=HOSTILE_CHAR, max_size=max_size)


# A very long line: one hostile piece repeated, with no break in it.
LONG_LINE = st.builds(lambda piece, times: piece * times, hostile(8), st.integers(100, 2500))

FIELDS = st.fixed_dictionaries(
    {
        # Sizes keep within the columns even after NFC, which can triple a character.
        "title": hostile(120),
        "kicker": hostile(60),
        "dek": hostile(250),
        "body": st.lists(hostile(200) | LONG_LINE, min_size=1, max_size=3),
        "source": hostile(60),
        "author": hostile(60),
        "comment_author": hostile(40),
        "comment_body": hostile(300),
        "posted_comment": hostile(300) | LONG_LINE,
        "display_name": hostile(25),
        "bio": hostile(300),
        "report_note": hostile(150),
        "moderation_note": hostile(300),
    }
)


class _Rollback(Exception):
    pass


def post(client, url: str, fields: dict[str, str]):
    """POST as a browser sends it: whatever bytes the text encodes to, lone surrogates too
    (Django decodes the invalid UTF-8 they become with replacement characters)."""
    body = urlencode(fields, encoding="utf-8", errors="surrogatepass")
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (url, response.status_code)
    return response


def get(client, url: str):
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    return response


def check_feed(client, url: str) -> None:
    response = get(client, url)
    assert response.status_code == 200, (url, response.status_code)
    etree.fromstring(response.content)  # raises on a feed that is not well-formed


def check_jsonld(client, url: str) -> None:
    page = get(client, url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    for block in blocks:
        assert "<" not in block, url  # nothing stored can close the script element
        json.loads(block)


def store_and_show(client, tmp_path, text: dict) -> None:
    ensure_defaults()
    moderator = make_user("mod", role="moderator")
    reader = make_user("reader")

    doc = ParsedDocument(
        title=f"T {text['title']}",
        paragraphs=[f"P {p}" for p in text["body"]],
        kicker=text["kicker"],
        dek=text["dek"],
        source_name=f"S {text['source']}",
        authors=[f"A {text['author']}"],
        comments=[
            ParsedComment(author_name=text["comment_author"], body=f"C {text['comment_body']}")
        ],
    )
    path = tmp_path / "hostile.txt"
    # A text file with a NUL byte is refused as binary, and one with invalid UTF-8 (what a lone
    # surrogate encodes to) as garbled (tests/archive cover both); every other character goes in.
    path.write_text(re.sub("[\x00\ud800-\udfff]", "", write_text(doc)), encoding="utf-8")
    summary = import_paths([path])
    if not summary.imported:
        # Refused with a reason (a file "full of control characters" is taken for binary), never
        # a crash; the parsed document then goes to the loader, where the pipeline cleans it.
        assert [f.reason for f in summary.failures if f.reason.startswith("could not")] == []
        load_document(doc, file_name=path.name, sha256="0" * 64, format="text")
    article = Article.objects.get()

    client.force_login(moderator)
    post(
        client,
        reverse("comments:post", args=[article.slug]),
        {"body": f"M {text['posted_comment']}", "website": ""},
    )
    comment = Comment.objects.filter(user=moderator).first()
    post(
        client,
        reverse("moderation:note", args=[reader.username]),
        {"body": f"N {text['moderation_note']}"},
    )
    post(
        client,
        reverse("moderation:standing", args=[reader.username]),
        {"kind": "warn", "reason": f"R {text['moderation_note']}"},
    )
    client.force_login(reader)
    post(
        client,
        reverse("accounts:settings"),
        {"display_name": text["display_name"], "bio": text["bio"], "email": reader.email},
    )
    if comment is not None:
        post(
            client,
            reverse("moderation:flag", args=[comment.pk]),
            {"reason": "other", "note": f"F {text['report_note']}"},
        )

    cache.clear()  # pages cached before the writes are not what this test looks at
    pages = [
        reverse("archive:home"),
        reverse("archive:article_list"),
        article.get_absolute_url(),
        reverse("archive:source_list"),
        reverse("archive:source", args=[article.source.slug]),
        reverse("search:search") + "?" + urlencode({"q": "ferry"}),
        reverse("accounts:profile", args=[reader.username]),
        reverse("accounts:profile", args=[moderator.username]),
    ]
    pages += [reverse("archive:author", args=[a.slug]) for a in article.authors.all()]
    pages += [c.get_absolute_url() for c in Comment.objects.filter(article=article)]
    feeds = [
        reverse("archive:feed"),
        reverse("archive:source_feed", args=[article.source.slug]),
        reverse("comments:article_feed", args=[article.slug]),
        reverse("sitemap_index"),
        reverse("sitemap_page", args=["articles", 1]),
        reverse("sitemap_page", args=["sources", 1]),
        reverse("sitemap_page", args=["authors", 1]),
    ]
    for user in (None, reader, moderator):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for url in pages:
            get(client, url)
        for url in feeds:
            check_feed(client, url)
        check_jsonld(client, article.get_absolute_url())
    for url in (
        reverse("moderation:queue"),
        reverse("moderation:user", args=[reader.username]),
        reverse("moderation:log"),
        reverse("moderation:article", args=[article.slug]),
    ):
        get(client, url)

    for line in export_lines(ExportOptions(include_private=True)):
        record = json.loads(line)
        again = escape_surrogates(json.dumps(record, sort_keys=True, ensure_ascii=False)) + "\n"
        assert again == line
        line.encode("utf-8")


@settings(
    max_examples=15,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a page walk takes minutes
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=FIELDS)
def test_hostile_text_never_breaks_a_page_a_feed_or_the_export(db, client, tmp_path, text):
    try:
        with transaction.atomic():
            store_and_show(client, tmp_path, text)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        cache.clear()
