"""pnpm-lock.yaml: v5.x, v6 and v9 lockfiles."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.javascript import pnpm_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.javascript.support import (
    check_all_samples,
    edges,
    rows,
    sample,
    warnings,
)

IS_NUMBER = "https://codeload.github.com/jonschlinkert/is-number/tar.gz/98e8ff1da1a89f93d1397a24d7413ed15421c139"
IS_POSITIVE = (
    "https://codeload.github.com/kevva/is-positive/tar.gz/97edff6f525f192a3f83cea1944765f769ae2678"
)


def test_matches_pnpm_lock_outside_node_modules() -> None:
    assert pnpm_lock.matches(PurePosixPath("pnpm-lock.yaml"))
    assert not pnpm_lock.matches(PurePosixPath("node_modules/.pnpm/lock.yaml"))
    assert not pnpm_lock.matches(PurePosixPath("node_modules/x/pnpm-lock.yaml"))


def test_v5_dev_flags_peer_suffixes_and_a_git_package() -> None:
    result = pnpm_lock.read(data_file("javascript", "pnpm-v5", "pnpm-lock.yaml"))
    assert rows(result) == [
        (
            "npm",
            "@typescript-eslint/parser",
            "5.13.0",
            "pkg:npm/%40typescript-eslint/parser@5.13.0",
            23,
            "dev",
            True,
        ),
        ("npm", "acorn-jsx", "5.3.2", "pkg:npm/acorn-jsx@5.3.2", 33, None, True),
        ("npm", "acorn", "8.7.0", "pkg:npm/acorn@8.7.0", 41, None, False),
        ("npm", "debug", "4.3.3", "pkg:npm/debug@4.3.3", 47, "dev", False),
        ("npm", "fsevents", "2.3.2", "pkg:npm/fsevents@2.3.2", 57, "optional", True),
        ("npm", "ms", "2.1.2", "pkg:npm/ms@2.1.2", 65, "dev", False),
        ("npm", "typescript", "4.6.2", "pkg:npm/typescript@4.6.2", 69, "dev", True),
        ("npm", "is-positive", "3.1.0", "pkg:npm/is-positive@3.1.0", 75, None, True),
    ]
    assert edges(result) == {
        "@typescript-eslint/parser@5.13.0": ("debug@4.3.3", "typescript@4.6.2"),
        "acorn-jsx@5.3.2": ("acorn@8.7.0",),
        "debug@4.3.3": ("ms@2.1.2",),
    }
    assert warnings(result) == [
        (
            "unpinned",
            f"line 75: is-positive@3.1.0: resolved from {IS_POSITIVE}, not a registry release",
            75,
        )
    ]


def test_v6_peer_suffixes_and_aliases() -> None:
    result = pnpm_lock.read(data_file("javascript", "pnpm-v6", "pnpm-lock.yaml"))
    assert rows(result) == [
        ("npm", "js-tokens", "4.0.0", "pkg:npm/js-tokens@4.0.0", 22, None, False),
        ("npm", "loose-envify", "1.4.0", "pkg:npm/loose-envify@1.4.0", 25, None, False),
        ("npm", "react-dom", "18.2.0", "pkg:npm/react-dom@18.2.0", 31, None, True),
        ("npm", "react", "18.2.0", "pkg:npm/react@18.2.0", 41, None, True),
        ("npm", "scheduler", "0.23.0", "pkg:npm/scheduler@0.23.0", 47, None, False),
        ("npm", "string-width", "4.2.3", "pkg:npm/string-width@4.2.3", 53, None, True),
    ]
    assert edges(result) == {
        "loose-envify@1.4.0": ("js-tokens@4.0.0",),
        "react-dom@18.2.0": ("loose-envify@1.4.0", "react@18.2.0", "scheduler@0.23.0"),
        "react@18.2.0": ("loose-envify@1.4.0",),
        "scheduler@0.23.0": ("loose-envify@1.4.0",),
    }
    assert warnings(result) == []


def test_v9_workspace_importers_inferred_scopes_links_and_git() -> None:
    result = pnpm_lock.read(data_file("javascript", "pnpm-v9-workspace", "pnpm-lock.yaml"))
    assert rows(result) == [
        (
            "npm",
            "eslint-plugin-react",
            "7.33.2",
            "pkg:npm/eslint-plugin-react@7.33.2",
            39,
            "dev",
            True,
        ),
        ("npm", "eslint", "8.57.0", "pkg:npm/eslint@8.57.0", 45, "dev", True),
        ("npm", "fsevents", "2.3.3", "pkg:npm/fsevents@2.3.3", 50, "optional", True),
        ("npm", "is-number", "7.0.0", "pkg:npm/is-number@7.0.0", 55, None, True),
        ("npm", "js-tokens", "4.0.0", "pkg:npm/js-tokens@4.0.0", 60, None, False),
        ("npm", "loose-envify", "1.4.0", "pkg:npm/loose-envify@1.4.0", 63, None, False),
        ("npm", "react", "18.2.0", "pkg:npm/react@18.2.0", 67, None, True),
    ]
    assert edges(result) == {
        "eslint-plugin-react@7.33.2": ("eslint@8.57.0",),
        "loose-envify@1.4.0": ("js-tokens@4.0.0",),
        "react@18.2.0": ("loose-envify@1.4.0",),
    }
    assert warnings(result) == [
        (
            "unpinned",
            f"line 55: is-number@7.0.0: resolved from {IS_NUMBER}, not a registry release",
            55,
        )
    ]


def test_empty_and_comment_only_files_are_empty() -> None:
    assert pnpm_lock.read(source("pnpm-lock.yaml", "")).components == ()
    assert pnpm_lock.read(source("pnpm-lock.yaml", "# nothing\n")).components == ()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- a\n- b\n", "expected a YAML mapping, found list"),
        ("just a string\n", "expected a YAML mapping, found str"),
        ("packages: [a]\n", "packages is not a mapping"),
        ("packages:\n  /a/1.0.0: [x]\n", "line 2: '/a/1.0.0' is not a mapping"),
        ("packages:\n  /a/1.0.0:\n    dependencies: [b]\n", "dependencies is not a mapping"),
        ("importers: [a]\n", "importers is not a mapping"),
        ("importers:\n  .: [a]\n", "importer '.' is not a mapping"),
        ("packages:\n  /a/1.0.0: {}\n  /a/1.0.0: {}\n", "duplicate key '/a/1.0.0'"),
        ("a: &a [*a, *a]\nb: {c: d\n", "invalid YAML"),
    ],
)
def test_bad_input_is_a_reader_error(text: str, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        pnpm_lock.read(source("pnpm-lock.yaml", text))
    assert str(caught.value).startswith("pnpm-lock.yaml: ")
    assert reason in str(caught.value)


def test_an_aliased_list_is_never_expanded() -> None:
    """A billion-laughs document is refused before any reader walks it."""
    lines = ["bombs:", "  a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(
            f"  l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 1 else f'l{i - 1}'}"] * 10) + "]"
        )
    lines += ["packages:", "  /a/1.0.0:", "    dependencies:", "      b: *l8"]
    with pytest.raises(ReaderError) as caught:
        pnpm_lock.read(source("pnpm-lock.yaml", "\n".join(lines) + "\n"))
    assert str(caught.value) == "pnpm-lock.yaml: YAML aliases are not allowed in a lockfile"


# --- the shared samples ---------------------------------------------------------------------


def test_every_shared_sample_reads_or_is_refused() -> None:
    check_all_samples(pnpm_lock, "pnpmlock")


def test_shared_mixed_groups_agree_across_versions() -> None:
    expected = {
        "mixed-groups.v53.yaml": [
            ("ansi-regex", "5.0.1"),
            ("is-number", "7.0.0"),
            ("uuid", "8.3.2"),
        ],
        "mixed-groups.v6.yaml": [
            ("ansi-regex", "5.0.0"),
            ("is-number", "7.0.0"),
            ("uuid", "8.0.0"),
        ],
        "mixed-groups.v9.yaml": [
            ("ansi-regex", "5.0.1"),
            ("is-number", "7.0.0"),
            ("uuid", "8.3.2"),
        ],
    }
    for name, packages in expected.items():
        result = pnpm_lock.read(shared_file(sample("pnpmlock", name)))
        assert [(c.name, c.version) for c in result.components] == packages
        assert [(c.scope, c.direct) for c in result.components] == [
            (None, True),
            ("dev", True),
            ("optional", True),
        ]


def test_shared_peer_dependencies_advanced_v9_strips_nested_peer_suffixes() -> None:
    result = pnpm_lock.read(shared_file(sample("pnpmlock", "peer-dependencies-advanced.v9.yaml")))
    by_name = {c.name: c for c in result.components}
    assert by_name["@typescript-eslint/eslint-plugin"].version == "5.62.0"
    assert by_name["@typescript-eslint/eslint-plugin"].location.line == 36  # type: ignore[union-attr]
    assert by_name["tsutils"].version == "3.21.0"
    assert edges(result)["tsutils@3.21.0"] == ("typescript@4.9.5",)  # tslib is not in the file
    assert edges(result)["@typescript-eslint/eslint-plugin@5.62.0"] == (
        "@typescript-eslint/parser@5.62.0",
        "@typescript-eslint/type-utils@5.62.0",
        "@typescript-eslint/utils@5.62.0",
        "debug@4.3.4",
        "eslint@8.57.0",
        "tsutils@3.21.0",
        "typescript@4.9.5",
    )
    assert {c.direct for c in result.components if c.name in ("eslint", "typescript")} == {True}


def test_shared_exotic_paths() -> None:
    result = pnpm_lock.read(shared_file(sample("pnpmlock", "exotic.yaml")))
    assert [(c.name, c.version, c.location.line) for c in result.components] == [  # type: ignore[union-attr]
        ("foo", "1.0.0", 10),
        ("@foo/bar", "1.0.0", 11),
        ("foo", "1.1.0", 12),
        ("@foo/bar", "1.1.0", 13),
        ("is-positive", None, 14),
        ("foo", "1.2.0", 15),
        ("foo", "1.3.0", 16),
        ("foo", "1.4.0", 17),
        ("foo", None, 18),
    ]
    assert warnings(result) == [
        ("no-version", "line 14: is-positive: no resolvable version", 14),
        ("no-version", "line 18: foo: no resolvable version", 18),
    ]


def test_shared_local_files_and_git_commits_are_unpinned() -> None:
    result = pnpm_lock.read(shared_file(sample("pnpmlock", "commits.yaml")))
    assert [(c.name, c.version, c.direct) for c in result.components] == [
        ("my-bitbucket-package", "1.0.0", False),
        ("@my-scope/my-package", "1.0.0", True),
        ("@my-scope/my-other-package", "1.0.0", False),
        ("faker-parser", "0.0.1", False),
        ("mocks", "20.0.1", True),
    ]
    assert {w.gap.value for w in result.warnings} == {"unpinned"}
    assert len(result.warnings) == 5
    files = pnpm_lock.read(shared_file(sample("pnpmlock", "files.yaml")))
    assert [(c.name, c.version) for c in files.components][:2] == [
        ("my-file-package", "0.0.0"),
        ("a-local-package", "1.0.0"),
    ]
