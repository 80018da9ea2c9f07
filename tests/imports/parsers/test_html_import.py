"""Saved web pages: article via trafilatura, comment threads via lxml, everything sanitized."""

import time
from datetime import UTC, datetime

import pytest
import trafilatura

from imports.parsers.base import MAX_BODY_CHARS, ParseError, walk
from imports.parsers.html import parse_html

WORDPRESS_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Basra and the rival militias | Example Times</title>
<link rel="canonical" href="https://example.org/2008/04/basra-militias/">
<meta property="og:site_name" content="Example Times">
<meta property="og:title" content="Basra and the rival militias">
<meta name="author" content="Jane Writer">
<meta property="article:published_time" content="2008-04-21T09:30:00+00:00">
<script>window.tracker = "x";</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article class="post">
<h1 class="entry-title">Basra and the rival militias</h1>
<div class="entry-content">
<p>The offensive in Basra began last month with a promise that the militias would be crushed
within days, and the government said so repeatedly.</p>
<p>Three weeks later the fighting had settled into a stalemate, and the rival Shiite factions
were still in control of the port and most of its neighbourhoods.</p>
<p>Officials in Baghdad now say that talks are the only way forward, though nobody will say who
is talking to whom or on what terms.</p>
</div>
</article>
<div id="comments" class="comments-area">
<h2 class="comments-title">3 thoughts on "Basra"</h2>
<ol class="commentlist">
 <li id="comment-1" class="comment even thread-even depth-1">
  <article id="div-comment-1" class="comment-body">
   <footer class="comment-meta">
    <div class="comment-author vcard"><img src="a.png">
<b class="fn">Alice Reader</b> <span class="says">says:</span></div>
    <div class="comment-metadata"><a href="#comment-1">
<time datetime="2008-04-21T10:05:00+00:00">April 21, 2008 at 10:05 am</time></a></div>
   </footer>
   <div class="comment-content"><p>First comment, first paragraph.</p>
<p>Second paragraph of the first comment.</p></div>
   <div class="reply"><a class="comment-reply-link" href="#">Reply</a></div>
  </article>
  <ol class="children">
   <li id="comment-2" class="comment odd depth-2">
    <article class="comment-body">
     <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">
<a href="https://bob.example" rel="external">Bob</a></b> <span class="says">says:</span></div>
     <div class="comment-metadata"><a href="#comment-2">
<time datetime="2008-04-21T11:00:00+00:00">April 21, 2008</time></a></div></footer>
     <div class="comment-content"><p>A reply from Bob.</p></div>
    </article>
    <ol class="children">
     <li id="comment-3" class="comment even depth-3">
      <article class="comment-body">
       <footer class="comment-meta"><div class="comment-author vcard">
<b class="fn">Alice Reader</b></div>
       <div class="comment-metadata"><a href="#comment-3">April 22, 2008 at 8:15 pm</a></div>
</footer>
       <div class="comment-content"><p>Reply to the reply.</p></div>
      </article>
     </li>
    </ol>
   </li>
  </ol>
 </li>
 <li id="comment-4" class="comment depth-1">
  <article class="comment-body">
   <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Carol</b></div>
</footer>
   <div class="comment-content"><p>Second top-level comment.</p></div>
  </article>
 </li>
