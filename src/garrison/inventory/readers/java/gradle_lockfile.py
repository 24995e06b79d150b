"""Gradle dependency lock state: `gradle.lockfile` (one per project, Gradle 6+), its
`buildscript-gradle.lockfile` / `settings-gradle.lockfile` siblings, and the older
per-configuration `gradle/dependency-locks/<configuration>.lockfile`.

Each `group:artifact:version=configuration,...` line is a component `group:artifact`
(direct None: the lock state does not say which are declared; no edges). The configurations
give the scope: all of them test ones (testCompileClasspath, integrationTestRuntimeClasspath,
...) -> "test"; all of them build-time only (annotationProcessor, kapt, developmentOnly,
buildscript classpath, ...; test ones allowed too) -> "dev"; otherwise None. `empty=` lists
the configurations that resolve to nothing; `#` lines are comments. Any other line is a
ReaderError, as it is for Gradle.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from garrison.inventory.readers.base import ReaderError, ReadResult, ResultBuilder, SourceFile

NAME = "gradle.lockfile"
ECOSYSTEM = "Maven"

_NAMES = frozenset({"gradle.lockfile", "buildscript-gradle.lockfile", "settings-gradle.lockfile"})
_BUILD_ONLY = ("annotationProcessor", "kapt", "ksp", "developmentOnly", "lintChecks")
_BUILDSCRIPT_NAMES = ("buildscript-gradle.lockfile", "settings-gradle.lockfile")


def matches(path: PurePosixPath) -> bool:
    """gradle.lockfile and its siblings, or a legacy gradle/dependency-locks/*.lockfile."""
    if path.name in _NAMES:
        return True
    return path.suffix == ".lockfile" and path.parent.parts[-2:] == ("gradle", "dependency-locks")


def read(source: SourceFile) -> ReadResult:
    """Every locked module with its scope (see the module docstring)."""
    path = PurePosixPath(source.path)
    # Legacy files hold one configuration, named by the file; buildscript ones hold plugins.
    legacy = "" if path.name in _NAMES else path.stem
    builder = ResultBuilder(source, ECOSYSTEM)
    for number, raw in enumerate(source.text().split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("empty="):
            continue
        coordinates, equals, configurations = line.partition("=")
        parts = coordinates.split(":")
        if len(parts) != 3 or not all(parts) or any(" " in part for part in parts):
            raise ReaderError(
                f"{source.path}: line {number}: not 'group:artifact:version': {raw!r}"
            )
        if equals and not configurations:
            raise ReaderError(f"{source.path}: line {number}: no configurations after '='")
        names = configurations.split(",") if equals else [legacy]
        if path.name in _BUILDSCRIPT_NAMES:
            names = ["classpath"]
        group, artifact, version = parts
        builder.add(f"{group}:{artifact}", version, line=number, scope=_scope(names))
    return builder.result()


def _scope(configurations: list[str]) -> str | None:
    """'test', 'dev' or None from the configurations a module is locked in."""
    kinds = {_kind(name.strip()) for name in configurations}
    if kinds == {"test"}:
        return "test"
    if kinds and kinds <= {"test", "dev"}:
        return "dev"
    return None


def _kind(configuration: str) -> str | None:
    if configuration.startswith("test") or "Test" in configuration:
        return "test"
    if configuration == "classpath" or configuration.startswith(_BUILD_ONLY):
        return "dev"
    return None
