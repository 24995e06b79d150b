"""go.mod: requires, indirect, replace (exact, module-wide, local), stdlib from go/toolchain."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.go import go_mod
from garrison.inventory.readers.go.common import stdlib_version
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
    return go_mod.read(source("go.mod", text))


def test_matches_go_mod_only() -> None:
    assert go_mod.matches(PurePosixPath("svc/go.mod"))
    assert not go_mod.matches(PurePosixPath("svc/go.sum"))
    assert not go_mod.matches(PurePosixPath("svc/go.work"))


def test_service_module() -> None:
    result = go_mod.read(data_file("go", "service", "go.mod"))
    net = "v0.21.1-0.20240301101500-5d6e0f1b2a3c"
    yaml = "v3.0.2-0.20231010123456-abcdefabcdef"
    assert rows(result) == [
        ("Go", "stdlib", "1.22.4", "pkg:golang/stdlib@1.22.4", 6, None, None),
        ("Go", "github.com/google/uuid", "v1.6.0",
         "pkg:golang/github.com/google/uuid@v1.6.0", 8, None, True),
        ("Go", "github.com/gin-gonic/gin", "v1.9.1",
         "pkg:golang/github.com/gin-gonic/gin@v1.9.1", 11, None, True),
        ("Go", "github.com/acme/net", net, f"pkg:golang/github.com/acme/net@{net}", 27, None, True),
        ("Go", "gopkg.in/yaml.v3", yaml, f"pkg:golang/gopkg.in/yaml.v3@{yaml}", 31, None, True),
        ("Go", "github.com/bytedance/sonic", "v1.10.2",
         "pkg:golang/github.com/bytedance/sonic@v1.10.2", 18, None, False),
        ("Go", "golang.org/x/sys", "v0.17.0",
         "pkg:golang/golang.org/x/sys@v0.17.0", 19, None, False),
        ("Go", "github.com/pelletier/go-toml/v2", "v2.1.1",
         "pkg:golang/github.com/pelletier/go-toml/v2@v2.1.1", 20, None, False),
    ]  # fmt: skip
    assert result.dependencies == ()
    assert result.warnings == (
        ScanWarning(
            "go/service/go.mod",
            "line 28: example.com/acme/shared v0.3.0: replaced by local directory ../shared"
            " (the project's own code, not inventoried)",
            Gap.NO_VERSION,
            28,
        ),
    )


def test_go_line_without_toolchain_and_quoted_paths() -> None:
    result = read('module m\n\ngo 1.21\n\nrequire "github.com/a/b" v1.0.0 // indirect\n')
    assert rows(result) == [
        ("Go", "stdlib", "1.21", "pkg:golang/stdlib@1.21", 3, None, None),
        ("Go", "github.com/a/b", "v1.0.0", "pkg:golang/github.com/a/b@v1.0.0", 5, None, False),
    ]


def test_version_specific_replace_wins_over_module_wide() -> None:
    text = (
        "module m\n"
        "require (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v2.0.0+incompatible\n)\n"
        "replace github.com/a/b => github.com/fork/b v1.0.9\n"
        "replace github.com/a/b v1.0.0 => github.com/fork/b v1.0.1\n"
        "replace github.com/c/d v9.9.9 => github.com/fork/d v9.9.10\n"
    )
    assert [(c.name, c.version, c.location and c.location.line) for c in read(text).components] == [
        ("github.com/fork/b", "v1.0.1", 7),
        ("github.com/c/d", "v2.0.0+incompatible", 4),
    ]


def test_non_canonical_version_is_unpinned_not_a_component() -> None:
    result = read("module m\nrequire github.com/a/b master\n")
    assert result.components == ()
    assert result.warnings == (
        ScanWarning(
            "go.mod", "line 2: github.com/a/b: 'master' is not a canonical version", Gap.UNPINNED, 2
        ),
    )


def test_directives_that_do_not_change_the_build_are_ignored() -> None:
    text = (
        "module m\ngo 1.23\ngodebug default=go1.21\ntool golang.org/x/tools/cmd/stringer\n"
        "exclude (\n\tgithub.com/a/b v1.0.0\n)\nretract [v1.0.0, v1.0.5]\nignore ./node_modules\n"
        "require ()\n"
    )
    assert [c.name for c in read(text).components] == ["stdlib"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("go1.21.3", "1.21.3"),
        ("1.21", "1.21"),
        ("go1.21rc2", "1.21.0-rc.2"),
        ("go1.20beta1", "1.20.0-beta.1"),
        ("go1.23.6-xyz", "1.23.6"),
        ("go1.23.1 X:nocoverageredesign", "1.23.1"),
        ("default", None),
    ],
)
def test_stdlib_versions_are_written_as_osv_writes_them(text: str, expected: str | None) -> None:
    assert stdlib_version(text) == expected


def test_stdlib_versions_compare_with_osv_ranges() -> None:
    """OSV's Go stdlib ranges are SEMVER without `v` (e.g. fixed "1.21.3")."""
    from garrison import versions

    parse = versions.SEMVER_ORDERING.parse
    assert parse(stdlib_version("go1.21.2") or "") < parse("1.21.3")
    assert parse(stdlib_version("1.21") or "") == parse("1.21.0")
    assert parse(stdlib_version("go1.21rc2") or "") < parse("1.21.0")


