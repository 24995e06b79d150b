"""Gradle lock state: gradle.lockfile, its buildscript sibling, legacy per-configuration files."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from garrison.inventory.readers.base import ReaderError, ReadResult
from garrison.inventory.readers.java import gradle_lockfile
from tests.conftest import shared_path
from tests.inventory.readers.helpers import data_file, rows, shared_file, source


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("gradle.lockfile", True),
        ("app/buildscript-gradle.lockfile", True),
        ("settings-gradle.lockfile", True),
        ("app/gradle/dependency-locks/compileClasspath.lockfile", True),
        ("app/locks/compileClasspath.lockfile", False),
        ("gradle.lockfile.orig", False),
    ],
)
def test_matches(path: str, claimed: bool) -> None:
    assert gradle_lockfile.matches(PurePosixPath(path)) is claimed


def test_configurations_give_the_scope() -> None:
    result = gradle_lockfile.read(data_file("java", "gradle-app", "gradle.lockfile"))
    m = "pkg:maven/"
    assert rows(result) == [
        ("Maven", "com.fasterxml.jackson.core:jackson-databind", "2.15.2",
         f"{m}com.fasterxml.jackson.core/jackson-databind@2.15.2", 4, None, None),
        ("Maven", "com.google.guava:guava", "32.1.2-jre",
         f"{m}com.google.guava/guava@32.1.2-jre", 5, None, None),
        ("Maven", "org.junit.jupiter:junit-jupiter-api", "5.9.3",
         f"{m}org.junit.jupiter/junit-jupiter-api@5.9.3", 6, "test", None),
        ("Maven", "org.mockito:mockito-core", "5.4.0",
         f"{m}org.mockito/mockito-core@5.4.0", 7, "test", None),
        ("Maven", "org.projectlombok:lombok", "1.18.28",
         f"{m}org.projectlombok/lombok@1.18.28", 8, "dev", None),
        ("Maven", "org.springframework.boot:spring-boot-devtools", "3.1.4",
         f"{m}org.springframework.boot/spring-boot-devtools@3.1.4", 9, "dev", None),
        ("Maven", "org.springframework.boot:spring-boot-configuration-processor", "3.1.4",
         f"{m}org.springframework.boot/spring-boot-configuration-processor@3.1.4", 10, None, None),
    ]  # fmt: skip
    assert result.warnings == ()
    assert result.dependencies == ()


def test_buildscript_lock_holds_build_plugins() -> None:
    result = gradle_lockfile.read(data_file("java", "gradle-app", "buildscript-gradle.lockfile"))
    assert [(c.name, c.version, c.scope) for c in result.components] == [
        ("com.github.spotbugs.snom:spotbugs-gradle-plugin", "5.1.3", "dev"),
        ("org.ow2.asm:asm", "9.5", "dev"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("testRuntimeClasspath.lockfile", [("junit:junit", "4.13.2", 4, "test"),
                                           ("org.hamcrest:hamcrest-core", "1.3", 5, "test")]),
        ("runtimeClasspath.lockfile", [("org.slf4j:slf4j-api", "1.7.36", 2, None)]),
    ],
)  # fmt: skip
def test_legacy_lockfiles_are_named_by_their_configuration(
    name: str, expected: list[tuple[str, str, int, str | None]]
) -> None:
    path = ("java", "gradle-legacy", "gradle", "dependency-locks", name)
    result = gradle_lockfile.read(data_file(*path))
    assert [(n, v, line, scope) for _, n, v, _, line, scope, _ in rows(result)] == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\xff\xfe garbage", "gradle.lockfile: not UTF-8 text (byte 1)"),
        ("a:b:1=runtimeClasspath\n>>>\n",
         "gradle.lockfile: line 2: not 'group:artifact:version': '>>>'"),
        ("a:b=runtimeClasspath\n", "gradle.lockfile: line 1: not 'group:artifact:version'"),
        ("a:b:c:d=runtimeClasspath\n", "gradle.lockfile: line 1: not 'group:artifact:version'"),
        ("a::1=runtimeClasspath\n", "gradle.lockfile: line 1: not 'group:artifact:version'"),
        ("a:b:1=\n", "gradle.lockfile: line 1: no configurations after '='"),
        ('{"a": "json object"}', "gradle.lockfile: line 1: not 'group:artifact:version'"),
    ],
)  # fmt: skip
def test_junk_is_a_reader_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        gradle_lockfile.read(source("gradle.lockfile", data))
    assert str(caught.value).startswith(reason)


def test_empty_and_truncated_files() -> None:
    assert gradle_lockfile.read(source("gradle.lockfile", b"")) == ReadResult(())
    whole = data_file("java", "gradle-app", "gradle.lockfile").data.decode()
    cut = whole.index("guava") + 3  # mid-line: 'com.google.gua'
    with pytest.raises(ReaderError, match=r"^gradle.lockfile: line 5: not 'group:artifact"):
        gradle_lockfile.read(source("gradle.lockfile", whole[:cut]))
    cut = whole.index("=compileClasspath,runtimeClasspath\n") + 10  # mid-configurations
    result = gradle_lockfile.read(source("gradle.lockfile", whole[:cut]))
    assert [c.name for c in result.components][-1] == "com.google.guava:guava"


# --- the shared samples (another scanner's test data) ------------------------------------

SAMPLES = ("fixtures", "lockfiles", "language", "java", "gradlelockfile")


def test_every_shared_sample_reads_or_is_a_reader_error() -> None:
    for path in sorted(shared_path(*SAMPLES).rglob("*")):
        if path.is_file():
            try:
                assert isinstance(gradle_lockfile.read(shared_file(path)), ReadResult)
            except ReaderError:
                assert "bad" in path.name, path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("only-comments", []),
        ("only-empty", []),
        ("one-pkg", [("org.springframework.security:spring-security-crypto", "5.7.3", 4, None)]),
        ("5-pkg", [
            ("org.springframework.boot:spring-boot-autoconfigure", "2.7.4", 5, None),
            ("org.springframework.boot:spring-boot-configuration-processor", "2.7.5", 6, None),
            ("org.springframework.boot:spring-boot-devtools", "2.7.6", 7, None),
            ("org.springframework.boot:spring-boot-starter-aop", "2.7.7", 8, None),
            ("org.springframework.boot:spring-boot-starter-data-jpa", "2.7.8", 9, None),
        ]),
    ],
)  # fmt: skip
def test_shared_samples(name: str, expected: list[tuple[str, str, int, str | None]]) -> None:
    result = gradle_lockfile.read(shared_file(shared_path(*SAMPLES, name)))
    assert [(n, v, line, scope) for _, n, v, _, line, scope, _ in rows(result)] == expected
    assert result.warnings == ()


def test_shared_sample_with_bad_lines_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match=r"^with-bad-pkg: line 3: not 'group:artifact:version'"):
        gradle_lockfile.read(shared_file(shared_path(*SAMPLES, "with-bad-pkg")))
