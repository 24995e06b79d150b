"""Helpers shared by the Python readers."""

from __future__ import annotations

from garrison.inventory.readers.python.common import (
    NameIndex,
    array_table_lines,
    pyproject_declared,
    requirement_name,
)
from tests.inventory.readers.helpers import source


def test_requirement_name() -> None:
    assert requirement_name("requests[socks]>=2; python_version > '3'") == "requests"
    assert requirement_name("  zope.interface") == "zope.interface"
    assert requirement_name(">=1") is None


def test_array_table_lines_skip_comments_lookalikes_and_sub_tables() -> None:
    text = (
        "[[package]]\n"  # 1
        "# name = 'no'\n"
        "name_other = 'no'\n"
        "name = 'a'\n"  # 4
        "[package.dependencies]\n"
        "name = 'not the package name'\n"
        "[[package]]\n"  # 7
        "version = '1'\n"
        "[[package.wheels]]\n"
        "name = 'a-1.whl'\n"
    )
    assert array_table_lines(text, "package") == [4, 7]


def test_pyproject_declared_reads_every_kind_of_table() -> None:
    pyproject = """
[project]
name = "app"
dependencies = ["Flask>=3", "zope.interface"]
[project.optional-dependencies]
pg = ["psycopg[binary]"]
[dependency-groups]
lint = ["ruff", {include-group = "typing"}]
typing = ["mypy"]
[tool.uv]
dev-dependencies = ["pytest"]
[tool.pdm.dev-dependencies]
docs = ["sphinx"]
[tool.poetry.dependencies]
python = "^3.11"
Django = "^5"
[tool.poetry.group.test.dependencies]
hypothesis = "*"
"""
    declared = pyproject_declared(source("poetry.lock", "", {"pyproject.toml": pyproject}))
    assert declared is not None
    assert declared.names == {
        "flask",
        "zope-interface",
        "psycopg",
        "ruff",
        "mypy",
        "pytest",
        "sphinx",
        "django",
        "hypothesis",
    }
    assert declared.optional_groups == {"pg"}
    assert declared.dev_groups == {"lint", "typing", "docs", "test"}


def test_pyproject_without_a_project_table_or_unreadable_tells_nothing() -> None:
    for text in ("[tool.ruff]\nline-length = 100\n", "not = [toml", b"\xff"):
        assert pyproject_declared(source("pdm.lock", "", {"pyproject.toml": text})) is None
    assert pyproject_declared(source("pdm.lock", "")) is None


def test_name_index_prefers_the_exact_version() -> None:
    index = NameIndex()
    index.add("Proto_Plus", "1.0", "a")
    index.add("proto-plus", "2.0", "b")
    assert index.find("proto.plus") == ["a", "b"]
    assert index.find("PROTO-PLUS", "2.0") == ["b"]
    assert index.find("proto-plus", "3.0") == ["a", "b"]
    assert index.find("other") == []
