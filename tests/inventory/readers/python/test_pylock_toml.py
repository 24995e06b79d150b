"""pylock.toml (PEP 751): packages, edges, VCS/archive/directory entries."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import pylock_toml
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

LOCK = "python/pylock/pylock.toml"


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("pylock.toml", True),
        ("sub/pylock.dev.toml", True),
        ("pylock..toml", False),
        ("pylock.json", False),
        ("mypylock.toml", False),
    ],
)
def test_matches(path: str, claimed: bool) -> None:
    assert pylock_toml.matches(PurePosixPath(path)) is claimed


def test_packages_edges_and_sources() -> None:
    result = pylock_toml.read(data_file("python", "pylock", "pylock.toml"))
    assert rows(result) == [
        ("PyPI", "attrs", "25.3.0", "pkg:pypi/attrs@25.3.0", LOCK, 10, None, None),
        ("PyPI", "cattrs", "24.1.3", "pkg:pypi/cattrs@24.1.3", LOCK, 19, None, None),
        ("PyPI", "plugin", "1.2.0", "pkg:pypi/plugin@1.2.0", LOCK, 32, None, None),
    ]
    assert result.dependencies == (("cattrs@24.1.3", ("attrs@25.3.0",)),)
    assert warnings(result) == [
        (
            LOCK,
            "unpinned",
            28,
            "line 28: devtools: from vcs https://github.com/example/devtools.git"
            "@a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0, not a package index",
        ),
        (
            LOCK,
            "unpinned",
            32,
            "line 32: plugin: from archive https://downloads.example.com/plugin-1.2.0.tar.gz, "
            "not a package index",
        ),
    ]


def test_shared_samples() -> None:
    example = pylock_toml.read(shared_file(sample("pylock", "example.toml")))
    assert rows(example) == [
        ("PyPI", "attrs", "25.1.0", "pkg:pypi/attrs@25.1.0", "example.toml", 7, None, None),
        ("PyPI", "cattrs", "24.1.2", "pkg:pypi/cattrs@24.1.2", "example.toml", 20, None, None),
        ("PyPI", "numpy", "2.2.3", "pkg:pypi/numpy@2.2.3", "example.toml", 31, None, None),
    ]
    assert example.dependencies == (("cattrs@24.1.2", ("attrs@25.1.0",)),)
    commits = pylock_toml.read(shared_file(sample("pylock", "commits.toml")))
    assert [name for _, name, *_ in rows(commits)] == [
        "click",
        "mleroc",
        "packaging",
        "pathspec",
        "python-dateutil",
        "scikit-learn",
        "tqdm",
    ]
    assert [(w.gap.value, w.line) for w in commits.warnings] == [("unpinned", 15)]
    just_self = pylock_toml.read(shared_file(sample("pylock", "pip-just-self.toml")))
    assert just_self.components == () and just_self.warnings == ()
    pip_full = pylock_toml.read(shared_file(sample("pylock", "pip-full.toml")))
    assert [(n, v, line) for _, n, v, _, _, line, _, _ in rows(pip_full)] == [
        ("annotated-types", "0.7.0", 5),
        ("packaging", "25.0", 16),
        ("pyproject-toml", "0.1.0", 27),
        ("setuptools", "80.9.0", 38),
        ("wheel", "0.45.1", 49),
    ]


def test_inline_package_array_still_gets_lines() -> None:
    text = 'lock-version = "1.0"\npackages = [\n  { name = "six", version = "1.16.0" },\n]\n'
    result = pylock_toml.read(source("pylock.toml", text))
    assert rows(result) == [
        ("PyPI", "six", "1.16.0", "pkg:pypi/six@1.16.0", "pylock.toml", 3, None, None)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "packages = []",
        "lock-version = '1.0'\npackages = 'x'\n",
        "lock-version = '1.0'\n[[packages]]\nversion = '1'\n",
        "lock-version = '1.0'\n[[packages]]\nname = 'a'\nvcs = 'git'\n",
        "lock-version = '1.0'\n[[packages]]\nname = 'a'\ndependencies = {}\n",
    ],
)
def test_wrong_shapes_are_reader_errors(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^pylock\.toml: "):
        pylock_toml.read(source("pylock.toml", text))
