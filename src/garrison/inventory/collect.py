"""Build an Inventory from a directory tree or a single lockfile.

One walk (garrison.fs) feeds every reader; each file is read once, by the first reader that
claims it. A reader's failure is a warning naming the file; the walk goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from garrison.errors import GarrisonError
from garrison.fs import Entry, Walk, WalkedTree, read_file, read_head
from garrison.inventory.manifests import unknown_manifest_warnings
from garrison.inventory.readers import READERS
from garrison.inventory.readers.base import DEFAULT_MAX_BYTES, Reader, ReadResult, SourceFile
from garrison.model import Component, Gap, Inventory, ScanWarning


class Claimer:
    """Finds the first reader (in registry order) that claims a file.

    Readers whose `matches` is a NameMatcher are only asked about files with one of their
    names; the others are asked about every file. Content sniffers (binaries) are asked only
    about executable files no name identifies.
    """

    def __init__(self, readers: Sequence[Reader]) -> None:
        self._by_name: dict[str, list[tuple[int, Reader]]] = {}
        self._general: list[tuple[int, Reader]] = []
        for index, reader in enumerate(readers):
            names = getattr(reader.matches, "names", None)
            if names is None:
                self._general.append((index, reader))
            for name in names or ():
                self._by_name.setdefault(name, []).append((index, reader))
        self._sniffers = [r for r in readers if hasattr(r, "sniff")]

    def claim(self, rel: PurePosixPath) -> Reader | None:
        named = self._by_name.get(rel.name)
        candidates = sorted(named + self._general, key=_first) if named else self._general
        return next((reader for _, reader in candidates if reader.matches(rel)), None)

    def sniff(self, entry: Entry) -> Reader | None:
        if not self._sniffers or entry.rel.suffix not in _BINARY_SUFFIXES:
            return None
        try:
            if not entry.executable or entry.size < 64:
                return None
        except OSError:
            return None
        return self.sniff_head(read_head(entry.path, 8))

    def sniff_head(self, head: bytes) -> Reader | None:
        """The content-sniffing reader (binaries) that recognises these first bytes."""
        return next((r for r in self._sniffers if r.sniff(head)), None)


# Executables have no suffix on Unix; `.exe` on Windows. Only these are sniffed for a binary.
_BINARY_SUFFIXES = frozenset({"", ".exe", ".bin"})


def _first(candidate: tuple[int, Reader]) -> int:
    return candidate[0]


def claim(rel: PurePosixPath, readers: Sequence[Reader] = READERS) -> Reader | None:
    """The first reader whose cheap path test accepts the file."""
    return Claimer(readers).claim(rel)


class Assembler:
    """Turns per-file results into one Inventory with global, stable bom-refs."""

    def __init__(self) -> None:
        self.components: list[Component] = []
        self.dependencies: list[tuple[str, tuple[str, ...]]] = []
        self.warnings: list[ScanWarning] = []
        self._refs: set[str] = set()

    def add(self, path: str, result: ReadResult) -> None:
        local_to_global: dict[str, str] = {}
        for component in result.components:
            ref = self._unique(f"{_identity(component)}#{path}")
            if component.bom_ref is not None:
                local_to_global[component.bom_ref] = ref
            self.components.append(_with_ref(component, ref))
        for parent, children in result.dependencies:
            if parent in local_to_global:
                mapped = tuple(local_to_global[c] for c in children if c in local_to_global)
                self.dependencies.append((local_to_global[parent], mapped))
        self.warnings.extend(result.warnings)

    def _unique(self, ref: str) -> str:
        candidate, counter = ref, 1
        while candidate in self._refs:
            counter += 1
            candidate = f"{ref}~{counter}"
        self._refs.add(candidate)
        return candidate

    def inventory(self, target: str) -> Inventory:
        return Inventory(
            target, tuple(self.components), tuple(self.dependencies), tuple(self.warnings)
        )


def _with_ref(c: Component, ref: str) -> Component:
    """`replace(c, bom_ref=ref)`, without dataclasses.replace's introspection per call."""
    return Component(
        c.ecosystem, c.name, c.version, c.purl, c.location, c.licenses, ref, c.scope, c.direct,
        c.source_package,
    )  # fmt: skip


def _identity(component: Component) -> str:
    return component.purl or f"{component.ecosystem}:{component.name}@{component.version or ''}"


def read_entry(walk: Walk, entry: Entry, reader: Reader) -> ReadResult:
    """Read one claimed file; every failure becomes a warning naming the file."""
    rel = entry.rel.as_posix()
    limit = int(getattr(reader, "MAX_BYTES", DEFAULT_MAX_BYTES))
    try:
        if entry.size > limit:
            return _failed(
                rel, f"{entry.size} bytes, over the {limit} byte limit for {reader.NAME}"
            )
        data = read_file(entry.path, limit)
    except OSError as exc:
        return _failed(rel, f"cannot read: {exc.strerror or exc}")
    base_dir = os.path.dirname(os.path.join(walk.real_root, rel))
    source = SourceFile(rel, data, lambda other: walk.read_inside(base_dir, other, limit))
    return read_source(reader.NAME, reader.read, source)


def read_source(
    name: str, read: Callable[[SourceFile], ReadResult], source: SourceFile
) -> ReadResult:
    """Run one reader on one file; every failure becomes a warning naming the file."""
    try:
        return read(source)
    except GarrisonError as exc:
        return _failed(source.path, str(exc).removeprefix(f"{source.path}: "))
    except Exception as exc:  # a reader bug must not end the scan; the blind spot is reported
        return _failed(source.path, f"{name} reader failed unexpectedly ({type(exc).__name__})")


def _failed(rel: str, message: str) -> ReadResult:
    return ReadResult((), (), (ScanWarning(rel, message, Gap.READER_FAILED),))


def inventory_of_tree(
    root: Path,
    excludes: Sequence[str] = (),
    readers: Sequence[Reader] = READERS,
    tree: WalkedTree | None = None,
) -> Inventory:
    """Every component under a directory (walked here, or the scan's shared `tree`)."""
    tree = tree or WalkedTree.of(root, excludes)
    walk = tree.walk
    claimer = Claimer(readers)
    assembler = Assembler()
    unclaimed: list[PurePosixPath] = []
    claimed: list[PurePosixPath] = []
    for entry in tree.entries:
        reader = claimer.claim(entry.rel) or claimer.sniff(entry)
        if reader is None:
            unclaimed.append(entry.rel)
            continue
        claimed.append(entry.rel)
        assembler.add(entry.rel.as_posix(), read_entry(walk, entry, reader))
    assembler.warnings.extend(unknown_manifest_warnings(unclaimed, claimed))
    assembler.warnings.extend(walk.warnings)
    return assembler.inventory(str(root))


def inventory_of_lockfile(path: Path, readers: Sequence[Reader] = READERS) -> Inventory | None:
    """The components of one file a reader claims by name, or None if none does."""
    rel = PurePosixPath(path.name)
    reader = claim(rel, readers)
    if reader is None:
        return None
    walk = Walk(path.parent)
    entry = Entry(rel, str(path))
    assembler = Assembler()
    assembler.add(rel.as_posix(), read_entry(walk, entry, reader))
    return assembler.inventory(str(path))


def merge_warnings(inventory: Inventory, extra: Iterable[ScanWarning]) -> Inventory:
    return replace(inventory, warnings=inventory.warnings + tuple(extra))
