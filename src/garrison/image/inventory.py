"""An image or a root filesystem as an Inventory (with ImageFacts and end-of-life findings).

Only the files some reader wants are read: lockfiles and installed-package metadata (the
inventory readers), OS detection files and package databases, and executables whose first
bytes a binary reader recognises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath

from garrison.fs import Walk, read_file
from garrison.image.facts import GoldenImage, match_base
from garrison.image.layers import walk_image
from garrison.image.model import Image, ImageFile
from garrison.inventory.collect import Assembler, Claimer, read_entry, read_source
from garrison.inventory.readers import READERS
from garrison.inventory.readers.base import Reader, SourceFile
from garrison.inventory.system import MAX_OS_FILE_BYTES, SystemFiles
from garrison.model import ImageFacts, Inventory, ScanWarning


def inventory_of_image(
    image: Image,
    *,
    today: date,
    golden: Sequence[GoldenImage] = (),
    readers: Sequence[Reader] = READERS,
) -> Inventory:
    """Every package in the image's merged filesystem; the image is cleaned up afterwards."""
    claimer = Claimer(readers)
    system = SystemFiles()
    assembler = Assembler()

    def select(path: PurePosixPath, executable: bool, head: bytes, size: int) -> bool:
        if system.wants(path) or claimer.claim(path) is not None:
            return True
        return executable and path.suffix in ("", ".exe") and claimer.sniff_head(head) is not None

    try:
        for item in walk_image(image, select):
            if isinstance(item, ScanWarning):
                assembler.warnings.append(item)
            else:
                _take(item, claimer, system, assembler)
    finally:
        image.cleanup()
    findings = system.finish(assembler, today)
    facts = match_base(image.facts, golden)
    return replace(assembler.inventory(facts.reference), image=facts, findings=findings)


def _take(item: ImageFile, claimer: Claimer, system: SystemFiles, assembler: Assembler) -> None:
    if system.wants(item.path):
        system.add(item.path, item.data)
        return
    reader = claimer.claim(item.path) or claimer.sniff_head(item.data[:8])
    if reader is not None:
        source = SourceFile(item.path.as_posix(), item.data)
        assembler.add(source.path, read_source(reader.NAME, reader.read, source))


# Kernel and runtime file systems of a live root: nothing installed lives there.
VIRTUAL_DIRS = frozenset({"proc", "sys", "dev", "run", "tmp"})


def inventory_of_rootfs(
    root: Path, *, today: date, excludes: Sequence[str] = (), readers: Sequence[Reader] = READERS
) -> Inventory:
    """A VM's or server's root filesystem mounted at `root`: OS and language packages."""
    walk = Walk(root, excludes, skip_top=VIRTUAL_DIRS)
    claimer = Claimer(readers)
    system = SystemFiles()
    assembler = Assembler()
    for entry in walk.files():
        if system.wants(entry.rel):
            try:
                system.add(entry.rel, read_file(entry.path, MAX_OS_FILE_BYTES))
            except OSError as exc:
                assembler.warnings.append(ScanWarning(str(entry.rel), f"cannot read: {exc}"))
            continue
        reader = claimer.claim(entry.rel) or claimer.sniff(entry)
        if reader is not None:
            assembler.add(entry.rel.as_posix(), read_entry(walk, entry, reader))
    assembler.warnings.extend(walk.warnings)
    findings = system.finish(assembler, today)
    facts = ImageFacts(str(root), None, None, None, None, "linux", None, ())
    return replace(assembler.inventory(str(root)), image=facts, findings=findings)
