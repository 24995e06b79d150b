"""The Elixir term parser behind the mix.lock reader."""

from __future__ import annotations

import pytest

from garrison.inventory.readers.elixir._terms import Atom, TermError, parse_map_entries


def test_values() -> None:
    text = (
        '%{\n  :a => {:hex, :"quoted-atom", "esc\\"aped\\n", -12, 1_000, 2.5},\n'
        "  b: [true, false, nil, [], %{}],\n"
        '  "c": [hex: :c, repo: "hexpm", optional: false],\n'
        '  "d" => %{1 => "one", {:x, 1} => [only: :test]},\n}'
    )
    entries = parse_map_entries(text)
    assert entries == [
        ("a", (Atom("hex"), Atom("quoted-atom"), 'esc"aped\n', -12, 1000, 2.5), 2),
        ("b", [True, False, None, [], {}], 3),
        ("c", [(Atom("hex"), Atom("c")), ("repo", "hexpm"), ("optional", False)], 4),
        ("d", {1: "one", (Atom("x"), 1): [("only", Atom("test"))]}, 5),
    ]
    assert isinstance(entries[0][1][0], Atom)
    assert not isinstance(entries[0][1][2], Atom)


def test_comments_and_blank_input() -> None:
    assert parse_map_entries("") == []
    assert parse_map_entries("  # nothing\n") == []
    assert parse_map_entries('# lock\n%{"a": 1} # end\n') == [("a", 1, 2)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("%{", 1),
        ('%{"a": 1,\n "b" 2}', 2),
        ("%{a: [1, 2}", 1),
        ("%{a: @x}", 1),
        ("%{a: 1}}", 1),
        ("[1]", 1),
        ("%{a: %{[1] => 2}}", 1),
        ("%{a: " + "[" * 100 + "]" * 100 + "}", 1),
        ('%{\n\n"a": "unterminated}', 3),
    ],
)
def test_errors_name_the_line(text: str, line: int) -> None:
    with pytest.raises(TermError) as caught:
        parse_map_entries(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
