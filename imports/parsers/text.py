"""Plain-text articles: a title line, optional kicker/dek/caption lines, paragraphs separated by
blank lines, and possibly the page's reader comments as an indented bullet thread at the end.

Choices worth knowing:

* Article paragraphs are joined into one line each (text exports are often hard-wrapped); comment
  paragraphs keep their line breaks as "\\n", since readers' line breaks are their own.
* A line longer than MAX_LINE_CHARS is refused with a ParseError rather than parsed: no real
  paragraph is that long, and refusing keeps memory and time bounded.
* A file holding only a title is valid: a document with no paragraphs.
* Boilerplate patterns are only tried on unindented lines shorter than _BOILERPLATE_MAX_CHARS;
  page chrome is short, real paragraphs are spared, and a careless caller-supplied pattern cannot
  go quadratic on a long line. Comment bodies are indented, so they are never filtered.
* An authored comment needs a body: a bullet line with nothing indented under it is read as a
  comment without author whose text is the bullet line. A bare bullet with an indented body is a
  comment without author (write_text uses that form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archive.dates import iso_partial_date
from imports.parsers.base import ParsedComment, ParsedDocument, ParseError, parse_date, walk
from imports.parsers.decoding import decode

MAX_LINE_CHARS = 1_000_000
_BOILERPLATE_MAX_CHARS = 400
_TAB = 4

DEFAULT_BOILERPLATE: tuple[str, ...] = (
    # HuffPost's promo template, e.g. "testPromoTitleReplace testPromoDekReplace Join HuffPost
    # Today! No thanks." and plain "Join Slate Plus today".
    r"^(?:testPromo\w*\s+)*join\s+(?:\S+\s+){0,3}?today\b[!.]?(?:\s+no,?\s+thanks[.!]?)?$",
    r"^testPromo\w*(?:\s+testPromo\w*)*$",
    r"^no,?\s+thanks[.!]?$",
    r"^share\s+this(?:\s+\w+)?\s*:?$",
    r"^share\s+(?:on|via)\s+\w+(?:\s+\w+)?$",
    r"^click\s+to\s+(?:share|email|print|tweet)\b.{0,80}$",
    r"^subscribe\s+(?:to|for|now)\b[^.]{0,80}[.!]?$",
    r"^follow\s+us\s+on\b.{0,80}$",
    r"^(?:sign\s+up\s+for|get)\s+our\s+(?:free\s+)?newsletters?\b.{0,60}$",
    r"^advertisement$",
)

_HEADER_KEYS = {
    "title": "title",
    "kicker": "kicker",
    "dek": "dek",
    "caption": "caption",
    "source": "source",
    "source url": "source_url",
    "source-url": "source_url",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "published": "published",
    "date": "published",
    "url": "url",
    "comments": "comments",
}
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z -]{0,15}?)\s*:\s*(.*)")
_HEADER_MAX_LINES = 40

_BULLET_CHARS = "•*◦‣-"
_BULLET = re.compile(r"[•*◦‣-](?:[ \t\u00a0]+(.*))?")
_SIGNATURE = re.compile(r"(?:--|—|–)\s?(\S.{0,60})")
_BYLINE = re.compile(r"by\s+(\S.{0,100})", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*;\s*")
_INITIAL_END = re.compile(r"(?:^|\s)[A-Z]\.$")
_COUNT = re.compile(r"\s(\d{1,6})")
_SENTENCE_END = ".!?"


@dataclass(slots=True)
class _Line:
    number: int  # index in the line list
    indent: int  # visual indentation, tabs advancing to the next multiple of _TAB
    text: str  # stripped


def parse_text(data: bytes, *, extra_boilerplate: Iterable[str] = ()) -> ParsedDocument:
    """Parse a plain-text article (see the module docstring for the format)."""
    content = data.removeprefix(b"\xef\xbb\xbf")
    if not content:
        raise ParseError("the file is empty")
    text, warnings = decode(data)
    if not text.strip():
        raise ParseError("the file is blank: it holds only whitespace")
    raw_lines = text.split("\n")
    del text  # the lines are a copy; a long file need not be held twice
    for number, line in enumerate(raw_lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ParseError(
                f"line {number} is too long ({len(line):,} characters; the limit is "
                f"{MAX_LINE_CHARS:,}): this does not look like an article"
            )

    header, raw_lines = _read_header(raw_lines)
    lines = [_measure(i, line) for i, line in enumerate(raw_lines)]
    boilerplate = _compile_boilerplate([*DEFAULT_BOILERPLATE, *extra_boilerplate])
    lines = [_drop_boilerplate(line, boilerplate) for line in lines]

    block_start = _comment_block_start(lines)
    comments = _build_thread(lines[block_start:]) if block_start is not None else []
    article = lines[:block_start] if block_start is not None else lines
    paragraphs = _paragraphs(article)

    doc = ParsedDocument(title="", paragraphs=[], format="text", warnings=warnings)
    doc.comments = comments
    byline: list[str] = []
    if header.get("title"):
        doc.title = header["title"]
    else:
        byline = _detect_heading(paragraphs, doc)
        _split_declared_count(doc)

    signature = _take_signature(paragraphs)
    doc.paragraphs = [" ".join(p) for p in paragraphs]
    doc.authors = byline or ([signature] if signature else [])
    _apply_header(header, doc)
    if not doc.title:
        raise ParseError(
            "no title: put the title on the first line, or add a 'Title:' header closed by '---'"
        )
    return doc


# --- lines ------------------------------------------------------------------------------------


def _measure(number: int, line: str) -> _Line:
    if not line[:1].isspace():
        return _Line(number, 0, line.rstrip())
    stripped = line.lstrip()
    prefix = line[: len(line) - len(stripped)]
    return _Line(number, len(prefix.expandtabs(_TAB)), stripped.rstrip())


def _compile_boilerplate(patterns: list[str]) -> list[re.Pattern[str]]:
    """One alternation when possible: one regex call per line instead of one per pattern."""
    try:
        return [re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)]
    except re.error:
        # Caller patterns with their own group names or inline flags cannot be merged.
        return [re.compile(p, re.IGNORECASE) for p in patterns]


def _drop_boilerplate(line: _Line, patterns: list[re.Pattern[str]]) -> _Line:
    if line.indent or not line.text or len(line.text) > _BOILERPLATE_MAX_CHARS:
        return line
    for pattern in patterns:
        if pattern.search(line.text):
            return _Line(line.number, 0, "")
    return line


def _read_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Read a leading "Key: value" block closed by '---'; without the closing line it is text."""
    header: dict[str, str] = {}
    seen_key = False
    for index, line in enumerate(lines[:_HEADER_MAX_LINES]):
        stripped = line.strip()
        if stripped == "---" and seen_key:
            return header, lines[index + 1 :]
        if not stripped:
            continue
        match = _HEADER_LINE.fullmatch(stripped)
        key = _HEADER_KEYS.get(match.group(1).strip().lower()) if match else None
        if key is None:
            return {}, lines
        header[key] = match.group(2).strip()
        seen_key = True
    return {}, lines


