"""The one orchestrator: target -> inventory -> scanners -> findings.

Scanners: "vuln" (the target's components against the vulnerability database) and
"misconfig" (IaC checks over a directory or a single IaC file; needs no database).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from garrison.errors import InputError
from garrison.fs import WalkedTree
from garrison.model import Finding, Inventory, ScanResult, ScanWarning
from garrison.perf import gc_paused
from garrison.targets import TargetOptions, inventory_of
from garrison.vulndb.match import AdvisorySource, match_components

SCANNERS = ("vuln", "misconfig")


def check_scanners(names: Sequence[str]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in SCANNERS]
    if unknown:
        raise InputError(f"unknown scanner(s) {', '.join(unknown)}; known: {', '.join(SCANNERS)}")
    if not names:
        raise InputError(f"no scanner given; known: {', '.join(SCANNERS)}")
    return tuple(dict.fromkeys(names))


def run_scan(
    target: str | Path,
    advisories: AdvisorySource | None,
    notes: tuple[str, ...] = (),
    options: TargetOptions | None = None,
    scanners: Sequence[str] = ("vuln",),
) -> ScanResult:
    """Run the requested scanners; `advisories` is needed only for "vuln"."""
    options = options or TargetOptions()
    tree = _shared_tree(Path(target), options)
    iac_target = _iac_target(Path(target), options) if "misconfig" in scanners else None
    if "misconfig" in scanners and iac_target is None:
        if "vuln" not in scanners:
            raise InputError(f"{target}: the misconfig scanner needs a directory or an IaC file")
        notes += ("misconfig: the target is not a directory or an IaC file; not scanned",)
    findings: tuple[Finding, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    inventory = Inventory(str(target), ())
    if "vuln" in scanners:
        if advisories is None:
            raise InputError("the vuln scanner needs the vulnerability database")
        inventory, vuln_notes = _vulnerabilities(target, advisories, options, iac_target, tree)
        findings, warnings, notes = inventory.findings, inventory.warnings, notes + vuln_notes
    if iac_target is not None:
        from garrison.iac.scanner import scan_misconfig

        found = scan_misconfig(iac_target, excludes=options.excludes, tree=tree)
        findings += found.findings
        if found.network:
            notes += (f"NetworkPolicy view (zero trust):\n{found.network.rstrip()}",)
        warnings = tuple(dict.fromkeys(warnings + found.warnings))
    return ScanResult(
        target=inventory.target,
        components=inventory.components,
        findings=findings,
        warnings=warnings,
        notes=notes,
        image=inventory.image,
    )


def _shared_tree(path: Path, options: TargetOptions) -> WalkedTree | None:
    """A source directory is walked once for every scanner (not an OCI layout or a rootfs,
    which are images and systems, read by their own rules)."""
    if options.rootfs or not path.is_dir() or (path / "oci-layout").is_file():
        return None
    return WalkedTree.of(path, options.excludes)


def _vulnerabilities(
    target: str | Path,
    advisories: AdvisorySource,
    options: TargetOptions,
    iac: Path | None,
    tree: WalkedTree | None,
) -> tuple[Inventory, tuple[str, ...]]:
    """The inventory with matched findings added; a single IaC file has no components."""
    try:
        with gc_paused():
            inventory = inventory_of(target, options, tree)
            matched = match_components(inventory.components, advisories)
    except InputError:
        if iac is None or iac.is_dir():
            raise
        note = f"vuln: {target} is an IaC file, not a lockfile, SBOM or image; not scanned"
        return Inventory(str(target), ()), (note,)
    inventory = Inventory(
        inventory.target,
        inventory.components,
        inventory.dependencies,
        inventory.warnings + matched.warnings,
        inventory.image,
        inventory.findings + matched.findings,
    )
    return inventory, ()


def _iac_target(path: Path, options: TargetOptions) -> Path | None:
    """The directory or file the misconfig scanner reads, or None (images, rootfs, SBOMs)."""
    if options.rootfs:
        return None
    if path.is_dir():
        return None if (path / "oci-layout").is_file() else path
    from garrison.iac.scanner import is_iac_file

    return path if is_iac_file(path) else None
