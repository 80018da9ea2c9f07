import pytest

from web.markup import markdown_text, render_markdown


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


@pytest.mark.parametrize(
    "source, text",
    [
        (
            "Plain words - and 3.5 + 2 > 1, nothing to take out.",
            "Plain words - and 3.5 + 2 > 1, nothing to take out.",
        ),
        ("see the [moderation log](/moderation/log/) first", "see the moderation log first"),
        ("> quoted\n>> deeper\nreply", "quoted\ndeeper\nreply"),
        ("- one\n* two\n+ three\n1. four\n2) five", "one\ntwo\nthree\nfour\nfive"),
        (
            "**strong**, *em*, `code`, ~~gone~~, _em_, __strong__",
            "strong, em, code, gone, em, strong",
        ),
        # Not markup: intraword underscores, a lone star, escapes (kept as the character).
        ("snake_case_name, C++ and a*b", "snake_case_name, C++ and a*b"),
        (r"\*not em\* and \[not a link\]", "*not em* and [not a link]"),
        ("`a*b*c` stays", "a*b*c stays"),
        # Cut mid-construct, as a snippet's edges may cut it: the pieces go too.
        ("half a [link](/to/some", "half a link"),
        ("link text](/to/it) and on", "link text and on"),
        ("**half strong", "half strong"),
        ("strong** half", "strong half"),
        ("[sic] and a [ lone bracket", "[sic] and a  lone bracket"),
    ],
)
def test_markdown_text_reads_as_the_rendered_comment(source, text):
    assert markdown_text(source) == text


def test_markdown_text_keeps_search_marks_inside_the_markup():
    marked = "**\ue000ferry\ue001** and [\ue000ferry\ue001 news](/news/)"
    assert markdown_text(marked) == "\ue000ferry\ue001 and \ue000ferry\ue001 news"
    # A headline cut inside the marks, as PostgreSQL's ts_headline cuts them.
    cut = "\ue000pelican\ue001* reply, see the [\ue000pelican\ue001 log](/log"
    assert markdown_text(cut) == "\ue000pelican\ue001 reply, see the \ue000pelican\ue001 log"