def _apply_header(header: dict[str, str], doc: ParsedDocument) -> None:
    for key in ("kicker", "dek", "caption", "url", "source_url"):
        if header.get(key):
            setattr(doc, key, header[key])
    if header.get("source"):
        doc.source_name = header["source"]
    if header.get("authors"):
        doc.authors = _split_authors(header["authors"])
    if header.get("published"):
        doc.published, doc.precision = parse_date(header["published"])
        if doc.published is None:
            doc.warnings.append(f"ignored unreadable Published date {header['published']!r}")
    if header.get("comments", "").isdigit():
        doc.comment_count_declared = int(header["comments"])


def _split_authors(value: str) -> list[str]:
    # Collapsing whitespace first keeps the split linear: runs of spaces make "\s*," quadratic.
    return [name for name in _AUTHOR_SPLIT.split(" ".join(value.split())) if name]


def _paragraphs(lines: list[_Line]) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.text:
            current.append(line.text)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


# --- heading ----------------------------------------------------------------------------------


def _words(text: str) -> int:
    return sum(1 for word in text.split() if any(ch.isalnum() for ch in word))


def _is_heading_line(paragraph: list[str]) -> bool:
    if len(paragraph) != 1:
        return False
    line = paragraph[0]
    return len(line) <= 120 and _words(line) <= 12 and not line.endswith(":")


