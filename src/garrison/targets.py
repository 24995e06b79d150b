"""What a scan target is, and how to get its Inventory (the one place that decides).

A target is, in this order: a `--rootfs` directory; an OCI image layout directory; any other
directory (a source tree); a file a lockfile reader claims; an image archive (`docker save`
or `oci-archive`); an SBOM document; or, when no such path exists, a registry reference.
"""

from __future__ import annotations

import tarfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from garrison.errors import InputError
from garrison.fs import WalkedTree
from garrison.image.facts import GoldenImage
from garrison.inventory.collect import inventory_of_lockfile, inventory_of_tree
from garrison.model import Inventory
from garrison.sbom import read_sbom


@dataclass(frozen=True)
class TargetOptions:
    excludes: Sequence[str] = ()
    rootfs: bool = False
    platform: str | None = None
    insecure: bool = False
    username: str | None = None
    password: str | None = None
    golden: Sequence[GoldenImage] = ()
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    notes: list[str] = field(default_factory=list)


def inventory_of(
    target: str | Path, options: TargetOptions | None = None, tree: WalkedTree | None = None
) -> Inventory:
    """Components of a target (see the module docstring for how the kind is decided); a
    directory already walked for the scan is passed as `tree` and not walked again."""
    options = options or TargetOptions()
    path = Path(target)
    if options.rootfs:
        return _rootfs(path, options)
    if path.is_dir():
        if (path / "oci-layout").is_file():
            return _archive(path, options)
        return inventory_of_tree(path, options.excludes, tree=tree)
    if path.exists():
        return _file(path, options)
    return _reference(str(target), options)


def _rootfs(path: Path, options: TargetOptions) -> Inventory:
    from garrison.image.inventory import inventory_of_rootfs

    if not path.is_dir():
        raise InputError(f"{path}: --rootfs needs a directory (a mounted root filesystem)")
    return inventory_of_rootfs(path, today=options.today, excludes=options.excludes)


def _file(path: Path, options: TargetOptions) -> Inventory:
    locked = inventory_of_lockfile(path)
    if locked is not None:
        return locked
    if tarfile.is_tarfile(path):
        return _archive(path, options)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    contents = read_sbom(data, str(path))
    return Inventory(str(path), contents.components, (), contents.warnings)


def _archive(path: Path, options: TargetOptions) -> Inventory:
    from garrison.image.inventory import inventory_of_image
    from garrison.image.sources import open_image

    image = open_image(path, options.platform)
    return inventory_of_image(image, today=options.today, golden=options.golden)


def _reference(text: str, options: TargetOptions) -> Inventory:
    from garrison.image.inventory import inventory_of_image
    from garrison.image.pull import pull
    from garrison.image.reference import looks_like_reference

    if not looks_like_reference(text):
        raise InputError(f"{text}: no such file or directory, and not an image reference")
    image = pull(
        text,
        platform=options.platform,
        insecure=options.insecure,
        username=options.username,
        password=options.password,
        notes=options.notes,
    )
    return inventory_of_image(image, today=options.today, golden=options.golden)
