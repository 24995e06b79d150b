"""mix.lock: Hex entries (all tuple lengths), edges, git entries, any layout."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.elixir import mix_lock
from garrison.model import Gap, ScanWarning
from tests.conftest import shared_path
from tests.inventory.readers.helpers import (
    assert_samples_read_or_refused,
    data_file,
    rows,
    shared_file,
    source,
)


def read(text: str) -> ReadResult:
    return mix_lock.read(source("mix.lock", text))


def test_matches() -> None:
    assert mix_lock.matches(PurePosixPath("apps/web/mix.lock"))
    assert not mix_lock.matches(PurePosixPath("apps/web/mix.exs"))


def test_phoenix_app() -> None:
    result = mix_lock.read(data_file("elixir", "phoenix-app", "mix.lock"))
    assert rows(result) == [
        ("Hex", "castore", "1.0.5", "pkg:hex/castore@1.0.5", 2, None, None),
        ("Hex", "jason", "1.4.1", "pkg:hex/jason@1.4.1", 3, None, None),
        ("Hex", "mime", "2.0.5", "pkg:hex/mime@2.0.5", 4, None, None),
        ("Hex", "phoenix", "1.7.11", "pkg:hex/phoenix@1.7.11", 5, None, None),
        ("Hex", "plug", "1.15.3", "pkg:hex/plug@1.15.3", 6, None, None),
        # The app is plug_crypto; the Hex package it comes from is plug_crypto_fork.
        ("Hex", "plug_crypto_fork", "2.0.0", "pkg:hex/plug_crypto_fork@2.0.0", 7, None, None),
        ("Hex", "poison", "3.1.0", "pkg:hex/poison@3.1.0", 9, None, None),  # an old 6-tuple
    ]
    assert result.dependencies == (
        ("phoenix@1.7.11", ("castore@1.0.5", "jason@1.4.1", "plug@1.15.3")),
        ("plug@1.15.3", ("mime@2.0.5", "plug_crypto_fork@2.0.0")),
    )
    assert result.warnings == (
        ScanWarning(
            "elixir/phoenix-app/mix.lock",
            "line 8: phoenix_live_dashboard: git dependency"
            " https://github.com/phoenixframework/phoenix_live_dashboard.git"
            " at 3b4a0a5b2c8e2f1e4d6c7b8a9f0e1d2c3b4a5f6e has no version",
            Gap.UNPINNED,
            8,
        ),
    )


def test_old_arrow_syntax_three_tuples_and_any_layout() -> None:
    text = (
        '%{"cowboy" => {:hex, :cowboy, "1.0.4"},\n'
        '  "plug" =>\n'
        '    {:hex, :plug, "1.1.0", "abc", [:mix],\n'
        '     [{:cowboy, "~> 1.0", [hex: :cowboy, optional: true]}]}}  # a comment\n'
    )
    result = read(text)
    assert rows(result) == [
        ("Hex", "cowboy", "1.0.4", "pkg:hex/cowboy@1.0.4", 1, None, None),
        ("Hex", "plug", "1.1.0", "pkg:hex/plug@1.1.0", 2, None, None),
    ]
    assert result.dependencies == (("plug@1.1.0", ("cowboy@1.0.4",)),)


def test_other_sources_are_unpinned_warnings() -> None:
    result = read('%{\n  "local": {:path, "../local", []},\n}\n')
    assert result.components == ()
    assert result.warnings == (
        ScanWarning(
            "mix.lock", "line 2: local: path dependency ../local has no version", Gap.UNPINNED, 2
        ),
    )


def test_empty_files() -> None:
    assert read("") == ReadResult(())
    assert read("%{}\n") == ReadResult(())
    assert read("%{\n}\n") == ReadResult(())


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff\xfe garbage",
        b'%{\n  "bunt": {:hex, :bunt, "1.0.0", "081c2c665f0',  # truncated
        b'%{"bunt": {:hex, :bunt, "1.0.0"}',  # map not closed
        b'["bunt", "1.0.0"]',  # a list
        b'"mix.lock"',  # a string
        b'{"bunt": "1.0.0"}',  # JSON
        b'%{"bunt": "1.0.0"}',  # not a lock tuple
        b'%{"bunt": {"hex", :bunt, "1.0.0"}}',
        b'%{"bunt": {:hex, :bunt}}',
        b'%{"bunt": {:hex, "bunt", "1.0.0"}}',
        b'%{"bunt": {:hex, :bunt, :latest}}',
        b'%{"bunt": {:hex, :bunt, "1.0.0", "x", [:mix], :none}}',
        b'%{"bunt": {:hex, :bunt, "1.0.0", "x", [:mix], ["dep"]}}',
        b'%{"a": {:hex, :a, "1.0.0"}, "a": {:hex, :a, "2.0.0"}}',  # duplicate key
        b'%{"a": {:hex, :a, "1.0.0"}} extra',
        b'%{"certifi": {:hex, },}',  # the shared "invalid" sample's shape
    ],
)
def test_bad_input_is_a_reader_error(data: bytes) -> None:
    with pytest.raises(ReaderError, match=r"^mix\.lock: "):
        mix_lock.read(source("mix.lock", data))


def test_truncated_copy_of_the_fixture() -> None:
    data = data_file("elixir", "phoenix-app", "mix.lock").data
    with pytest.raises(ReaderError, match=r"^mix\.lock: line 9: "):
        mix_lock.read(source("mix.lock", data[:-40]))


def test_large_lockfile_is_read_whole() -> None:
    entry = (
        '  "pkg{n}": {{:hex, :pkg{n}, "1.{n}.0", "{h}", [:mix], [{{:pkg{m}, "~> 1.0", '
        '[hex: :pkg{m}, repo: "hexpm", optional: false]}}], "hexpm", "{h}"}},\n'
    )
    text = "%{\n" + "".join(entry.format(n=n, m=n + 1, h="ab" * 32) for n in range(3000)) + "}\n"
    result = read(text)
    assert len(result.components) == 3000
    assert len(result.dependencies) == 2999  # the last one depends on a package not locked
    assert len(result.dependencies) == 2999  # the last one's dep is not in the file


# --- the shared samples ----------------------------------------------------------------


def sample_dirs() -> list[Path]:
    return [
        shared_path("fixtures", "lockfiles", "language", "elixir", "mixlock"),
        shared_path("fixtures", "lockfiles", "language", "erlang", "mixlock"),
    ]


def test_every_sample_reads_or_fails_cleanly() -> None:
    for directory in sample_dirs():
        assert_samples_read_or_refused(
            mix_lock.read, directory, lambda path: path.name.startswith("invalid")
        )


def test_sample_valid() -> None:
    elixir = sample_dirs()[0]
    result = mix_lock.read(shared_file(elixir / "valid"))
    assert rows(result) == [
        ("Hex", "bunt", "1.0.0", "pkg:hex/bunt@1.0.0", 2, None, None),
        ("Hex", "certifi", "2.12.0", "pkg:hex/certifi@2.12.0", 3, None, None),
    ]


def test_sample_many_and_git() -> None:
    erlang = sample_dirs()[1]
    many = mix_lock.read(shared_file(erlang / "many.lock"))
    assert len(many.components) == 21
    assert ("ecto@3.5.5", ("decimal@2.0.0", "telemetry@0.4.2")) in many.dependencies
    git = mix_lock.read(shared_file(erlang / "git.lock"))
    assert git.components == ()
    assert [(w.gap, w.line) for w in git.warnings] == [
        (Gap.UNPINNED, 2),
        (Gap.UNPINNED, 3),
        (Gap.UNPINNED, 4),
    ]
