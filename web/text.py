"""The one rule for text that comes from outside: what XML, JSON and HTML can all carry.

Every text an outsider can put in the database (imports, forms, the admin, management commands)
passes through `clean_text` once, at the boundary:

- characters XML 1.0 forbids are removed: C0 controls other than tab, newline and carriage
  return, lone surrogates, U+FFFE and U+FFFF; with them DEL, the C1 controls and the other
  Unicode noncharacters, which HTML calls parse errors and no text needs;
- line endings are unified to "\\n" (CR LF, CR, NEL, U+2028 and U+2029);
- the text is put in Unicode NFC, so the same words are stored (and matched) the same way;
- in a single line (names, titles) tabs and line breaks become spaces and the bidirectional
  overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed: in a name they can make
  the text around it read backwards.

Outputs rely on it but do not trust it (rows written before the rule, or by raw SQL):
`xml_safe` is what a feed applies when it writes, `escape_surrogates` what the export applies.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms

# Lone surrogates first: nothing else can be done to a string holding them (they cannot be
# encoded as UTF-8). A surrogate pair in a str is joined back into its character.
_SURROGATE_CHARS = "\ud800-\udfff"
_LINE_BREAK_CHARS = "\r\x85\u2028\u2029"
_FORBIDDEN_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
_BIDI_CHARS = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = re.compile(f"[{_SURROGATE_CHARS}]")
_LINE_BREAKS = re.compile(f"\r\n|[{_LINE_BREAK_CHARS}]")
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CHARS}]")
# What XML 1.0 itself refuses (its Char production): the least an XML writer must drop.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BIDI_CONTROLS = re.compile(f"[{_BIDI_CHARS}]")
_LINE_SPACES = re.compile("[\t\n]")
# Any character one of the steps would touch. Most text holds none, and one search costs a
# fraction of running every step; in ASCII text (NFC already) only the controls can be touched.
_ASCII_TOUCHED = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_TOUCHED = re.compile(f"[{_SURROGATE_CHARS}{_LINE_BREAK_CHARS}{_FORBIDDEN_CHARS}]")
_TOUCHED_IN_A_LINE = re.compile(
    f"[{_SURROGATE_CHARS}{_LINE_BREAK_CHARS}{_FORBIDDEN_CHARS}{_BIDI_CHARS}\t\n]"
)


def _drop_surrogates(value: str) -> str:
    if not _SURROGATES.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")


def clean_text(value: str, *, single_line: bool = False) -> str:
    """`value` as it may be stored: see the module's docstring for the rule.

    Idempotent, and the identity on ordinary text. It neither strips nor collapses spaces:
    the callers (forms, the loader) know what spacing their field wants.
    """
    if not value or _untouched(value, single_line):
        return value
    return apply_rule(value, single_line=single_line)


def _untouched(value: str, single_line: bool) -> bool:
    """Whether the rule leaves `value` as it is: what most text is, checked in one pass."""
    if value.isascii():  # already NFC: only the controls can be touched
        return value.isprintable() if single_line else not _ASCII_TOUCHED.search(value)
    touched = _TOUCHED_IN_A_LINE if single_line else _TOUCHED
    return not touched.search(value) and unicodedata.is_normalized("NFC", value)


def all_untouched(values: list[str], *, single_line: bool = False) -> bool:
    """Whether the rule leaves every one of `values` as it is, checked in one pass over them
    joined. The joints (a newline, or a space between single lines) are characters that
    the rule keeps and that nothing composes with, so the whole is untouched exactly when
    every part is."""
    return _untouched((" " if single_line else "\n").join(values), single_line)


def apply_rule(value: str, *, single_line: bool = False) -> str:
    """Every step of the rule, in order (clean_text skips them when none would change
    anything)."""
    value = _drop_surrogates(value)
    value = _LINE_BREAKS.sub("\n", value)
    value = _FORBIDDEN.sub("", value)
    if single_line:
        value = _BIDI_CONTROLS.sub("", value)
        value = _LINE_SPACES.sub(" ", value)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def clean_text_changed(value: str, *, single_line: bool = False) -> tuple[str, bool]:
    """clean_text, and whether it removed anything.

    Unified line endings (in a single line, tabs and breaks turned into spaces) and NFC lose
    nothing a reader can see, so they are not worth a warning: every file written on Windows
    would earn one.
    """
    cleaned = clean_text(value, single_line=single_line)
    if cleaned == value:
        return cleaned, False
    if _SURROGATES.search(value):
        return cleaned, True
    spaced = _LINE_BREAKS.sub("\n", value)
    if single_line:
        spaced = _LINE_SPACES.sub(" ", spaced)
    return cleaned, cleaned != unicodedata.normalize("NFC", spaced)


def xml_safe(value: str) -> str:
    """`value` without what XML 1.0 cannot carry: for writers of XML, whatever is stored."""
    if not value:
        return value
    value = _drop_surrogates(value)
    return _NOT_XML.sub("", value)


def escape_surrogates(json_text: str) -> str:
    """A JSON text written with ensure_ascii=False, its lone surrogates escaped as \\uXXXX.

    Raw, they cannot be encoded as UTF-8; escaped, json.loads gives back the same string.
    In JSON a surrogate can only stand inside a string literal, so escaping it is safe.
    """
    if not _SURROGATES.search(json_text):
        return json_text
    return _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


class CleanTextMixin:
    """Form mixin: every text field's cleaned value passes through clean_text (single-line
    inputs under the single-line rule, textareas under the other; passwords are left exactly
    as typed). It runs after the fields' own validation (and a ModelForm's model validation):
    a field that refuses control characters with a message (the display name) still does."""

    def clean(self):
        cleaned_data = super().clean()
        if not isinstance(self, forms.BaseModelForm):
            self._clean_text_values()
        return cleaned_data

    def _post_clean(self) -> None:
        super()._post_clean()
        if isinstance(self, forms.BaseModelForm):
            for name, value in self._clean_text_values().items():
                if name in self._meta.model._meta._forward_fields_map:
                    setattr(self.instance, name, value)

    def _clean_text_values(self) -> dict[str, str]:
        changed = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if (
                not isinstance(value, str)
                or not isinstance(field, forms.CharField)
                or isinstance(field.widget, forms.PasswordInput)
            ):
                continue
            cleaned = clean_text(value, single_line=not isinstance(field.widget, forms.Textarea))
            if cleaned == value:
                continue
            if field.max_length is not None and len(cleaned) > field.max_length:
                # NFC lengthens a few characters: the column must still hold the value.
                self.add_error(
                    name, f"Ensure this value has at most {field.max_length} characters."
                )
                continue
            self.cleaned_data[name] = changed[name] = cleaned
        return changed


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The admin's default form: see CleanTextMixin."""
