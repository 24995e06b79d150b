"""NuGet packages.lock.json: per-framework graphs merged, directness, edges, lines."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.dotnet import packages_lock_json
from tests.conftest import shared_path
from tests.inventory.readers.helpers import data_file, rows, shared_file, source


def test_matches() -> None:
    assert packages_lock_json.matches(PurePosixPath("src/App/packages.lock.json"))
    assert not packages_lock_json.matches(PurePosixPath("package-lock.json"))


def test_frameworks_are_merged_with_edges_per_framework() -> None:
    result = packages_lock_json.read(data_file("dotnet", "lock", "packages.lock.json"))
    n = "pkg:nuget/"
    assert rows(result) == [
        ("NuGet", "Serilog.AspNetCore", "7.0.0", f"{n}Serilog.AspNetCore@7.0.0", 5, None, True),
        ("NuGet", "Microsoft.Extensions.Logging", "7.0.0",
         f"{n}Microsoft.Extensions.Logging@7.0.0", 15, None, False),
        ("NuGet", "Microsoft.Extensions.Options", "7.0.1",
         f"{n}Microsoft.Extensions.Options@7.0.1", 23, None, False),
        # spelled "serilog" in net6.0 and "Serilog" in net8.0: one package (ids ignore case)
        ("NuGet", "serilog", "3.0.1", f"{n}serilog@3.0.1", 28, None, False),
        ("NuGet", "Microsoft.Extensions.Options", "8.0.0",
         f"{n}Microsoft.Extensions.Options@8.0.0", 42, None, True),
    ]  # fmt: skip
    assert result.dependencies == (
        ("serilog.aspnetcore@7.0.0", ("serilog@3.0.1", "microsoft.extensions.logging@7.0.0")),
        ("microsoft.extensions.logging@7.0.0", ("microsoft.extensions.options@7.0.1",)),
    )
    assert result.warnings == ()


def test_direct_anywhere_wins_and_unknown_types_are_kept() -> None:
    data = {
        "version": 1,
        "dependencies": {
            "net48": {"A": {"type": "Transitive", "resolved": "1.0.0"},
                      "B": {"type": "Future", "resolved": "2.0.0"},
                      "C": {"type": "Direct", "requested": "[3.0.0, )"}},
            "net8.0": {"a": {"type": "Direct", "resolved": "1.0.0"}},
        },
    }  # fmt: skip
    result = packages_lock_json.read(source("packages.lock.json", json.dumps(data, indent=2)))
    assert [(c.name, c.version, c.direct) for c in result.components] == [
        ("A", "1.0.0", True),
        ("B", "2.0.0", None),
        ("C", None, True),
    ]
    assert [(w.gap, w.message) for w in result.warnings] == [
        ("no-version", "line 13: C: no resolvable version")
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\xff\xfe garbage", "packages.lock.json: not UTF-8 text"),
        (b"", "packages.lock.json: line 1: invalid JSON"),
        ("[1, 2]", "packages.lock.json: not a packages.lock.json (top level is not an object)"),
        ('"text"', "packages.lock.json: not a packages.lock.json (top level is not an object)"),
        ('{"version": 1}', "packages.lock.json: 'dependencies' is missing or not an object"),
        ('{"dependencies": {"net6.0": []}}',
         "packages.lock.json: framework 'net6.0' is not an object"),
        ('{"dependencies": {"net6.0": {"A": "1.0"}}}',
         "packages.lock.json: net6.0: 'A' is not an object"),
        ('{"dependencies": {"net6.0": {"A": {"type": ["Direct"], "dependencies": [1]}}}}',
         "packages.lock.json: A: 'dependencies' is not an object"),
        ('{"dependencies": {}, "dependencies": {}}',
         "packages.lock.json: duplicate key 'dependencies'"),
    ],
)  # fmt: skip
def test_junk_is_a_reader_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        packages_lock_json.read(source("packages.lock.json", data))
    assert str(caught.value).startswith(reason)


def test_a_truncated_file_is_a_reader_error() -> None:
    whole = data_file("dotnet", "lock", "packages.lock.json").data
    with pytest.raises(ReaderError, match=r"^packages.lock.json: line \d+: invalid JSON"):
        packages_lock_json.read(source("packages.lock.json", whole[: len(whole) // 2]))


def test_a_large_lock_file_is_read_whole() -> None:
    packages = {
        f"Package.{i}": {"type": "Transitive", "resolved": f"1.0.{i}", "contentHash": "x" * 88,
                         "dependencies": {f"Package.{i + 1}": "1.0.0"}}
        for i in range(15_000)
    }  # fmt: skip
    text = json.dumps({"version": 1, "dependencies": {"net8.0": packages}}, indent=2)
    assert len(text) > 4_000_000
    result = packages_lock_json.read(source("packages.lock.json", text))
    assert len(result.components) == 15_000
    assert result.components[-1].location is not None
    where = text.index('"Package.14999": {')
    assert result.components[-1].location.line == text.count("\n", 0, where) + 1


# --- the shared samples (another scanner's test data) ------------------------------------

SAMPLES = ("fixtures", "lockfiles", "language", "dotnet", "packageslockjson")


def test_every_shared_sample_reads_or_is_a_reader_error() -> None:
    for path in sorted(shared_path(*SAMPLES).rglob("*")):
        if path.is_file():
            try:
                assert isinstance(packages_lock_json.read(shared_file(path)), ReadResult)
            except ReaderError:
                assert "invalid" in str(path), path


def test_shared_sample() -> None:
    result = packages_lock_json.read(
        shared_file(shared_path(*SAMPLES, "valid", "packages.lock.json"))
    )
    assert [(c.name, c.version, c.location.line if c.location else None, c.direct)
            for c in result.components] == [
        ("Core.Dep", "1.24.0", 5, True),
        ("Some.Dep.One", "1.1.1", 20, False),
        ("Some.Dep.Two", "4.6.0", 25, False),
        ("Some.Dep.Three", "1.0.2", 30, False),
        ("Some.Dep.Four", "4.5.0", 39, False),
        ("Some.Longer.Name.Dep", "4.7.2", 44, False),
        ("Some.Dep.Five", "4.7.2", 49, False),
        ("Another.Longer.Name.Dep", "4.5.4", 54, False),
    ]  # fmt: skip
    assert result.dependencies == (
        ("core.dep@1.24.0", ("some.dep.one@1.1.1", "some.dep.two@4.6.0", "some.dep.three@1.0.2",
                             "some.dep.four@4.5.0", "some.longer.name.dep@4.7.2",
                             "some.dep.five@4.7.2", "another.longer.name.dep@4.5.4")),
        # asks for Some.Dep.Five 4.6.0; the framework resolved 4.7.2
        ("some.dep.three@1.0.2", ("some.longer.name.dep@4.7.2", "some.dep.five@4.7.2")),
    )  # fmt: skip
    assert result.warnings == ()
