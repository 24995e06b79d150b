"""bun.lock: the text lockfile (JSON with trailing commas)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.javascript import bun_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.javascript.support import (
    check_all_samples,
    edges,
    rows,
    sample,
    warnings,
)


def test_matches_the_text_lockfile_only() -> None:
    assert bun_lock.matches(PurePosixPath("bun.lock"))
    assert not bun_lock.matches(PurePosixPath("bun.lockb"))
    assert not bun_lock.matches(PurePosixPath("node_modules/x/bun.lock"))


def test_workspaces_nested_copies_dev_optional_git_and_file() -> None:
    result = bun_lock.read(data_file("javascript", "bun-workspaces", "bun.lock"))
    assert rows(result) == [
        ("npm", "supports-color", "5.5.0", "pkg:npm/supports-color@5.5.0", 36, None, True),
        ("npm", "has-flag", "3.0.0", "pkg:npm/has-flag@3.0.0", 38, None, False),
        ("npm", "@types/bun", "1.1.6", "pkg:npm/%40types/bun@1.1.6", 40, "dev", True),
        ("npm", "bun-types", "1.1.17", "pkg:npm/bun-types@1.1.17", 42, "dev", False),
        ("npm", "chalk", "4.1.2", "pkg:npm/chalk@4.1.2", 44, None, True),
        ("npm", "ansi-styles", "4.3.0", "pkg:npm/ansi-styles@4.3.0", 46, None, False),
        ("npm", "fsevents", "2.3.3", "pkg:npm/fsevents@2.3.3", 48, "optional", True),
        ("npm", "has-flag", "4.0.0", "pkg:npm/has-flag@4.0.0", 50, None, False),
        ("npm", "internal-theme", None, "pkg:npm/internal-theme", 52, None, True),
        ("npm", "supports-color", "7.2.0", "pkg:npm/supports-color@7.2.0", 54, None, False),
        ("npm", "uuid", None, "pkg:npm/uuid", 56, None, True),
    ]
    assert edges(result) == {
        "supports-color@5.5.0": ("has-flag@3.0.0",),
        "@types/bun@1.1.6": ("bun-types@1.1.17",),
        "chalk@4.1.2": ("ansi-styles@4.3.0", "supports-color@7.2.0"),
        "internal-theme@ (file:vendor/internal-theme)": ("chalk@4.1.2",),
        "supports-color@7.2.0": ("has-flag@4.0.0",),
    }
    assert warnings(result) == [
        ("no-version", "line 52: internal-theme: no resolvable version", 52),
        (
            "unpinned",
            "line 52: internal-theme: resolved from file:vendor/internal-theme,"
            " not a registry release",
            52,
        ),
        ("no-version", "line 56: uuid: no resolvable version", 56),
        (
            "unpinned",
            "line 56: uuid: resolved from github:uuidjs/uuid#8f028c4, not a registry release",
            56,
        ),
    ]


def test_trailing_commas_are_dropped_outside_strings_only() -> None:
    assert bun_lock.strip_trailing_commas('["a,]", 1,]') == '["a,]", 1]'
    assert bun_lock.strip_trailing_commas('{"a": "x\\",}",\n}') == '{"a": "x\\",}"\n}'
    assert bun_lock.strip_trailing_commas('{"a": "\\\\",\n}') == '{"a": "\\\\"\n}'
    text = (
        '{\n  "workspaces": {"": {"dependencies": {"a": "^1",},},},\n'
        '  "packages": {\n'
        '    "a": ["a@1.0.0", "", {"bin": {"a": "b//c,]"}}, "sha512-x"],\n  },\n}\n'
    )
    result = bun_lock.read(source("bun.lock", text))
    assert rows(result) == [("npm", "a", "1.0.0", "pkg:npm/a@1.0.0", 4, None, True)]
    assert result.components[0].bom_ref == "a@1.0.0"


def test_comments_are_not_json() -> None:
    with pytest.raises(ReaderError, match="invalid JSON"):
        bun_lock.read(source("bun.lock", "{\n  // bun writes no comments\n}"))


def test_optional_peers_count_as_optional_edges() -> None:
    text = (
        '{"workspaces": {"": {"dependencies": {"a": "1"}}}, "packages": {\n'
        '"a": ["a@1.0.0", "", {"peerDependencies": {"b": "1", "c": "1"},'
        ' "optionalPeers": ["c"]}, ""],\n'
        '"b": ["b@1.0.0", "", {}, ""],\n"c": ["c@1.0.0", "", {}, ""]}}'
    )
    result = bun_lock.read(source("bun.lock", text))
    assert [(c.name, c.scope, c.direct) for c in result.components] == [
        ("a", None, True),
        ("b", None, False),
        ("c", "optional", False),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[]", "expected a JSON object, found list"),
        ('{"packages": []}', "'packages' is not an object"),
        ('{"workspaces": {"": []}}', "workspace '' is not an object"),
        (
            '{"packages": {\n    "a": [1, "", {}, ""],\n}}',
            "line 2: 'a': expected [\"name@version\", ...]",
        ),
        (
            '{"packages": {"a": ["a@1.0.0", "", {"dependencies": []}, ""]}}',
            "'a': dependencies is not an object",
        ),
        ('{"packages": {}, "packages": {}}', "duplicate key 'packages'"),
        ('{"packages": {"a": ["a@1.0.0",,]}}', "invalid JSON"),
    ],
)
def test_bad_input_is_a_reader_error(text: str, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        bun_lock.read(source("bun.lock", text))
    assert str(caught.value).startswith("bun.lock: ")
    assert reason in str(caught.value)


# --- the shared samples ---------------------------------------------------------------------


def test_every_shared_sample_reads_or_is_refused() -> None:
    check_all_samples(bun_lock, "bunlock")


def test_shared_nested_dependencies_resolve_the_nearest_copy() -> None:
    result = bun_lock.read(shared_file(sample("bunlock", "nested-dependencies.json5")))
    assert rows(result) == [
        ("npm", "ansi-styles", "4.3.0", "pkg:npm/ansi-styles@4.3.0", 16, "dev", False),
        ("npm", "chalk", "4.1.2", "pkg:npm/chalk@4.1.2", 18, "dev", True),
        ("npm", "color-convert", "2.0.1", "pkg:npm/color-convert@2.0.1", 20, "dev", False),
        ("npm", "color-name", "1.1.4", "pkg:npm/color-name@1.1.4", 22, "dev", False),
        ("npm", "has-flag", "2.0.0", "pkg:npm/has-flag@2.0.0", 24, None, True),
        ("npm", "supports-color", "5.5.0", "pkg:npm/supports-color@5.5.0", 26, None, True),
        ("npm", "supports-color", "7.2.0", "pkg:npm/supports-color@7.2.0", 28, "dev", False),
        ("npm", "has-flag", "3.0.0", "pkg:npm/has-flag@3.0.0", 30, None, False),
        ("npm", "has-flag", "4.0.0", "pkg:npm/has-flag@4.0.0", 32, "dev", False),
    ]
    assert edges(result) == {
        "ansi-styles@4.3.0": ("color-convert@2.0.1",),
        "chalk@4.1.2": ("ansi-styles@4.3.0", "supports-color@7.2.0"),
        "color-convert@2.0.1": ("color-name@1.1.4",),
        "supports-color@5.5.0": ("has-flag@3.0.0",),
        "supports-color@7.2.0": ("has-flag@4.0.0",),
    }


def test_shared_aliases_name_the_real_package() -> None:
    result = bun_lock.read(shared_file(sample("bunlock", "alias.json5")))
    assert [(c.name, c.version, c.direct) for c in result.components] == [
        ("has-flag", "4.0.0", False),
        ("supports-color", "7.2.0", True),
        ("supports-color", "6.1.0", True),
        ("has-flag", "3.0.0", False),
    ]


def test_shared_bad_tuple_is_refused() -> None:
    with pytest.raises(ReaderError, match="line 12: 'wrappy-bad1'"):
        bun_lock.read(shared_file(sample("bunlock", "bad-tuple.json5")))


def test_shared_empty_files_are_empty() -> None:
    for name in ("empty.json5", "no-packages.json5"):
        assert bun_lock.read(shared_file(sample("bunlock", name))).components == ()
