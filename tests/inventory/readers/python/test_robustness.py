"""Every Python reader survives junk: ReadResult or ReaderError, never another exception."""

from __future__ import annotations

import json
import random
import re
from types import ModuleType

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile
from garrison.inventory.readers.python import (
    READERS,
    installed,
    pdm_lock,
    pipfile_lock,
    poetry_lock,
    pylock_toml,
    requirements_txt,
    uv_lock,
)
from tests.conftest import DATA
from tests.inventory.readers.helpers import shared_file, source
from tests.inventory.readers.python.support import sample

# reader, file name, a valid file of ours, the shared sample directory
CASES: list[tuple[ModuleType, str, str, str]] = [
    (
        requirements_txt,
        "requirements.txt",
        "requirements-lines/requirements-dev.txt",
        "requirements",
    ),
    (poetry_lock, "poetry.lock", "poetry-v1/poetry.lock", "poetrylock"),
    (pipfile_lock, "Pipfile.lock", "pipenv/Pipfile.lock", "pipfilelock"),
    (pdm_lock, "pdm.lock", "pdm/pdm.lock", "pdmlock"),
    (uv_lock, "uv.lock", "uv-workspace/uv.lock", "uvlock"),
    (pylock_toml, "pylock.toml", "pylock/pylock.toml", "pylock"),
    (
        installed,
        "x.dist-info/METADATA",
        "installed/site-packages/six.egg-info/PKG-INFO",
        "wheelegg",
    ),
]
IDS = [case[0].NAME for case in CASES]
_STRING = re.compile(r'"[^"\n]*"|(?<=: )[^\n]+')
_OTHER_VALUES = ["1", "[]", "{}", "true", "[1]", "{a = 1}", '{"a": 1}', "[{}]", '""', "null"]
# Readers whose format is line-oriented: junk lines are warnings, not errors.
LINE_ORIENTED = {requirements_txt}


def _read(reader: ModuleType, file: SourceFile) -> ReadResult | ReaderError:
    try:
        result = reader.read(file)
    except ReaderError as error:
        return error
    assert isinstance(result, ReadResult)
    return result


def test_every_reader_is_covered_here() -> None:
    assert {case[0] for case in CASES} == set(READERS)


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_binary_junk_is_a_reader_error(
    reader: ModuleType, name: str, valid: str, shared: str
) -> None:
    with pytest.raises(ReaderError, match=name.replace(".", r"\.")):
        reader.read(source(name, b"\x00\xff\xfe garbage"))


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_empty_file_is_an_empty_result(
    reader: ModuleType, name: str, valid: str, shared: str
) -> None:
    for data in (b"", b"\n  \n"):
        assert reader.read(source(name, data)) == ReadResult(())


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_truncated_copies(reader: ModuleType, name: str, valid: str, shared: str) -> None:
    data = (DATA / "inventory" / "python" / valid).read_bytes()
    outcomes = [_read(reader, source(name, data[:cut])) for cut in range(1, len(data), 7)]
    if reader is not installed:  # a cut header block is still a header block
        assert any(isinstance(outcome, ReaderError) for outcome in outcomes) or (
            reader in LINE_ORIENTED
        )


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_damaged_copies(reader: ModuleType, name: str, valid: str, shared: str) -> None:
    data = bytearray((DATA / "inventory" / "python" / valid).read_bytes())
    chaos = random.Random(751)
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(chaos.randint(1, 4)):
            damaged[chaos.randrange(len(damaged))] = chaos.choice(b'"[]{}=,\n\\#:- \xc3x')
        _read(reader, source(name, bytes(damaged)))


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_values_of_the_wrong_type(reader: ModuleType, name: str, valid: str, shared: str) -> None:
    text = (DATA / "inventory" / "python" / valid).read_text()
    spans = [found.span() for found in _STRING.finditer(text)]
    chaos = random.Random(508)
    for _ in range(300):
        start, end = chaos.choice(spans)
        _read(reader, source(name, text[:start] + chaos.choice(_OTHER_VALUES) + text[end:]))


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_deep_nesting(reader: ModuleType, name: str, valid: str, shared: str) -> None:
    for document in ("x = " + "[" * 100_000, "[" * 100_000, "{" * 100_000):
        outcome = _read(reader, source(name, document))
        assert isinstance(outcome, ReaderError) or reader in LINE_ORIENTED


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
@pytest.mark.parametrize(
    "document",
    ["[1, 2]", '"just a string"', "42", "{}", "null", "key = 'value'", "- a\n- b\n", "[[x]]\ny=1"],
)
def test_documents_of_the_wrong_shape(
    reader: ModuleType, name: str, valid: str, shared: str, document: str
) -> None:
    outcome = _read(reader, source(name, document))
    if reader not in LINE_ORIENTED:
        assert isinstance(outcome, ReaderError)
    else:
        assert isinstance(outcome, ReadResult) and outcome.components == ()


@pytest.mark.parametrize(("reader", "name", "valid", "shared"), CASES, ids=IDS)
def test_every_shared_sample(reader: ModuleType, name: str, valid: str, shared: str) -> None:
    files = sorted(path for path in sample(shared).iterdir() if path.is_file())
    assert files
    for path in files:
        outcome = _read(reader, shared_file(path))
        if path.name.startswith(("not-", "invalid", "bad", "malformed")):
            assert isinstance(outcome, (ReaderError, ReadResult))
        if path.name.startswith("not-"):
            assert isinstance(outcome, ReaderError), path.name
        if path.name.startswith("empty"):
            assert isinstance(outcome, ReadResult) and outcome.components == (), path.name


def test_large_requirements_file_is_read_whole() -> None:
    lines = [f"package-{i}==1.{i}.0 \\\n    --hash=sha256:{i:064x}\n" for i in range(20_000)]
    big = source("requirements.txt", "".join(lines))
    assert len(big.data) > 2_000_000
    result = requirements_txt.read(big)
    assert len(result.components) == 20_000
    assert result.warnings == ()


def test_large_lockfiles_are_read_whole() -> None:
    count = 5_000
    packages = "".join(
        f'[[package]]\nname = "p{i}"\nversion = "1.{i}"\nsource = {{ registry = "x" }}\n'
        f'dependencies = [{{ name = "p{(i + 1) % count}" }}, {{ name = "p{(i + 7) % count}" }}]\n'
        for i in range(count)
    )
    uv = 'version = 1\n[[package]]\nname = "root"\nsource = { virtual = "." }\n'
    uv += 'dependencies = [{ name = "p0" }]\n' + packages
    pipfile = {"_meta": {}, "default": {f"p{i}": {"version": f"==1.{i}"} for i in range(count)}}
    pipfile_text = json.dumps(pipfile, indent=4)
    cases = [(uv_lock, "uv.lock", uv), (pipfile_lock, "Pipfile.lock", pipfile_text)]
    for reader, name, text in cases:
        result = reader.read(source(name, text))
        assert len(result.components) == count
