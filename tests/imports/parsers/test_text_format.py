"""The plain-text format, rule by rule."""

import time

import pytest

from imports.parsers.base import ParseError, walk
from imports.parsers.text import DEFAULT_BOILERPLATE, MAX_LINE_CHARS, parse_text

LONG = (
    "This opening paragraph is long enough to be body text, with several clauses, a few "
    "names and a full stop at the end, like any paragraph of a news story."
)
SECOND = "A second paragraph follows it, also written as plain prose that ends with a period."


def text(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def tree(doc):
    return [(c.author_name, depth) for depth, c in walk(doc.comments)]


# --- rule 1: title, kicker, dek, caption, paragraphs ---------------------------------------


def test_it_takes_the_first_line_as_title_and_blank_lines_as_paragraph_breaks():
    doc = parse_text(text("A plain title", "", LONG, "", SECOND))
    assert doc.title == "A plain title"
    assert doc.paragraphs == [LONG, SECOND]
    assert (doc.kicker, doc.dek, doc.caption) == ("", "", "")


def test_it_joins_hard_wrapped_lines_of_a_paragraph():
    doc = parse_text(text("Title", "", "first half of a", "wrapped paragraph.", "", SECOND))
    assert doc.paragraphs == ["first half of a wrapped paragraph.", SECOND]


def test_it_finds_a_title_with_no_blank_line_under_it():
    doc = parse_text(text("A plain title", LONG, "", SECOND))
    assert doc.title == "A plain title"
    assert doc.paragraphs == [LONG, SECOND]


def test_it_does_not_take_the_first_line_of_a_wrapped_paragraph_for_a_title():
    wrapped = ["This opening paragraph is hard-wrapped at about", "sixty characters per line."]
    with pytest.raises(ParseError, match="no title"):
        parse_text(text(*wrapped, "", SECOND))


def test_it_reads_kicker_title_dek_and_caption_before_the_body():
    doc = parse_text(
        text(
            "Dispatches",
            "",
            "The Long Road to Basra",
            "",
            "Nobody is winning this fight.",
            "",
            "A convoy waits at a checkpoint outside the city",
            "",
            LONG,
        )
    )
    assert doc.kicker == "Dispatches"
    assert doc.title == "The Long Road to Basra"
    assert doc.dek == "Nobody is winning this fight."
    assert doc.caption == "A convoy waits at a checkpoint outside the city"
    assert doc.paragraphs == [LONG]


def test_it_reads_a_short_kicker_over_a_longer_title_without_dek():
    doc = parse_text(text("War Stories", "", "Shot by Both Sides in Basra", "", LONG))
    assert (doc.kicker, doc.title) == ("War Stories", "Shot by Both Sides in Basra")


def test_it_does_not_take_a_long_first_sentence_for_a_dek():
    opening = "The US certainly is not … but definitely is … co-operating militarily with Iran."
    doc = parse_text(text("A title?", "", opening, "", LONG))
    assert doc.dek == ""
    assert doc.paragraphs == [opening, LONG]


def test_it_reads_a_byline_under_the_title_as_the_authors():
    doc = parse_text(text("A title", "", "By Jane Roe and John Doe", "", LONG))
    assert doc.authors == ["Jane Roe", "John Doe"]
    assert doc.paragraphs == [LONG]


def test_it_treats_a_short_article_as_title_and_paragraphs_not_headings():
    doc = parse_text(text("Brief", "", "It rained.", "", "Then it stopped."))
    assert doc.title == "Brief"
    assert doc.paragraphs == ["It rained.", "Then it stopped."]


# --- rule 2: comments ------------------------------------------------------------------------

THREAD = [
    "• Ann",
    "",
    "  First comment.",
    "",
    "  Its second paragraph.",
    "",
    "  • Ben",
    "",
    "    A reply.",
    "",
    "    • Ann",
    "",
    "      A reply to the reply.",
    "",
    "• Cy",
    "",
    "  Second top-level comment.",
]


def test_it_reads_a_bullet_thread_with_authors_bodies_and_nesting():
    doc = parse_text(text("Title", "", LONG, "", *THREAD))
    assert tree(doc) == [("Ann", 0), ("Ben", 1), ("Ann", 2), ("Cy", 0)]
    assert doc.comments[0].body == "First comment.\n\nIts second paragraph."
    assert doc.comments[0].children[0].children[0].body == "A reply to the reply."
    assert doc.paragraphs == [LONG]
    assert doc.comments[0].created is None


@pytest.mark.parametrize("bullet", ["•", "*", "-", "◦"])
def test_it_accepts_every_bullet_character(bullet):
    thread = [line.replace("•", bullet) for line in THREAD]
    doc = parse_text(text("Title", "", LONG, "", *thread))
    assert tree(doc) == [("Ann", 0), ("Ben", 1), ("Ann", 2), ("Cy", 0)]


@pytest.mark.parametrize("step", ["    ", "\t", " \t", "   "])
def test_it_nests_by_relative_indentation_whatever_the_step(step):
    def indent(level: int) -> str:
        return step * level

    lines = [
        f"{indent(0)}• Ann",
        f"{indent(1)}Top.",
        f"{indent(1)}• Ben",
        f"{indent(2)}Reply.",
        f"{indent(2)}• Cy",
        f"{indent(3)}Deeper.",
        f"{indent(0)}• Dee",
        f"{indent(1)}Top again.",
    ]
    doc = parse_text(text("Title", "", LONG, "", *lines))
    assert tree(doc) == [("Ann", 0), ("Ben", 1), ("Cy", 2), ("Dee", 0)]


def test_it_handles_mixed_tabs_and_spaces_in_one_thread():
    lines = [
        "• Ann",
        "  Top.",
        "\t• Ben",
        "\t  Reply.",
        "  \t  • Cy",
        "\t\t\tDeeper.",
        "  • Dee",
        "    Sibling of Ben.",
    ]
    doc = parse_text(text("Title", "", LONG, "", *lines))
    assert tree(doc) == [("Ann", 0), ("Ben", 1), ("Cy", 2), ("Dee", 1)]


def test_it_reads_a_bullet_followed_by_a_sentence_as_a_comment_without_author():
    lines = [
        "• Ann",
        "  A comment.",
        "  • Not a rant at all, Ann. Your analysis makes sense and I agree with most of it.",
        "  • Ben",
        "    Another reply.",
    ]
    doc = parse_text(text("Title", "", LONG, "", *lines))
    assert tree(doc) == [("Ann", 0), (None, 1), ("Ben", 1)]
    assert doc.comments[0].children[0].body.startswith("Not a rant at all, Ann.")


def test_it_reads_a_bare_bullet_with_a_body_as_a_comment_without_author():
    doc = parse_text(
        text("Title", "", LONG, "", "•", "  Anonymous words.", "  • Ann", "    Reply.")
    )
    assert tree(doc) == [(None, 0), ("Ann", 1)]
    assert doc.comments[0].body == "Anonymous words."


def test_it_leaves_a_lone_star_separator_in_the_body():
    doc = parse_text(text("Title", "", LONG, "", "*", "", SECOND))
    assert doc.paragraphs == [LONG, "*", SECOND]
    assert doc.comments == []


def test_it_leaves_a_dash_list_inside_the_article_in_the_body():
    doc = parse_text(text("Title", "", LONG, "", "- apples", "- pears are nice.", "", SECOND))
    assert doc.comments == []
    assert doc.paragraphs == [LONG, "- apples - pears are nice.", SECOND]


def test_it_leaves_a_trailing_dash_list_without_bodies_in_the_body():
    doc = parse_text(text("Title", "", LONG, "", "- first point", "- second point"))
    assert doc.comments == []
    assert doc.paragraphs[-1] == "- first point - second point"


def test_it_starts_the_thread_after_an_article_list_that_precedes_it():
    doc = parse_text(text("Title", "", LONG, "", "- apples.", "- pears.", "", *THREAD))
    assert tree(doc) == [("Ann", 0), ("Ben", 1), ("Ann", 2), ("Cy", 0)]
    assert doc.paragraphs[-1] == "- apples. - pears."


def test_it_parses_a_fifty_level_thread_to_depth_forty_nine():
    lines: list[str] = []
    for level in range(50):
        lines += [f"{'  ' * level}• Reader {level}", "", f"{'  ' * (level + 1)}Reply {level}.", ""]
    doc = parse_text(text("Deep thread", "", LONG, "", *lines))
    depths = [depth for depth, _ in walk(doc.comments)]
    assert depths == list(range(50))
    assert max(depths) == 49


def test_it_parses_a_thousand_level_thread_without_recursion():
    lines = [f"{' ' * level}• R{level}\n{' ' * (level + 1)}Body." for level in range(1000)]
    doc = parse_text(text("Very deep", "", LONG, "", *lines))
    assert max(depth for depth, _ in walk(doc.comments)) == 999


# --- rule 3: declared comment count ----------------------------------------------------------


def test_it_drops_a_trailing_count_equal_to_the_number_of_comments():
    doc = parse_text(text("Talks with Iran? 4", "", LONG, "", *THREAD))
    assert doc.title == "Talks with Iran?"
    assert doc.comment_count_declared == 4


def test_it_keeps_a_trailing_number_that_is_not_the_comment_count():
    doc = parse_text(text("The war of 1812", "", LONG, "", *THREAD))
    assert doc.title == "The war of 1812"
    assert doc.comment_count_declared is None


def test_it_keeps_a_trailing_number_when_there_are_no_comments():
    doc = parse_text(text("Apollo 0", "", LONG))
    assert doc.title == "Apollo 0"


# --- rule 4: boilerplate ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "testPromoTitleReplace testPromoDekReplace Join HuffPost Today! No thanks.",
        "Join Slate Plus today",
        "No thanks.",
        "Share this:",
        "Subscribe to our newsletter",
        "Follow us on Twitter",
        "Click to share on Facebook (Opens in new window)",
    ],
)
def test_it_removes_page_boilerplate(line):
    doc = parse_text(text("Title", "", LONG, "", line, "", SECOND))
    assert doc.paragraphs == [LONG, SECOND]