@pytest.mark.parametrize(
    "data",
    [
        b"module m\nrequire (\n\tgithub.com/a/b v1.0.0\n",  # truncated: block not closed
        b'{"module": "m", "require": []}',  # JSON: wrong shape
        b"- module\n- m\n",  # YAML list: wrong shape
        b"module m\nrequire github.com/a/b\n",  # no version
        b"module m\nreplace github.com/a/b v1.0.0 github.com/c/d v1.0.0\n",  # no arrow
        b"module m\nreplace github.com/a/b => github.com/c/d\n",  # module without version
        b"module m\ngo one.two\n",
        b"\x00\xff\xfe garbage",
    ],
)
def test_bad_input_is_a_reader_error(data: bytes) -> None:
    with pytest.raises(ReaderError, match=r"^go\.mod: "):
        go_mod.read(source("go.mod", data))


def test_empty_file_is_an_empty_result() -> None:
    assert read("") == ReadResult(())
    assert read("// nothing yet\n") == ReadResult(())


def test_truncated_copy_of_the_fixture() -> None:
    data = data_file("go", "service", "go.mod").data
    with pytest.raises(ReaderError, match="require block is not closed"):
        go_mod.read(source("go.mod", data[: data.index(b"golang.org/x/net")]))


# --- the shared samples ----------------------------------------------------------------


def sample_dir() -> Path:
    return shared_path("fixtures", "lockfiles", "language", "golang", "gomod")


def test_every_sample_reads_or_fails_cleanly() -> None:
    assert_samples_read_or_refused(
        go_mod.read,
        sample_dir(),
        lambda path: path.suffix != ".mod" or path.name.startswith("not-"),
    )


def test_sample_indirect_packages() -> None:
    result = go_mod.read(shared_file(sample_dir() / "indirect-packages.mod"))
    assert [(c.name, c.version, c.direct) for c in result.components] == [
        ("stdlib", "1.17", None),
        ("github.com/BurntSushi/toml", "v1.0.0", True),
        ("gopkg.in/yaml.v2", "v2.4.0", True),
        ("github.com/mattn/go-colorable", "v0.1.9", False),
        ("github.com/mattn/go-isatty", "v0.0.14", False),
        ("golang.org/x/sys", "v0.0.0-20210630005230-0f9fa26af87c", False),
    ]


TOML = ("github.com/BurntSushi/toml", "v1.0.0")
FORK = "example.com/fork/net"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("replace-one.mod", [(FORK, "v1.4.5")]),
        ("replace-mixed.mod", [(FORK, "v1.4.5"), ("golang.org/x/net", "v0.5.6")]),
        ("replace-no-version.mod", [(FORK, "v1.4.5")]),
        ("replace-different.mod", [("example.com/fork/foe", "v1.4.5"),
                                   ("example.com/fork/foe", "v1.4.2")]),
        ("replace-not-required.mod", [("golang.org/x/net", "v0.5.6"), TOML]),
        ("replace-local.mod", [TOML]),
        ("toolchain.mod", [("stdlib", "1.23.6"), TOML]),
        ("toolchain-with-suffix.mod", [("stdlib", "1.23.6"), TOML]),
        ("empty.mod", []),
    ],
)  # fmt: skip
def test_sample_replacements_and_toolchains(name: str, expected: list[tuple[str, str]]) -> None:
    result = go_mod.read(shared_file(sample_dir() / name))
    assert [(c.name, c.version) for c in result.components] == expected


def test_sample_that_is_not_a_go_mod() -> None:
    with pytest.raises(ReaderError, match="unknown directive 'this'"):
        go_mod.read(shared_file(sample_dir() / "not-go-mod.mod"))
