"""JSON Feed, Atom entries with urn ids, feed-level authors, and the exports that look like
feeds (WordPress, Disqus) named and refused rather than published."""

import io
import json
import zipfile
from datetime import date

import pytest

from archive.models import Article, Provenance
from imports.parsers.base import ParseError
from imports.parsers.detect import detect_format
from imports.parsers.feed import parse_feed
from imports.pipeline import import_paths

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Harbour Notes",
    "home_page_url": "https://notes.example.org/",
    "authors": [{"name": "Feed Writer"}],
    "items": [
        {
            "id": "1",
            "url": "https://notes.example.org/ferry",
            "title": "The ferry returns",
            "content_html": "<p>Back on the river.</p><script>evil()</script>",
            "date_published": "2024-05-01T10:00:00+02:00",
            "authors": [{"name": "Ann Lee"}],
        },
        {
            "id": "https://notes.example.org/tides",
            "title": "Tide tables",
            "content_text": "First paragraph.\n\nSecond paragraph.",
            "date_modified": "2024-05-03T08:00:00Z",
        },
        {"id": "3", "content_text": "A note without a title."},
        "not an item",
    ],
}


def as_bytes(feed: dict) -> bytes:
    return json.dumps(feed, indent=2).encode()


def test_a_json_feed_is_recognised_as_a_feed():
    assert detect_format("notes.json", as_bytes(JSON_FEED)) == "feed"
    assert detect_format("notes.txt", as_bytes(JSON_FEED)) == "feed"


def test_a_json_feed_gives_a_document_per_item_with_a_title():
    first, second = parse_feed(as_bytes(JSON_FEED))
    assert (first.title, first.url, first.authors) == (
        "The ferry returns",
        "https://notes.example.org/ferry",
        ["Ann Lee"],
    )
    assert first.published == date(2024, 5, 1) and first.precision == "day"
    assert "<script" not in first.body_html and "Back on the river." in first.body_html
    assert (first.source_name, first.source_url) == ("Harbour Notes", "https://notes.example.org/")
    # No url: an http id is the address; no authors: the feed's.
    assert second.url == "https://notes.example.org/tides"
    assert second.authors == ["Feed Writer"]
    assert second.paragraphs == ["First paragraph.", "Second paragraph."]
    assert second.published == date(2024, 5, 3)
    assert first.warnings == [
        "skipped item 3: it has no title",
        "skipped item 4: it is not an object",
    ]


def test_a_json_feed_1_0_author_is_read():
    feed = {"version": "https://jsonfeed.org/version/1", "author": {"name": "Old Style"}}
    feed["items"] = [{"id": "x", "title": "T", "content_text": "Body."}]
    [doc] = parse_feed(as_bytes(feed))
    assert doc.authors == ["Old Style"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "no list of items"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "no items with a title"),
        (b'{"title": "just JSON"}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON Feed"),
    ],
)
def test_bad_json_feeds_get_a_clear_message(data, message):
    with pytest.raises(ParseError, match=message):
        parse_feed(data)


def test_a_json_feed_imports(db, tmp_path):
    path = tmp_path / "notes.json"
    path.write_bytes(as_bytes(JSON_FEED))
    summary = import_paths([path])
    assert summary.imported == 2 and not summary.failures
    assert any("skipped item 3" in warning for warning in summary.warnings)
    assert Article.objects.get(title="Tide tables").authors.get().name == "Feed Writer"


ATOM_URN = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Blog</title>
  <link href="https://blog.example.org/"/>
  <author><name>Feed Author</name></author>
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <updated>2024-12-13T18:30:02Z</updated>
  <entry>
    <title>With an alternate link</title>
    <link rel="replies" href="https://blog.example.org/2024/entry/comments"/>
    <link rel="alternate" href="https://blog.example.org/2024/entry"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-12-13T18:30:02Z</updated>
    <content type="html">&lt;p&gt;Entry text.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Only an id</title>
    <id>https://blog.example.org/2024/only-id</id>
    <updated>2024-12-14T18:30:02Z</updated>
    <summary>Just a summary.</summary>
  </entry>
  <entry>
    <title>No address at all</title>
    <id>urn:uuid:3225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-12-15T18:30:02Z</updated>
    <summary>Nowhere.</summary>
  </entry>
</feed>"""


def test_atom_entries_take_their_alternate_link_never_a_urn_and_the_feeds_author():
    first, second, third = parse_feed(ATOM_URN)
    assert first.url == "https://blog.example.org/2024/entry"
    assert second.url == "https://blog.example.org/2024/only-id"
    assert third.url == ""
    assert first.authors == second.authors == ["Feed Author"]


WXR = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>My Blog</title><link>https://blog.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>A draft</title><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[Not ready.]]></content:encoded></item>
</channel></rss>"""

DISQUS = b"""<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://blog.example.org/a</link><title>A</title></thread>
<post dsq:id="2"><message><![CDATA[<p>Hi</p>]]></message><thread dsq:id="1"/></post>
</disqus>"""


def test_a_wordpress_export_is_named_and_nothing_of_it_is_published(db, tmp_path):
    with pytest.raises(ParseError, match="WordPress export .WXR."):
        parse_feed(WXR)
    path = tmp_path / "blog.xml"
    path.write_bytes(WXR)
    summary = import_paths([path])
    assert summary.imported == 0 and "WordPress export" in summary.failures[0].reason
    assert not Article.objects.exists()


def test_a_disqus_export_is_named(db):
    with pytest.raises(ParseError, match="Disqus comment export"):
        parse_feed(DISQUS)


def test_provenance_keeps_the_path_inside_a_zip(db, tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("feeds/notes.json", as_bytes(JSON_FEED))
    path = tmp_path / "upload.zip"
    path.write_bytes(archive.getvalue())
    assert import_paths([path]).imported == 2
    assert set(Provenance.objects.values_list("file_name", flat=True)) == {"feeds/notes.json"}
