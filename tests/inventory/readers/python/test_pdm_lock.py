"""pdm.lock: groups -> scope (pyproject.toml tells dev from optional), edges, direct."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import pdm_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

LOCK = "python/pdm/pdm.lock"


def test_matches() -> None:
    assert pdm_lock.matches(PurePosixPath("pdm.lock"))
    assert not pdm_lock.matches(PurePosixPath("pdm.toml"))


def test_groups_direct_edges_and_git_warning() -> None:
    result = pdm_lock.read(data_file("python", "pdm", "pdm.lock"))
    assert rows(result) == [
        ("PyPI", "iniconfig", "2.0.0", "pkg:pypi/iniconfig@2.0.0", LOCK, 11, "dev", False),
        ("PyPI", "psycopg", "3.1.18", "pkg:pypi/psycopg@3.1.18", LOCK, 18, "optional", True),
        ("PyPI", "pytest", "8.1.1", "pkg:pypi/pytest@8.1.1", LOCK, 28, "dev", True),
        ("PyPI", "packaging", "24.0", "pkg:pypi/packaging@24.0", LOCK, 39, None, True),
        (
            "PyPI",
            "typing-extensions",
            "4.10.0",
            "pkg:pypi/typing-extensions@4.10.0",
            LOCK,
            46,
            None,
            False,
        ),
        ("PyPI", "sqlalchemy", "2.0.29", "pkg:pypi/sqlalchemy@2.0.29", LOCK, 53, None, True),
        ("PyPI", "utils", "0.3.0", "pkg:pypi/utils@0.3.0", LOCK, 63, None, True),
    ]
    assert result.dependencies == (
        ("psycopg@3.1.18", ("typing-extensions@4.10.0",)),
        ("pytest@8.1.1", ("iniconfig@2.0.0", "packaging@24.0")),
        ("sqlalchemy@2.0.29", ("typing-extensions@4.10.0",)),
    )
    assert warnings(result) == [
        (
            LOCK,
            "unpinned",
            63,
            "line 63: utils: from git https://github.com/example/utils.git"
            "@4b825dc642cb6eb9a060e54bf8d69288fbee4904, not a package index",
        )
    ]


def test_without_pyproject_group_names_decide() -> None:
    dev = pdm_lock.read(shared_file(sample("pdmlock", "dev-dependency.toml")))
    assert [(name, scope, direct) for _, name, _, _, _, _, scope, direct in rows(dev)] == [
        ("pyroute2", "dev", None),
        ("toml", None, None),
        ("win-inet-pton", "dev", None),
    ]
    assert dev.dependencies == (("pyroute2@0.7.11", ("win-inet-pton@1.1.0",)),)
    optional = pdm_lock.read(shared_file(sample("pdmlock", "optional-dependency.toml")))
    assert [scope for *_, scope, _ in rows(optional)] == ["optional", None, "optional"]


def test_extras_entries_merge_into_one_component() -> None:
    text = (
        '[metadata]\ngroups = ["default"]\n'
        '[[package]]\nname = "requests"\nversion = "2.31.0"\ngroups = ["default"]\n'
        'dependencies = ["idna<4,>=2.5"]\n'
        '[[package]]\nname = "requests"\nversion = "2.31.0"\nextras = ["socks"]\n'
        'groups = ["default"]\ndependencies = ["PySocks!=1.5.7,>=1.5.6", "requests==2.31.0"]\n'
        '[[package]]\nname = "idna"\nversion = "3.6"\ngroups = ["default"]\n'
        '[[package]]\nname = "pysocks"\nversion = "1.7.1"\ngroups = ["default"]\n'
    )
    result = pdm_lock.read(source("pdm.lock", text))
    assert [(name, line) for _, name, _, _, _, line, _, _ in rows(result)] == [
        ("requests", 4),
        ("idna", 15),
        ("pysocks", 19),
    ]
    assert result.dependencies == (("requests@2.31.0", ("idna@3.6", "pysocks@1.7.1")),)


def test_shared_samples() -> None:
    two = pdm_lock.read(shared_file(sample("pdmlock", "two-packages.toml")))
    assert rows(two) == [
        ("PyPI", "six", "1.16.0", "pkg:pypi/six@1.16.0", "two-packages.toml", 11, None, None),
        ("PyPI", "toml", "0.10.2", "pkg:pypi/toml@0.10.2", "two-packages.toml", 22, None, None),
    ]
    git = pdm_lock.read(shared_file(sample("pdmlock", "git-dependency.toml")))
    assert [(w.gap.value, w.line) for w in git.warnings] == [("unpinned", 11)]
    assert pdm_lock.read(shared_file(sample("pdmlock", "empty.toml"))).components == ()


@pytest.mark.parametrize(
    "text",
    [
        "package = 1",
        "[[package]]\nversion = '1'\n",
        "[[package]]\nname = 'a'\ngroups = [1]\n",
        "[[package]]\nname = 'a'\ndependencies = 'b'\n",
        "[[package]]\nname = 'a'\nversion = 1\n",
        "title = 'not a lock'\n",
    ],
)
def test_wrong_shapes_are_reader_errors(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^pdm\.lock: "):
        pdm_lock.read(source("pdm.lock", text))
