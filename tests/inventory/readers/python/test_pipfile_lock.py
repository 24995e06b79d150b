"""Pipfile.lock: default/develop/custom categories, pins, VCS/path entries, direct via Pipfile."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import pipfile_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

LOCK = "python/pipenv/Pipfile.lock"


def test_matches() -> None:
    assert pipfile_lock.matches(PurePosixPath("api/Pipfile.lock"))
    assert not pipfile_lock.matches(PurePosixPath("api/Pipfile"))


def test_sections_scopes_direct_and_warnings() -> None:
    result = pipfile_lock.read(data_file("python", "pipenv", "Pipfile.lock"))
    assert rows(result) == [
        ("PyPI", "flask", "3.0.2", "pkg:pypi/flask@3.0.2", LOCK, 19, None, True),
        ("PyPI", "werkzeug", "3.0.1", "pkg:pypi/werkzeug@3.0.1", LOCK, 32, None, False),
        ("PyPI", "pytest", "8.1.1", "pkg:pypi/pytest@8.1.1", LOCK, 44, "dev", True),
        ("PyPI", "sphinx", "7.2.6", "pkg:pypi/sphinx@7.2.6", LOCK, 57, "optional", True),
        ("PyPI", "alabaster", None, "pkg:pypi/alabaster", LOCK, 64, "optional", False),
    ]
    assert result.dependencies == ()
    assert warnings(result) == [
        (
            LOCK,
            "unpinned",
            27,
            "line 27: internal-sdk: from git https://github.com/example/internal-sdk.git"
            "@9c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e, not a package index",
        ),
        (LOCK, "unpinned", 41, "line 41: coverage: unpinned requirement '>=7.4'"),
        (
            LOCK,
            "unpinned",
            61,
            "line 61: localtheme: from path ./themes/localtheme, not a package index",
        ),
        (LOCK, "no-version", 64, "line 64: alabaster: no resolvable version"),
    ]


def test_without_pipfile_direct_is_unknown() -> None:
    result = pipfile_lock.read(shared_file(sample("pipfilelock", "two-packages.json")))
    assert rows(result) == [
        (
            "PyPI",
            "itsdangerous",
            "2.1.2",
            "pkg:pypi/itsdangerous@2.1.2",
            "two-packages.json",
            19,
            None,
            None,
        ),
        (
            "PyPI",
            "markupsafe",
            "2.1.1",
            "pkg:pypi/markupsafe@2.1.1",
            "two-packages.json",
            29,
            "dev",
            None,
        ),
    ]


def test_shared_samples() -> None:
    minified = pipfile_lock.read(shared_file(sample("pipfilelock", "minified.json")))
    assert [(name, version, line) for _, name, version, _, _, line, _, _ in rows(minified)] == [
        ("markupsafe", "2.1.1", 1)
    ]
    both = pipfile_lock.read(shared_file(sample("pipfilelock", "multiple-packages.json")))
    assert [
        (name, version, line, scope) for _, name, version, _, _, line, scope, _ in rows(both)
    ] == [
        ("itsdangerous", "2.1.2", 19, None),
        ("pluggy", "1.0.1", 27, None),
        ("markupsafe", "2.1.1", 32, None),
        ("pluggy", "1.0.0", 88, "dev"),
    ]
    git = pipfile_lock.read(shared_file(sample("pipfilelock", "no-version.json")))
    assert git.components == ()
    assert [(w.gap.value, w.line) for w in git.warnings] == [("unpinned", 19), ("unpinned", 26)]
    assert pipfile_lock.read(shared_file(sample("pipfilelock", "empty.json"))).components == ()


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '"Pipfile.lock"',
        '{"name": "x"}',
        '{"default": []}',
        '{"default": {"six": "==1.16.0"}}',
        '{"default": {"six": {"version": 1.16}}}',
        '{"default": {}, "default": {}}',
    ],
)
def test_wrong_shapes_are_reader_errors(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^Pipfile\.lock: "):
        pipfile_lock.read(source("Pipfile.lock", text))
