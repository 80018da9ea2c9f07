"""Saved web pages: the article via trafilatura, the reader thread via lxml.

The comment section is cut out of the tree before trafilatura sees the page, so the article can
never swallow comments, and comments are read only from inside that section, so they never hold
article text.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree

from imports.parsers.base import (
    ParsedComment,
    ParsedDocument,
    ParseError,
    check_body_length,
    clean_html,
    html_to_paragraphs,
    parse_date,
    parse_datetime,
    walk,
)
from imports.parsers.dates import on_24_hours
from imports.parsers.decoding import binary_reason, decode, normalize_newlines
from imports.parsers.names import clean_author_name

# trafilatura logs "empty document"-style noise at WARNING for pages we handle ourselves.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# Containers that hold a whole thread (WordPress, Disqus, generic themes).
_ROOT_CLASSES = {"commentlist", "comment-list", "comments", "comments-area", "post-list"}
_ROOT_IDS = {"comments", "disqus_thread", "post-list", "comment-list"}
# Comment forms and the like: removed from the article, never read as comments.
_NOISE_CLASSES = {"comment-respond", "comment-form", "respond", "reply", "comment-reply-link"}
_NOISE_IDS = {"respond", "commentform"}
# A thread item carries one of these classes (WordPress "comment", Disqus "post").
_ITEM_CLASSES = {"comment", "reply-item", "comment-item"}
_ITEM_ID = re.compile(r"comment-\d+")
_POST_ID = re.compile(r"post-\d+")
_AUTHOR_CLASSES = ("fn", "comment-author", "author", "username", "user", "comment-author-name")
_BODY_CLASSES = ("comment-content", "comment-text", "post-message", "comment-message", "text")
_META_CLASSES = {"comment-meta", "commentmetadata", "comment-metadata", "post-meta", "meta"}
_PAGE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style)]", smart_strings=False
)
_DATA_ATTRIBUTES = ("src", "srcset", "href", "poster", "data")
_INLINE_DATA = etree.XPath(
    "//*["
    + " or ".join(f"starts-with(normalize-space(@{name}), 'data:')" for name in _DATA_ATTRIBUTES)
    + "]"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_:.-]{1,40})""", re.I
)


def parse_html(data: bytes) -> ParsedDocument:
    """Parse a saved article page into one document with its reader comments."""
    if not data.strip():
        raise ParseError("the file is empty")
    text, warnings = _decode_page(data)
    # lxml refuses str input that still declares an encoding; the bytes are decoded already.
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"the page could not be read as HTML: {exc}") from exc

    roots = _comment_roots(tree)
    comments = _read_thread(roots)
    unread = _unread_comments_warning(tree, comments)
    for root in roots:
        _drop(root)
    for noise in tree.xpath("//*[@id or @class]"):
        if _classes(noise) & _NOISE_CLASSES or noise.get("id") in _NOISE_IDS:
            _drop(noise)

    # Extraction (trafilatura) takes some twenty times the page in memory: a page with more text
    # than any article, besides its comments, is refused before it.
    check_body_length(
        sum(len(text) for text in _PAGE_TEXT(tree)), "the page's text besides its comments"
    )
    # Pages saved whole carry their images and styles inline, often most of their bytes; nothing
    # of them is kept (images are not imported, data: links are not allowed), and trafilatura
    # would copy them several times over.
    for element in _INLINE_DATA(tree):
        for name in _DATA_ATTRIBUTES:
            if element.get(name, "").lstrip()[:5].lower() == "data:":
                del element.attrib[name]
    for style in tree.iter("style"):
        style.text = None
    page = lxml.html.tostring(tree, encoding="unicode")
    doc = ParsedDocument(title="", paragraphs=[], format="html", warnings=warnings)
    if unread:
        doc.warnings.append(unread)
    doc.comments = comments
    _read_metadata(page, doc)
    doc.title = _headline(tree, doc) or _title_without_site(tree, doc)
    _read_body(page, tree, doc)
    if not doc.title:
        raise ParseError("no title: the page has neither a <title>, an <h1> nor title metadata")
    return doc


