"""Checks on the names readers give themselves."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

# Bidirectional embedding, override and isolate marks: they let a name display as something
# other than what it is ("moc.elgoog" shown backwards), so they have no place in a name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_display_name(value: str) -> None:
    """Refuse control characters (tabs, newlines, NUL, escape…), line and paragraph separators
    and bidirectional overrides; ordinary letters, marks, emoji and punctuation are fine."""
    for char in value:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Zl", "Zp"}:
            raise ValidationError(
                "A display name cannot contain control characters such as tabs or line breaks.",
                code="control_characters",
            )
