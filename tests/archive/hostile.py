"""Hostile uploads, generated on disk by the tests (never downloaded), written as streams so
that not even the 10 GB one is ever held in memory.

Each function writes one file at `path` and returns the path.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

MIB = 2**20
GIB = 2**30

# A fixed modification time (2024-01-01 00:00) keeps the generated archives byte-for-byte stable.
_DOS_DATE = (2024 - 1980) << 9 | 1 << 5 | 1
_DOS_TIME = 0
_ZIP64 = 0xFFFFFFFF


def crc32_of_zeros(size: int) -> int:
    """zlib.crc32(bytes(size)), without feeding zlib `size` bytes (10 GiB would take seconds).

    crc32(block, crc) is an affine function of `crc` over GF(2): learned from 33 calls for one
    MiB of zeros, it is then applied once per MiB.
    """
    block = bytes(MIB)
    base = zlib.crc32(block, 0)
    columns = [zlib.crc32(block, 1 << bit) ^ base for bit in range(32)]
    crc = 0
    for _ in range(size // MIB):
        nxt = base
        for bit in range(32):
            if crc >> bit & 1:
                nxt ^= columns[bit]
        crc = nxt
    return zlib.crc32(bytes(size % MIB), crc)


def zeros_zip(path: Path, size: int = 10 * GIB, member: str = "zeros.txt") -> Path:
    """A zip whose one member is `size` zero bytes, deflated: about a thousandth of `size` on
    disk, written in well under a second per GiB.

    One MiB of zeros is deflated once, ending on a full flush: the block ends on a byte boundary
    and refers to nothing before it, so the same bytes can be written again for every MiB. The
    sizes need ZIP64 extra fields, written by hand with the CRC computed arithmetically.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(bytes(size % MIB)) + compressor.flush(zlib.Z_FINISH)
    blocks = size // MIB
    compressed = blocks * len(block) + len(tail)
    crc = crc32_of_zeros(size)
    name = member.encode()
    sizes = struct.pack("<HHQQ", 0x0001, 16, size, compressed)  # ZIP64: real sizes
    local = struct.pack(
        "<IHHHHHIIIHH",
        0x04034B50,  # local file header
        45,  # version needed: 4.5, ZIP64
        0,  # flags
        zipfile.ZIP_DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        crc,
        _ZIP64,
        _ZIP64,
        len(name),
        len(sizes),
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,  # central directory header
        45,  # made by
        45,  # version needed
        0,
        zipfile.ZIP_DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        crc,
        _ZIP64,
        _ZIP64,
        len(name),
        len(sizes),
        0,  # comment length
        0,  # disk number
        0,  # internal attributes
        0,  # external attributes
        0,  # offset of the local header
    )
    with open(path, "wb") as out:
        out.write(local + name + sizes)
        for _ in range(blocks):
            out.write(block)
        out.write(tail)
        directory_at = out.tell()
        out.write(central + name + sizes)
        directory_size = out.tell() - directory_at
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, directory_size, directory_at, 0))
    return path


def many_entries_zip(path: Path, count: int = 10_000) -> Path:
    """A zip of `count` tiny, valid text articles."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            archive.writestr(f"articles/{number:05d}.txt", f"Article {number}\n\nA short body.\n")
    return path


def zip_slip_zip(path: Path, unsafe_name: str) -> Path:
    """A zip of one good article and one member whose name would write outside the archive."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("good.txt", "A fine article\n\nIts body.\n")
        archive.writestr(zipfile.ZipInfo(unsafe_name), "Planted\n\nOverwrites something.\n")
    return path


def long_text(path: Path, size: int) -> Path:
    """A plain text article of exactly `size` bytes: a title, then paragraphs of prose."""
    paragraph = ("The harbour board met again on Tuesday to discuss the quay. " * 8).strip()
    paragraph_bytes = f"\n\n{paragraph}".encode()
    written = 0
    with open(path, "wb") as out:
        written += out.write(b"An article far too long")
        chunk = paragraph_bytes * (MIB // len(paragraph_bytes))
        while written + len(chunk) <= size:
            written += out.write(chunk)
        while written + len(paragraph_bytes) <= size:
            written += out.write(paragraph_bytes)
        out.write(b"." * (size - written))
    return path


def invalid_utf8_text(path: Path) -> Path:
    """A UTF-8 article damaged by sequences that are not UTF-8: an overlong "/" (c0 af), an
    encoded surrogate (ed a0 80), bytes that never occur (ff, fe), a stray continuation byte and
    a sequence cut short at the end."""
    good = "Été à Montréal\n\nLe café de la gare, la crème brûlée, l’hôtel de ville et la rivière."
    damage = b" \xc0\xaf \xed\xa0\x80 \xff\xfe \x80 fin \xc3"
    path.write_bytes(good.encode() + damage)
    return path


def nul_bytes_text(path: Path) -> Path:
    """A text article with NUL bytes far past its first kilobytes (where a sniff would look)."""
    body = "\n\n".join(f"Paragraph {n} of an ordinary article about the quay." for n in range(400))
    path.write_bytes(b"An article with NULs\n\n" + body.encode() + b"\x00\x00\x00 and more.\n")
    return path


def billion_laughs_feed(path: Path) -> Path:
    """An RSS feed whose title expands to 10**9 "lol"s if its entities are expanded."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<!DOCTYPE rss [\n{chr(10).join(entities)}\n]>\n"
        '<rss version="2.0"><channel><title>Laughs</title><link>https://lol.example.org/</link>'
        "<item><title>&lol9;</title><link>https://lol.example.org/1</link>"
        "<description>&lol9;</description></item></channel></rss>\n"
    )
    return path


def external_entity_feed(path: Path, target: str = "file:///etc/passwd") -> Path:
    """An RSS feed whose entry's title and body are an external entity naming a local file."""
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>\n'
        '<rss version="2.0"><channel><title>Leaks</title><link>https://xxe.example.org/</link>'
        "<item><title>Leak &xxe;</title><link>https://xxe.example.org/1</link>"
        "<description>&xxe;</description></item></channel></rss>\n"
    )
    return path