def test_it_keeps_sentences_that_merely_mention_joining_today():
    sentence = "Protesters asked the crowd to join them today."
    doc = parse_text(text("Title", "", LONG, "", sentence))
    assert doc.paragraphs == [LONG, sentence]


def test_callers_can_extend_the_boilerplate_list():
    doc = parse_text(
        text("Title", "", LONG, "", "Read more at Example.com", "", SECOND),
        extra_boilerplate=[r"^read more at \S+$"],
    )
    assert doc.paragraphs == [LONG, SECOND]
    assert len(DEFAULT_BOILERPLATE) >= 5


def test_it_never_filters_comment_bodies_as_boilerplate():
    doc = parse_text(
        text("Title", "", LONG, "", "• Ann", "  No thanks.", "  • Ben", "    Share this:")
    )
    assert [c.body for _, c in walk(doc.comments)] == ["No thanks.", "Share this:"]


# --- rule 5: signature -----------------------------------------------------------------------


@pytest.mark.parametrize("signature", ["--Matthew Duss", "-- Matthew Duss", "— Matthew Duss"])
def test_it_turns_a_closing_signature_into_the_author(signature):
    doc = parse_text(text("Title", "", LONG, "", signature))
    assert doc.authors == ["Matthew Duss"]
    assert doc.paragraphs == [LONG]


