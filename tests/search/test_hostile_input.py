"""Whatever a reader types, the search page answers 200 with results or "no results"."""

import itertools

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = reverse("search:search")

HAND_WRITTEN = [
    '"',
    '""',
    '"""',
    '"ferry',
    'ferry"',
    '"ferry" "',
    "(",
    ")",
    "((ferry)",
    "ferry)",
    "(ferry OR",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "AND OR NOT",
    "ferry AND",
    "OR ferry",
    "ferry OR",
    "ferry NOT",
    "NOT ferry",
    "NEAR(ferry boat)",
    "NEAR(ferry boat, 2)",
    "ferry NEAR boat",
    "C++",
    "c#",
    "O'Reilly",
    "'",
    "''",
    "20.04",
    "3.14159",
    "multi-agent",
    "-",
    "--",
    "-ferry",
    "- ferry",
    '-""',
    "*",
    "**",
    "ferry*",
    "*ferry",
    "fer*ry",
    "^ferry",
    "ferry^",
    "title:",
    "title:*",
    'title:"',
    "title:ferry*",
    "body_text:ferry",
    "kicker:transport",
    "search_article_fts:ferry",
    "rank:1",
    "rowid:1",
    "{title}:ferry",
    "{title body_text}:ferry",
    "- title:ferry",
    "-title:ferry",
    "source:",
    'source:"',
    "author:''",
    "commenter:%",
    "commenter:_",
    "source:%_%",
    "before:",
    "before:yesterday",
    "before:2024-02-30",
    "after:0000-00-00",
    "after:9999-12-31",
    "before:-1",
    "in:",
    "in:everything",
    "in:comments",
    "is:",
    "is:featured",
    "is:removed",
    "status:spam",
    "status:'; DROP TABLE archive_article; --",
    "'; DROP TABLE archive_article; --",
    '" OR 1=1 --',
    "ferry\x00",
    "\x00",
    "\x00\x00\x00",
    "fer\x00ry",
    "\x01\x02\x1f",
    "\t\n\r",
    "   ",
    "\u200b",
    "\ufeff",
    "\ue000",
    "\ue001ferry\ue000",
    "🙂",
    "🙂 ferry 🚢",
    "👨‍👩‍👧",
    "שלום",
    "مرحبا بالعالم",
    "\u202eferry\u202c",
    "日本語",
    "Ελληνικά",
    "Ñandú",
    "café",
    "straße",
    "İstanbul",
    "x" * 10_000,
    "ferry " * 2_000,
    '"' * 5_000,
    "(" * 3_000,
    "-" * 4_000,
    "a:" * 3_000,
    "<script>alert(1)</script>",
    "<mark>ferry</mark>",
    "&lt;&amp;",
    "%",
    "%%",
    "_",
    "\\",
    "\\\\ferry",
    "ferry\\",
    "'ferry'",
    "`ferry`",
    "$ferry",
    "ferry:*",
    ":",
    "::",
    ":ferry",
    "!ferry",
    "ferry & boat",
    "ferry | boat",
    "ferry <-> boat",
    "ferry <2> boat",
    "ferry:A",
    "ferry:*A",
    "'ferry':*",
    "!!ferry",
    "ferry@example.org",
    "https://example.org/ferry?x=1&y=2",
    "/etc/passwd",
    "../../",
    "NULL",
    "None",
    "true",
    "0",
    "-1",
    "1e308",
    "9" * 400,
]

PIECES = ['"', "(", ")", "*", "-", "OR", "AND", "NOT", "NEAR", "title:", "foo:", "'", "\x00"]
WORDS = ["ferry", "C++", "20.04", "🙂", ""]
GENERATED = [a + w + b for a, w, b in itertools.product(PIECES, WORDS, PIECES[:6])]

QUERIES = HAND_WRITTEN + GENERATED


def test_the_table_is_long_enough():
    assert len(set(QUERIES)) >= 200


@pytest.mark.parametrize("tab", ["articles", "comments"])
def test_hostile_queries_never_fail(client, corpus, tab):
    failures = []
    for q in QUERIES:
        response = client.get(URL, {"q": q, "in": tab})
        friendly = b" found" in response.content or b"Type words" in response.content
        if response.status_code != 200 or not friendly:
            failures.append((q[:40], response.status_code))
    assert failures == []


def test_a_moderator_s_hostile_queries_never_fail(client, corpus):
    client.force_login(corpus.moderator)
    for q in HAND_WRITTEN:
        assert client.get(URL, {"q": q, "in": "comments"}).status_code == 200, q[:40]


def test_a_10kb_query_is_cut_with_a_hint(client, corpus):
    response = client.get(URL, {"q": "ferry " + "x" * 10_000})
    assert response.status_code == 200
    assert "cut to its first" in response.content.decode()
    assert response.context["counts"]["articles"] == "0"


def test_odd_input_still_finds_the_word(client, corpus):
    for q in ['"ferry', "(ferry", "ferry)", "ferry AND", "NEAR ferry", "ferry\x00", "🙂 ferry"]:
        response = client.get(URL, {"q": q})
        assert response.context["counts"]["articles"] == "2", q


def test_hostile_filter_parameters_never_fail(client, corpus):
    for params in (
        {"q": "ferry", "in": "\x00"},
        {"q": "ferry", "sort": "'; --"},
        {"q": "ferry", "source": "\x00"},
        {"q": "ferry", "author": "'" * 300},
        {"q": "ferry", "date_from": "9999-99-99", "date_to": "\x00"},
        {"q": ["ferry", "boat"]},
    ):
        assert client.get(URL, params).status_code == 200, params


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_calendar_s_ends_as_form_dates_never_fail(client, corpus, zone, settings):
    # UTC+14 and UTC−11: a first or last day whose bounds fall outside what a datetime holds
    # in UTC, on both tabs, with and without words.
    settings.TIME_ZONE = zone
    for days in (
        {"date_from": "0001-01-01"},
        {"date_to": "0001-01-01"},
        {"date_from": "9999-12-31"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    ):
        for tab in ("articles", "comments"):
            for q in ("ferry", ""):
                params = {"q": q, "in": tab, **days}
                assert client.get(URL, params).status_code == 200, params


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8", exclude_categories=["Cs"]),
            st.sampled_from(['"', "(", ")", "*", "-", ":", "'", "^", "\\", "\x00"]),
        ),
        max_size=200,
    ),
    words=st.lists(
        st.sampled_from(PIECES + WORDS + ["title:", "source:", "in:", "is:"]), max_size=6
    ),
    tab=st.sampled_from(["articles", "comments", "x"]),
)
def test_fuzzed_queries_never_fail(client, corpus, q, words, tab):
    response = client.get(URL, {"q": " ".join(words) + q, "in": tab})
    assert response.status_code == 200
