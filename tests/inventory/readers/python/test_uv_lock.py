"""uv.lock: the project is not a component; its tables decide direct and scope."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.python import uv_lock
from tests.inventory.readers.helpers import data_file, shared_file, source
from tests.inventory.readers.python.support import rows, sample, warnings

LOCK = "python/uv-workspace/uv.lock"


def test_matches() -> None:
    assert uv_lock.matches(PurePosixPath("uv.lock"))
    assert not uv_lock.matches(PurePosixPath("uv.toml"))


def test_workspace_extras_dev_groups_and_forked_versions() -> None:
    result = uv_lock.read(data_file("python", "uv-workspace", "uv.lock"))
    assert rows(result) == [
        ("PyPI", "anyio", "4.6.2", "pkg:pypi/anyio@4.6.2", LOCK, 44, None, False),
        ("PyPI", "httpx", "0.27.2", "pkg:pypi/httpx@0.27.2", LOCK, 53, None, True),
        ("PyPI", "h2", "4.1.0", "pkg:pypi/h2@4.1.0", LOCK, 66, "dev", False),
        ("PyPI", "idna", "3.10", "pkg:pypi/idna@3.10", LOCK, 71, None, False),
        (
            "PyPI",
            "markdown-it-py",
            "3.0.0",
            "pkg:pypi/markdown-it-py@3.0.0",
            LOCK,
            76,
            "optional",
            False,
        ),
        ("PyPI", "numpy", "2.0.2", "pkg:pypi/numpy@2.0.2", LOCK, 81, None, True),
        ("PyPI", "numpy", "2.1.3", "pkg:pypi/numpy@2.1.3", LOCK, 89, None, True),
        ("PyPI", "pytest", "8.3.3", "pkg:pypi/pytest@8.3.3", LOCK, 97, "dev", True),
        ("PyPI", "rich", "13.9.4", "pkg:pypi/rich@13.9.4", LOCK, 105, "optional", True),
    ]
    assert result.dependencies == (
        ("anyio@4.6.2", ("idna@3.10",)),
        ("httpx@0.27.2", ("anyio@4.6.2", "h2@4.1.0")),
        ("pytest@8.3.3", ("httpx@0.27.2",)),
        ("rich@13.9.4", ("markdown-it-py@3.0.0",)),
    )
    assert warnings(result) == [
        (
            LOCK,
            "unpinned",
            76,
            "line 76: markdown-it-py: from git https://github.com/executablebooks/"
            "markdown-it-py?rev=v3.0.0#d5e4c9e8f3b2a1c0d9e8f7a6b5c4d3e2f1a0b9c8, "
            "not a package index",
        )
    ]


def test_shared_grouped_sample() -> None:
    result = uv_lock.read(shared_file(sample("uvlock", "grouped-packages.lock")))
    found = {name: (scope, direct) for _, name, _, _, _, _, scope, direct in rows(result)}
    assert found == {
        "black": ("optional", True),
        "click": ("optional", True),
        "colorama": ("optional", False),
        "emoji": (None, True),
        "flake8": ("optional", True),
        "mccabe": ("optional", False),
        "mypy-extensions": ("optional", False),
        "packaging": ("optional", False),
        "pathspec": ("optional", False),
        "platformdirs": ("optional", False),
        "pycodestyle": ("optional", False),
        "pyflakes": ("optional", False),
        "tomli": ("optional", False),
        "typing-extensions": ("optional", False),
    }
    assert ("click@8.1.7", ("colorama@0.4.6",)) in result.dependencies


def test_shared_samples() -> None:
    one = uv_lock.read(shared_file(sample("uvlock", "one-package.lock")))
    assert rows(one) == [
        ("PyPI", "emoji", "2.14.0", "pkg:pypi/emoji@2.14.0", "one-package.lock", 5, None, True)
    ]
    git = uv_lock.read(shared_file(sample("uvlock", "source-git.lock")))
    assert [(name, direct) for _, name, *_, direct in rows(git)] == [("ruff", True)]
    assert [(w.gap.value, w.line) for w in git.warnings] == [("unpinned", 5)]
    for name in ("no-dependencies.lock", "no-packages.lock", "empty.lock"):
        assert uv_lock.read(shared_file(sample("uvlock", name))).components == ()
    outside = uv_lock.read(shared_file(sample("uvlock", "names-outside-package-block.lock")))
    assert [(n, line, d) for _, n, _, _, _, line, _, d in rows(outside)] == [
        ("first-pkg", 5, None),
        ("second-pkg", 18, None),
    ]


def test_path_dependency_is_a_component_with_a_warning() -> None:
    text = (
        "version = 1\n"
        '[[package]]\nname = "app"\nversion = "1.0"\nsource = { editable = "." }\n'
        'dependencies = [{ name = "lib" }]\n'
        '[[package]]\nname = "lib"\nversion = "0.5"\nsource = { directory = "../lib" }\n'
    )
    result = uv_lock.read(source("uv.lock", text))
    assert rows(result) == [("PyPI", "lib", "0.5", "pkg:pypi/lib@0.5", "uv.lock", 8, None, True)]
    assert warnings(result) == [
        ("uv.lock", "unpinned", 8, "line 8: lib: from directory ../lib, not a package index")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "package = 'x'",
        "version = 1\n[[package]]\nversion = '1'\n",
        "version = 1\n[[package]]\nname = 'a'\ndependencies = 'b'\n",
        "version = 1\n[[package]]\nname = 'a'\ndependencies = [{ version = '1' }]\n",
        "version = 1\n[[package]]\nname = 'a'\noptional-dependencies = []\n",
        "requires-python = '>=3.9'\n",
    ],
)
def test_wrong_shapes_are_reader_errors(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^uv\.lock: "):
        uv_lock.read(source("uv.lock", text))