def test_it_reads_a_signature_before_the_comment_thread():
    doc = parse_text(text("Title", "", LONG, "", "--Jane Roe", "", *THREAD))
    assert doc.authors == ["Jane Roe"]
    assert doc.paragraphs == [LONG]


def test_it_keeps_a_dash_sentence_that_is_no_signature():
    closing = "— and that, in the end, was the whole point of the exercise."
    doc = parse_text(text("Title", "", LONG, "", closing))
    assert doc.authors == []
    assert doc.paragraphs[-1] == closing


# --- rule 6: shouted title -------------------------------------------------------------------


def test_it_takes_an_all_caps_opening_sentence_as_the_title():
    doc = parse_text(text(f"FIXING TO GO ALL IN. {LONG}", "", SECOND))
    assert doc.title == "FIXING TO GO ALL IN."
    assert doc.paragraphs == [LONG, SECOND]


def test_it_does_not_take_an_abbreviation_for_a_shouted_title():
    first = "U.S. troops stayed in Basra. " + LONG
    doc = parse_text(text("Title", "", first))
    assert doc.title == "Title"
    assert doc.paragraphs == [first]


# --- rule 7: header block --------------------------------------------------------------------


def test_a_header_block_overrides_detection():
    doc = parse_text(
        text(
            "Title: Shot by Both Sides",
            "Kicker: War Stories",
            "Dek: Iran is outsmarting us in Iraq.",
            "Source: Slate",
            "Author: Fred Kaplan and Jane Roe, John Doe",
            "Published: April 2008",
            "URL: https://slate.com/x",
            "---",
            "",
            "SHORT LINE",
            "",
            LONG,
        )
    )
    assert doc.title == "Shot by Both Sides"
    assert doc.kicker == "War Stories"
    assert doc.dek == "Iran is outsmarting us in Iraq."
    assert doc.source_name == "Slate"
    assert doc.authors == ["Fred Kaplan", "Jane Roe", "John Doe"]
    assert (doc.published.isoformat(), doc.precision) == ("2008-04-01", "month")
    assert doc.url == "https://slate.com/x"
    assert doc.paragraphs == ["SHORT LINE", LONG]


