"""The site's Atom feeds, written well-formed whatever is stored.

Text enters the database through web.text's rule, but a row written before it (or by raw SQL)
may still hold a character XML 1.0 cannot carry, and Django's writer answers that with
UnserializableContentError: a 500 for every reader of the feed. SafeAtom1Feed drops such
characters as it writes instead.
"""

from __future__ import annotations

from django.utils.feedgenerator import Atom1Feed

from web.text import xml_safe


def _safe(value):
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_safe(v) for v in value)
    return value


class SafeAtom1Feed(Atom1Feed):
    """Also: a feed without dated entries says when its subject last changed (the feed's
    `empty_updated`) rather than "now", so it is the same bytes, with the same ETag, until
    something changes, and a reader's conditional GET gets its 304."""

    def latest_post_date(self):
        if self.feed.get("empty_updated") and not any(
            item.get("updateddate") or item.get("pubdate") for item in self.items
        ):
            return self.feed["empty_updated"]
        return super().latest_post_date()

    def write(self, outfile, encoding):
        self.feed = {key: _safe(value) for key, value in self.feed.items()}
        self.items = [{key: _safe(value) for key, value in item.items()} for item in self.items]
        super().write(outfile, encoding)
