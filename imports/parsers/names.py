"""A commenter's name as a page shows it, without what themes write around it:
"Jeremy Banks says: January 20, 2020 at 11:27 am", "Martina Berg\\nAutor",
"Ben 19. Juni 2018 um 15:28 Uhr - Antworten", "Posted by liz".
"""

from __future__ import annotations

import re

from imports.parsers.base import parse_datetime

# "says:", in the languages themes are translated into; everything after it goes too.
_SAYS = re.compile(
    r"\s+(?:says|said|wrote|sagt|schrieb|schreibt|meint|dit|a écrit|dice|escribió|scrive|"
    r"ha scritto|zegt|schreef|diz|escreveu)\s*:?(?:\s.*)?$",
    re.IGNORECASE | re.DOTALL,
)
_LEADING = re.compile(
    r"^(?:posted by|view all posts by|comment by|kommentar von|autor(?:in)?:?|author:?|"
    r"von|by|par|por|di|door)\s+",
    re.IGNORECASE,
)
# Controls and badges themes put after the name.
_TRAILING = re.compile(
    r"\s*[-–|·•]?\s*(?:reply|antworten|répondre|responder|rispondi|beantwoorden|responder|"
    r"permalink|link|autor(?:in)?|author|post author|admin|moderator|verified|staff)\s*$",
    re.IGNORECASE,
)


def clean_author_name(text: str | None) -> str | None:
    """The name alone; None when nothing of a name is left."""
    if not text:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    name = lines[0] if lines else ""  # a badge or a date on a line of its own goes
    name = _SAYS.sub("", name)
    name = _LEADING.sub("", name)
    for _ in range(3):  # "Ben - Antworten", "Martina Berg Autor"
        trimmed = _TRAILING.sub("", name)
        if trimmed == name or not trimmed:
            break
        name = trimmed
    name = _without_trailing_date(name)
    name = name.strip(" \t-–|·•,:")
    return name or None


def _without_trailing_date(name: str) -> str:
    """ "Ben 19. Juni 2018 um 15:28 Uhr" → "Ben": cut where a date starts after the name."""
    for match in re.finditer(r"\s", name):
        rest = name[match.end() :]
        if rest[:1].isalnum() and parse_datetime(rest) is not None:
            return name[: match.start()]
    return name
