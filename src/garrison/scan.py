"""The one orchestrator: target -> inventory -> scanners -> findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from garrison.errors import InputError
from garrison.inventory.collect import inventory_of_lockfile, inventory_of_tree
from garrison.model import Inventory, ScanResult
from garrison.perf import gc_paused
from garrison.sbom import read_sbom
from garrison.vulndb.match import AdvisorySource, match_components

SCANNERS = ("vuln",)


def inventory_of(target: Path, excludes: Sequence[str] = ()) -> Inventory:
    """Components of a target: a directory tree, one lockfile, or an SBOM document."""
    if target.is_dir():
        return inventory_of_tree(target, excludes)
    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    locked = inventory_of_lockfile(target)
    if locked is not None:
        return locked
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise InputError(f"{target}: cannot read: {exc.strerror or exc}") from None
    contents = read_sbom(data, str(target))
    return Inventory(str(target), contents.components, (), contents.warnings)


def check_scanners(names: Sequence[str]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in SCANNERS]
    if unknown:
        raise InputError(f"unknown scanner(s) {', '.join(unknown)}; known: {', '.join(SCANNERS)}")
    return tuple(dict.fromkeys(names))


def run_scan(
    target: Path,
    advisories: AdvisorySource,
    notes: tuple[str, ...] = (),
    excludes: Sequence[str] = (),
) -> ScanResult:
    with gc_paused():
        inventory = inventory_of(target, excludes)
        matched = match_components(inventory.components, advisories)
    return ScanResult(
        target=str(target),
        components=inventory.components,
        findings=matched.findings,
        warnings=inventory.warnings + matched.warnings,
        notes=notes,
    )