def test_header_author_wins_over_a_signature():
    doc = parse_text(text("Title: T", "Author: Jane Roe", "---", LONG, "", "--Someone Else"))
    assert doc.authors == ["Jane Roe"]
    assert doc.paragraphs == [LONG]


def test_a_key_value_first_line_without_closing_rule_is_ordinary_text():
    doc = parse_text(text("Title: what it means", "", LONG))
    assert doc.title == "Title: what it means"
    assert doc.paragraphs == [LONG]


def test_an_unreadable_header_date_becomes_a_warning():
    doc = parse_text(text("Title: T", "Published: someday", "---", LONG))
    assert doc.published is None
    assert any("someday" in w for w in doc.warnings)


# --- rule 8: encodings -----------------------------------------------------------------------


def test_it_accepts_crlf_and_a_utf8_bom():
    doc = parse_text(b"\xef\xbb\xbf" + b"Title\r\n\r\n" + LONG.encode() + b"\r\n")
    assert doc.title == "Title"
    assert doc.paragraphs == [LONG]
    assert doc.warnings == []


def test_it_accepts_old_mac_line_endings():
    doc = parse_text(b"Title\r\r" + LONG.encode())
    assert doc.paragraphs == [LONG]


def test_it_converts_windows_1252_and_says_so():
    raw = "Café society\n\nIt’s a “quoted” story – résumé and all.\n"
    doc = parse_text(raw.encode("cp1252"))
    assert doc.title == "Café society"
    assert doc.paragraphs == ["It’s a “quoted” story – résumé and all."]
    assert doc.warnings == ["decoded as Windows-1252"]


# --- rule 9: errors and hostile input --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"   \n\t\r\n  ", "blank"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"%PDF-1.7\n%\xe2\xe3", "binary"),
        (b"text\x00with\x00nuls", "binary"),
        (b"Share this:\n\nNo thanks.\n", "no title"),
        (text("• Ann", "  Only a comment."), "no title"),
        ((LONG * 4).encode(), "no title"),
    ],
)
def test_it_refuses_files_it_cannot_import_with_a_clear_reason(data, message):
    with pytest.raises(ParseError, match=message):
        parse_text(data)


def test_a_title_only_file_is_a_document_without_paragraphs():
    doc = parse_text(b"Just a title\n")
    assert doc.title == "Just a title"
    assert doc.paragraphs == []
    assert doc.comments == []


def test_a_ten_megabyte_line_is_refused_quickly():
    data = b"x" * 10_000_000
    started = time.perf_counter()
    with pytest.raises(ParseError, match="too long"):
        parse_text(data)
    assert time.perf_counter() - started < 5


def test_a_line_just_under_the_limit_is_parsed_in_linear_time():
    body = ("word " * (MAX_LINE_CHARS // 5 - 1)).strip() + "."
    started = time.perf_counter()
    doc = parse_text(f"Title\n\n{body}\n".encode())
    assert time.perf_counter() - started < 10
    assert doc.paragraphs == [body]


def test_invalid_utf8_is_decoded_not_crashed_on():
    doc = parse_text(b"Title \xff\xfe\n\nBody with \x81 stray bytes.\n")
    assert doc.title.startswith("Title")
    assert doc.warnings and doc.warnings[0].startswith("decoded as")


def test_many_bullet_lines_parse_in_reasonable_time():
    lines = [f"• Reader {i}\n  Comment body {i}." for i in range(20_000)]
    started = time.perf_counter()
    doc = parse_text(text("Busy thread", "", LONG, "", *lines))
    assert time.perf_counter() - started < 10
    assert len(doc.comments) == 20_000