def _decode_page(data: bytes) -> tuple[str, list[str]]:
    """Decode a page, trusting its <meta charset> when it is not UTF-8 and the bytes agree."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        declared = _DECLARED_CHARSET.search(data[:4096])
        if declared and binary_reason(data) is None:
            name = declared.group(1).decode("ascii").lower()
            try:
                text = data.decode(name)
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                return normalize_newlines(text), [f"decoded as {name} (declared by the page)"]
    return decode(data)


# --- article ----------------------------------------------------------------------------------


def _read_metadata(page: str, doc: ParsedDocument) -> None:
    try:
        meta = trafilatura.extract_metadata(page)
    except Exception:  # trafilatura on hostile markup; metadata is optional
        meta = None
    if meta is None:
        return
    doc.title = (meta.title or "").strip()
    doc.source_name = (meta.sitename or "").strip()
    doc.authors = [name.strip() for name in (meta.author or "").split(";") if name.strip()]
    if meta.date:
        doc.published, doc.precision = parse_date(meta.date)
    url = (meta.url or "").strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        doc.url = url
        # The homepage is the canonical address's origin; nothing else on a page states it.
        doc.source_url = f"{parts.scheme}://{parts.netloc}"


def _read_body(page: str, tree: etree._Element, doc: ParsedDocument) -> None:
    body = _extract(page)
    if body is None or _is_baseline(body):
        # On short pages trafilatura falls back to gluing all text into one <p>; its precise
        # mode, or failing that our own reading of the page's paragraphs, does better.
        precise = _extract(page, favor_precision=True)
        body = precise if precise is not None and not _is_baseline(precise) else None
    if body:
        container = _fragment(body)
    else:
        # trafilatura gives up on short pages; their paragraphs are still the article.
        container = next(iter(tree.xpath("//article | //main")), None)
        if container is None:
            container = tree.find("body")
        if container is None:
            container = tree
        for el in container.xpath(".//script | .//style | .//nav | .//header | .//footer"):
            _drop(el)
    if not doc.title:
        doc.title = _fallback_title(tree)
    blocks = container.xpath(
        ".//p | .//blockquote | .//h1 | .//h2 | .//h3 | .//h4 | .//ul | .//ol | .//pre"
    )
    block_set = set(blocks)
    outer = [b for b in blocks if not any(a in block_set for a in b.iterancestors())]
    # The page's headline is stored as the title, not repeated in the body.
    if outer and outer[0].tag.startswith("h") and _text(outer[0]) == doc.title:
        outer = outer[1:]
    for heading in outer:
        if heading.tag == "h1":
            heading.tag = "h2"
    doc.body_html = clean_html("".join(_outer_html(b) for b in outer))
    doc.paragraphs = html_to_paragraphs(doc.body_html)


def _extract(page: str, **options: bool) -> str | None:
    try:
        return trafilatura.extract(
            page,
            output_format="html",
            include_comments=False,
            include_formatting=True,
            include_links=True,
            include_images=False,
            **options,
        )
    except Exception:  # trafilatura on hostile markup; the caller falls back
        return None


def _is_baseline(body: str) -> bool:
    """Whether trafilatura's output is its baseline: one <p> of newline-joined page text."""
    blocks = re.findall(r"<(?:p|h[1-6]|li|blockquote|pre)\b", body)
    match = re.search(r"<p>([^<]*)</p>", body)
    return len(blocks) == 1 and match is not None and "\n" in match.group(1).strip()


def _fragment(html: str) -> etree._Element:
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("<div></div>")


def _text(el: etree._Element) -> str:
    return " ".join(html_to_paragraphs(el))


_WORDS = re.compile(r"\w+")
_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " » ", " -- ", " :: ", " · ")


def _headline(tree: etree._Element, doc: ParsedDocument) -> str:
    """The page's headline: of its <h1>s that are not the site's name (a logo, a blog's
    name), the one sharing the most words with the <title> or og:title (the first on a tie).
    The title metadata often carries the site's name, or is another wording for sharing."""
    host = (urlsplit(doc.url).hostname or "").removeprefix("www.").casefold()
    site_names = {doc.source_name.casefold(), host, host.split(".")[0]} - {""}
    candidates = []
    for heading in tree.iter("h1"):
        text = " ".join(heading.text_content().split())
        if text and len(text) <= 500 and text.casefold() not in site_names:
            candidates.append(text)
    if not candidates:
        return ""
    hint = _title_words(doc.title)
    return max(candidates, key=lambda text: len(_title_words(text) & hint))


