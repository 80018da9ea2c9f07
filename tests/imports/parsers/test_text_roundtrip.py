"""write_text and parse_text agree: whatever thread is written is read back unchanged."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.parsers.base import ParsedComment, ParsedDocument, walk
from imports.parsers.text import parse_text, write_text

# A safe alphabet: prose that cannot be mistaken for bullets, headers or boilerplate.
words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
lines = st.lists(words, min_size=1, max_size=6).map(" ".join)
sentences = lines.map(lambda line: line.capitalize() + ".")
paragraphs = st.lists(lines, min_size=1, max_size=3).map("\n".join)
bodies = st.lists(paragraphs, min_size=1, max_size=2).map("\n\n".join)
full_names = st.lists(words.map(str.capitalize), min_size=1, max_size=3).map(" ".join)
names = st.none() | full_names

comments = st.recursive(
    st.builds(ParsedComment, author_name=names, body=bodies),
    lambda replies: st.builds(
        ParsedComment, author_name=names, body=bodies, children=st.lists(replies, max_size=3)
    ),
    max_leaves=10,
)
threads = st.lists(comments, max_size=4)


def shape(thread: list[ParsedComment]) -> list[tuple[int, str | None, str]]:
    return [(depth, c.author_name, c.body) for depth, c in walk(thread)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=lines,
    article=st.lists(sentences, max_size=4),
    thread=threads,
)
def test_a_written_thread_parses_back_to_the_same_tree(title, article, thread):
    doc = ParsedDocument(title=title, paragraphs=article, comments=thread)
    parsed = parse_text(write_text(doc).encode("utf-8"))
    assert shape(parsed.comments) == shape(thread)
    assert parsed.title == title
    assert parsed.paragraphs == article


@settings(max_examples=100, deadline=None)
@given(
    title=lines,
    kicker=lines,
    dek=sentences,
    authors=st.lists(full_names, max_size=3),
    published=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    precision=st.sampled_from(["day", "month", "year"]),
    count=st.none() | st.integers(min_value=0, max_value=9999),
)
def test_written_metadata_parses_back(title, kicker, dek, authors, published, precision, count):
    if precision != "day":
        published = published.replace(day=1)
    if precision == "year":
        published = published.replace(month=1)
    doc = ParsedDocument(
        title=title,
        paragraphs=["Some body text."],
        kicker=kicker,
        dek=dek,
        source_name="Example Times",
        source_url="https://example.org",
        authors=authors,
        url="https://example.org/a?b=1",
        published=published,
        precision=precision,
        comment_count_declared=count,
    )
    parsed = parse_text(write_text(doc).encode("utf-8"))
    for name in ("title", "kicker", "dek", "source_name", "source_url", "authors", "url"):
        assert getattr(parsed, name) == getattr(doc, name)
    assert (parsed.published, parsed.precision) == (published, precision)
    assert parsed.comment_count_declared == count


def test_write_text_uses_two_space_bullets_per_level():
    thread = [ParsedComment("Ann", "Top.", children=[ParsedComment(None, "Anonymous reply.")])]
    written = write_text(ParsedDocument(title="T", paragraphs=["Body."], comments=thread))
    assert "\n• Ann\n\n  Top.\n\n  •\n\n    Anonymous reply.\n" in written
    assert written.startswith("Title: T\n---\n")
