import datetime
import re
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.dates import format_partial_date
from archive.models import Article, Author, DatePrecision, Source
from web.sanitize import html_to_text, paragraphs_to_html, word_count


def test_partial_dates_show_only_what_is_known():
    day = datetime.date(2008, 4, 21)
    assert format_partial_date(day, DatePrecision.DAY) == "21 April 2008"
    assert format_partial_date(day, DatePrecision.MONTH) == "April 2008"
    assert format_partial_date(day, DatePrecision.YEAR) == "2008"
    assert format_partial_date(None, DatePrecision.DAY) == ""


def test_iso_form_follows_precision(make_article):
    article = make_article(published=datetime.date(2008, 4, 1), precision=DatePrecision.MONTH)
    assert article.published_iso == "2008-04"
    article.published_precision = DatePrecision.YEAR
    assert article.published_iso == "2008"


def test_slugs_are_unique(make_article):
    first = make_article("Iran and Iraq")
    second = make_article("Iran and Iraq")
    assert first.slug == "iran-and-iraq"
    assert second.slug == "iran-and-iraq-2"


def test_set_body_sanitizes_and_derives_text(make_source):
    article = Article(source=make_source(), title="T")
    article.set_body('<p onclick="x()">Hello <script>alert(1)</script><b>world</b></p><p>Two</p>')
    assert "onclick" not in article.body_html and "script" not in article.body_html
    assert article.body_text == "Hello world\n\nTwo"
    assert article.word_count == 3
    assert len(article.content_hash) == 64


def test_the_plain_text_collapses_every_kind_of_blank_to_one_space():
    assert html_to_text("<p>a\t\tb  c \x0b\f d e\r</p><p> two  words </p>") == (
        "a b c d e\n\ntwo words"
    )
    assert word_count("one two\n\nthree\tfour  five\n") == 5


def test_the_plain_text_of_a_long_body_takes_no_piece_per_word():
    body = "<p>" + "word " * 400_000 + "</p>"
    tracemalloc.start()
    try:
        text = html_to_text(body)
        count = word_count(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 400_000
    assert peak < 6 * len(body), f"peak {peak:,} bytes for a {len(body):,}-character body"


def test_url_is_unique_only_when_present(make_article):
    from django.db import IntegrityError, transaction

    make_article(url="")
    make_article(url="")
    make_article(url="https://example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(url="https://example.org/a")


def test_source_matching_by_name_or_domain(make_source):
    source = make_source("The Courier", homepage="https://www.courier.example.org")
    assert Source.objects.matching("the courier") == source
    assert Source.objects.matching("Other", "http://courier.example.org/x") == source
    assert Source.objects.matching("Other", "https://elsewhere.example.org") is None


def test_source_stats(make_source, make_article):
    source = make_source()
    make_article(source=source, published=datetime.date(2001, 1, 1))
    make_article(source=source, published=datetime.date(2010, 5, 5))
    stats = Source.objects.with_stats().get(pk=source.pk)
    assert stats.article_count == 2
    assert stats.first_published == datetime.date(2001, 1, 1)
    assert stats.last_published == datetime.date(2010, 5, 5)


@pytest.mark.parametrize("address", ["javascript:alert(1)", "ftp://example.org/", "data:,x"])
def test_addresses_must_be_web_addresses(make_source, address):
    from django.core.exceptions import ValidationError

    source = make_source(homepage="")
    source.homepage = address
    with pytest.raises(ValidationError):
        source.full_clean()


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000\u200b.")))
def test_short_and_long_bodies_count_words_alike(text):
    # Short texts are split, long ones matched word by word: both must agree.
    assert word_count(text) == sum(1 for _ in re.finditer(r"\S+", text))
    assert word_count(text * (100_000 // max(len(text), 1) + 1)) == len(
        (text * (100_000 // max(len(text), 1) + 1)).split()
    )


def test_authors_are_listed_per_article_by_name_in_one_query(
    make_article, make_author, django_assert_num_queries
):
    zoe, adam, mia = make_author("Zoe Quill"), make_author("Adam Reed"), make_author("Mia Stone")
    both = make_article("Two authors", authors=(zoe, adam))
    one = make_article("One author", authors=(mia,))
    nobody = make_article("No author")
    with django_assert_num_queries(1):
        lists = Author.objects.lists_for([both.pk, one.pk, nobody.pk])
    assert {pk: [a.name for a in authors] for pk, authors in lists.items()} == {
        both.pk: ["Adam Reed", "Zoe Quill"],
        one.pk: ["Mia Stone"],
    }
    assert lists[one.pk][0] == mia and lists[one.pk][0].get_absolute_url() == mia.get_absolute_url()
    with django_assert_num_queries(0):
        assert Author.objects.lists_for([]) == {}


_BLANKS = "ab \t\n\r\x0b\x0c.<>&"


@given(st.text(alphabet=st.sampled_from(_BLANKS)))
def test_blank_runs_are_collapsed_as_the_plain_pattern_would(text):
    # The form html_to_text used before its faster pattern and the check that skips it.
    plain = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")
    markup = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
    expected = plain.sub(" ", text)
    expected = re.sub(r"\n\s*\n+", "\n\n", expected)
    expected = "\n".join(line.strip() for line in expected.split("\n")).strip()
    assert html_to_text(markup) == expected


@given(st.lists(st.text(alphabet=st.sampled_from(_BLANKS)), max_size=4))
def test_paragraphs_become_the_same_html_with_or_without_line_breaks(paragraphs):
    import html

    def reference(paragraph):
        lines = [html.escape(line.strip(), quote=False) for line in paragraph.strip().split("\n")]
        return "<p>" + "<br>".join(line for line in lines if line) + "</p>"

    expected = "\n".join(reference(p) for p in paragraphs if p.strip())
    assert paragraphs_to_html(paragraphs) == expected