</ol>
<div id="respond" class="comment-respond"><form id="commentform"><p>Leave a Reply</p><textarea>
</textarea></form></div>
</div>
<footer><p>Copyright Example Times</p></footer>
</body></html>
"""

DISQUS_PAGE = """\
<html><head><title>Kerry open to talks with Iran</title></head><body>
<div class="article"><h1>Kerry open to talks with Iran</h1>
<p>US Secretary of State John Kerry said Monday that Washington was willing to talk to Iran.</p>
<p>The Pentagon later said there were no plans to coordinate military action.</p></div>
<div id="disqus_thread"><ul id="post-list" class="post-list">
<li class="post" id="post-101"><div class="post-content"><div class="post-body">
<header><span class="post-byline"><span class="author publisher-anchor-color">
<a href="https://disqus.com/by/dana/">Dana</a></span></span>
<span class="post-meta">
<a class="time-ago" href="#comment-101" title="Tuesday, June 17, 2014 9:12 AM">3 days ago</a>
</span></header>
<div class="post-body-inner"><div class="post-message"><p>Top level from Dana.</p></div></div>
</div></div>
<ul class="children"><li class="post" id="post-102"><div class="post-content">
<div class="post-body">
<header><span class="author"><a>Eli</a></span></header>
<div class="post-message"><p>Reply from Eli.</p><p>With two paragraphs.</p></div></div></div>
</li></ul>
</li>
<li class="post" id="post-103"><div class="post-content"><div class="post-body"><header>
<span class="author">Fay</span></header>
<div class="post-message"><p>Another top level.</p></div></div></div></li>
</ul></div></body></html>
"""

HOSTILE_PAGE = """\
<html><head><title>Hostile</title><script>alert(1)</script></head>
<body onload="steal()"><article><h1>Hostile page</h1>
<p onclick="evil()">A paragraph with <a href="javascript:alert(1)">a bad link</a> and <a
href="https://ok.example/">a good one</a>.</p>
<img src=x onerror="alert(2)"><script>document.write('x')</script>
<p>Another <iframe src="https://evil.example"></iframe> paragraph <style>p{}</style> here.</p>
</article>
<ol class="commentlist"><li class="comment"><div class="comment-author">
<cite>Mallory<script>x()</script></cite></div>
<div class="comment-content"><p>Hi <a href="javascript:steal()" onmouseover="x()">click</a>
<img src=x onerror=alert(3)></p><script>bad()</script></div></li></ol>
</body></html>
"""

ARTICLE_SENTENCES = ("The offensive in Basra", "Three weeks later", "Officials in Baghdad")
COMMENT_SENTENCES = ("First comment", "A reply from Bob", "Reply to the reply", "Second top-level")


def tree(doc):
    return [(c.author_name, depth) for depth, c in walk(doc.comments)]


def test_it_reads_article_text_and_metadata_of_a_wordpress_page():
    doc = parse_html(WORDPRESS_PAGE.encode())
    assert doc.format == "html"
    assert doc.title == "Basra and the rival militias"
    assert doc.source_name == "Example Times"
    assert doc.url == "https://example.org/2008/04/basra-militias/"
    assert doc.source_url == "https://example.org"
    assert doc.authors == ["Jane Writer"]
    assert (doc.published.isoformat(), doc.precision) == ("2008-04-21", "day")
    assert len(doc.paragraphs) == len(ARTICLE_SENTENCES)
    for paragraph, opening in zip(doc.paragraphs, ARTICLE_SENTENCES, strict=True):
        assert paragraph.startswith(opening)
    assert doc.body_html.startswith("<p>The offensive in Basra")


def test_it_reads_a_nested_wordpress_thread_with_authors_times_and_order():
    doc = parse_html(WORDPRESS_PAGE.encode())
    assert tree(doc) == [("Alice Reader", 0), ("Bob", 1), ("Alice Reader", 2), ("Carol", 0)]
    first, bob = doc.comments[0], doc.comments[0].children[0]
    assert first.body == "First comment, first paragraph.\n\nSecond paragraph of the first comment."
    assert first.body_html.replace("\n", "") == (
        "<p>First comment, first paragraph.</p><p>Second paragraph of the first comment.</p>"
    )
    assert first.created == datetime(2008, 4, 21, 10, 5, tzinfo=UTC)
    assert bob.created == datetime(2008, 4, 21, 11, 0, tzinfo=UTC)
    # Without <time>, the date is read from the comment-meta link text.
    assert bob.children[0].created == datetime(2008, 4, 22, 20, 15, tzinfo=UTC)
    assert doc.comments[1].created is None


def test_it_keeps_article_and_comments_apart():
    doc = parse_html(WORDPRESS_PAGE.encode())
    body = doc.body_html + "\n".join(doc.paragraphs)
    assert not any(sentence in body for sentence in COMMENT_SENTENCES)
    assert "Leave a Reply" not in body and "says:" not in body
    for _, comment in walk(doc.comments):
        assert not any(sentence in comment.body for sentence in ARTICLE_SENTENCES)
        assert "Reply" != comment.body and "says" not in comment.body


def test_it_reads_a_disqus_thread():
    doc = parse_html(DISQUS_PAGE.encode())
    assert doc.title == "Kerry open to talks with Iran"
    assert tree(doc) == [("Dana", 0), ("Eli", 1), ("Fay", 0)]
    assert doc.comments[0].created == datetime(2014, 6, 17, 9, 12, tzinfo=UTC)
    assert doc.comments[0].children[0].body == "Reply from Eli.\n\nWith two paragraphs."
    assert doc.paragraphs == [
        "US Secretary of State John Kerry said Monday that Washington was willing to talk to Iran.",
        "The Pentagon later said there were no plans to coordinate military action.",
    ]


def test_it_reads_generic_nested_comment_divs():
    page = """<html><head><title>Generic</title></head><body>
    <div class="story"><h1>Generic</h1><p>The article paragraph that should stay.</p></div>
    <div class="comment"><span class="comment-author">Gus</span>
      <div class="comment-text"><p>Top.</p></div>
      <div class="comment"><cite>Hal</cite><div class="comment-text">Nested reply.</div></div>
    </div></body></html>"""
    doc = parse_html(page.encode())
    assert tree(doc) == [("Gus", 0), ("Hal", 1)]
    assert doc.comments[0].children[0].body == "Nested reply."
    assert doc.paragraphs == ["The article paragraph that should stay."]


def test_it_does_not_take_a_wordpress_article_for_a_comment():
    page = """<html><head><title>Post</title></head><body>
    <article id="post-7" class="post"><h1>Post</h1><span class="author">Jo</span>
    <div class="entry-content"><p>The article body.</p></div></article></body></html>"""
    doc = parse_html(page.encode())
    assert doc.comments == []
    assert doc.paragraphs == ["The article body."]


def test_scripts_event_handlers_and_javascript_links_never_survive():
    doc = parse_html(HOSTILE_PAGE.encode())
    everything = doc.body_html + "".join(c.body_html + c.body for _, c in walk(doc.comments))
    everything += "".join(doc.paragraphs) + (doc.comments[0].author_name or "")
    for needle in ("<script", "alert", "onerror", "onclick", "onload", "javascript:", "<iframe"):
        assert needle not in everything.lower()
    assert 'href="https://ok.example/"' in doc.body_html
    assert 'rel="nofollow ugc noopener"' in doc.body_html
    assert tree(doc) == [("Mallory", 0)]


@pytest.mark.parametrize("cut", [200, 900, 1500, 2600, 3000, 3500])
def test_a_truncated_page_parses_without_exceptions(cut):
    data = WORDPRESS_PAGE.encode()[:cut]
    doc = parse_html(data)
    assert doc.title
    for _, comment in walk(doc.comments):
        assert comment.author_name or comment.body


def test_a_page_cut_mid_thread_keeps_the_comments_before_the_cut():
    data = WORDPRESS_PAGE.encode()
    doc = parse_html(data[: data.index(b"Reply to the reply")])
    assert tree(doc)[:2] == [("Alice Reader", 0), ("Bob", 1)]


def test_it_falls_back_to_the_h1_and_paragraphs_of_a_tiny_page():
    doc = parse_html(b"<html><body><h1>Tiny</h1><p>One short line.</p></body></html>")
    assert doc.title == "Tiny"
    assert doc.paragraphs == ["One short line."]


def test_it_decodes_a_windows_1252_page_and_says_so():
    page = "<html><head><title>Caf\u00e9</title></head><body><p>It\u2019s here.</p></body></html>"
    doc = parse_html(page.encode("cp1252"))
    assert doc.title == "Café"
    assert doc.warnings == ["decoded as Windows-1252"]


def test_it_trusts_a_declared_charset_when_the_page_is_not_utf8():
    page = '<html><head><meta charset="koi8-r"><title>Привет мир</title></head></html>'
    doc = parse_html(page.encode("koi8-r"))
    assert doc.title == "Привет мир"
    assert doc.warnings == ["decoded as koi8-r (declared by the page)"]


def test_it_accepts_an_xml_declaration_with_an_encoding():
    page = '<?xml version="1.0" encoding="utf-8"?><html><head><title>X</title></head></html>'
    assert parse_html(page.encode()).title == "X"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"<html><body><div></div></body></html>", "no title"),
    ],
)
def test_it_refuses_pages_it_cannot_import(data, message):
    with pytest.raises(ParseError, match=message):
        parse_html(data)


def test_a_deep_thread_parses_to_its_full_depth():
    nested = (
        "".join(
            f'<li class="comment"><div class="comment-author"><span class="fn">R{i}</span></div>'
            f'<div class="comment-content"><p>Level {i}.</p></div><ul class="children">'
            for i in range(50)
        )
        + "</ul></li>" * 50
    )
    page = (
        "<html><head><title>Deep</title></head><body><p>Text.</p>"
        f'<ol class="commentlist">{nested}</ol></body></html>'
    )
    doc = parse_html(page.encode())
    assert [depth for depth, _ in walk(doc.comments)] == list(range(50))


LONG_PARAGRAPH = "The harbour board met again on Tuesday to discuss the quay. " * 8


def test_a_page_with_more_text_than_any_article_is_refused_before_extraction():
    paragraphs = "".join(f"<p>{LONG_PARAGRAPH}</p>" for _ in range(MAX_BODY_CHARS // 480 + 10))
    page = f"<html><head><title>Huge</title></head><body>{paragraphs}</body></html>"
    started = time.perf_counter()
    with pytest.raises(ParseError, match="the page's text besides its comments is .* characters"):
        parse_html(page.encode())
    assert time.perf_counter() - started < 5, "refused before trafilatura reads it"


def test_a_long_thread_does_not_count_against_the_page_text():
    comments = "".join(
        f'<li class="comment"><div class="comment-author"><span class="fn">R{i}</span></div>'
        f'<div class="comment-content"><p>{LONG_PARAGRAPH * 40}</p></div></li>'
        for i in range(120)
    )
    page = (
        "<html><head><title>Busy</title></head><body><article><p>The article.</p></article>"
        f'<ol class="commentlist">{comments}</ol></body></html>'
    )
    doc = parse_html(page.encode())
    assert len(doc.comments) == 120
    assert sum(len(c.body) for c in doc.comments) > MAX_BODY_CHARS


def test_inline_images_and_styles_of_a_page_saved_whole_are_left_out(monkeypatch):
    """Trafilatura copies the page several times over: it never sees the megabytes of inline
    data a page saved whole carries, none of which is kept anyway."""
    seen = []
    extract = trafilatura.extract
    monkeypatch.setattr(
        trafilatura,
        "extract",
        lambda page, **options: seen.append(page) or extract(page, **options),
    )
    image = "data:image/png;base64," + "iVBORw0KGgo" * 20_000
    page = (
        "<html><head><title>Saved whole</title><style>" + ".c{color:red}" * 20_000 + "</style>"
        f'</head><body><article><h1>Saved whole</h1><p>{LONG_PARAGRAPH}</p><img src="{image}">'
        f'<p>{LONG_PARAGRAPH.upper()}</p><a href="{image}">the photo</a></article></body></html>'
    )
    doc = parse_html(page.encode())
    assert doc.paragraphs[:2] == [LONG_PARAGRAPH.strip(), LONG_PARAGRAPH.upper().strip()]
    assert seen and all(len(page) < 10_000 and "base64" not in page for page in seen)
