"""poetry.lock v1 (`category`) and v2 (`groups`): scope, edges, direct from pyproject.toml."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import poetry_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

V1 = "python/poetry-v1/poetry.lock"
V2 = "python/poetry-v2/poetry.lock"


def test_matches() -> None:
    assert poetry_lock.matches(PurePosixPath("svc/poetry.lock"))
    assert not poetry_lock.matches(PurePosixPath("svc/poetry.lock.orig"))


def test_v1_with_pyproject_gives_scope_direct_edges() -> None:
    result = poetry_lock.read(data_file("python", "poetry-v1", "poetry.lock"))
    assert rows(result) == [
        ("PyPI", "certifi", "2024.2.2", "pkg:pypi/certifi@2024.2.2", V1, 2, None, False),
        ("PyPI", "colorama", "0.4.6", "pkg:pypi/colorama@0.4.6", V1, 10, "dev", False),
        ("PyPI", "pytest", "8.1.1", "pkg:pypi/pytest@8.1.1", V1, 18, "dev", True),
        ("PyPI", "PySocks", "1.7.1", "pkg:pypi/pysocks@1.7.1", V1, 32, "optional", False),
        ("PyPI", "requests", "2.31.0", "pkg:pypi/requests@2.31.0", V1, 40, None, True),
        ("PyPI", "toolbox", "0.1.0", "pkg:pypi/toolbox@0.1.0", V1, 55, None, True),
    ]
    assert result.dependencies == (
        ("pytest@8.1.1", ("colorama@0.4.6",)),
        ("requests@2.31.0", ("certifi@2024.2.2", "PySocks@1.7.1")),
    )
    assert warnings(result) == [
        (
            V1,
            "unpinned",
            55,
            "line 55: toolbox: from git https://github.com/example/toolbox.git"
            "@0f3d5c2a9be1e4f0c6a7d8b9e0f1a2b3c4d5e6f7, not a package index",
        )
    ]


def test_v2_groups_without_pyproject_leave_direct_unknown() -> None:
    result = poetry_lock.read(data_file("python", "poetry-v2", "poetry.lock"))
    assert rows(result) == [
        ("PyPI", "anyio", "4.3.0", "pkg:pypi/anyio@4.3.0", V2, 4, None, None),
        ("PyPI", "idna", "3.6", "pkg:pypi/idna@3.6", V2, 19, None, None),
        ("PyPI", "mypy", "1.9.0", "pkg:pypi/mypy@1.9.0", V2, 27, "dev", None),
        (
            "PyPI",
            "typing-extensions",
            "4.10.0",
            "pkg:pypi/typing-extensions@4.10.0",
            V2,
            38,
            None,
            None,
        ),
        ("PyPI", "uvloop", "0.19.0", "pkg:pypi/uvloop@0.19.0", V2, 47, "optional", None),
    ]
    assert result.dependencies == (
        ("anyio@4.3.0", ("idna@3.6", "typing-extensions@4.10.0")),
        ("mypy@1.9.0", ("typing-extensions@4.10.0",)),
    )
    assert result.warnings == ()


def test_pep621_pyproject_marks_direct() -> None:
    lock = '[[package]]\nname = "Jinja2"\nversion = "3.1.3"\n\n'
    lock += '[[package]]\nname = "markupsafe"\nversion = "2.1.5"\n'
    pyproject = '[project]\nname = "site"\ndependencies = ["jinja2>=3"]\n'
    result = poetry_lock.read(source("poetry.lock", lock, {"pyproject.toml": pyproject}))
    assert [(name, direct) for _, name, *_, direct in rows(result)] == [
        ("Jinja2", True),
        ("markupsafe", False),
    ]


def test_several_locked_versions_edges_follow_the_constraint() -> None:
    result = poetry_lock.read(shared_file(sample("poetrylock", "multiple-packages.v2.lock")))
    assert ("proto-plus@1.22.0", ("protobuf@4.25.5",)) in result.dependencies
    two = '[[package]]\nname = "a"\nversion = "1"\n[package.dependencies]\nb = ">=2"\n'
    two += '[[package]]\nname = "b"\nversion = "1.5"\n[[package]]\nname = "b"\nversion = "2.1"\n'
    assert poetry_lock.read(source("poetry.lock", two)).dependencies == (("a@1", ("b@2.1",)),)


def test_missing_version_is_a_component_without_one() -> None:
    result = poetry_lock.read(source("poetry.lock", '[[package]]\nname = "x"\n'))
    assert rows(result) == [("PyPI", "x", None, "pkg:pypi/x", "poetry.lock", 2, None, None)]
    assert warnings(result) == [
        ("poetry.lock", "no-version", 2, "line 2: x: no resolvable version")
    ]


@pytest.mark.parametrize(
    "text",
    [
        'package = "x"',
        "[[package]]\nversion = '1'\n",
        "[[package]]\nname = 3\n",
        "[[package]]\nname = 'a'\ngroups = 'main'\n",
        "[[package]]\nname = 'a'\ndependencies = ['b']\n",
        "[tool.other]\nx = 1\n",
    ],
)
def test_wrong_shapes_are_reader_errors(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^poetry\.lock: "):
        poetry_lock.read(source("poetry.lock", text))


def test_shared_samples() -> None:
    one = poetry_lock.read(shared_file(sample("poetrylock", "one-package.lock")))
    assert rows(one) == [
        ("PyPI", "numpy", "1.23.3", "pkg:pypi/numpy@1.23.3", "one-package.lock", 2, None, None)
    ]
    v2 = poetry_lock.read(shared_file(sample("poetrylock", "multiple-packages.v2.lock")))
    assert [(name, version, scope) for _, name, version, _, _, _, scope, _ in rows(v2)] == [
        ("async-timeout", "5.0.1", "optional"),
        ("factory-boy", "3.3.1", "dev"),
        ("faker", "33.3.0", "dev"),
        ("proto-plus", "1.22.0", None),
        ("proto-plus", "1.23.0", None),
        ("protobuf", "4.25.5", None),
        ("python-dateutil", "2.9.0.post0", "dev"),
        ("redis", "5.2.1", "optional"),
        ("six", "1.17.0", None),
        ("typing-extensions", "4.12.2", "dev"),
        ("urllib3", "2.3.0", "dev"),
    ]
    outside = poetry_lock.read(
        shared_file(sample("poetrylock", "names-outside-package-block.lock"))
    )
    assert [(name, version, line) for _, name, version, _, _, line, _, _ in rows(outside)] == [
        ("first-pkg", "1.0.0", 5),
        ("second-pkg", "2.0.0", 18),
    ]
    assert poetry_lock.read(shared_file(sample("poetrylock", "empty.lock"))).components == ()
