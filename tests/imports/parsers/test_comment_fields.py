"""A comment's text without its author's name, and its time put together from a date and a
clock shown apart, as Drupal and other themes write them."""

from datetime import UTC, datetime

from imports.parsers.base import walk
from imports.parsers.html import parse_html

ARTICLE = "<p>" + "The council met on Tuesday to discuss the harbour budget again. " * 8 + "</p>"


def page_with(section: str) -> bytes:
    """An article page with `section` after the article."""
    return (
        "<!doctype html><html><head><title>Harbour budget</title></head><body>"
        f"<article><h1>Harbour budget</h1>{ARTICLE}</article>{section}</body></html>"
    ).encode()


def comments_of(thread: str) -> list:
    doc = parse_html(page_with(f'<div id="comments">{thread}</div>'))
    return [comment for _depth, comment in walk(doc.comments)]


DRUPAL = """
<div class="comment"><div class="comment-content"><div class="content">
  <h3 class="name"><span class="username">Lars</span></h3>
  <div class="field-comment-body"><p>Couldn't I just block it?</p></div>
</div></div>
<div class="meta"><ul class="links"><li class="date"><span>April 6, 2018</span></li>
<li class="time"><span>2:20 AM</span></li></ul></div></div>
<div class="comment"><div class="comment-content"><div class="content">
  <h3 class="name"><span class="username">Anonymous</span></h3>
  <div class="field-comment-body"><p>Privacy Badger helps.</p></div>
</div></div>
<div class="meta"><ul class="links"><li class="date"><span>April 6, 2018</span></li>
<li class="time"><span>12:13 PM</span></li></ul></div></div>
"""


def test_the_name_inside_the_text_block_is_not_part_of_the_text():
    lars, anonymous = comments_of(DRUPAL)
    assert (lars.author_name, lars.body) == ("Lars", "Couldn't I just block it?")
    assert anonymous.body == "Privacy Badger helps."


def test_a_date_and_a_time_in_elements_of_their_own_make_one_time():
    lars, anonymous = comments_of(DRUPAL)
    assert lars.created == datetime(2018, 4, 6, 2, 20, tzinfo=UTC)
    assert anonymous.created == datetime(2018, 4, 6, 12, 13, tzinfo=UTC)


def test_a_datetime_attribute_with_only_the_day_takes_the_time_from_the_text():
    [comment] = comments_of(
        '<ol class="commentlist"><li class="comment"><div class="comment-author">'
        '<b class="fn">Ann</b></div><div class="comment-metadata"><time datetime="2018-04-05">'
        "April 5, 2018 at 6:32 pm</time></div>"
        '<div class="comment-content"><p>Well said.</p></div></li></ol>'
    )
    assert comment.created == datetime(2018, 4, 5, 18, 32, tzinfo=UTC)


def test_a_date_alone_stays_at_midnight():
    [comment] = comments_of(
        '<ol class="commentlist"><li class="comment"><div class="comment-author">'
        '<b class="fn">Ann</b></div><div class="comment-meta"><span>April 5, 2018</span></div>'
        '<div class="comment-content"><p>Well said.</p></div></li></ol>'
    )
    assert comment.created == datetime(2018, 4, 5, tzinfo=UTC)


def thread_of(thread: str) -> list[tuple[int, str]]:
    doc = parse_html(page_with(f'<div id="comments">{thread}</div>'))
    return [(depth, c.author_name) for depth, c in walk(doc.comments)]


def comment(name: str) -> str:
    return (
        f'<div class="comment"><div class="comment-author"><b class="fn">{name}</b></div>'
        f'<div class="comment-content"><p>Text by {name}.</p></div></div>'
    )


def test_replies_in_an_indented_block_after_their_comment_are_nested():
    thread = (
        f'<a id="comment-1"></a>{comment("Ann")}'
        f'<div class="indented"><a id="comment-2"></a>{comment("Ben")}'
        f'<div class="indented">{comment("Cy")}</div></div>'
        f"{comment('Dee')}"
    )
    assert thread_of(thread) == [(0, "Ann"), (1, "Ben"), (2, "Cy"), (0, "Dee")]


def test_a_children_list_beside_its_comment_holds_its_replies():
    thread = (
        f'<ol class="commentlist"><li>{comment("Ann")}</li>'
        f'<ul class="children"><li>{comment("Ben")}</li></ul><li>{comment("Dee")}</li></ol>'
    )
    assert thread_of(thread) == [(0, "Ann"), (1, "Ben"), (0, "Dee")]


def warnings_of(section: str) -> list[str]:
    return [w for w in parse_html(page_with(section)).warnings if "comment" in w]


UNREADABLE = (
    '<section id="comments"><h2>3 Kommentare</h2>'
    + '<div class="bubble"><em>Someone wrote a long reply about the harbour budget, '
    "which this reader finds far too generous to the ferry company.</em></div>" * 3 + "</section>"
)


def test_a_section_whose_comments_cannot_be_read_is_not_lost_silently():
    assert warnings_of(UNREADABLE) == [
        "the page says it has 3 comments; 0 could be read, so some of its comment section "
        "was not understood"
    ]
    no_count = UNREADABLE.replace("<h2>3 Kommentare</h2>", "")
    assert warnings_of(no_count) == [
        "a comment section was found, but no comment in it could be read"
    ]


def test_a_section_with_only_its_form_or_every_comment_read_says_nothing():
    form_only = (
        '<div id="comments" class="comments-area"><h3>Leave a Reply</h3><form>'
        + "<label>Comment</label><textarea></textarea>" * 10
        + "</form></div>"
    )
    assert warnings_of(form_only) == []
    read_all = f'<div id="comments"><h2>2 Comments</h2>{comment("Ann")}{comment("Ben")}</div>'
    assert warnings_of(read_all) == []


def test_the_warning_reaches_the_import_summary(db, tmp_path):
    from imports.pipeline import import_paths

    path = tmp_path / "page.html"
    path.write_bytes(page_with(UNREADABLE))
    summary = import_paths([path])
    assert summary.imported == 1
    assert any("the page says it has 3 comments" in w for w in summary.warnings)
