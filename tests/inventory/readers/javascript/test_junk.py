"""Every javascript reader survives junk: binary bytes, empty files, truncated copies of
valid files and documents of the wrong shape give a ReaderError (or, where the format allows
an empty file, an empty result), never any other exception."""

from __future__ import annotations

from types import ModuleType

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.javascript import (
    bun_lock,
    node_modules,
    package_lock,
    pnpm_lock,
    yarn_lock,
)
from tests.inventory.readers.helpers import data_file, source

INSTALLED = b'{\n  "name": "left-pad",\n  "version": "1.3.0",\n  "license": "WTFPL"\n}\n'

# reader, file name, a valid file, whether an empty file is a valid (empty) lockfile,
# a marker in the valid file inside which a cut leaves certainly invalid input
CASES = [
    (
        package_lock,
        "package-lock.json",
        ("npm-v3-workspaces", "package-lock.json"),
        False,
        '"node_modules/ms"',
    ),
    (
        package_lock,
        "package-lock.json",
        ("npm-v1-nested", "package-lock.json"),
        False,
        '"postcss-calc"',
    ),
    (
        yarn_lock,
        "yarn.lock",
        ("yarn-classic", "yarn.lock"),
        True,
        'resolved "https://registry.yarnpkg.com/chalk',
    ),
    (yarn_lock, "yarn.lock", ("yarn-berry", "yarn.lock"), True, 'resolution: "debug@npm'),
    (
        pnpm_lock,
        "pnpm-lock.yaml",
        ("pnpm-v5", "pnpm-lock.yaml"),
        True,
        "resolution: {integrity: sha512-V/L",
    ),
    (
        pnpm_lock,
        "pnpm-lock.yaml",
        ("pnpm-v9-workspace", "pnpm-lock.yaml"),
        True,
        "resolution: {integrity: sha512-Rd",
    ),
    (bun_lock, "bun.lock", ("bun-workspaces", "bun.lock"), False, '"chalk": ["chalk@'),
    (node_modules, "node_modules/left-pad/package.json", None, False, '"version": "1.'),
]
IDS = [
    f"{case[0].__name__.rsplit('.', 1)[1]}-{case[2][0] if case[2] else 'installed'}"
    for case in CASES
]


def _valid(case: tuple[object, ...]) -> bytes:
    location = case[2]
    if location is None:
        return INSTALLED
    assert isinstance(location, tuple)
    return data_file("javascript", *location).data


def _outcome(reader: ModuleType, name: str, data: bytes) -> ReadResult | None:
    try:
        result = reader.read(source(name, data))
    except ReaderError as exc:
        assert name in str(exc)
        return None
    assert isinstance(result, ReadResult)
    return result


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_binary_junk_is_refused(case: tuple[object, ...]) -> None:
    reader, name = case[0], str(case[1])
    assert isinstance(reader, ModuleType)
    with pytest.raises(ReaderError, match="not UTF-8"):
        reader.read(source(name, b"\x00\xff\xfe garbage"))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_empty_file_is_empty_or_refused(case: tuple[object, ...]) -> None:
    reader, name, empty_is_valid = case[0], str(case[1]), case[3]
    assert isinstance(reader, ModuleType)
    result = _outcome(reader, name, b"")
    if empty_is_valid:
        assert result is not None and result.components == ()
    else:
        assert result is None


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_file_cut_inside_a_value_is_refused(case: tuple[object, ...]) -> None:
    reader, name, marker = case[0], str(case[1]), str(case[4])
    assert isinstance(reader, ModuleType)
    data = _valid(case)
    cut = data.index(marker.encode()) + len(marker)
    with pytest.raises(ReaderError):
        reader.read(source(name, data[:cut]))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_prefix_reads_or_is_refused(case: tuple[object, ...]) -> None:
    reader, name = case[0], str(case[1])
    assert isinstance(reader, ModuleType)
    data = _valid(case)
    for cut in range(0, len(data), max(1, len(data) // 150)):
        _outcome(reader, name, data[:cut])


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize(
    "document", ["[1, 2]", '"a string"', "42", "- a\n- b\n", "just words\n", "null"]
)
def test_a_document_of_the_wrong_shape_is_refused(case: tuple[object, ...], document: str) -> None:
    reader, name, empty_is_valid = case[0], str(case[1]), case[3]
    assert isinstance(reader, ModuleType)
    result = _outcome(reader, name, document.encode())
    if result is not None:  # only YAML's null (an empty document) may read, and as nothing
        assert empty_is_valid and document == "null" and result.components == ()
