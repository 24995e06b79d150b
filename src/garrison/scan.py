"""The one orchestrator: target -> inventory -> scanners -> findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from garrison.errors import InputError
from garrison.model import Component, ScanResult, ScanWarning
from garrison.perf import gc_paused
from garrison.sbom import read_sbom
from garrison.vulndb.match import AdvisorySource, match_components

SCANNERS = ("vuln",)


@dataclass(frozen=True, slots=True)
class Inventory:
    components: tuple[Component, ...]
    warnings: tuple[ScanWarning, ...]


def inventory_of(target: Path) -> Inventory:
    """Components of a target. Today: a CycloneDX or SPDX JSON SBOM file."""
    if target.is_dir():
        raise InputError(
            f"{target}: is a directory; give an SBOM file (CycloneDX 1.4-1.6 or SPDX 2.3 JSON)"
        )
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{target}: no such file") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot read: {exc.strerror or exc}") from None
    contents = read_sbom(data, str(target))
    return Inventory(contents.components, contents.warnings)


def check_scanners(names: Sequence[str]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in SCANNERS]
    if unknown:
        raise InputError(f"unknown scanner(s) {', '.join(unknown)}; known: {', '.join(SCANNERS)}")
    return tuple(dict.fromkeys(names))


def run_scan(target: Path, advisories: AdvisorySource, notes: tuple[str, ...] = ()) -> ScanResult:
    with gc_paused():
        inventory = inventory_of(target)
        matched = match_components(inventory.components, advisories)
    return ScanResult(
        target=str(target),
        components=inventory.components,
        findings=matched.findings,
        warnings=inventory.warnings + matched.warnings,
        notes=notes,
    )
