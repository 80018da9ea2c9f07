"""Bytes to text for every import format."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from imports.parsers.base import ParseError

# Magic numbers of formats people upload by mistake; the message names them.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or a .docx/.odt/.epub)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"RIFF", "RIFF media file"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"\x00asm", "WebAssembly module"),
    (b"SQLite format 3\x00", "SQLite database"),
)

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control bytes that never occur in text files (tab, LF, FF and CR are fine; ESC is tolerated
# because terminal captures carry colour codes).
_CONTROL_BYTES = frozenset(set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x1B)) | {0x1C, 0x1D})
_CONTROL_BYTES |= {0x1E, 0x1F, 0x7F}
_CONTROL_BYTE_STRING = bytes(sorted(_CONTROL_BYTES))
_SNIFF = 8192
_CHUNK = 1024 * 1024
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Share of non-ASCII letters above which a Windows-1252 reading is probably mojibake of another
# script (Cyrillic in cp1251 reads as "Ïðèâåò"); Western European prose stays far below it.
_MOJIBAKE_RATIO = 0.3
_ENCODING_NAMES = {
    "cp1252": "Windows-1252",
    "latin_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "utf_16": "UTF-16",
}


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks like a binary file, or None when it looks like text."""
    for magic, kind in MAGIC_NUMBERS:
        if data.startswith(magic):
            return kind
    if data.startswith(_UTF16_BOMS):
        return None
    # NUL anywhere, not only in the sniffed head: a stray one deep in a file is no text either.
    nul = data.find(b"\x00")
    if nul >= 0:
        return f"it contains NUL bytes (the first at byte {nul:,})"
    head = data[:_SNIFF]
    if head:
        # Counted in C (what translate deletes): a loop over the bytes in Python took a
        # quarter of parsing a text article.
        controls = len(head) - len(head.translate(None, _CONTROL_BYTE_STRING))
        if controls / len(head) > 0.05:
            return "it is full of control characters"
    return None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode an uploaded file to text with LF newlines; return (text, warnings).

    UTF-8 (with or without BOM) is expected. Anything else is guessed — Windows-1252 first,
    since that is what old Western newsroom exports are — and reported in the warnings so the
    editor can check the accents.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(_UTF16_BOMS):
        try:
            return normalize_newlines(data.decode("utf-16")), ["decoded as UTF-16"]
        except UnicodeDecodeError as exc:
            raise ParseError("the file starts like UTF-16 text but does not decode") from exc
    reason = binary_reason(data)
    if reason:
        raise ParseError(f"binary or unknown file: {reason}, not text")
    try:
        return normalize_newlines(data.decode("utf-8")), []
    except UnicodeDecodeError:
        pass
    damage = damaged_utf8(data)
    if damage:
        raise ParseError(damage)
    text, encoding = _guess(data)
    name = _ENCODING_NAMES.get(encoding, encoding)
    return normalize_newlines(text), [f"decoded as {name}"]


def damaged_utf8(data: bytes) -> str | None:
    """Why `data`, which does not decode as UTF-8, is damaged UTF-8 rather than a legacy
    encoding, or None.

    Read as Windows-1252, a UTF-8 file with one bad byte would become mojibake throughout
    ("CafÃ©"), so it is refused instead. It counts as UTF-8 when at least as many of its
    non-ASCII characters are well-formed UTF-8 sequences as are invalid ones: legacy text makes
    valid sequences only by accident (none in Windows-1252 prose, under half as many as invalid
    ones in Shift-JIS, GBK or EUC-KR).
    """
    invalid = valid = 0
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        text = decoder.decode(chunk, final=start + _CHUNK >= len(data))
        ascii_bytes = len(chunk.translate(None, _HIGH_BYTES))
        invalid += text.count("\ufffd")
        valid += len(text) - ascii_bytes  # ASCII bytes are never part of a bad sequence
    valid -= invalid
    if not invalid or valid < invalid:
        return None
    error = _first_utf8_error(data)
    line = data.count(b"\n", 0, error.start) + 1
    bad = data[error.start : error.end].hex(" ")
    return (
        f"invalid UTF-8: line {line:,} has a byte sequence that is not UTF-8 ({bad}; "
        f"{invalid:,} in the file) although the rest of the file is UTF-8; it is refused rather "
        "than read in another encoding, which would garble every accented letter"
    )


def _first_utf8_error(data: bytes) -> UnicodeDecodeError:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    raise ValueError("the data is valid UTF-8")


def _guess(data: bytes) -> tuple[str, str]:
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        letters = [ch for ch in western if ch.isalpha()]
        foreign = sum(1 for ch in letters if not ch.isascii())
        if not letters or foreign / len(letters) < _MOJIBAKE_RATIO:
            return western, "cp1252"
    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        return str(best), best.encoding
    if western is not None:
        return western, "cp1252"
    raise ParseError("cannot decode the file: it is neither UTF-8 nor a known 8-bit encoding")