def _caps_sentence(line: str) -> tuple[str, str] | None:
    """Split "FIXING TO GO ALL IN. There's some…" into the shouted lead sentence and the rest."""
    words = line.split(" ")
    for index, word in enumerate(words[:30]):
        if any(ch.islower() for ch in word):
            return None
        if word.endswith(tuple(_SENTENCE_END)):
            lead = " ".join(words[: index + 1])
            rest = " ".join(words[index + 1 :]).strip()
            letters = sum(ch.isalpha() for ch in lead)
            if index >= 1 and letters >= 6 and rest:
                return lead, rest
            return None
    return None


def _detect_heading(paragraphs: list[list[str]], doc: ParsedDocument) -> list[str]:
    """Fill title/kicker/dek/caption from the top paragraphs (consumed); return a byline."""
    if not paragraphs:
        return []
    first = paragraphs[0]
    caps = _caps_sentence(first[0])
    if caps and not _is_heading_line(first):
        doc.title, rest = caps
        first[0] = rest
        return []
    if not _is_heading_line(first):
        if len(first) == 1 and len(first[0]) <= 300:
            doc.title = first[0]
            del paragraphs[0]
        elif _is_heading_line([first[0]]) and len(first[0]) < 0.6 * max(map(len, first[1:])):
            # No blank line after the title: a short line over a much longer one is a title,
            # not the first line of a hard-wrapped paragraph.
            doc.title = first.pop(0)
        return []

    candidates: list[str] = []
    while len(candidates) < len(paragraphs) and len(candidates) < 6:
        if not _is_heading_line(paragraphs[len(candidates)]):
            break
        candidates.append(paragraphs[len(candidates)][0])
    if len(candidates) == len(paragraphs):
        # Nothing but short lines: a short article, not a stack of headings.
        candidates = candidates[:1]

    byline: list[str] = []
    kept: list[str] = []
    for index, line in enumerate(candidates):
        match = _BYLINE.fullmatch(line)
        if index and match and all(_author_like(n) for n in _split_authors(match.group(1))):
            byline = _split_authors(match.group(1))
        else:
            kept.append(line)
    used = _assign_heading(kept, doc)
    del paragraphs[: len(candidates)]
    # Candidates the heading did not use are the start of the body.
    paragraphs[:0] = [[line] for line in kept[used:]]
    return byline


def _assign_heading(lines: list[str], doc: ParsedDocument) -> int:
    """Give title/kicker/dek/caption roles to the leading short lines; return how many used."""
    dek_at = next(
        (
            i
            for i, line in enumerate(lines)
            # A dek is one short sentence; a longer one is the article's opening line.
            if 1 <= i <= 2 and line.endswith(".") and not line.endswith("..") and _words(line) <= 10
        ),
        None,
    )
    if dek_at is not None:
        doc.title = lines[dek_at - 1]
        doc.kicker = lines[0] if dek_at == 2 else ""
        doc.dek = lines[dek_at]
        used = dek_at + 1
    elif (
        len(lines) >= 2
        and _words(lines[0]) <= 4
        and _words(lines[1]) > _words(lines[0])
        and not lines[0].endswith(tuple(_SENTENCE_END))
        and not lines[1].endswith(".")
    ):
        # A short label over a longer headline ("War Stories" / "Shot by Both Sides").
        doc.kicker, doc.title = lines[0], lines[1]
        used = 2
    else:
        doc.title = lines[0]
        used = 1
    if used < len(lines) and not lines[used].endswith(tuple(_SENTENCE_END)):
        doc.caption = lines[used]
        used += 1
    return used


def _split_declared_count(doc: ParsedDocument) -> None:
    """Drop a trailing comment count ("… in Iraq? 6") when it matches the parsed thread."""
    total = sum(1 for _ in walk(doc.comments))
    match = _COUNT.search(doc.title[-8:]) if total else None
    if match and match.end() == len(doc.title[-8:]) and int(match.group(1)) == total:
        doc.title = doc.title[: len(doc.title) - len(match.group(0))].rstrip()
        doc.comment_count_declared = total


def _take_signature(paragraphs: list[list[str]]) -> str | None:
    if not paragraphs:
        return None
    match = _SIGNATURE.fullmatch(paragraphs[-1][-1])
    if not match or not _author_like(match.group(1)):
        return None
    paragraphs[-1].pop()
    if not paragraphs[-1]:
        paragraphs.pop()
    return match.group(1).strip()


# --- comments ---------------------------------------------------------------------------------


