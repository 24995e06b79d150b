"""Decode and skip rules of the secret scanner (pure)."""

from __future__ import annotations

import codecs
import random

import pytest

from garrison.secrets.files import (
    Decoded,
    Skip,
    SkipReason,
    bomless_utf16,
    decode,
    excluded,
    is_minified,
    skip_by_name,
    skip_by_size,
)

TEXT = "first line\nsecond = 'é✓'\nthird\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32le",
         "utf32be"],
)  # fmt: skip
def test_text_encodings_decode_without_the_bom(data: bytes, encoding: str) -> None:
    assert decode(data, "a.txt") == Decoded(TEXT, encoding)


def test_invalid_utf8_is_replaced_one_character_per_byte_and_reports_the_line() -> None:
    data = b"ok\nbad \xff\xfe here KEY\nlast \xc3\n"
    result = decode(data, "latin.txt")
    assert isinstance(result, Decoded)
    assert result.text == "ok\nbad \ufffd\ufffd here KEY\nlast \ufffd\n"
    assert result.invalid_line == 2
    line = result.text.splitlines()[1]
    assert line.index("KEY") + 1 == 13  # as in the bytes: 2 invalid bytes, 2 characters


def test_nul_bytes_mean_binary() -> None:
    rng = random.Random(3)
    data = bytes(rng.randrange(256) for _ in range(5000)) + b"\0\0\0"
    assert decode(data, "blob.dat") == Skip(SkipReason.BINARY)
    assert decode(b"text\0more text", "a.txt") == Skip(SkipReason.BINARY)


def test_bomless_utf16_needs_the_ascii_nul_pattern() -> None:
    assert bomless_utf16("plain ascii text".encode("utf-16-le")) == "utf-16-le"
    assert bomless_utf16("plain ascii text".encode("utf-16-be")) == "utf-16-be"
    assert bomless_utf16(b"\0\0\0\0\0\0\0\0") is None  # NULs everywhere: binary
    assert bomless_utf16(b"a\0") is None  # too short to tell


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("img/logo.PNG", SkipReason.BINARY),
        ("lib/app.jar", SkipReason.BINARY),
        ("__pycache__/m.cpython-311.pyc", SkipReason.BINARY),
        ("fonts/a.woff2", SkipReason.BINARY),
        ("dist/app.min.js", SkipReason.MINIFIED),
        ("dist/site.min.css", SkipReason.MINIFIED),
        ("src/app.js", None),
        ("config/.env", None),
        ("archive.tar.gz", SkipReason.BINARY),
        ("notes.gz.txt", None),
    ],
)
def test_skip_by_name(path: str, reason: SkipReason | None) -> None:
    skip = skip_by_name(path)
    assert (skip.reason if skip else None) == reason
    assert skip is None or skip.warning == ""  # skips by rule are counted, not warned


def test_skip_by_size_names_the_size_and_the_limit() -> None:
    assert skip_by_size(100, 100) is None
    assert skip_by_size(101, 100) == Skip(
        SkipReason.TOO_LARGE, "101 bytes, over the 100 byte limit; not scanned"
    )


def test_minified_means_long_average_lines_in_a_big_js_or_css_file() -> None:
    bundle = b"var a=1;" * 2000  # 16,000 chars, one line
    assert is_minified(bundle, "dist/bundle.js")
    assert decode(bundle, "dist/bundle.js") == Skip(SkipReason.MINIFIED)
    assert not is_minified(bundle[:9000], "dist/small.js")  # under 10 KB: scanned
    assert not is_minified(b"var a=1;\n" * 2000, "src/long.js")  # short lines
    assert isinstance(decode(bundle, "data/blob.txt"), Decoded)  # long lines elsewhere: scanned


def test_a_100000_character_line_decodes_whole() -> None:
    line = "x" * 98_999 + "SECRET" + "y" * 995
    result = decode((line + "\n").encode(), "data/long.txt")
    assert isinstance(result, Decoded)
    assert result.text.index("SECRET") + 1 == 99_000
    assert len(result.text) == 100_001


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("vendor/lib/a.py", ("vendor",), True),
        ("src/vendor/a.py", ("vendor",), True),
        ("src/a.py", ("vendor",), False),
        ("src/a_test.py", ("*_test.py",), True),
        ("src/a.py", ("src/*",), True),
        ("docs/a.py", ("src/*",), False),
        ("a.py", (), False),
    ],
)
def test_excluded_follows_the_walk_rule(
    path: str, patterns: tuple[str, ...], expected: bool
) -> None:
    assert excluded(path, patterns) is expected
