"""The yarn v1 lockfile parser."""

from __future__ import annotations

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.javascript.yarn_classic import Block, descriptors, parse
from tests.inventory.readers.helpers import source


def test_entries_fields_and_sections() -> None:
    text = (
        "# yarn lockfile v1\n\n\n"
        '"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.12.13":\n'
        '  version "7.12.13"\n'
        "  integrity sha512-abc==\n"
        "  dependencies:\n"
        '    "@babel/highlight" "^7.12.13"\n'
        "    chalk ^2.0.0\n"
        "  optionalDependencies:\n"
        '    fsevents "~2.3.2"\n'
    )
    assert parse(source("yarn.lock", text)) == [
        Block(
            ["@babel/code-frame@^7.0.0", "@babel/code-frame@^7.12.13"],
            4,
            {"version": "7.12.13", "integrity": "sha512-abc=="},
            {
                "dependencies": {"@babel/highlight": "^7.12.13", "chalk": "^2.0.0"},
                "optionalDependencies": {"fsevents": "~2.3.2"},
            },
        )
    ]


def test_crlf_quoted_keys_and_escapes() -> None:
    text = 'a@1.0.0:\r\n  "version" "1.0.0"\r\n  "resolved" "https://x/a-1.0.0.tgz#\\"q\\""\r\n'
    assert parse(source("yarn.lock", text)) == [
        Block(["a@1.0.0"], 1, {"version": "1.0.0", "resolved": 'https://x/a-1.0.0.tgz#"q"'})
    ]


def test_descriptors_with_quotes_and_spaces() -> None:
    assert descriptors('"a@>= 1.0 < 2", a@^1, "@s/b@npm:c@1"') == [
        "a@>= 1.0 < 2",
        "a@^1",
        "@s/b@npm:c@1",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('  version "1.0.0"\n', "line 1: indented line before the first entry"),
        ("a@1:\n      deep 1\n", "line 2: unexpected indentation (6 spaces)"),
        ("a@1:\n    orphan 1\n", "line 2: unexpected indentation (4 spaces)"),
        ('a@1:\n  version "1.0.0" extra\n', "line 2: unexpected text after the value"),
        ("a@1, :\n", "line 1: empty descriptor in entry header"),
        ('"a@1" "b@1":\n', "line 1: expected ',' between descriptors"),
        ('a@1:\n  "version\n', "line 2: unterminated string"),
        ('a@1:\n  version "\\q"\n', "line 2: bad escape in string"),
        ("a@1:\n\tversion 1\n", "line 2: an entry header must end with ':'"),
    ],
)
def test_malformed_lines_name_the_line(text: str, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        parse(source("yarn.lock", text))
    assert str(caught.value) == f"yarn.lock: {reason}"
