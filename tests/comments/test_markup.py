from comments.markup import render_markdown


def test_the_subset_renders():
    html = render_markdown("Hello *there*\n\n> quoted\n\n- one\n- two\n\n`code`")
    assert "<em>there</em>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html and "<code>code</code>" in html


def test_raw_html_shows_as_text_and_bad_links_lose_their_href():
    html = render_markdown(
        '<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="y">b</b>'
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<b" not in html


def test_links_are_marked_nofollow_ugc():
    html = render_markdown("[site](https://example.org/)")
    assert 'href="https://example.org/"' in html and 'rel="nofollow ugc noopener"' in html
