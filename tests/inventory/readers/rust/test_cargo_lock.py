"""Cargo.lock v1-v4: registry and git crates, workspace members, edges, direct flags."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.rust import cargo_lock
from garrison.model import Gap, ScanWarning
from tests.conftest import shared_path
from tests.inventory.readers.helpers import (
    assert_samples_read_or_refused,
    data_file,
    rows,
    shared_file,
    source,
)

CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"


def read(text: str) -> ReadResult:
    return cargo_lock.read(source("Cargo.lock", text))


def test_matches() -> None:
    assert cargo_lock.matches(PurePosixPath("crates/cli/Cargo.lock"))
    assert not cargo_lock.matches(PurePosixPath("Cargo.toml"))


def test_workspace() -> None:
    result = cargo_lock.read(data_file("rust", "workspace", "Cargo.lock"))
    assert rows(result) == [
        ("crates.io", "proc-macro2", "1.0.78", "pkg:cargo/proc-macro2@1.0.78", 22, None, False),
        ("crates.io", "regex", "1.10.3", "pkg:cargo/regex@1.10.3", 31, None, True),
        ("crates.io", "serde", "1.0.196", "pkg:cargo/serde@1.0.196", 36, None, True),
        ("crates.io", "serde_derive", "1.0.196", "pkg:cargo/serde_derive@1.0.196", 45, None, False),
        ("crates.io", "syn", "1.0.109", "pkg:cargo/syn@1.0.109", 55, None, False),
        ("crates.io", "syn", "2.0.48", "pkg:cargo/syn@2.0.48", 65, None, True),
        ("crates.io", "unicode-ident", "1.0.12", "pkg:cargo/unicode-ident@1.0.12", 75, None, False),
    ]
    assert result.dependencies == (
        ("proc-macro2@1.0.78", ("unicode-ident@1.0.12",)),
        ("serde@1.0.196", ("serde_derive@1.0.196",)),
        ("serde_derive@1.0.196", ("proc-macro2@1.0.78", "syn@2.0.48")),
        ("syn@1.0.109", ("proc-macro2@1.0.78", "unicode-ident@1.0.12")),
        ("syn@2.0.48", ("proc-macro2@1.0.78", "unicode-ident@1.0.12")),
    )
    assert result.warnings == (
        ScanWarning(
            "rust/workspace/Cargo.lock",
            "line 31: regex 1.10.3: from git https://github.com/rust-lang/regex?rev=0d0023e"
            "#0d0023e4a1b0b3d3f1a5e7c6b8d9e0f1a2b3c4d5 (not a registry release)",
            Gap.UNPINNED,
            31,
        ),
    )


def test_v1_root_and_full_dependency_references() -> None:
    result = cargo_lock.read(data_file("rust", "v1", "Cargo.lock"))
    assert rows(result) == [
        ("crates.io", "libc", "0.2.33", "pkg:cargo/libc@0.2.33", 9, None, False),
        ("crates.io", "rand", "0.3.18", "pkg:cargo/rand@0.3.18", 14, None, True),
    ]
    assert result.dependencies == (("rand@0.3.18", ("libc@0.2.33",)),)
    assert result.warnings == ()


def test_v4_with_sparse_registry_and_a_crate_from_two_sources() -> None:
    text = (
        "version = 4\n\n"
        '[[package]]\nname = "app"\nversion = "0.1.0"\n'
        'dependencies = [\n "log 0.4.20 (sparse+https://index.crates.io/)",\n'
        ' "log 0.4.20 (registry+https://mirror.example/index)",\n]\n\n'
        '[[package]]\nname = "log"\nversion = "0.4.20"\nsource = "sparse+https://index.crates.io/"\n\n'
        '[[package]]\nname = "log"\nversion = "0.4.20"\n'
        'source = "registry+https://mirror.example/index"\n'
    )
    result = read(text)
    assert [(c.bom_ref, c.direct, c.location and c.location.line) for c in result.components] == [
        ("log@0.4.20", True, 12),
        ("log@0.4.20@registry+https://mirror.example/index", True, 17),
    ]


def test_without_workspace_members_direct_is_unknown() -> None:
    text = (
        f'[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "{CRATES_IO}"\n'
        'dependencies = ["b"]\n'
    )
    result = read(text)
    assert rows(result) == [("crates.io", "a", "1.0.0", "pkg:cargo/a@1.0.0", 2, None, None)]
    assert result.dependencies == ()  # b is not in the file: no edge


def test_empty_files_are_empty_results() -> None:
    assert read("") == ReadResult(())
    assert read("# It is not intended for manual editing.\nversion = 3\n") == ReadResult(())


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff\xfe garbage",
        b'version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0',  # truncated
        b'["not", "a", "lockfile"]',  # JSON: not TOML
        b'package = "serde"\n',  # wrong shape
        b"package = [1, 2]\n",
        b'[[package]]\nname = "serde"\n',  # no version
        b'[[package]]\nname = 7\nversion = "1.0.0"\n',
        b'[[package]]\nname = "a"\nversion = "1.0.0"\nsource = 3\n',
        b'[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = "b"\n',
        b'root = "hello"\n',
        b'[[package]]\nname = "a"\nname = "b"\nversion = "1.0.0"\n',  # duplicate key
    ],
)
def test_bad_input_is_a_reader_error(data: bytes) -> None:
    with pytest.raises(ReaderError, match=r"^Cargo\.lock: "):
        cargo_lock.read(source("Cargo.lock", data))


def test_truncated_copy_of_the_fixture() -> None:
    data = data_file("rust", "workspace", "Cargo.lock").data
    with pytest.raises(ReaderError):
        cargo_lock.read(source("Cargo.lock", data[: data.index(b"1.10.3") + 3]))


def test_large_lockfile_is_read_whole() -> None:
    packages = "".join(
        f'[[package]]\nname = "crate{n}"\nversion = "1.0.{n}"\nsource = "{CRATES_IO}"\n'
        f'checksum = "{n:064x}"\ndependencies = [\n "crate{n + 1}",\n]\n\n'
        for n in range(5000)
    )
    result = read("version = 3\n\n" + packages)
    assert len(result.components) == 5000
    assert result.components[-1].location and result.components[-1].location.line == 4 + 9 * 4999


# --- the shared samples ----------------------------------------------------------------


def sample_dir() -> Path:
    return shared_path("fixtures", "lockfiles", "language", "rust", "cargolock")


def test_every_sample_reads_or_fails_cleanly() -> None:
    assert_samples_read_or_refused(
        cargo_lock.read, sample_dir(), lambda path: path.name.startswith("not-")
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("one-package.lock", [("addr2line", "0.15.2", 6, None)]),
        ("two-packages-with-local.lock", [("addr2line", "0.15.2", 6, False)]),
        ("duplicate.lock", [("syn", "1.0.73", 6, None), ("syn", "2.0.0", 12, None)]),
        ("package-with-build-string.lock", [("wasi", "0.10.2+wasi-snapshot-preview1", 6, None)]),
        ("package-with-comments.lock", [("addr2line", "0.15.2", 6, None),
                                        ("syn", "1.0.73", 13, None)]),
        ("empty.lock", []),
    ],
)  # fmt: skip
def test_samples(name: str, expected: list[tuple[str, str, int, bool | None]]) -> None:
    result = cargo_lock.read(shared_file(sample_dir() / name))
    assert [
        (c.name, c.version, c.location and c.location.line, c.direct) for c in result.components
    ] == expected


def test_sample_many_packages_edges() -> None:
    result = cargo_lock.read(shared_file(sample_dir() / "many-packages.lock"))
    assert len(result.components) == 6
    assert result.dependencies == (("aho-corasick@0.7.18", ("memchr@2.4.1",)),)
