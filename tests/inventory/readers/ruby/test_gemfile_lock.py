"""Gemfile.lock: GEM/GIT/PATH specs, platforms, DEPENDENCIES, edges, BUNDLED WITH."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.ruby import gemfile_lock
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
    return gemfile_lock.read(source("Gemfile.lock", text))


def test_matches() -> None:
    assert gemfile_lock.matches(PurePosixPath("app/Gemfile.lock"))
    assert gemfile_lock.matches(PurePosixPath("gems.locked"))
    assert not gemfile_lock.matches(PurePosixPath("Gemfile"))


def test_rails_app() -> None:
    result = gemfile_lock.read(data_file("ruby", "rails-app", "Gemfile.lock"))
    assert rows(result) == [
        ("RubyGems", "sprockets-rails", "3.4.2", "pkg:gem/sprockets-rails@3.4.2", 6, None, True),
        ("RubyGems", "billing", "0.1.0", "pkg:gem/billing@0.1.0", 13, None, True),
        ("RubyGems", "actionpack", "7.1.3", "pkg:gem/actionpack@7.1.3", 19, None, False),
        ("RubyGems", "nokogiri", "1.16.2", "pkg:gem/nokogiri@1.16.2", 22, None, False),
        ("RubyGems", "racc", "1.7.3", "pkg:gem/racc@1.7.3", 26, None, False),
        ("RubyGems", "rack", "3.0.9", "pkg:gem/rack@3.0.9", 27, None, False),
        ("RubyGems", "rails", "7.1.3", "pkg:gem/rails@7.1.3", 28, None, True),
        ("RubyGems", "sprockets", "4.2.1", "pkg:gem/sprockets@4.2.1", 30, None, False),
        ("RubyGems", "concurrent-ruby", "1.2.3", "pkg:gem/concurrent-ruby@1.2.3", 33, None, False),
        ("RubyGems", "bundler", "2.5.6", "pkg:gem/bundler@2.5.6", 48, None, None),
    ]
    assert result.dependencies == (
        ("sprockets-rails@3.4.2", ("actionpack@7.1.3", "sprockets@4.2.1")),
        ("billing@0.1.0", ("rails@7.1.3",)),
        ("actionpack@7.1.3", ("nokogiri@1.16.2", "rack@3.0.9")),
        ("nokogiri@1.16.2", ("racc@1.7.3",)),
        ("rails@7.1.3", ("actionpack@7.1.3",)),
        ("sprockets@4.2.1", ("concurrent-ruby@1.2.3", "rack@3.0.9")),
    )
    assert result.warnings == (
        ScanWarning(
            "ruby/rails-app/Gemfile.lock",
            "line 6: sprockets-rails 3.4.2: from git https://github.com/rails/sprockets-rails.git"
            "@2a2ba4f1d5e3c8a1b4e7c6d9f0a1b2c3d4e5f607 (not a registry release)",
            Gap.UNPINNED,
            6,
        ),
    )


def test_without_dependencies_section_direct_is_unknown() -> None:
    result = read("GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.1.0)\n")
    assert rows(result) == [("RubyGems", "rake", "13.1.0", "pkg:gem/rake@13.1.0", 4, None, None)]


def test_windows_line_endings_and_checksums_section() -> None:
    text = (
        "GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rake (13.1.0)\r\n\r\n"
        "DEPENDENCIES\r\n  rake\r\n\r\n"
        "CHECKSUMS\r\n  rake (13.1.0) sha256=46cb38dae65d7d74b6020a4ac9d48afed8eb8149c0\r\n"
    )
    assert rows(read(text)) == [
        ("RubyGems", "rake", "13.1.0", "pkg:gem/rake@13.1.0", 4, None, True)
    ]


def test_spec_without_version_is_no_version() -> None:
    result = read("GEM\n  specs:\n    mystery\n")
    assert rows(result) == [("RubyGems", "mystery", None, "pkg:gem/mystery", 3, None, None)]
    assert [w.gap for w in result.warnings] == [Gap.NO_VERSION]


def test_empty_file_is_an_empty_result() -> None:
    assert read("") == ReadResult(())
    assert read("\n\n") == ReadResult(())


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff\xfe garbage",
        b'{"GEM": {"specs": []}}',  # JSON: wrong shape
        b"- GEM\n- specs\n",  # YAML list: wrong shape
        b"just a string",
        b"GEM\n  specs:\n    rack (3.0",  # truncated inside an entry
        b"GEM\n  specs:\n        rack (3.0.9)\n",  # indentation no lockfile has
        b"GEM\n  specs:\n    rack (3.0.9) extra\n",
        b"GEM\n\tspecs:\n",
    ],
)
def test_bad_input_is_a_reader_error(data: bytes) -> None:
    with pytest.raises(ReaderError, match=r"^Gemfile\.lock: "):
        gemfile_lock.read(source("Gemfile.lock", data))


def test_truncated_copy_of_the_fixture() -> None:
    data = data_file("ruby", "rails-app", "Gemfile.lock").data
    with pytest.raises(ReaderError, match="line 22: not a gem entry"):
        gemfile_lock.read(source("Gemfile.lock", data[: data.index(b"1.16.2-arm64") + 4]))


def test_large_lockfile_is_read_whole() -> None:
    specs = "".join(f"    gem{n} (1.{n}.0)\n      gem{n + 1} (~> 1.0)\n" for n in range(20000))
    deps = "".join(f"  gem{n}\n" for n in range(0, 20000, 10))
    result = read(f"GEM\n  remote: https://rubygems.org/\n  specs:\n{specs}\nDEPENDENCIES\n{deps}")
    assert len(result.components) == 20000
    assert sum(bool(c.direct) for c in result.components) == 2000


# --- the shared samples ----------------------------------------------------------------


def sample_dir() -> Path:
    return shared_path("fixtures", "lockfiles", "language", "ruby", "gemfilelock")


def test_every_sample_reads_or_fails_cleanly() -> None:
    assert_samples_read_or_refused(
        gemfile_lock.read, sample_dir(), lambda path: path.name.startswith(("not-", "invalid"))
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("one-gem.lock", [("ast", "2.4.2", 4, True), ("bundler", "2.2.28", 16, None)]),
        ("no-gems.lock", [("bundler", "2.2.28", 14, None)]),
        ("no-spec-section.lock", [("bundler", "2.2.28", 13, None)]),
        ("source-section-at-end.lock", [("ast", "2.4.2", 16, True),
                                        ("bundler", "2.2.28", 11, None)]),
        ("some-gems.lock", [
            ("coderay", "1.1.3", 4, False),
            ("method_source", "1.0.0", 5, False),
            ("pry", "0.14.1", 6, True),
            ("bundler", "2.2.28", 20, None),
        ]),
    ],
)  # fmt: skip
def test_samples(name: str, expected: list[tuple[str, str, int, bool | None]]) -> None:
    result = gemfile_lock.read(shared_file(sample_dir() / name))
    assert [
        (c.name, c.version, c.location and c.location.line, c.direct) for c in result.components
    ] == expected


def test_sample_git_gems() -> None:
    result = gemfile_lock.read(shared_file(sample_dir() / "has-git-gem.lock"))
    assert [(c.name, c.version, c.direct) for c in result.components] == [
        ("hanami-controller", "2.0.0.alpha1", False),
        ("hanami-utils", "2.0.0.alpha1", True),
        ("concurrent-ruby", "1.1.7", False),
        ("rack", "2.2.3", False),
        ("transproc", "1.1.1", False),
        ("bundler", "2.2.28", None),
    ]
    assert [(w.gap, w.line) for w in result.warnings] == [(Gap.UNPINNED, 6), (Gap.UNPINNED, 15)]
    assert result.dependencies == (
        ("hanami-controller@2.0.0.alpha1", ("hanami-utils@2.0.0.alpha1", "rack@2.2.3")),
        ("hanami-utils@2.0.0.alpha1", ("concurrent-ruby@1.1.7", "transproc@1.1.1")),
    )


def test_sample_local_gem_and_platform_version() -> None:
    result = gemfile_lock.read(shared_file(sample_dir() / "has-local-gem.lock"))
    versions = {c.name: (c.version, c.direct) for c in result.components}
    assert versions["backbone-on-rails"] == ("1.2.0.0", True)
    assert versions["nokogiri"] == ("1.13.3", False)
    assert len(result.components) == 31
    assert result.warnings == ()
