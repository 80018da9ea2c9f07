"""The AST's translations for each engine: every reader's term is quoted data."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from search.backends.postgres import compile_tsquery
from search.backends.sqlite import compile_match
from search.query import parse


def test_fts5_terms_are_quoted_strings():
    positive, negative = compile_match(parse('ferry "dry dock" -winter timeta*'), titles=True)
    assert positive == '("ferry" AND "dry dock" AND "timeta"*) NOT ("winter")'
    assert negative == '"winter"'


def test_fts5_inner_quotes_are_doubled():
    positive, _ = compile_match(parse('say"hi'), titles=True)
    assert positive == '"say" AND "hi"'
    positive, _ = compile_match(parse("title:O'Reilly"), titles=True)
    assert positive == 'title : "O\'Reilly"'


def test_fts5_or_groups():
    positive, _ = compile_match(parse("a1 OR b2 c3"), titles=True)
    assert positive == '("a1" OR "b2") AND "c3"'


def test_fts5_column_syntax_from_a_reader_stays_text():
    positive, _ = compile_match(parse("body_text:secret {title}:x NEAR(a b) ^start"), titles=True)
    assert positive == '"body_text:secret" AND "{title}:x" AND "a" AND "b" AND "^start"'


def test_title_filters_only_apply_where_there_are_titles():
    positive, _ = compile_match(parse("title:ferry"), titles=False)
    assert positive == '"ferry"'


def test_tsquery_terms_are_quoted_lexemes():
    positive, negative = compile_tsquery(parse("ferry -winter timeta* title:mill"), titles=True)
    assert positive == "('ferry' & 'timeta':* & 'mill':A) & !('winter')"
    assert negative == "'winter'"


def test_tsquery_quotes_and_backslashes_cannot_close_a_lexeme():
    positive, _ = compile_tsquery(parse("O'Reilly back\\slash"), titles=True)
    assert positive == "'O Reilly' & 'back slash'"


def _outside_quotes(expr: str, quote: str) -> str:
    return re.sub(f"{quote}(?:[^{quote}]|{quote}{quote})*{quote}", "", expr)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_no_reader_text_escapes_the_quotes(text):
    query = parse(text)
    fts, _ = compile_match(query, titles=True)
    # Outside the quoted strings only our own operators remain.
    assert re.fullmatch(r"[\s()*]*|(?:[\s()*]|AND|OR|NOT|title :)*", _outside_quotes(fts, '"'))
    ts, _ = compile_tsquery(query, titles=True)
    assert re.fullmatch(r"(?:[\s()&|!:*A])*", _outside_quotes(ts, "'"))