def _title_words(text: str) -> set[str]:
    """The words that tell titles apart (not "a", "of", "le", "to")."""
    return {word for word in _WORDS.findall(text.casefold()) if len(word) > 2}


def _title_without_site(tree: etree._Element, doc: ParsedDocument) -> str:
    title = _without_site_name(doc.title, doc.source_name)
    if doc.source_name and title.casefold() == doc.source_name.casefold():
        # The metadata kept the site's part of "Site » Headline": the page's own <title> says more.
        raw = " ".join((tree.findtext(".//title") or "").split())
        title = _without_site_name(raw, doc.source_name) or title
    return title


def _without_site_name(title: str, site: str) -> str:
    """ "What is Rust? - Stack Overflow Blog" without " - Stack Overflow Blog" (or the name
    in front), when the site's name is known."""
    if not site:
        return title
    folded, name = title.casefold(), site.casefold()
    for separator in _TITLE_SEPARATORS:
        if folded.endswith(separator + name) and len(title) > len(separator + site):
            return title[: -len(separator + site)].strip()
        if folded.startswith(name + separator) and len(title) > len(site + separator):
            return title[len(site + separator) :].strip()
    return title


def _fallback_title(tree: etree._Element) -> str:
    for path in ("//h1", "//title"):
        for el in tree.xpath(path):
            text = " ".join(el.text_content().split())
            if text:
                return text
    return ""


def _outer_html(el: etree._Element) -> str:
    tail, el.tail = el.tail, None
    try:
        return lxml.html.tostring(el, encoding="unicode")
    finally:
        el.tail = tail


def _drop(el: etree._Element) -> None:
    if el.getparent() is not None:
        el.drop_tree()


# --- comments ---------------------------------------------------------------------------------


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").lower().split())


# "10 Kommentare", "3 thoughts on …", "Comments (5)", "12 réponses": a count of the comments
# the page holds, in a heading or a comment section's title.
_COUNT_WORDS = (
    r"comments?|responses?|replies|thoughts|kommentare?|antworten|commentaires?|réponses?|"
    r"comentarios?|respuestas?|commenti|reacties|comentários?"
)
_DECLARED_COUNT = re.compile(
    rf"^\s*(\d{{1,6}})\s+(?:{_COUNT_WORDS})\b|^\s*(?:{_COUNT_WORDS})\s*\((\d{{1,6}})\)\s*$",
    re.IGNORECASE,
)
_SECTION_WORDS = ("comment", "kommentar", "commentaire", "comentario", "disqus_thread")


def _unread_comments_warning(tree: etree._Element, comments: list[ParsedComment]) -> str:
    """What to say when the page shows more comments than were read: never lose them
    silently. A heading's count ("10 comments") is compared with what was read; without
    one, a comment section with text in it and nothing read is named."""
    read = sum(1 for _ in walk(comments))
    for heading in tree.xpath("//h1|//h2|//h3|//h4|//*[contains(@class, 'title')]"):
        match = _DECLARED_COUNT.match(" ".join(heading.text_content().split()))
        if match:
            declared = int(match.group(1) or match.group(2))
            if declared > read:
                return (
                    f"the page says it has {declared:,} comments; {read:,} could be read, so "
                    "some of its comment section was not understood"
                )
            return ""
    if read:
        return ""
    for el in tree.iter(etree.Element):
        names = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
        if not any(word in names for word in _SECTION_WORDS) or "form" in names:
            continue
        text = " ".join(
            t for t in el.xpath(".//text()[not(ancestor::form) and not(ancestor::script)]")
        )
        if len(" ".join(text.split())) >= 100:  # more than "No comments yet."
            return "a comment section was found, but no comment in it could be read"
    return ""


def _comment_roots(tree: etree._Element) -> list[etree._Element]:
    found = [
        el
        for el in tree.iter(etree.Element)
        if _classes(el) & _ROOT_CLASSES or (el.get("id") or "").lower() in _ROOT_IDS
    ]
    if not found:
        # No known container: take the outermost elements that look like comments themselves.
        found = [el for el in tree.iter(etree.Element) if _is_item_candidate(el) and _own(el)]
    chosen = set(found)
    return [el for el in found if not any(a in chosen for a in el.iterancestors())]


