"""Format detection and decoding of uploads."""

import pytest

from imports.parsers.base import ParseError
from imports.parsers.decoding import decode
from imports.parsers.detect import detect_format

# --- detect_format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"Title\n\nBody.", "text"),
        ("no-extension", b"Title\n\nBody.", "text"),
        ("a.md", b"# Title\n\nBody.", "text"),
        ("a.html", b"<p>fragment</p>", "html"),
        ("page", b"<!DOCTYPE html><html><head></head><body></body></html>", "html"),
        ("page.txt", b"\xef\xbb\xbf  <html lang='en'><body>x</body></html>", "html"),
        ("saved.htm", b"Not even markup", "html"),
        ("fragment", b"<div class='x'><p>Hi</p></div>", "html"),
        ("feed", b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "feed"),
        ("feed.txt", b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed"),
        ("rdf", b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "feed"),
        ("a.xml", b"<something/>", "feed"),
        ("a.jsonl", b'{"title": "x"}\n{"title": "y"}\n', "jsonl"),
        ("dump", b'{"title": "x", "body": "y"}\n', "jsonl"),
        ("a.txt", b"{not json at all", "text"),
    ],
)
def test_it_detects_the_format_from_content_then_name(name, data, expected):
    assert detect_format(name, data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.4\n",
        b"PK\x03\x04\x14\x00",
        b"GIF89a\x01\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"plain start \x00 then a NUL",
        bytes(range(1, 9)) * 50,
    ],
)
def test_it_refuses_binary_files(data):
    with pytest.raises(ParseError, match="binary or unknown file"):
        detect_format("upload.txt", data)


def test_it_names_the_kind_of_binary_file():
    with pytest.raises(ParseError, match="PDF"):
        detect_format("a.txt", b"%PDF-1.7\n")


def test_it_sniffs_utf16_text_instead_of_calling_it_binary():
    assert detect_format("a", "<html><body>x</body></html>".encode("utf-16")) == "html"


# --- decode ----------------------------------------------------------------------------------


def test_it_decodes_utf8_and_normalises_newlines():
    assert decode("a\r\nb\rc\nd é".encode()) == ("a\nb\nc\nd é", [])


def test_it_strips_a_utf8_bom():
    assert decode(b"\xef\xbb\xbfTitle") == ("Title", [])


def test_it_detects_windows_1252_and_warns():
    text, warnings = decode("It’s “smart” – café".encode("cp1252"))
    assert text == "It’s “smart” – café"
    assert warnings == ["decoded as Windows-1252"]


def test_it_does_not_read_cyrillic_as_windows_1252_mojibake():
    original = "Привет, мир! Это тестовый текст для проверки кодировки файла."
    text, warnings = decode(original.encode("cp1251"))
    assert text == original
    assert warnings and "Windows-1252" not in warnings[0]


def test_it_decodes_utf16_with_a_bom():
    assert decode("Title\r\nBody".encode("utf-16")) == ("Title\nBody", ["decoded as UTF-16"])


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03binary", b"\x89PNG\r\n\x1a\nrest"])
def test_it_refuses_binary_data(data):
    with pytest.raises(ParseError, match="binary"):
        decode(data)


def test_a_nul_byte_anywhere_makes_the_file_binary():
    data = b"Title\n\n" + b"A paragraph of ordinary words.\n" * 1000 + b"\x00 and more"
    with pytest.raises(ParseError, match=r"it contains NUL bytes \(the first at byte 31,007\)"):
        decode(data)


@pytest.mark.parametrize(
    ("data", "line", "bad"),
    [
        # A Windows-1252 sentence pasted into a UTF-8 file.
        ("Café société\n\nUne crème brûlée ".encode() + "et des frères".encode("cp1252"), 3, "e8"),
        # A UTF-8 file cut in the middle of its last character.
        ("Café société\n\nUne crème brûlée".encode()[:-2], 3, "c3"),
        # Sequences UTF-8 forbids: an overlong "/", an encoded surrogate.
        (
            "Été à Montréal\n\nLe café, l’hôtel et la rivière".encode() + b" \xc0\xaf \xed\xa0\x80",
            3,
            "c0",
        ),
    ],
)
def test_damaged_utf8_is_refused_with_where_it_is_damaged(data, line, bad):
    with pytest.raises(ParseError) as refused:
        decode(data)
    assert f"invalid UTF-8: line {line} has a byte sequence that is not UTF-8 ({bad};" in str(
        refused.value
    )
    assert "garble every accented letter" in str(refused.value)


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "gbk", "big5", "euc_kr", "cp866"])
def test_legacy_multibyte_text_is_not_taken_for_damaged_utf8(encoding):
    japanese = (
        "日本国民は、正当に選挙された国会における代表者を通じて行動し、"
        "わが国全土にわたつて自由のもたらす恵沢を確保し"
    )
    samples = {
        "shift_jis": japanese,
        "euc_jp": japanese,
        "gbk": "中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。",
        "big5": "中華民國基於三民主義，為民有民治民享之民主共和國。",
        "euc_kr": "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, "
        "모든 권력은 국민으로부터 나온다.",
        "cp866": "Все люди рождаются свободными и равными в своем достоинстве и правах.",
    }
    text, warnings = decode(samples[encoding].encode(encoding))
    assert warnings and warnings[0].startswith("decoded as")


def test_a_file_full_of_control_characters_is_not_text():
    from imports.parsers.decoding import binary_reason

    prose = b"The harbour council met on Tuesday. " * 40
    # One control byte in sixteen is far past any text's share: refused...
    noisy = bytes(b if i % 16 else 0x01 for i, b in enumerate(prose))
    assert binary_reason(noisy) == "it is full of control characters"
    # ...while a stray one here and there (one in forty) is still text.
    sparse = bytes(b if i % 40 else 0x01 for i, b in enumerate(prose))
    assert binary_reason(sparse) is None
    # Tabs, newlines and carriage returns are no control characters in this sense.
    assert binary_reason(b"\t\r\n" * 500) is None
