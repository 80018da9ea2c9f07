"""RSS and Atom feeds become one document per entry; entity tricks are refused up front."""

from datetime import date

import pytest

from imports.parsers.base import ParseError
from imports.parsers.feed import parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Example Times</title>
  <link>https://example.org/</link>
  <description>News</description>
  <item>
    <title>Kerry open to talks &amp; more</title>
    <link>https://example.org/2014/06/17/kerry</link>
    <dc:creator>Jane Writer</dc:creator>
    <pubDate>Tue, 17 Jun 2014 09:30:00 +0000</pubDate>
    <description>Short &lt;b&gt;summary&lt;/b&gt;</description>
    <content:encoded><![CDATA[<p>Full <a href="javascript:steal()">text</a> with
      <a href="https://ok.example/">a link</a>.</p><script>evil()</script>
      <p onclick="x()">Second paragraph.</p>]]></content:encoded>
    <slash:comments>4</slash:comments>
  </item>
  <item>
    <title>Plain item</title>
    <link>https://example.org/plain</link>
    <description>Only a plain summary.</description>
  </item>
  <item>
    <description>An item without a title.</description>
  </item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Site</title>
  <link href="https://atom.example/"/>
  <id>urn:x</id>
  <updated>2014-06-18T00:00:00Z</updated>
  <entry>
    <title>Atom entry</title>
    <link href="https://atom.example/1"/>
    <id>urn:1</id>
    <author><name>A One</name></author>
    <author><name>B Two</name></author>
    <published>2014-06-17T23:30:00-02:00</published>
    <updated>2014-06-19T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Para one.&lt;/p&gt;
      &lt;p&gt;Para two&lt;img src=x onerror=alert(1)&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Text entry</title>
    <id>urn:2</id>
    <updated>2014-06-20T10:00:00Z</updated>
    <summary type="text">Plain &lt;words&gt; here.</summary>
  </entry>
</feed>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title>
<item><title>&lol3;</title></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>"""


def test_it_reads_one_document_per_rss_item_with_metadata():
    docs = parse_feed(RSS)
    assert [d.title for d in docs] == ["Kerry open to talks & more", "Plain item"]
    first = docs[0]
    assert first.format == "feed"
    assert first.url == "https://example.org/2014/06/17/kerry"
    assert first.authors == ["Jane Writer"]
    assert (first.published, first.precision) == (date(2014, 6, 17), "day")
    assert (first.source_name, first.source_url) == ("Example Times", "https://example.org/")
    assert first.comment_count_declared == 4


def test_it_prefers_full_content_and_sanitizes_it():
    first = parse_feed(RSS)[0]
    assert first.paragraphs == ["Full text with a link.", "Second paragraph."]
    html = first.body_html.lower()
    for needle in ("<script", "evil", "javascript:", "onclick"):
        assert needle not in html
    assert '<a href="https://ok.example/" rel="nofollow ugc noopener">' in first.body_html


def test_it_wraps_a_bare_summary_in_a_paragraph():
    plain = parse_feed(RSS)[1]
    assert plain.body_html == "<p>Only a plain summary.</p>"
    assert plain.paragraphs == ["Only a plain summary."]
    assert plain.published is None and plain.precision == ""


def test_it_reports_skipped_entries_without_title():
    docs = parse_feed(RSS)
    assert docs[0].warnings == ["skipped entry 3: it has no title"]


def test_an_entry_titled_with_a_page_of_its_own_spoils_no_other_entry():
    # An XSS vector from the shared lists: once crashed the whole feed's import.
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Site</title>
    <item><title>&lt;html ontouchstart=alert(1)&gt;</title></item>
    <item><title>Kept</title></item></channel></rss>"""
    docs = parse_feed(rss)
    assert [doc.title for doc in docs] == ["Kept"]
    assert docs[0].warnings == ["skipped entry 1: it has no title"]


def test_it_reads_atom_entries_with_several_authors():
    docs = parse_feed(ATOM)
    entry = docs[0]
    assert entry.title == "Atom entry"
    assert entry.url == "https://atom.example/1"
    assert entry.authors == ["A One", "B Two"]
    # feedparser normalises to UTC: 23:30 at -02:00 is the next day.
    assert (entry.published, entry.precision) == (date(2014, 6, 18), "day")
    assert (entry.source_name, entry.source_url) == ("Atom Site", "https://atom.example/")
    assert entry.paragraphs == ["Para one.", "Para two."]
    assert "onerror" not in entry.body_html


def test_it_escapes_plain_text_content_and_falls_back_to_the_updated_date():
    text_entry = parse_feed(ATOM)[1]
    assert text_entry.body_html == "<p>Plain &lt;words&gt; here.</p>"
    assert text_entry.paragraphs == ["Plain <words> here."]
    assert text_entry.published == date(2014, 6, 20)


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_it_refuses_xml_entity_declarations(data):
    with pytest.raises(ParseError, match="feed declares XML entities"):
        parse_feed(data)


def test_it_refuses_entities_hidden_behind_a_syntax_error():
    broken = b'<rss version="2.0"><channel><title>x</title></channel></rss><!ENTITY a "b">'
    with pytest.raises(ParseError, match="entities"):
        parse_feed(broken)


def test_it_reads_a_slightly_broken_feed_and_warns():
    docs = parse_feed(b'<rss version="2.0"><channel><title>S</title><item><title>T</title></item>')
    assert [d.title for d in docs] == ["T"]
    assert any("not well-formed" in w for w in docs[0].warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"just some words", "not an RSS or Atom feed"),
        (b"<html><body><p>Hi</p></body></html>", "not an RSS or Atom feed"),
        (b'<rss version="2.0"><channel><title>S</title></channel></rss>', "no entries"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_it_refuses_what_is_not_a_usable_feed(data, message):
    with pytest.raises(ParseError, match=message):
        parse_feed(data)


def test_a_utf8_feed_with_a_bad_byte_is_refused_rather_than_garbled():
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
        "<item><title>Crème brûlée à la française</title></item></channel></rss>"
    ).encode()
    with pytest.raises(ParseError, match=r"invalid UTF-8: line 1 .*\(e8;"):
        parse_feed(feed.replace(b"fran", b"fr\xe8n"))


def test_a_feed_that_declares_another_encoding_is_read_in_it():
    feed = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>C</title>'
        "<item><title>Crème brûlée à la française</title></item></channel></rss>"
    ).encode("latin-1")
    assert [doc.title for doc in parse_feed(feed)] == ["Crème brûlée à la française"]
