"""web.text: the one rule for text from outside, and the writers that rely on it."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from web.text import (
    all_untouched,
    apply_rule,
    clean_text,
    clean_text_changed,
    escape_surrogates,
    xml_safe,
)

XML_FORBIDDEN = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]


@pytest.mark.parametrize("char", [*XML_FORBIDDEN, "\x7f", "\x80", "\x9f", "\ufffe", "\uffff"])
def test_it_removes_what_xml_and_html_refuse(char):
    assert clean_text(f"a{char}b") == "ab"


@pytest.mark.parametrize(
    "char", ["\ud800", "\udfff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]
)
def test_it_removes_lone_surrogates_and_noncharacters(char):
    assert clean_text(f"a{char}b") == "ab"


def test_it_keeps_a_surrogate_pair_as_its_character():
    assert clean_text("a\ud83d\ude00b") == "a😀b"


def test_it_unifies_line_endings():
    assert clean_text("a\r\nb\rc\x85d\u2028e\u2029f") == "a\nb\nc\nd\ne\nf"


def test_it_keeps_tabs_and_newlines_in_text_but_not_in_a_line():
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_text("a\tb\nc", single_line=True) == "a b c"


def test_it_composes_to_nfc():
    assert clean_text("Cafe\u0301") == "Café"
    # A control character between a letter and its accent no longer keeps them apart.
    assert clean_text("e\x01\u0301") == "é"


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
def test_it_removes_bidi_overrides_from_names_and_titles_only(char):
    assert clean_text(f"ab{char}c", single_line=True) == "abc"
    assert clean_text(f"ab{char}c") == f"ab{char}c"


def test_ordinary_text_is_left_alone():
    text = "Ferry — “returns” to Mill Quay: 12 € 🙂 עברית العربية\n\n\tIndented."
    assert clean_text(text) == text
    assert clean_text("") == ""


def test_the_issue_s_title():
    assert clean_text("Harbour \x0bnotice\x01 about ferries", single_line=True) == (
        "Harbour notice about ferries"
    )


def test_changed_reports_removal_but_not_spacing_or_nfc():
    assert clean_text_changed("a\x01") == ("a", True)
    assert clean_text_changed("a\ud800") == ("a", True)
    assert clean_text_changed("a\u202eb", single_line=True) == ("ab", True)
    assert clean_text_changed("a\r\nb") == ("a\nb", False)
    assert clean_text_changed("a\nb", single_line=True) == ("a b", False)
    assert clean_text_changed("Cafe\u0301") == ("Café", False)
    assert clean_text_changed("plain") == ("plain", False)


HOSTILE = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),  # every code point, surrogates included
        st.sampled_from(
            ["\x00", "\x01", "\x0b", "\r", "\n", "\x85", "\x9b", "\ud800", "\udc00", "\ufffe"]
            + ["\ufdd0", "\u202e", "\u2066", "\u0301", "\u0308", "\U0001d15e", "\ufb2c"]
        ),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(HOSTILE, st.booleans())
def test_the_result_is_idempotent_encodable_nfc_and_xml_safe(text, single_line):
    cleaned = clean_text(text, single_line=single_line)
    assert clean_text(cleaned, single_line=single_line) == cleaned
    cleaned.encode("utf-8")  # no lone surrogate left
    assert unicodedata.is_normalized("NFC", cleaned)
    assert "\r" not in cleaned
    for value in (cleaned, text):  # xml_safe alone suffices for XML, whatever is stored
        element = etree.Element("t")
        element.text = xml_safe(value)  # lxml refuses what XML 1.0 cannot carry
        assert etree.fromstring(etree.tostring(element)).text in (xml_safe(value), None)
    if single_line:
        assert "\n" not in cleaned and "\u202e" not in cleaned


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(HOSTILE, st.text(max_size=80), st.text(alphabet=st.characters(max_codepoint=127))),
    st.booleans(),
)
def test_the_shortcut_for_untouched_text_gives_what_every_step_gives(text, single_line):
    assert clean_text(text, single_line=single_line) == apply_rule(text, single_line=single_line)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(HOSTILE, st.sampled_from(["\u0301a", "e", "\u0308", ""])), max_size=5),
    st.booleans(),
)
def test_a_document_is_untouched_as_a_whole_exactly_when_each_text_is(parts, single_line):
    each = all(clean_text(part, single_line=single_line) == part for part in parts)
    assert all_untouched(parts, single_line=single_line) == each


@pytest.mark.parametrize("char", ["\x00", "\x1f", "\x7f", "\r", "\x0b", "\x0c"])
@pytest.mark.parametrize("single_line", [False, True])
def test_the_shortcut_never_skips_an_ascii_control(char, single_line):
    assert char not in clean_text(f"plain{char}text", single_line=single_line)


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_escaped_json_round_trips(text):
    line = escape_surrogates(json.dumps({"t": text}, ensure_ascii=False))
    line.encode("utf-8")
    assert json.loads(line) == {"t": text}
