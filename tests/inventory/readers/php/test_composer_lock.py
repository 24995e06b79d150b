"""composer.lock: packages and packages-dev, versions, licences, edges, direct flags."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.php import composer_lock
from garrison.model import Gap, ScanWarning
from tests.conftest import shared_path
from tests.inventory.readers.helpers import (
    assert_samples_read_or_refused,
    data_file,
    rows,
    shared_file,
    source,
)


def lock(packages: list[dict[str, Any]], dev: list[dict[str, Any]] | None = None) -> str:
    return json.dumps({"packages": packages, "packages-dev": dev or []}, indent=4)


def test_matches() -> None:
    assert composer_lock.matches(PurePosixPath("web/composer.lock"))
    assert not composer_lock.matches(PurePosixPath("web/composer.json"))


def test_symfony_app() -> None:
    result = composer_lock.read(data_file("php", "symfony-app", "composer.lock"))
    assert rows(result) == [
        ("Packagist", "monolog/monolog", "3.5.0", "pkg:composer/monolog/monolog@3.5.0",
         22, None, True),
        ("Packagist", "psr/log", "3.0.0", "pkg:composer/psr/log@3.0.0", 43, None, False),
        ("Packagist", "symfony/console", "6.4.3", "pkg:composer/symfony/console@6.4.3",
         52, None, True),
        ("Packagist", "symfony/polyfill-mbstring", "1.29.0",
         "pkg:composer/symfony/polyfill-mbstring@1.29.0", 65, None, False),
        ("Packagist", "phpunit/phpunit", "10.5.10", "pkg:composer/phpunit/phpunit@10.5.10",
         81, "dev", True),
        ("Packagist", "sebastian/diff", "5.1.0", "pkg:composer/sebastian/diff@5.1.0",
         94, "dev", False),
    ]  # fmt: skip
    assert [c.licenses for c in result.components] == [("MIT",)] * 4 + [("BSD-3-Clause",)] * 2
    assert result.dependencies == (
        ("monolog/monolog@3.5.0", ("psr/log@3.0.0",)),
        # psr/log-implementation is provided by monolog/monolog
        ("symfony/console@6.4.3", ("symfony/polyfill-mbstring@1.29.0", "monolog/monolog@3.5.0")),
        ("phpunit/phpunit@10.5.10", ("sebastian/diff@5.1.0",)),
    )
    assert result.warnings == (
        ScanWarning(
            "php/symfony-app/composer.lock",
            "line 9: acme/internal-tools: branch dev-main at commit"
            " 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432 is not a release",
            Gap.UNPINNED,
            9,
        ),
    )


def test_without_composer_json_direct_is_unknown() -> None:
    text = lock([{"name": "psr/log", "version": "v3.0.0"}], [{"name": "a/b", "version": "1.0"}])
    result = composer_lock.read(source("composer.lock", text))
    assert rows(result) == [
        ("Packagist", "psr/log", "3.0.0", "pkg:composer/psr/log@3.0.0", 4, None, None),
        ("Packagist", "a/b", "1.0", "pkg:composer/a/b@1.0", 10, "dev", None),
    ]


def test_unreadable_composer_json_leaves_direct_unknown() -> None:
    text = lock([{"name": "psr/log", "version": "3.0.0"}])
    for manifest in ("{not json", "[]", b"\xff\xfe"):
        result = composer_lock.read(source("composer.lock", text, {"composer.json": manifest}))
        assert [c.direct for c in result.components] == [None]


def test_a_package_replaced_by_another_leads_to_it() -> None:
    text = lock(
        [
            {"name": "drupal/core", "version": "10.2.3", "replace": {"drupal/core-utility": "*"}},
            {"name": "drupal/tfa", "version": "1.5.0", "require": {"drupal/core-utility": "^10"}},
        ]
    )
    result = composer_lock.read(source("composer.lock", text))
    assert result.dependencies == (("drupal/tfa@1.5.0", ("drupal/core@10.2.3",)),)


@pytest.mark.parametrize("version", ["dev-master", "2.x-dev", "3.0.0-DEV"])
def test_branches_are_unpinned_warnings(version: str) -> None:
    text = lock([{"name": "a/b", "version": version, "dist": {"reference": "abc123"}}])
    result = composer_lock.read(source("composer.lock", text))
    assert result.components == ()
    assert result.warnings == (
        ScanWarning(
            "composer.lock",
            f"line 4: a/b: branch {version} at commit abc123 is not a release",
            Gap.UNPINNED,
            4,
        ),
    )


def test_empty_files() -> None:
    assert composer_lock.read(source("composer.lock", "")) == ReadResult(())
    assert composer_lock.read(source("composer.lock", "{}")) == ReadResult(())


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff\xfe garbage",
        b'{"packages": [{"name": "a/b", "version": "1.0"',  # truncated
        b"[]",
        b'"composer.lock"',
        b"null",
        b'{"packages": {}}',
        b'{"packages": ["a/b"]}',
        b'{"packages": [{"name": 3, "version": "1.0"}]}',
        b'{"packages": [{"name": "a/b"}]}',
        b'{"packages": [{"name": "a/b", "version": "1.0", "license": 3}]}',
        b'{"packages": [], "packages": []}',  # duplicate key
    ],
)
def test_bad_input_is_a_reader_error(data: bytes) -> None:
    with pytest.raises(ReaderError, match=r"^composer\.lock: "):
        composer_lock.read(source("composer.lock", data))


def test_truncated_copy_of_the_fixture() -> None:
    data = data_file("php", "symfony-app", "composer.lock").data
    with pytest.raises(ReaderError, match="invalid JSON"):
        composer_lock.read(source("composer.lock", data[: len(data) // 2]))


def test_large_lockfile_is_read_whole() -> None:
    packages = [
        {
            "name": f"vendor/pkg{n}",
            "version": f"v1.{n}.0",
            "require": {"php": ">=8.1", f"vendor/pkg{n + 1}": "^1.0"},
            "license": ["MIT"],
            "authors": [{"name": "Someone", "email": "someone@example.com"}],
        }
        for n in range(10000)
    ]
    text = lock(packages)
    result = composer_lock.read(source("composer.lock", text))
    assert len(result.components) == 10000
    last = result.components[-1]
    assert last.location is not None
    assert last.location.line is not None
    assert text.splitlines()[last.location.line - 1].strip() == '"name": "vendor/pkg9999",'


# --- the shared samples ----------------------------------------------------------------


def sample_dir() -> Path:
    return shared_path("fixtures", "lockfiles", "language", "php", "composerlock")


def test_every_sample_reads_or_fails_cleanly() -> None:
    assert_samples_read_or_refused(
        composer_lock.read, sample_dir(), lambda path: path.name.startswith(("not-", "null"))
    )


def test_sample_drupal() -> None:
    result = composer_lock.read(shared_file(sample_dir() / "drupal-packages.json"))
    assert [(c.name, c.version, c.scope, c.licenses) for c in result.components] == [
        ("drupal/core", "10.4.5", None, ("GPL-2.0-or-later",)),
        ("drupal/tfa", "2.0.0-alpha4", None, ("GPL-2.0-or-later",)),
        ("theseer/tokenizer", "1.1.3", None, ("BSD-3-Clause",)),
        ("drupal/field_time", "1.0.0-beta5", "dev", ("GPL-2.0-or-later",)),
    ]
    assert result.dependencies == (
        ("drupal/tfa@2.0.0-alpha4", ("drupal/core@10.4.5",)),
        ("drupal/field_time@1.0.0-beta5", ("drupal/core@10.4.5",)),
    )


def test_sample_duplicates_and_dev_branch() -> None:
    result = composer_lock.read(shared_file(sample_dir() / "duplicate-packages.json"))
    assert [(c.name, c.version, c.location and c.location.line) for c in result.components] == [
        ("sentry/sdk", "2.0.4", 10),
        ("sentry/sdk", "2.0.5", 17),
    ]
    assert [(w.gap, w.line) for w in result.warnings] == [(Gap.UNPINNED, 26)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("one-package.json", [("sentry/sdk", "2.0.4", None)]),
        ("one-package-dev.json", [("sentry/sdk", "2.0.4", "dev")]),
        ("two-packages.json", [("sentry/sdk", "2.0.4", None),
                               ("theseer/tokenizer", "1.1.3", "dev")]),
        ("empty.json", []),
    ],
)  # fmt: skip
def test_samples(name: str, expected: list[tuple[str, str, str | None]]) -> None:
    result = composer_lock.read(shared_file(sample_dir() / name))
    assert [(c.name, c.version, c.scope) for c in result.components] == expected
