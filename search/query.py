"""The search box's query language, parsed into a small AST without touching the database.

    words            every word must match (stemmed: "ferries" finds "ferry")
    "exact phrase"   the words side by side
    a OR b           either (OR in capitals, between two terms)
    -word, -"a b"    leave out what matches
    pref*            words starting with "pref"
    title:word       in the title only (title:"a phrase", title:pref*)
    source:name      articles from that source (name or part of it; quote spaces)
    author:name      articles by that author
    commenter:name   comments by that person (username, display name or archived name)
    before:YYYY-MM-DD, after:YYYY-MM-DD   published (articles) or written (comments)
    in:articles, in:comments              which tab
    is:featured      featured comments only
    status:pending   (moderators) comments in that state; is:pending etc. says the same

Everything a reader types is data: the engines quote every term, so no syntax of the
underlying full-text engine (FTS5 column filters, NEAR, ^, parentheses) reaches it. Mistakes
become hints ("unknown field foo: searched as text"), never errors."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
# A one- or two-letter prefix stands for a good part of the dictionary: reading all those
# words' lists takes up to seconds (the SQLite index keeps three-letter prefixes ready).
MIN_PREFIX = 3

FIELDS = ("source", "author", "commenter", "title", "before", "after", "in", "is", "status")
STATUSES = ("published", "pending", "removed", "deleted", "spam")
SCOPES = {
    "articles": "articles",
    "article": "articles",
    "comments": "comments",
    "comment": "comments",
}


@dataclass(frozen=True)
class Term:
    """A word or an exact phrase; `prefix` for "pref*"; `title_only` for title:…"""

    text: str
    phrase: bool = False
    prefix: bool = False
    title_only: bool = False


@dataclass(frozen=True)
class AnyOf:
    """Terms joined by OR: one of them must match."""

    terms: tuple[Term, ...]


Clause = Term | AnyOf


@dataclass
class Query:
    must: list[Clause] = field(default_factory=list)  # all must match
    exclude: list[Term] = field(default_factory=list)  # none may match
    sources: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    commenters: list[str] = field(default_factory=list)
    before: datetime.date | None = None
    after: datetime.date | None = None
    scope: str | None = None  # "articles" or "comments" when in: says so
    featured: bool = False
    statuses: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.must or self.exclude)

    @property
    def is_empty(self) -> bool:
        return not (
            self.has_text
            or self.sources
            or self.authors
            or self.commenters
            or self.before
            or self.after
            or self.featured
            or self.statuses
        )

    def words(self) -> list[str]:
        """The positive terms' text, for highlighting."""
        out: list[str] = []
        for clause in self.must:
            for term in clause.terms if isinstance(clause, AnyOf) else (clause,):
                out.append(term.text)
        return out


# A token: an optional "-", an optional field name with ":", then a quoted string (closed or
# running to the end) or a run of non-space characters.
_TOKEN = re.compile(
    r"""(?P<neg>-)?
        (?:(?P<field>[A-Za-z]+):)?
        (?:"(?P<quoted>[^"]*)(?:"|$) | (?P<bare>[^\s"]+))?
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def searchable(text: str) -> bool:
    """A term is only worth sending when it has a letter or a digit: "++" or "🙂" alone would
    match nothing (or, in PostgreSQL, be dropped), so they are dropped here for both engines."""
    return any(ch.isalnum() for ch in text)


def _parse_date(name: str, value: str, hints: list[str]) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        hints.append(f"{name}: needs a date as YYYY-MM-DD (got “{value}”): ignored")
        return None


def parse(raw: str, *, moderator: bool = False) -> Query:
    query = Query()
    text = _CONTROL.sub(" ", raw or "")
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        query.hints.append(f"The query was cut to its first {MAX_QUERY_LENGTH} characters.")
    # Parentheses group nothing here; they are read as spaces so "(a OR b)" still works.
    text = text.replace("(", " ").replace(")", " ")

    pending_or = False
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            pos += 1
            continue
        pos = match.end()
        negated = bool(match["neg"])
        name = (match["field"] or "").lower()
        quoted = match["quoted"]
        value = quoted if quoted is not None else (match["bare"] or "")
        if match["field"] and quoted is None and not match["bare"]:
            # "foo:" with nothing after it: just a word.
            value, name = match["field"], ""
        elif match["field"] and name not in FIELDS:
            query.hints.append(f"unknown field {match['field']}: searched as text")
            field_word = _term(match["field"], phrase=False, title_only=False)
            if field_word is not None and not negated:
                query.must.append(field_word)
            name = ""

        if not name and quoted is None and value == "OR" and not negated:
            pending_or = bool(query.must)
            continue
        if not name and quoted is None and value in ("AND", "NOT", "NEAR"):
            # Read as operators by other engines; here plain words the stemmer would find
            # everywhere. AND is implied; NOT is spelled "-".
            if value == "NOT":
                query.hints.append("to leave a word out, put a minus before it: -word")
            continue

        if name in ("", "title"):
            term = _term(value, phrase=quoted is not None, title_only=name == "title")
            if term is None:
                pending_or = False
                continue
            if term.prefix and len(term.text) < MIN_PREFIX:
                # As a word it would find its stem ("ha" is the stem of "has"): left out.
                query.hints.append(
                    f"a prefix needs at least {MIN_PREFIX} letters: {term.text}* was left out"
                )
                pending_or = False
                continue
            if len(query.must) + len(query.exclude) >= MAX_TERMS:
                query.hints.append(f"Only the first {MAX_TERMS} terms were used.")
                break
            if negated:
                query.exclude.append(term)
                pending_or = False
            elif pending_or and query.must:
                last = query.must.pop()
                prior = last.terms if isinstance(last, AnyOf) else (last,)
                query.must.append(AnyOf((*prior, term)))
                pending_or = False
            else:
                query.must.append(term)
            continue

        pending_or = False
        value = value.strip()
        if not value:
            continue
        if name == "source":
            query.sources.append(value)
        elif name == "author":
            query.authors.append(value)
        elif name == "commenter":
            query.commenters.append(value)
        elif name == "before":
            query.before = _parse_date("before", value, query.hints) or query.before
        elif name == "after":
            query.after = _parse_date("after", value, query.hints) or query.after
        elif name == "in":
            scope = SCOPES.get(value.lower())
            if scope:
                query.scope = scope
            else:
                query.hints.append(f"in: takes articles or comments (got “{value}”): ignored")
        elif name in ("is", "status"):
            _is(query, name, value.lower(), moderator)
    return query


def _term(value: str, *, phrase: bool, title_only: bool) -> Term | None:
    prefix = False
    if not phrase and value.endswith("*"):
        value = value.rstrip("*")
        prefix = True
    value = value.replace("*", " ").strip()
    if not searchable(value):
        return None
    # A bare word with inner punctuation (multi-agent, 20.04) is kept whole; each engine's
    # tokenizer splits it the same way it split the indexed text, and matches it as a phrase.
    return Term(value, phrase=phrase, prefix=prefix, title_only=title_only)


def _is(query: Query, name: str, value: str, moderator: bool) -> None:
    if name == "is" and value == "featured":
        query.featured = True
    elif value in STATUSES:
        if moderator:
            query.statuses.append(value)
        else:
            query.hints.append(f"{name}:{value} is for moderators: ignored")
    else:
        query.hints.append(f"unknown {name}:{value}: ignored")
