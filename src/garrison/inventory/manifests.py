"""Files that look like dependency manifests but that no reader understands (pure logic).

Each is reported (Gap.UNKNOWN_MANIFEST) unless a lockfile a reader did read sits beside it,
so a project whose only record is, say, a bare `pyproject.toml` is never reported as clean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from garrison.model import Gap, ScanWarning

# manifest name -> lockfile names that, read beside it, make it redundant
COVERED_BY: dict[str, frozenset[str]] = {
    "package.json": frozenset(
        {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"}
    ),
    "pyproject.toml": frozenset({"poetry.lock", "uv.lock", "pdm.lock", "pylock.toml"}),
    "Pipfile": frozenset({"Pipfile.lock"}),
    "setup.py": frozenset(),
    "setup.cfg": frozenset(),
    "environment.yml": frozenset(),
    "Cargo.toml": frozenset({"Cargo.lock"}),
    "Gemfile": frozenset({"Gemfile.lock"}),
    "composer.json": frozenset({"composer.lock"}),
    "build.gradle": frozenset({"gradle.lockfile"}),
    "build.gradle.kts": frozenset({"gradle.lockfile"}),
    "pubspec.yaml": frozenset({"pubspec.lock"}),
    "mix.exs": frozenset({"mix.lock"}),
    "go.sum": frozenset({"go.mod"}),
    "bun.lockb": frozenset({"bun.lock"}),
    "Podfile": frozenset(),
    "Podfile.lock": frozenset(),
    "Package.resolved": frozenset(),
    "conanfile.txt": frozenset(),
    "conan.lock": frozenset(),
    "packages.config": frozenset(),
    "paket.lock": frozenset(),
    "deno.json": frozenset(),
    "deno.lock": frozenset(),
    "renv.lock": frozenset(),
    "stack.yaml.lock": frozenset(),
    "cabal.project.freeze": frozenset(),
    "Manifest.toml": frozenset(),
    "cpanfile.snapshot": frozenset(),
    "gleam.toml": frozenset(),
}


def unknown_manifest_warnings(
    unclaimed: Iterable[PurePosixPath], claimed: Iterable[PurePosixPath]
) -> list[ScanWarning]:
    read_here: dict[PurePosixPath, set[str]] = defaultdict(set)
    for path in claimed:
        read_here[path.parent].add(path.name)
    warnings = []
    for path in unclaimed:
        covering = COVERED_BY.get(path.name)
        if covering is None or covering & read_here[path.parent]:
            continue
        warnings.append(
            ScanWarning(
                path.as_posix(),
                "looks like a dependency manifest, but no reader understands it "
                "(no lockfile beside it); its dependencies are not inventoried",
                Gap.UNKNOWN_MANIFEST,
            )
        )
    return warnings
