"""rpm's database of installed packages, in any of its three storage formats.

Paths: `var/lib/rpm/rpmdb.sqlite` and `usr/lib/sysimage/rpm/rpmdb.sqlite` (SQLite),
`.../Packages.db` (ndb), `.../Packages` (Berkeley DB hash); the format is told by content,
not by name. Each header blob gives a package: NAME, `[EPOCH:]VERSION-RELEASE`, ARCH,
LICENSE, and the source package (advisories' key) from SOURCERPM
(`openssl-3.0.7-27.el9.src.rpm` -> `openssl`). `gpg-pubkey` entries are imported signing
keys, not packages, and are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from garrison.inventory.os import rpmdb, rpmheader
from garrison.inventory.os.common import RPM, Installed, PackageList
from garrison.inventory.os.osrelease import OsInfo
from garrison.inventory.readers.base import ReaderError, ReadResult, SourceFile

NAME = "rpm"
MAX_BYTES = 1024 * 1024 * 1024
_NAMES = frozenset({"rpmdb.sqlite", "Packages.db", "Packages"})
_DIRECTORIES = (("var", "lib", "rpm"), ("usr", "lib", "sysimage", "rpm"))
_NOT_PACKAGES = frozenset({"gpg-pubkey"})
_READERS: dict[str, Callable[[bytes], tuple[rpmdb.Records, rpmdb.Problems]]] = {
    "sqlite": rpmdb.sqlite_blobs,
    "ndb": rpmdb.ndb_blobs,
    "bdb": rpmdb.bdb_blobs,
}


def matches(path: PurePosixPath) -> bool:
    """An rpm database file in `var/lib/rpm/` or `usr/lib/sysimage/rpm/`."""
    if path.name not in _NAMES:
        return False
    parent = path.parts[:-1]
    return any(parent[-len(directory) :] == directory for directory in _DIRECTORIES)


def read_rpm(source: SourceFile, os: OsInfo | None) -> ReadResult:
    """Every package of an rpm database (SQLite, ndb or Berkeley DB)."""
    kind = rpmdb.kind_of(source.data)
    if kind is None:
        what = "an empty file" if not source.data else "not an rpm database"
        raise ReaderError(f"{source.path}: {what} (neither SQLite, ndb nor Berkeley DB)")
    try:
        records, problems = _READERS[kind](source.data)
    except ReaderError as exc:
        raise ReaderError(f"{source.path}: {exc}") from None
    packages = PackageList(source, RPM, os)
    for problem in problems:
        packages.warn(problem)
    if kind == "sqlite":
        _check_wal(source, packages)
    failures = [_add(packages, index, blob) for index, blob in records]
    failed = [failure for failure in failures if failure]
    if (problems and not records) or (records and len(failed) == len(records)):
        first = problems[0] if problems else failed[0]
        raise ReaderError(f"{source.path}: no package could be read ({first})")
    return packages.result()


def _add(packages: PackageList, index: int, blob: bytes) -> str | None:
    """Add the package of one header blob; the problem, if it could not be read."""
    try:
        package = package_of(rpmheader.parse(blob))
    except ReaderError as exc:
        problem = f"package {index}: {exc}"
        packages.warn(f"{problem}; skipped")
        return problem
    if package is not None:
        packages.add(package)
    return None


def package_of(values: dict[int, str | int]) -> Installed | None:
    """The package a header describes; None for signing keys. A header without a name or
    version is a ReaderError."""
    name = rpmheader.text(values, rpmheader.NAME)
    version = rpmheader.text(values, rpmheader.VERSION)
    if not name or not version:
        raise ReaderError("header without NAME or VERSION")
    if name in _NOT_PACKAGES:
        return None
    release = rpmheader.text(values, rpmheader.RELEASE)
    epoch = rpmheader.number(values, rpmheader.EPOCH)
    licence = rpmheader.text(values, rpmheader.LICENSE)
    return Installed(
        name=name,
        version=f"{version}-{release}" if release else version,
        arch=rpmheader.text(values, rpmheader.ARCH),
        source_name=source_name(rpmheader.text(values, rpmheader.SOURCERPM)) or name,
        licenses=(licence,) if licence else (),
        epoch=str(epoch) if epoch is not None else None,
    )


def source_name(sourcerpm: str | None) -> str | None:
    """`openssl-3.0.7-27.el9.src.rpm` -> `openssl` (name-version-release.src.rpm)."""
    if not sourcerpm:
        return None
    stem = sourcerpm.removesuffix(".rpm")
    stem = stem.rpartition(".")[0] if stem.endswith((".src", ".nosrc")) else stem
    parts = stem.rsplit("-", 2)
    return parts[0] if len(parts) == 3 and parts[0] else None


def _check_wal(source: SourceFile, packages: PackageList) -> None:
    name = PurePosixPath(source.path).name
    wal = source.open_relative(f"{name}-wal")
    if wal:
        packages.warn(
            f"{name}-wal holds changes not yet written to the database; "
            "packages installed or removed most recently may be missing or still listed"
        )
