"""The one orchestrator: target -> one walk -> scanners -> findings.

Scanners: "vuln" (the target's components against the vulnerability database),
"misconfig" (IaC checks), "secret" (credentials in files) and "sast" (Bandit, Semgrep, SARIF
files). A source directory is walked once and every scanner reads that walk. Each scanner is
a phase; the time of each is kept in the result (`ScanResult.timings`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from garrison.errors import InputError
from garrison.fs import WalkedTree
from garrison.model import Finding, Inventory, ScanResult, ScanWarning
from garrison.perf import gc_paused
from garrison.targets import TargetOptions, inventory_of
from garrison.vulndb.match import AdvisorySource, match_components

if TYPE_CHECKING:  # the scanners' own modules load only when they run
    from garrison.sast import SastOptions
    from garrison.secrets.scanner import SecretOptions

SCANNERS = ("vuln", "misconfig", "secret", "sast")
SOURCE_ONLY = ("misconfig", "secret", "sast")  # they read files, not images or SBOMs


def check_scanners(names: Sequence[str]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in SCANNERS]
    if unknown:
        raise InputError(f"unknown scanner(s) {', '.join(unknown)}; known: {', '.join(SCANNERS)}")
    if not names:
        raise InputError(f"no scanner given; known: {', '.join(SCANNERS)}")
    return tuple(dict.fromkeys(names))


@dataclass
class _Collected:
    """What the phases of one scan add up to."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def add(self, findings: Sequence[Finding], warnings: Sequence[ScanWarning]) -> None:
        self.findings.extend(findings)
        self.warnings.extend(warnings)


@dataclass(frozen=True)
class _FileJob:
    """What a file scanner (misconfig, secret, sast) gets: its target, the shared walk and
    the options of every file scanner."""

    target: Path
    options: TargetOptions
    tree: WalkedTree | None
    secret: SecretOptions | None
    sast: SastOptions | None


def run_scan(
    target: str | Path,
    advisories: AdvisorySource | None,
    notes: tuple[str, ...] = (),
    options: TargetOptions | None = None,
    scanners: Sequence[str] = ("vuln",),
    secret: SecretOptions | None = None,
    sast: SastOptions | None = None,
    progress: PhaseProgress | None = None,
) -> ScanResult:
    """Run the requested scanners; `advisories` is needed only for "vuln". `progress`
    hears when each phase starts and ends (the CLI draws it on a terminal)."""
    options = options or TargetOptions()
    path = Path(target)
    sources = _source_target(path, options)
    _refuse_unscannable(target, scanners, sources, advisories)
    out = _Collected(notes=list(notes))
    with _Phase(out, "walk", progress) as phase:
        tree = _shared_tree(path, options)
        phase.detail = f"{len(tree.entries)} files" if tree else "nothing to walk"
    inventory = Inventory(str(target), ())
    if "vuln" in scanners and advisories is not None:
        with _Phase(out, "vuln", progress) as phase:
            others = any(name in scanners for name in SOURCE_ONLY)
            inventory = _vulnerabilities(target, advisories, options, tree, out, others)
            phase.detail = f"{len(inventory.components)} components matched"
    for name in SOURCE_ONLY:
        if name not in scanners:
            continue
        if sources is None:
            out.notes.append(f"{name}: the target is not a directory or a source file; not scanned")
            continue
        with _Phase(out, name, progress) as phase:
            before = len(out.findings)
            _PHASES[name](_FileJob(sources, options, tree, secret, sast), out)
            phase.detail = f"{len(out.findings) - before} findings"
    return ScanResult(
        target=inventory.target,
        components=inventory.components,
        findings=tuple(out.findings),
        warnings=tuple(dict.fromkeys(out.warnings)),  # the shared walk's warnings come once
        notes=tuple(out.notes),
        image=inventory.image,
        timings=tuple(out.timings),
    )