def _is_item_candidate(el: etree._Element) -> bool:
    if not isinstance(el.tag, str) or el.tag not in ("li", "div", "article", "section"):
        return False
    classes = _classes(el)
    ident = el.get("id") or ""
    if classes & _ITEM_CLASSES or _ITEM_ID.fullmatch(ident):
        return True
    # Disqus items are li.post; a WordPress <article class="post" id="post-7"> is the article.
    return el.tag == "li" and ("post" in classes or _POST_ID.fullmatch(ident) is not None)


def _nearest_item(el: etree._Element, items: set[etree._Element]) -> etree._Element | None:
    """The comment `el` answers: the nearest comment around it, or, where the replies are
    placed beside their comment in an indentation block (Drupal's div.indented, a "children"
    list after its comment), the last comment before that block."""
    for ancestor in el.iterancestors():
        if ancestor in items:
            return ancestor
        if _classes(ancestor) & _BESIDE_REPLY_CLASSES:
            before = _last_item_before(ancestor, items)
            if before is not None:
                return before
    return None


_BESIDE_REPLY_CLASSES = {"indented", "children", "replies", "comment-replies", "sub-comments"}


def _last_item_before(block: etree._Element, items: set[etree._Element]) -> etree._Element | None:
    for sibling in block.itersiblings(preceding=True):
        if not isinstance(sibling.tag, str):
            continue  # an HTML comment
        if sibling in items:
            return sibling
        inner = [el for el in sibling.iter(etree.Element) if el in items]
        if inner:
            return inner[-1] if sibling.tag != "a" else None
        if sibling.tag != "a":  # Drupal puts an <a id="comment-N"> anchor between them
            return None
    return None


def _own(item: etree._Element) -> bool:
    """Whether an item has an author or body of its own (not one of a nested reply)."""
    return (
        _find_own(item, _AUTHOR_CLASSES) is not None or _find_own(item, _BODY_CLASSES) is not None
    )


def _own_descendants(item: etree._Element) -> list[etree._Element]:
    """Elements under ``item`` that belong to it, pruning nested thread items (their replies).

    Pruning keeps the whole thread linear in page size, however deep it nests.
    """
    found: list[etree._Element] = []
    stack = list(reversed([c for c in item if isinstance(c.tag, str)]))
    while stack:
        el = stack.pop()
        if _is_item_candidate(el):
            continue
        found.append(el)
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))
    return found


def _find_own(
    item: etree._Element, classes: tuple[str, ...], elements: list[etree._Element] | None = None
) -> etree._Element | None:
    """First element of ``item`` with one of ``classes``, earlier classes preferred."""
    best: tuple[int, etree._Element] | None = None
    for el in _own_descendants(item) if elements is None else elements:
        names = _classes(el)
        hits = [i for i, name in enumerate(classes) if name in names]
        if classes is _AUTHOR_CLASSES and el.tag == "cite":
            hits.append(len(classes))
        if hits and (best is None or min(hits) < best[0]):
            best = (min(hits), el)
    return best[1] if best else None


def _read_thread(roots: list[etree._Element]) -> list[ParsedComment]:
    candidates = [el for root in roots for el in root.iter(etree.Element) if _is_item_candidate(el)]
    items = [el for el in candidates if _own(el)]
    item_set = set(items)
    # Where each item's replies go: its own children, or, for an item that turned out empty
    # (a page cut off mid-comment), its parent's list.
    replies: dict[etree._Element, list[ParsedComment]] = {}
    top: list[ParsedComment] = []
    for el in items:  # document order, so a parent is always parsed before its replies
        comment = _read_comment(el)
        parent = _nearest_item(el, item_set)
        siblings = replies[parent] if parent is not None else top
        if comment.author_name is None and not comment.body:
            replies[el] = siblings
            continue
        siblings.append(comment)
        replies[el] = comment.children
    return top


