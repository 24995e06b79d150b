"""yarn.lock: classic v1 and berry (v2+) lockfiles, direct and dev via package.json."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.javascript import yarn_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.javascript.support import (
    check_all_samples,
    edges,
    rows,
    sample,
    warnings,
)

CHART_KIT = (
    "https://codeload.github.com/acme/chart-kit/tar.gz/0c6f3e2b7d1a9e8f5c4b3a2d1e0f9a8b7c6d5e4f"
)
WIDGET = "https://github.com/acme/widget.git#commit=9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"


def test_matches_yarn_lock_outside_node_modules() -> None:
    assert yarn_lock.matches(PurePosixPath("yarn.lock"))
    assert yarn_lock.matches(PurePosixPath("web/yarn.lock"))
    assert not yarn_lock.matches(PurePosixPath("node_modules/left-pad/yarn.lock"))
    assert not yarn_lock.matches(PurePosixPath(".yarnrc.yml"))


def test_classic_with_package_json_direct_dev_optional_alias_git_and_link() -> None:
    result = yarn_lock.read(data_file("javascript", "yarn-classic", "yarn.lock"))
    assert rows(result) == [
        ("npm", "ansi-styles", "4.3.0", "pkg:npm/ansi-styles@4.3.0", 5, None, False),
        ("npm", "chalk", "4.1.2", "pkg:npm/chalk@4.1.2", 12, None, True),
        ("npm", "chart-kit", "1.2.0", "pkg:npm/chart-kit@1.2.0", 20, None, True),
        ("npm", "color-convert", "2.0.1", "pkg:npm/color-convert@2.0.1", 26, None, False),
        ("npm", "color-name", "1.1.4", "pkg:npm/color-name@1.1.4", 33, None, False),
        ("npm", "fsevents", "2.3.3", "pkg:npm/fsevents@2.3.3", 38, "optional", True),
        ("npm", "has-flag", "4.0.0", "pkg:npm/has-flag@4.0.0", 43, None, False),
        (
            "npm",
            "is-unicode-supported",
            "0.1.0",
            "pkg:npm/is-unicode-supported@0.1.0",
            48,
            "dev",
            False,
        ),
        ("npm", "lodash-es", "4.17.21", "pkg:npm/lodash-es@4.17.21", 53, None, True),
        ("npm", "log-symbols", "4.1.0", "pkg:npm/log-symbols@4.1.0", 58, "dev", True),
        ("npm", "supports-color", "7.2.0", "pkg:npm/supports-color@7.2.0", 70, None, False),
    ]
    assert edges(result) == {
        "ansi-styles@4.3.0": ("color-convert@2.0.1",),
        "chalk@4.1.2": ("ansi-styles@4.3.0", "supports-color@7.2.0"),
        f"chart-kit@1.2.0 ({CHART_KIT})": ("lodash-es@4.17.21",),
        "color-convert@2.0.1": ("color-name@1.1.4",),
        "log-symbols@4.1.0": ("chalk@4.1.2", "is-unicode-supported@0.1.0"),
        "supports-color@7.2.0": ("has-flag@4.0.0",),
    }
    assert warnings(result) == [
        (
            "unpinned",
            f"line 20: chart-kit@1.2.0: resolved from {CHART_KIT}, not a registry release",
            20,
        )
    ]


def test_classic_without_package_json_does_not_tell_direct_or_dev() -> None:
    data = data_file("javascript", "yarn-classic", "yarn.lock").data
    result = yarn_lock.read(source("yarn.lock", data))
    assert {(c.direct, c.scope) for c in result.components} == {(None, None)}


def test_classic_workspace_root_package_json_gives_direct_but_no_transitive_verdict() -> None:
    data = data_file("javascript", "yarn-classic", "yarn.lock").data
    manifest = '{"workspaces": ["packages/*"], "devDependencies": {"log-symbols": "^4.1.0"}}'
    result = yarn_lock.read(source("yarn.lock", data, {"package.json": manifest}))
    direct = {c.name: c.direct for c in result.components}
    assert direct["log-symbols"] is True
    assert direct["chalk"] is None  # another workspace may declare it
    assert {c.scope for c in result.components} == {None}


def test_berry_with_package_json_patch_file_and_git() -> None:
    result = yarn_lock.read(data_file("javascript", "yarn-berry", "yarn.lock"))
    assert rows(result) == [
        ("npm", "debug", "4.3.4", "pkg:npm/debug@4.3.4", 8, "dev", True),
        ("npm", "has-flag", "4.0.0", "pkg:npm/has-flag@4.0.0", 24, "dev", False),
        ("npm", "left-pad", "1.3.0", "pkg:npm/left-pad@1.3.0", 31, None, True),
        ("npm", "ms", "2.1.2", "pkg:npm/ms@2.1.2", 38, None, True),
        ("npm", "resolve", "1.22.8", "pkg:npm/resolve@1.22.8", 45, None, True),
        ("npm", "is-core-module", "2.13.1", "pkg:npm/is-core-module@2.13.1", 63, None, False),
        ("npm", "hasown", "2.0.1", "pkg:npm/hasown@2.0.1", 72, None, False),
        ("npm", "function-bind", "1.1.2", "pkg:npm/function-bind@1.1.2", 81, None, False),
        ("npm", "supports-color", "7.2.0", "pkg:npm/supports-color@7.2.0", 88, "dev", False),
        ("npm", "widget", "2.0.0", "pkg:npm/widget@2.0.0", 109, None, True),
    ]
    assert edges(result) == {
        "debug@4.3.4": ("ms@2.1.2", "supports-color@7.2.0"),
        "resolve@1.22.8": ("is-core-module@2.13.1",),
        "is-core-module@2.13.1": ("hasown@2.0.1",),
        "hasown@2.0.1": ("function-bind@1.1.2",),
        "supports-color@7.2.0": ("has-flag@4.0.0",),
        f"widget@2.0.0 ({WIDGET})": ("ms@2.1.2",),
    }
    left_pad = "file:./vendor/left-pad#./vendor/left-pad"
    assert warnings(result) == [
        (
            "unpinned",
            f"line 31: left-pad@1.3.0: resolved from {left_pad}, not a registry release",
            31,
        ),
        (
            "unpinned",
            f"line 109: widget@2.0.0: resolved from {WIDGET}, not a registry release",
            109,
        ),
    ]


def test_berry_monorepo_without_package_json_takes_direct_from_workspaces() -> None:
    result = yarn_lock.read(data_file("javascript", "yarn-berry-monorepo", "yarn.lock"))
    assert rows(result) == [
        ("npm", "js-tokens", "4.0.0", "pkg:npm/js-tokens@4.0.0", 33, None, False),
        ("npm", "loose-envify", "1.4.0", "pkg:npm/loose-envify@1.4.0", 40, None, False),
        ("npm", "react-dom", "18.2.0", "pkg:npm/react-dom@18.2.0", 51, None, True),
        ("npm", "react", "18.2.0", "pkg:npm/react@18.2.0", 63, None, True),
        ("npm", "scheduler", "0.23.0", "pkg:npm/scheduler@0.23.0", 72, None, False),
        ("npm", "typescript", "5.3.3", "pkg:npm/typescript@5.3.3", 81, None, True),
    ]
    assert edges(result) == {
        "loose-envify@1.4.0": ("js-tokens@4.0.0",),
        "react-dom@18.2.0": ("loose-envify@1.4.0", "scheduler@0.23.0"),
        "react@18.2.0": ("loose-envify@1.4.0",),
        "scheduler@0.23.0": ("loose-envify@1.4.0",),
    }
    assert warnings(result) == []


def test_berry_optional_dependencies_meta_makes_optional_scope() -> None:
    text = (
        "__metadata:\n  version: 8\n\n"
        '"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n'
        '  dependencies:\n    chokidar: "npm:^3.5.3"\n  languageName: unknown\n  linkType: soft\n\n'
        '"chokidar@npm:^3.5.3":\n  version: 3.5.3\n  resolution: "chokidar@npm:3.5.3"\n'
        '  dependencies:\n    fsevents: "npm:~2.3.2"\n'
        "  dependenciesMeta:\n    fsevents:\n      optional: true\n\n"
        '"fsevents@npm:~2.3.2":\n  version: 2.3.3\n  resolution: "fsevents@npm:2.3.3"\n'
    )
    result = yarn_lock.read(
        source("yarn.lock", text, {"package.json": '{"dependencies": {"chokidar": "^3.5.3"}}'})
    )
    assert rows(result) == [
        ("npm", "chokidar", "3.5.3", "pkg:npm/chokidar@3.5.3", 12, None, True),
        ("npm", "fsevents", "2.3.3", "pkg:npm/fsevents@2.3.3", 21, "optional", False),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("__metadata:\n  version: 6\n- a\n", "invalid YAML"),
        (
            '__metadata:\n  version: 6\n"a@npm:1":\n  - 1\n',
            "line 3: entry 'a@npm:1' is not a mapping",
        ),
        (
            '__metadata:\n  version: 6\n"a@npm:1":\n  dependencies: [b]\n',
            "dependencies is not a mapping",
        ),
        ('__metadata: {}\n"a@npm:1": {}\n"a@npm:1": {}\n', "duplicate key"),
        ("a@^1:\n   version 1.0.0\n", "line 2: unexpected indentation (3 spaces)"),
        ("a@^1\n", "line 1: an entry header must end with ':'"),
        ('a@^1:\n  version "1.0.0\n', "line 2: unterminated string"),
    ],
)
def test_bad_input_is_a_reader_error(text: str, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        yarn_lock.read(source("yarn.lock", text))
    assert str(caught.value).startswith("yarn.lock: ")
    assert reason in str(caught.value)


# --- the shared samples ---------------------------------------------------------------------


def test_every_shared_sample_reads_or_is_refused() -> None:
    check_all_samples(yarn_lock, "yarnlock")


def test_shared_classic_multiple_constraints_and_quotes() -> None:
    result = yarn_lock.read(shared_file(sample("yarnlock", "multiple-constraints.v1.lock")))
    assert rows(result) == [
        ("npm", "domelementtype", "1.3.1", "pkg:npm/domelementtype@1.3.1", 5, None, None),
        (
            "npm",
            "@babel/code-frame",
            "7.12.13",
            "pkg:npm/%40babel/code-frame@7.12.13",
            10,
            None,
            None,
        ),
    ]
    quoted = yarn_lock.read(shared_file(sample("yarnlock", "with-quotes.v1.lock")))
    assert [(c.name, c.version) for c in quoted.components] == [
        ("concat-map", "0.0.1"),
        ("concat-stream", "1.6.2"),
    ]


def test_shared_berry_aliases_resolve_to_real_names_and_workspace_is_skipped() -> None:
    result = yarn_lock.read(shared_file(sample("yarnlock", "with-aliases.v2.lock")))
    assert rows(result) == [
        ("npm", "ansi-regex", "5.0.1", "pkg:npm/ansi-regex@5.0.1", 8, None, True),
        ("npm", "ansi-regex", "6.0.1", "pkg:npm/ansi-regex@6.0.1", 15, None, True),
        (
            "npm",
            "@babel/helper-validator-identifier",
            "7.22.20",
            "pkg:npm/%40babel/helper-validator-identifier@7.22.20",
            22,
            None,
            True,
        ),
    ]


def test_shared_classic_local_sources() -> None:
    result = yarn_lock.read(shared_file(sample("yarnlock", "files.v1.lock")))
    assert [(c.name, c.version) for c in result.components] == [
        ("etag", "1.8.1"),
        ("filedep", "1.2.0"),
        ("lodash", "1.3.1"),
        ("other_package", "0.0.2"),
        ("sprintf-js", "0.0.0"),
    ]  # etag@link:./deps/etag is the project's own code
    assert [w.line for w in result.warnings] == [9, 16, 24]


def test_shared_empty_and_metadata_only_files_are_empty() -> None:
    for name in ("empty.v1.lock", "empty.v2.lock", "metadata-only.v2.lock"):
        assert yarn_lock.read(shared_file(sample("yarnlock", name))).components == ()