def _refuse_unscannable(
    target: str | Path,
    scanners: Sequence[str],
    sources: Path | None,
    advisories: AdvisorySource | None,
) -> None:
    if "vuln" in scanners and advisories is None:
        raise InputError("the vuln scanner needs the vulnerability database")
    if "vuln" in scanners:
        return
    if sources is None:
        wanted = ", ".join(s for s in scanners if s in SOURCE_ONLY)
        raise InputError(f"{target}: the {wanted} scanner(s) need a directory or a source file")
    if tuple(scanners) == ("misconfig",) and sources.is_file():
        from garrison.iac.scanner import is_iac_file

        if not is_iac_file(sources):
            raise InputError(f"{target}: the misconfig scanner needs a directory or an IaC file")


class PhaseProgress(Protocol):
    def started(self, phase: str) -> None: ...

    def finished(self, phase: str, detail: str, seconds: float) -> None: ...


class _Phase:
    """One phase: its time goes to the scan's timings, its start and end to `progress`."""

    def __init__(self, out: _Collected, name: str, progress: PhaseProgress | None) -> None:
        self.out, self.name, self.progress = out, name, progress
        self.detail = ""

    def __enter__(self) -> _Phase:
        self.started = time.perf_counter()
        if self.progress is not None:
            self.progress.started(self.name)
        return self

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.started
        self.out.timings.append((self.name, seconds))
        if self.progress is not None:
            self.progress.finished(self.name, self.detail, seconds)


def _source_target(path: Path, options: TargetOptions) -> Path | None:
    """The directory or file the file scanners read, or None (images, rootfs, references)."""
    if options.rootfs or not path.exists():
        return None
    if path.is_dir():
        return None if (path / "oci-layout").is_file() else path
    return path if path.is_file() else None


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
    tree: WalkedTree | None,
    out: _Collected,
    others: bool,
) -> Inventory:
    """The inventory, its matched findings added to `out`. When file scanners run too, a
    single file that is no lockfile, SBOM or image (an IaC file, a source file) just has no
    components; alone, the vuln scanner refuses it."""
    try:
        with gc_paused():
            inventory = inventory_of(target, options, tree)
            matched = match_components(inventory.components, advisories)
    except InputError as exc:
        if not others or tree is not None or not Path(target).is_file():
            raise
        out.notes.append(f"vuln: not a lockfile, SBOM or image ({exc}); not scanned")
        return Inventory(str(target), ())
    out.add(inventory.findings + matched.findings, inventory.warnings + matched.warnings)
    return inventory


def _misconfig(job: _FileJob, out: _Collected) -> None:
    from garrison.iac.scanner import is_iac_file, scan_misconfig

    if job.target.is_file() and not is_iac_file(job.target):
        out.notes.append(f"misconfig: {job.target} is not an IaC file; not scanned")
        return
    found = scan_misconfig(job.target, excludes=job.options.excludes, tree=job.tree)
    out.add(found.findings + found.ignored, found.warnings)  # the gate judges ignore comments
    if found.network:
        out.notes.append(f"NetworkPolicy view (zero trust):\n{found.network.rstrip()}")


def _secrets(job: _FileJob, out: _Collected) -> None:
    from garrison.secrets.scanner import SecretOptions, scan_secrets

    secret = job.secret or SecretOptions(excludes=tuple(job.options.excludes))
    found = scan_secrets(job.target, secret, job.tree)
    out.add(found.findings + found.ignored, found.warnings)  # the gate judges ignore comments
    skipped = ", ".join(f"{count} {reason}" for reason, count in found.skipped.items())
    out.notes.append(
        f"secret: {found.files_scanned} files, {found.bytes_scanned} bytes scanned"
        + (f"; skipped by rule: {skipped}" if skipped else "")
    )


def _sast(job: _FileJob, out: _Collected) -> None:
    from garrison.sast import SastOptions, run_sast

    sast = job.sast or SastOptions(excludes=tuple(job.options.excludes))
    found = run_sast(job.target, sast, job.tree)
    out.add(found.findings + found.ignored, found.warnings)  # the gate judges ignore comments
    out.notes.extend(found.notes)


_PHASES = {"misconfig": _misconfig, "secret": _secrets, "sast": _sast}
