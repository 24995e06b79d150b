"""package-lock.json / npm-shrinkwrap.json: v1 nested trees, v2/v3 `packages` maps."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.javascript import package_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.javascript.big_lockfile import big_package_lock
from tests.inventory.readers.javascript.support import (
    check_all_samples,
    edges,
    licences,
    rows,
    sample,
    warnings,
)

WIDGET = "git+ssh://github.com/acme/vendored-widget.git#4f1c2a9d0b3e8f7a6c5d4e3f2a1b0c9d8e7f6a5b"


def test_matches_both_names_but_not_inside_node_modules() -> None:
    assert package_lock.matches(PurePosixPath("package-lock.json"))
    assert package_lock.matches(PurePosixPath("app/npm-shrinkwrap.json"))
    assert not package_lock.matches(PurePosixPath("node_modules/x/npm-shrinkwrap.json"))
    assert not package_lock.matches(PurePosixPath("node_modules/.package-lock.json"))
    assert not package_lock.matches(PurePosixPath("package.json"))


def test_v3_workspaces_links_nested_copies_aliases_and_git() -> None:
    result = package_lock.read(data_file("javascript", "npm-v3-workspaces", "package-lock.json"))
    assert rows(result) == [
        ("npm", "@types/node", "20.11.5", "pkg:npm/%40types/node@20.11.5", 29, "dev", True),
        ("npm", "express", "4.18.2", "pkg:npm/express@4.18.2", 39, None, True),
        ("npm", "debug", "2.6.9", "pkg:npm/debug@2.6.9", 48, None, False),
        ("npm", "fsevents", "2.3.3", "pkg:npm/fsevents@2.3.3", 57, "optional", True),
        ("npm", "jest-mock", "29.7.0", "pkg:npm/jest-mock@29.7.0", 68, "dev", True),
        ("npm", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21", 78, None, True),
        ("npm", "ms", "2.0.0", "pkg:npm/ms@2.0.0", 84, None, False),
        ("npm", "string-width", "4.2.3", "pkg:npm/string-width@4.2.3", 90, None, True),
        ("npm", "undici-types", "5.26.5", "pkg:npm/undici-types@5.26.5", 97, "dev", False),
        ("npm", "vendored-widget", "0.3.1", "pkg:npm/vendored-widget@0.3.1", 104, None, True),
    ]
    assert edges(result) == {
        "@types/node@20.11.5": ("undici-types@5.26.5",),
        "express@4.18.2": ("debug@2.6.9",),
        "debug@2.6.9": ("ms@2.0.0",),
        "jest-mock@29.7.0": ("@types/node@20.11.5",),
    }
    assert warnings(result) == [
        (
            "unpinned",
            f"line 104: vendored-widget@0.3.1: resolved from {WIDGET}, not a registry release",
            104,
        )
    ]
    assert licences(result)["vendored-widget@0.3.1 (" + WIDGET + ")"] == ("BSD-3-Clause",)
    assert licences(result)["express@4.18.2"] == ("MIT",)
    assert {c.location.path for c in result.components if c.location} == {
        "javascript/npm-v3-workspaces/package-lock.json"
    }


def test_v1_nested_tree_with_sibling_package_json() -> None:
    result = package_lock.read(data_file("javascript", "npm-v1-nested", "package-lock.json"))
    assert rows(result) == [
        ("npm", "@babel/code-frame", "7.0.0", "pkg:npm/%40babel/code-frame@7.0.0", 7, None, True),
        ("npm", "chart-kit", None, "pkg:npm/chart-kit", 15, None, True),
        ("npm", "fsevents", "1.2.13", "pkg:npm/fsevents@1.2.13", 22, "optional", True),
        ("npm", "js-tokens", "4.0.0", "pkg:npm/js-tokens@4.0.0", 28, None, False),
        ("npm", "postcss", "6.0.23", "pkg:npm/postcss@6.0.23", 39, "dev", False),
        ("npm", "postcss-calc", "7.0.1", "pkg:npm/postcss-calc@7.0.1", 48, None, True),
        ("npm", "postcss", "7.0.39", "pkg:npm/postcss@7.0.39", 56, None, False),
        ("npm", "wrappy", "1.0.2", "pkg:npm/wrappy@1.0.2", 66, "dev", True),
    ]
    git = "git+https://github.com/acme/chart-kit.git#0c6f3e2b7d1a9e8f5c4b3a2d1e0f9a8b7c6d5e4f"
    assert edges(result) == {
        "@babel/code-frame@7.0.0": ("js-tokens@4.0.0",),
        f"chart-kit@ ({git})": ("js-tokens@4.0.0",),
        "postcss@6.0.23": ("js-tokens@4.0.0",),
        "postcss-calc@7.0.1": ("postcss@7.0.39",),
        "postcss@7.0.39": ("js-tokens@4.0.0",),
    }
    # the deploy token in the git URL is never repeated
    assert warnings(result) == [
        ("no-version", "line 15: chart-kit: no resolvable version", 15),
        ("unpinned", f"line 15: chart-kit: resolved from {git}, not a registry release", 15),
    ]


def test_v1_without_package_json_does_not_tell_direct() -> None:
    data = data_file("javascript", "npm-v1-nested", "package-lock.json").data
    result = package_lock.read(source("package-lock.json", data))
    assert {c.direct for c in result.components} == {None}
    assert len(result.components) == 8


def test_v2_uses_packages_and_ignores_the_legacy_section() -> None:
    result = package_lock.read(
        data_file("javascript", "npm-v2-both-sections", "npm-shrinkwrap.json")
    )
    assert rows(result) == [
        ("npm", "chokidar", "3.5.3", "pkg:npm/chokidar@3.5.3", 19, None, True),
        ("npm", "chokidar-cli", "3.0.0", "pkg:npm/chokidar-cli@3.0.0", 31, "dev", True),
        ("npm", "fsevents", "2.3.3", "pkg:npm/fsevents@2.3.3", 41, "optional", False),
        ("npm", "glob-parent", "5.1.2", "pkg:npm/glob-parent@5.1.2", 48, None, False),
        ("npm", "internal-lib", "1.4.0", "pkg:npm/internal-lib@1.4.0", 54, None, True),
        ("npm", "tarball-dep", "2.0.0", "pkg:npm/tarball-dep@2.0.0", 60, None, True),
    ]
    assert edges(result) == {
        "chokidar@3.5.3": ("glob-parent@5.1.2", "fsevents@2.3.3"),
        "chokidar-cli@3.0.0": ("chokidar@3.5.3",),
    }
    assert warnings(result) == [
        (
            "unpinned",
            "line 54: internal-lib@1.4.0: resolved from file:internal-lib-1.4.0.tgz,"
            " not a registry release",
            54,
        ),
        (
            "unpinned",
            "line 60: tarball-dep@2.0.0: resolved from https://cdn.example.com/tarball-dep-2.0.0.tgz,"
            " not a registry release",
            60,
        ),
    ]
    assert licences(result)[
        "tarball-dep@2.0.0 (https://cdn.example.com/tarball-dep-2.0.0.tgz)"
    ] == ("Apache-2.0",)


def _lock(packages: dict[str, object]) -> str:
    return json.dumps({"lockfileVersion": 3, "packages": packages}, indent=2)


def test_dev_optional_is_dev_and_copies_merge_to_the_strongest_scope() -> None:
    text = _lock(
        {
            "": {"dependencies": {"a": "1"}, "devDependencies": {"b": "1"}},
            "node_modules/a": {"version": "1.0.0", "dependencies": {"c": "1"}},
            "node_modules/b": {"version": "1.0.0", "dev": True, "dependencies": {"c": "2"}},
            "node_modules/b/node_modules/c": {"version": "2.0.0", "devOptional": True},
            "node_modules/c": {"version": "2.0.0", "license": "MIT"},
        }
    )
    result = package_lock.read(source("package-lock.json", text))
    assert [
        (c.name, c.version, c.scope, c.direct, c.location and c.location.line)
        for c in result.components
    ] == [
        ("a", "1.0.0", None, True, 12),
        ("b", "1.0.0", "dev", True, 18),
        ("c", "2.0.0", None, False, 25),  # the first copy's line, the prod copy's scope
    ]
    assert edges(result) == {"a@1.0.0": ("c@2.0.0",), "b@1.0.0": ("c@2.0.0",)}
    assert licences(result) == {"c@2.0.0": ("MIT",)}


def test_missing_version_is_reported() -> None:
    text = _lock({"": {}, "node_modules/raven-js": {"resolved": "https://example.com/raven.tgz"}})
    result = package_lock.read(source("package-lock.json", text))
    assert rows(result) == [("npm", "raven-js", None, "pkg:npm/raven-js", 5, None, False)]
    assert warnings(result) == [
        ("no-version", "line 5: raven-js: no resolvable version", 5),
        (
            "unpinned",
            "line 5: raven-js: resolved from https://example.com/raven.tgz, not a registry release",
            5,
        ),
    ]


def test_minified_lockfile_reads_without_lines() -> None:
    text = json.dumps(
        {"lockfileVersion": 2, "packages": {"": {}, "node_modules/a": {"version": "1.0.0"}}}
    )
    result = package_lock.read(source("package-lock.json", text))
    assert rows(result) == [("npm", "a", "1.0.0", "pkg:npm/a@1.0.0", None, None, False)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"packages": []}', "'packages' is not an object"),
        (
            '{"packages": {\n  "node_modules/a": "1.0.0"\n}}',
            "entry 'node_modules/a' is not an object",
        ),
        (
            '{"packages": {"node_modules/a": {"version": 1}}}',
            "'node_modules/a': version is not a string",
        ),
        ('{"packages": {"": {"dependencies": ["a"]}}}', "'': dependencies is not an object"),
        (
            '{"dependencies": {"a": {"version": "1.0.0", "requires": "b"}}}',
            "'node_modules/a': requires is not an object",
        ),
        (
            '{"dependencies": {"a": {"version": "1.0.0", "dependencies": ["b"]}}}',
            "'node_modules/a': dependencies is not an object",
        ),
        ('{"dependencies": []}', "'dependencies' is not an object"),
        ('{"dependencies": {"a": 1}}', "entry 'a' is not an object"),
        ('{"packages": {}, "packages": {}}', "duplicate key 'packages'"),
        ("[]", "expected a JSON object, found list"),
        ('"package-lock"', "expected a JSON object, found str"),
    ],
)
def test_wrong_shapes_are_reader_errors(text: str, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        package_lock.read(source("package-lock.json", text))
    assert str(caught.value).startswith("package-lock.json: ")
    assert reason in str(caught.value)


def test_a_large_lockfile_reads_completely() -> None:
    """~15k packages, ~5.8 MB (the speed of this is measured by hand, not asserted)."""
    result = package_lock.read(source("package-lock.json", big_package_lock()))
    assert len(result.components) == 15_000
    assert sum(1 for c in result.components if c.direct) == 60
    assert all(c.location and c.location.line for c in result.components)


# --- the shared samples (another scanner's test data) --------------------------------------


def test_every_shared_sample_reads_or_is_refused() -> None:
    check_all_samples(package_lock, "packagelockjson")


def test_shared_alias_v2() -> None:
    result = package_lock.read(shared_file(sample("packagelockjson", "alias.v2.json")))
    assert rows(result) == [
        ("npm", "@babel/code-frame", "7.0.0", "pkg:npm/%40babel/code-frame@7.0.0", 13, None, True),
        ("npm", "string-width", "5.1.2", "pkg:npm/string-width@5.1.2", 22, None, True),
        ("npm", "string-width", "4.2.0", "pkg:npm/string-width@4.2.0", 32, None, True),
    ]


def test_shared_nested_dependencies_v1_resolves_the_nearest_copy() -> None:
    result = package_lock.read(
        shared_file(sample("packagelockjson", "nested-dependencies.v1.json"))
    )
    assert rows(result) == [
        ("npm", "postcss", "6.0.23", "pkg:npm/postcss@6.0.23", 5, None, None),
        ("npm", "postcss-calc", "7.0.1", "pkg:npm/postcss-calc@7.0.1", 15, None, None),
        ("npm", "postcss", "7.0.16", "pkg:npm/postcss@7.0.16", 26, None, None),
        ("npm", "supports-color", "6.1.0", "pkg:npm/supports-color@6.1.0", 36, None, None),
        ("npm", "supports-color", "5.5.0", "pkg:npm/supports-color@5.5.0", 46, None, None),
    ]
    assert edges(result) == {
        "postcss@6.0.23": ("supports-color@5.5.0",),
        "postcss-calc@7.0.1": ("postcss@7.0.16",),
        "postcss@7.0.16": ("supports-color@6.1.0",),
    }


def test_shared_bundled_dependencies_v3() -> None:
    result = package_lock.read(
        shared_file(sample("packagelockjson", "bundled-dependencies.v3.json"))
    )
    assert rows(result) == [
        ("npm", "ansi-regex", "6.2.2", "pkg:npm/ansi-regex@6.2.2", 22, None, False),
        ("npm", "semver", "7.7.2", "pkg:npm/semver@7.7.2", 35, "dev", True),
        ("npm", "strip-ansi", "7.1.2", "pkg:npm/strip-ansi@7.1.2", 49, None, True),
    ]
    assert edges(result) == {"strip-ansi@7.1.2": ("ansi-regex@6.2.2",)}
    assert licences(result) == {
        "ansi-regex@6.2.2": ("MIT",),
        "semver@7.7.2": ("ISC",),
        "strip-ansi@7.1.2": ("MIT",),
    }


def test_shared_commits_v2_keeps_distinct_git_copies_apart() -> None:
    result = package_lock.read(shared_file(sample("packagelockjson", "commits.v2.json")))
    names = [(c.name, c.version) for c in result.components]
    assert names.count(("is-number-3", "2.0.0")) == 1
    assert ("is-number-3", "3.0.0") in names
    assert ("raven-js", None) in names
    assert all("dummy-token" not in w.message for w in result.warnings)
    assert sum(w.gap.value == "unpinned" for w in result.warnings) == 12


def test_shared_junk_is_refused() -> None:
    for name in ("not-json.txt", "null.v2.jsontest"):
        with pytest.raises(ReaderError):
            package_lock.read(shared_file(sample("packagelockjson", name)))