def _author_like(text: str) -> bool:
    """A name, not a sentence: "Don L", "liz", "John Q.", not "Not a rant at all, Don L. …"."""
    text = text.strip()
    if not text or len(text) > 60 or len(text.split()) > 5:
        return False
    if text[-1] in ".!?:;," and not _INITIAL_END.search(text):
        return False
    return any(ch.isalpha() for ch in text)


def _bullet_text(line: _Line) -> str | None:
    """The text after a bullet ("" for a bare bullet), or None when the line is no bullet."""
    if not line.text or line.text[0] not in _BULLET_CHARS:
        return None
    match = _BULLET.fullmatch(line.text)
    if match is None:
        return None
    return (match.group(1) or "").strip()


def _has_body(lines: list[_Line], index: int) -> bool:
    """Whether the non-blank line after ``index`` is indented text under that bullet."""
    for following in range(index + 1, len(lines)):
        line = lines[following]
        if line.text:
            return line.indent > lines[index].indent and _bullet_text(line) is None
    return False


def _comment_block_start(lines: list[_Line]) -> int | None:
    """Index where the trailing comment thread starts, or None.

    The thread is the longest run of bullet lines and lines indented under them that reaches
    the end of the file, and whose first bullet looks like a comment (a name with an indented
    body, or a bare bullet with one). A lone "*" separator or a "- " list inside the article
    does not qualify, because plain text follows it.
    """
    start: int | None = None
    bullet_indent = 0
    for index, line in enumerate(lines):
        if not line.text:
            continue
        text = _bullet_text(line)
        if text is not None and (text or _has_body(lines, index)):
            if start is None:
                start = index
            bullet_indent = line.indent
        elif start is not None and line.indent > bullet_indent and text is None:
            continue
        else:
            start = None
    while start is not None:
        text = _bullet_text(lines[start]) or ""
        if _has_body(lines, start) and (not text or _author_like(text)):
            return start
        # Not a thread head: leave this bullet to the article and try the next one.
        start = next(
            (i for i in range(start + 1, len(lines)) if _bullet_text(lines[i]) is not None), None
        )
    return None


def _build_thread(lines: list[_Line]) -> list[ParsedComment]:
    roots: list[ParsedComment] = []
    stack: list[tuple[int, ParsedComment]] = []
    bullets = [i for i, line in enumerate(lines) if _bullet_text(line) is not None]
    for position, index in enumerate(bullets):
        line = lines[index]
        end = bullets[position + 1] if position + 1 < len(bullets) else len(lines)
        body = ["\n".join(p) for p in _paragraphs(lines[index + 1 : end])]
        text = _bullet_text(line) or ""
        if text and body and _author_like(text):
            comment = ParsedComment(author_name=text, body="\n\n".join(body))
        else:
            comment = ParsedComment(
                author_name=None, body="\n\n".join([text, *body] if text else body)
            )
        while stack and stack[-1][0] >= line.indent:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(comment)
        stack.append((line.indent, comment))
    return roots


# --- writing ----------------------------------------------------------------------------------


def write_text(doc: ParsedDocument) -> str:
    """Write ``doc`` in the text format, with a header block so parse_text reads it back as is.

    Comments are "• " bullets indented two spaces per level with their paragraphs two spaces
    deeper; a comment without author is a bare "•" with its body under it. Authors must look
    like names (see _author_like) and comment bodies must not be empty to survive the trip.
    """
    out: list[str] = [f"Title: {_one_line(doc.title)}"]
    for label, value in (
        ("Kicker", doc.kicker),
        ("Dek", doc.dek),
        ("Caption", doc.caption),
        ("Source", doc.source_name),
        ("Source URL", doc.source_url),
        ("Author", ", ".join(doc.authors)),
        ("Published", _format_date(doc)),
        ("URL", doc.url),
    ):
        if value:
            out.append(f"{label}: {_one_line(value)}")
    if doc.comment_count_declared is not None:
        out.append(f"Comments: {doc.comment_count_declared}")
    out += ["---", ""]
    for paragraph in doc.paragraphs:
        out += [_one_line(paragraph), ""]
    for depth, comment in walk(doc.comments):
        indent = "  " * depth
        out.append(f"{indent}• {comment.author_name}" if comment.author_name else f"{indent}•")
        out.append("")
        for paragraph in comment.body.split("\n\n"):
            out += [f"{indent}  {line}" for line in paragraph.split("\n")]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _format_date(doc: ParsedDocument) -> str:
    return iso_partial_date(doc.published, doc.precision)
