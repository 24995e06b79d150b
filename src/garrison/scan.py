"""The one orchestrator: target -> inventory -> scanners -> findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from garrison.errors import InputError
from garrison.model import ScanResult
from garrison.perf import gc_paused
from garrison.targets import TargetOptions, inventory_of
from garrison.vulndb.match import AdvisorySource, match_components

SCANNERS = ("vuln",)


def check_scanners(names: Sequence[str]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in SCANNERS]
    if unknown:
        raise InputError(f"unknown scanner(s) {', '.join(unknown)}; known: {', '.join(SCANNERS)}")
    return tuple(dict.fromkeys(names))


def run_scan(
    target: str | Path,
    advisories: AdvisorySource,
    notes: tuple[str, ...] = (),
    options: TargetOptions | None = None,
) -> ScanResult:
    with gc_paused():
        inventory = inventory_of(target, options)
        matched = match_components(inventory.components, advisories)
    return ScanResult(
        target=inventory.target,
        components=inventory.components,
        findings=inventory.findings + matched.findings,
        warnings=inventory.warnings + matched.warnings,
        notes=notes,
        image=inventory.image,
    )
