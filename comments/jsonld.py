"""An article page as schema.org data (JSON-LD): a NewsArticle with its source as publisher,
its authors, its original address as `isBasedOn`, and the published comments shown on the
page as `Comment` items, each pointing at its parent (a comment, or the article).

Written into a <script type="application/ld+json">: a data block, which the strict CSP does
not run. What is stored may hold anything (rows from before the text rule, raw SQL), so the
strings are made XML-safe and the JSON is written ASCII-only, and "<", ">" and "&" are
escaped as \\u003C and the like so that no text can close the script element.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from archive.models import Article
from web.reversing import absolute_url
from web.sanitize import html_to_text
from web.text import xml_safe

from .models import UNKNOWN_COMMENTER, CommentStatus
from .tree import Node

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def commenter(node: Node) -> str:
    """The name a comment is shown under (as the thread row shows it)."""
    if node.is_archived:
        return node.archived_author_name or UNKNOWN_COMMENTER
    if node.username is None:
        return node.archived_author_name or "a former member"
    return node.display_name or node.username


def comment_item(node: Node, article_id: str) -> dict:
    url = absolute_url(reverse("comments:permalink", args=[node.id]))
    parent = (
        absolute_url(reverse("comments:permalink", args=[node.parent_id]))
        if node.parent_id
        else article_id
    )
    item = {
        "@type": "Comment",
        "@id": url,
        "url": url,
        "author": {"@type": "Person", "name": xml_safe(commenter(node))},
        "text": xml_safe(html_to_text(node.body_html)),
        "parentItem": {"@id": parent},
    }
    if node.created:
        item["dateCreated"] = node.created.isoformat(timespec="seconds")
    if node.edited:
        item["dateModified"] = node.edited.isoformat(timespec="seconds")
    return item


def article_data(article: Article, nodes: list[Node]) -> dict:
    """The NewsArticle for `article`, with the first AGORA_JSONLD_COMMENTS published comments
    of `nodes` (the page's comments, in thread order); commentCount counts them all."""
    url = absolute_url(article.get_absolute_url())
    source = article.source
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": xml_safe(article.title),
        "publisher": {
            "@type": "Organization",
            "name": xml_safe(source.name),
            "url": source.homepage or absolute_url(source.get_absolute_url()),
        },
        "dateModified": article.updated.isoformat(timespec="seconds"),
        "wordCount": article.word_count,
        "commentCount": article.comment_count,
        "isAccessibleForFree": True,
    }
    authors = [
        {
            "@type": "Person",
            "name": xml_safe(author.name),
            "url": absolute_url(author.get_absolute_url()),
        }
        for author in article.authors.all()
    ]
    if authors:
        data["author"] = authors
    if article.dek:
        data["description"] = xml_safe(article.dek)
    if article.kicker:
        data["alternativeHeadline"] = xml_safe(article.kicker)
    if article.published:
        # A date known to the month or the year is written as such (ISO 8601 allows it).
        data["datePublished"] = article.published_iso
    if article.url:
        data["isBasedOn"] = article.url
    published = [node for node in nodes if node.status == CommentStatus.PUBLISHED]
    data["comment"] = [
        comment_item(node, url) for node in published[: settings.AGORA_JSONLD_COMMENTS]
    ]
    return data


def script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
