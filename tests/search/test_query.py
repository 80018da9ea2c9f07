"""The query language, parsed without the database."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from search.query import MAX_QUERY_LENGTH, MAX_TERMS, AnyOf, Term, parse


def test_words_must_all_match():
    assert parse("ferry timetable").must == [Term("ferry"), Term("timetable")]


def test_a_quoted_phrase_is_one_term():
    assert parse('"new timetable" river').must == [
        Term("new timetable", phrase=True),
        Term("river"),
    ]


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('ferry "dry dock').must == [Term("ferry"), Term("dry dock", phrase=True)]


def test_or_joins_its_neighbours():
    assert parse("ferry OR boat OR bus river").must == [
        AnyOf((Term("ferry"), Term("boat"), Term("bus"))),
        Term("river"),
    ]


def test_a_lowercase_or_is_a_word():
    assert parse("this or that").must == [Term("this"), Term("or"), Term("that")]


def test_a_leading_or_is_ignored():
    assert parse("OR ferry").must == [Term("ferry")]


def test_minus_excludes_words_and_phrases():
    query = parse('ferry -winter -"dry dock"')
    assert query.must == [Term("ferry")]
    assert query.exclude == [Term("winter"), Term("dry dock", phrase=True)]


def test_a_trailing_star_makes_a_prefix():
    assert parse("timeta*").must == [Term("timeta", prefix=True)]


def test_a_short_prefix_is_left_out_with_a_hint():
    query = parse("bo* ferry")
    assert query.must == [Term("ferry")]
    assert any("at least 3 letters: bo* was left out" in hint for hint in query.hints)
    assert parse("b*").is_empty
    assert parse("bol*").must == [Term("bol", prefix=True)]
    assert not parse("bol*").hints


def test_a_lone_star_or_minus_is_nothing():
    assert parse("* - -- **").is_empty


def test_title_field_restricts_a_term_to_titles():
    assert parse('title:ferry title:"mill quay" title:libr*').must == [
        Term("ferry", title_only=True),
        Term("mill quay", phrase=True, title_only=True),
        Term("libr", prefix=True, title_only=True),
    ]


def test_filter_fields():
    query = parse('source:"riverside ledger" author:okafor commenter:maria in:comments is:featured')
    assert query.sources == ["riverside ledger"]
    assert query.authors == ["okafor"]
    assert query.commenters == ["maria"]
    assert query.scope == "comments"
    assert query.featured
    assert not query.must


def test_fields_are_case_insensitive():
    assert parse("SOURCE:courier").sources == ["courier"]


def test_dates():
    query = parse("before:2025-01-01 after:2024-06-30")
    assert query.before == datetime.date(2025, 1, 1)
    assert query.after == datetime.date(2024, 6, 30)


def test_an_invalid_date_is_ignored_with_a_hint():
    query = parse("before:2025-13-01 ferry")
    assert query.before is None
    assert query.must == [Term("ferry")]
    assert any("YYYY-MM-DD" in hint for hint in query.hints)


def test_an_unknown_field_is_searched_as_text_with_a_hint():
    query = parse("foo:bar")
    assert query.must == [Term("foo"), Term("bar")]
    assert query.hints == ["unknown field foo: searched as text"]


def test_an_unknown_scope_is_ignored_with_a_hint():
    query = parse("in:everything")
    assert query.scope is None
    assert query.hints


def test_statuses_are_for_moderators_only():
    assert parse("status:pending", moderator=True).statuses == ["pending"]
    assert parse("is:removed", moderator=True).statuses == ["removed"]
    reader = parse("status:pending is:spam")
    assert reader.statuses == []
    assert len(reader.hints) == 2


def test_engine_operators_are_not_operators_here():
    query = parse("ferry AND NEAR boat NOT bus")
    assert query.must == [Term("ferry"), Term("boat"), Term("bus")]


def test_parentheses_group_nothing():
    assert parse("(ferry OR boat)").must == [AnyOf((Term("ferry"), Term("boat")))]


def test_words_with_inner_punctuation_stay_whole():
    assert parse("C++ O'Reilly 20.04 multi-agent").must == [
        Term("C++"),
        Term("O'Reilly"),
        Term("20.04"),
        Term("multi-agent"),
    ]


def test_terms_without_a_letter_or_digit_are_dropped():
    assert parse("🙂 ++ ... ferry").must == [Term("ferry")]


def test_unicode_and_right_to_left_text_are_words():
    assert parse("café שלום مرحبا").must == [Term("café"), Term("שלום"), Term("مرحبا")]


def test_nul_and_control_characters_are_spaces():
    assert parse("fer\x00ry\x07boat").must == [Term("fer"), Term("ry"), Term("boat")]


def test_a_long_query_is_cut_with_a_hint():
    query = parse("word " * 5000)
    assert any(str(MAX_QUERY_LENGTH) in hint for hint in query.hints)
    assert len(query.must) == MAX_TERMS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text):
    query = parse(text)
    for term in query.words():
        assert term and any(ch.isalnum() for ch in term)