def _read_comment(item: etree._Element) -> ParsedComment:
    own = _own_descendants(item)
    author_el = _find_own(item, _AUTHOR_CLASSES, own)
    author = None
    if author_el is not None:
        # The .fn inside .comment-author is the name; the rest is avatar and "says:".
        inner = _find_own(author_el, ("fn",)) if "fn" not in _classes(author_el) else None
        name_el = inner if inner is not None else author_el
        author = clean_author_name("\n".join(html_to_paragraphs(name_el)))

    body_el = _find_own(item, _BODY_CLASSES, own)
    if body_el is not None:
        # Some themes put the name inside the content block (Drupal: h3.name above the text).
        fragment = _inner_html_without(body_el, _name_block(author_el, body_el))
    else:
        # Old WordPress themes put bare <p>s in .comment-body beside the author and meta.
        skip = {el for el in own if _classes(el) & _META_CLASSES} | {author_el}
        paragraphs = [
            el for el in own if el.tag == "p" and not any(a in skip for a in el.iterancestors())
        ]
        fragment = "".join(_outer_html(p) for p in paragraphs)
    body_html = clean_html(fragment)
    return ParsedComment(
        author_name=author,
        body="\n\n".join(html_to_paragraphs(body_html)),
        created=_comment_time(own),
        body_html=body_html,
    )


def _name_block(author_el, body_el) -> etree._Element | None:
    """The element holding the commenter's name inside the comment's text block, if it is
    there: the name itself, or the heading around it."""
    if author_el is None or body_el is None or author_el is body_el:
        return None
    if not any(ancestor is body_el for ancestor in author_el.iterancestors()):
        return None
    parent = author_el.getparent()
    if parent is not None and parent is not body_el and parent.tag in _HEADINGS:
        if " ".join(parent.text_content().split()) == " ".join(author_el.text_content().split()):
            return parent
    return author_el


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _inner_html_without(el: etree._Element, unwanted: etree._Element | None) -> str:
    """`el`'s content as HTML, leaving out `unwanted` (and keeping the text around it)."""
    parts = [el.text or ""]
    for child in el:
        if child is unwanted:
            parts.append(child.tail or "")
        elif unwanted is not None and any(a is child for a in unwanted.iterancestors()):
            parts.append(_inner_html_without(child, unwanted))
            parts.append(child.tail or "")
        else:
            parts.append(_outer_html_with_tail(child))
    return "".join(parts)


def _outer_html_with_tail(el: etree._Element) -> str:
    return lxml.html.tostring(el, encoding="unicode", with_tail=True)


def _comment_time(own: list[etree._Element]) -> datetime | None:
    for el in own:
        if el.tag == "time":
            attribute = (el.get("datetime") or "").strip()
            when = parse_datetime(attribute or el.text_content())
            if when and len(attribute) == 10:
                # A datetime attribute holding only the day: the text may say the time.
                shown = parse_datetime(" ".join(el.text_content().split()))
                if shown and shown.date() == when.date():
                    when = shown
            if when:
                return when
    for el in own:
        if el.tag not in ("a", "span", "abbr"):
            continue
        inside_meta = any(_classes(a) & _META_CLASSES for a in el.iterancestors())
        if inside_meta or _classes(el) & {"time-ago", "published", "date", "comment-date"}:
            text = " ".join(el.text_content().split())
            when = parse_datetime(el.get("title") or "") or parse_datetime(text)
            if when:
                return _with_separate_clock(when, text, own)
    return None


_CLOCK_ONLY = re.compile(
    r"(\d{1,2})[:h.](\d{2})(?::(\d{2}))?\s*([ap])\.?m\.?|(\d{1,2})[:h](\d{2})", re.I
)


def _with_separate_clock(when: datetime, text: str, own: list[etree._Element]) -> datetime:
    """A date shown without its time ("April 5, 2018"), the time in an element of its own
    ("6:32 PM"): put together. The date alone stays at midnight."""
    if re.search(r"\d[:h]\d\d", text) or when.hour or when.minute:
        return when
    for el in own:
        if len(el) or el.tag in ("script", "style"):
            continue
        clock = _CLOCK_ONLY.fullmatch(" ".join((el.text or "").split()))
        if clock is None:
            continue
        if clock.group(1):
            hour = on_24_hours(int(clock.group(1)), clock.group(4))
            minute = int(clock.group(2))
        else:
            hour, minute = int(clock.group(5)), int(clock.group(6))
        if hour < 24 and minute < 60:
            return when.replace(hour=hour, minute=minute, second=int(clock.group(3) or 0))
    return when
