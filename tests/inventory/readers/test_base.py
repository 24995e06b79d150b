"""The shared parsing helpers every reader uses."""

from __future__ import annotations

import pytest

from garrison.inventory.readers.base import ReaderError, load_json, load_toml, load_yaml
from tests.inventory.readers.helpers import source

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_yaml_alias_bomb_is_refused() -> None:
    with pytest.raises(ReaderError, match=r"^pnpm-lock\.yaml: YAML aliases are not allowed"):
        load_yaml(source("pnpm-lock.yaml", BILLION_LAUGHS))


def test_yaml_duplicate_keys_name_the_line() -> None:
    with pytest.raises(ReaderError, match=r"line 3: duplicate key 'a'"):
        load_yaml(source("x.yaml", "a: 1\nb: 2\na: 3\n"))


def test_yaml_keeps_timestamps_as_text() -> None:
    assert load_yaml(source("x.yaml", "t: 2024-01-01T00:00:00Z\n")) == {"t": "2024-01-01T00:00:00Z"}


def test_yaml_repeated_scalars_are_fine() -> None:
    assert load_yaml(source("x.yaml", "a: &v '1.0'\nb: *v\n")) == {"a": "1.0", "b": "1.0"}


def test_json_duplicate_keys_and_syntax_errors() -> None:
    with pytest.raises(ReaderError, match=r"duplicate key 'a'"):
        load_json(source("x.json", '{"a": 1, "a": 2}'))
    with pytest.raises(ReaderError, match=r"^x\.json: line 2: invalid JSON"):
        load_json(source("x.json", '{\n"a": }'))
    with pytest.raises(ReaderError, match="nested too deeply"):
        load_json(source("x.json", "[" * 100_000))


def test_toml_errors_and_deep_nesting() -> None:
    with pytest.raises(ReaderError, match=r"^x\.toml: invalid TOML"):
        load_toml(source("x.toml", "a = = 1"))
    with pytest.raises(ReaderError, match="nested too deeply"):
        load_toml(source("x.toml", "a = " + "[" * 100_000))


def test_invalid_utf8_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match=r"not UTF-8 text \(byte 0\)"):
        load_json(source("x.json", b"\xff\xfe{}"))


def test_toml_skip_keys_blank_artifact_lists_but_keep_lines_and_data() -> None:
    text = (
        '[[package]]\nname = "a"\nversion = "1"\n'
        'sdist = { url = "https://x/a-1.tar.gz", hash = "sha256:00" }\n'
        'wheels = [\n    { url = "https://x/a-1.whl", hash = "sha256:11" },\n]\n'
        '[[package]]\nname = "b"\nversion = "2"\nfiles = [{file = "b.whl"}]\n'
    )
    skipped = load_toml(source("uv.lock", text), frozenset({"wheels", "sdist", "files"}))
    assert skipped == {"package": [{"name": "a", "version": "1"}, {"name": "b", "version": "2"}]}
    whole = load_toml(source("uv.lock", text))
    assert whole["package"][0]["wheels"][0]["url"] == "https://x/a-1.whl"


def test_toml_skip_keys_fall_back_to_the_whole_text() -> None:
    text = 'files = [\n  "a",\n  "b" ]\nname = "x"\n'  # the closing bracket is not alone
    assert load_toml(source("x.toml", text), frozenset({"files"})) == {
        "files": ["a", "b"],
        "name": "x",
    }


def test_toml_skip_keys_leave_other_shapes_alone() -> None:
    text = 'files = ["a.whl", "b.whl"]\nname = "x"\n'
    assert load_toml(source("x.toml", text), frozenset({"files"}))["files"] == ["a.whl", "b.whl"]
