"""The misconfiguration scanner (I/O module): walk a directory (or take one file), hand
each file to the first loader of `garrison.iac.loaders.LOADERS` that claims it, run the
checks over the Resources, and report what could not be read as warnings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from garrison.errors import GarrisonError
from garrison.fs import Entry, Walk, WalkedTree, read_file
from garrison.iac import loaders
from garrison.iac.engine import Check, check_resources
from garrison.iac.model import LoadResult, Resource
from garrison.iac.netpol import network_findings, network_table
from garrison.iac.registry import REPO_DIR, load_checks
from garrison.inventory.readers.base import SourceFile
from garrison.model import Finding, Gap, ScanWarning

MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class MisconfigResult:
    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...] = ()
    resources: int = 0  # how many Resources were checked
    ignored: tuple[Finding, ...] = ()  # named by an ignore comment, marked `inline_ignore`
    network: str = ""  # the zero-trust NetworkPolicy table, when Kubernetes objects were seen


def loader_for(rel: PurePosixPath, candidates: Sequence[Any] | None = None) -> Any | None:
    """The first loader that claims a path, or None."""
    for loader in loaders.LOADERS if candidates is None else candidates:
        if loader.matches(rel):
            return loader
    return None


def is_iac_file(path: Path) -> bool:
    """Whether a single file is one some loader reads."""
    return path.is_file() and loader_for(PurePosixPath(path.name)) is not None


def scan_misconfig(
    target: Path,
    checks: Sequence[Check] | None = None,
    excludes: Sequence[str] = (),
    candidates: Sequence[Any] | None = None,
    tree: WalkedTree | None = None,
) -> MisconfigResult:
    """Misconfigurations under a directory (walked here, or the scan's shared `tree`), or in
    one file. Without `checks`: the built-in, the target's `.garrison/checks/` and the
    plugin checks."""
    if checks is None:
        checks = load_checks(target if target.is_dir() else None)
    candidates = loaders.LOADERS if candidates is None else candidates
    collector = _Collector(checks)
    if target.is_dir():
        tree = tree or WalkedTree.of(target, excludes)
        walk, entries = tree.walk, list(tree.without_top(frozenset({REPO_DIR[0]})))
        rendered = _render_kustomizations(target, entries, candidates, collector)
    else:
        walk = Walk(target.parent)
        entries, rendered = [Entry(PurePosixPath(target.name), str(target))], {}
    by_tree = _load_trees(walk, entries, candidates, collector)
    for entry in entries:
        loader = loader_for(entry.rel, candidates)
        if loader is None or any(loader is t for t in by_tree):
            continue
        if rendered.get(entry.rel.parent) is loader:
            continue
        collector.add(_load(walk, entry, loader))
    collector.warnings.extend(walk.warnings)
    for finding in network_findings(collector.kubernetes):
        marked = finding.inline_ignore is not None
        (collector.ignored if marked else collector.findings).append(finding)
    result = collector.result()
    if not collector.kubernetes:
        return result
    return replace(result, network=network_table(collector.kubernetes))


def _load_trees(
    walk: Walk, entries: list[Entry], candidates: Sequence[Any], collector: _Collector
) -> list[Any]:
    """Loaders that need all their files at once (Terraform: modules, variables across
    files) get them in one call; returns those loaders."""
    tree_loaders = [c for c in candidates if hasattr(c, "load_tree")]
    for loader in tree_loaders:
        files: dict[str, bytes] = {}
        for entry in entries:
            if loader_for(entry.rel, candidates) is not loader:
                continue
            try:
                if entry.size <= MAX_BYTES:
                    files[entry.rel.as_posix()] = read_file(entry.path, MAX_BYTES)
                    continue
                message = f"{entry.size} bytes, over the {MAX_BYTES} byte limit for IaC files"
            except OSError as exc:
                message = f"cannot read: {exc.strerror or exc}"
            collector.warnings.append(ScanWarning(entry.rel.as_posix(), message, Gap.SKIPPED))
        if files:
            collector.add(loader.load_tree(files))
    return tree_loaders


def _render_kustomizations(
    root: Path, entries: list[Entry], candidates: Sequence[Any], collector: _Collector
) -> dict[PurePosixPath, Any]:
    """Render each directory holding a kustomization with the loader that can (Kubernetes:
    `render_kustomization`). Returns directory -> that loader for the directories rendered:
    the loader's plain files there are then not loaded again."""
    renderers = [c for c in candidates if hasattr(c, "render_kustomization")]
    rendered: dict[PurePosixPath, Any] = {}
    for renderer in renderers:
        names = frozenset(getattr(renderer, "KUSTOMIZATION_FILES", ()))
        for directory in sorted({e.rel.parent for e in entries if e.rel.name in names}):
            loaded = renderer.render_kustomization(root / directory, directory.as_posix())
            if loaded is None:
                continue
            collector.add(loaded)
            if loaded.resources:
                rendered.setdefault(directory, renderer)
    return rendered


class _Collector:
    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = checks
        self.findings: list[Finding] = []
        self.warnings: list[ScanWarning] = []
        self.resources = 0
        self.ignored: list[Finding] = []
        self.kubernetes: list[Resource] = []
        self._seen: set[tuple[str, str, int | None]] = set()

    def add(self, loaded: LoadResult) -> None:
        self.warnings.extend(loaded.warnings)
        if not loaded.resources:
            return
        run = check_resources(loaded.resources, self.checks)
        for finding in run.findings:  # one module called twice: one finding per place
            location = finding.location
            key = (
                finding.id,
                location.path if location else "",
                location.line if location else None,
            )
            if key not in self._seen:
                self._seen.add(key)
                self.findings.append(finding)
        self.kubernetes.extend(r for r in loaded.resources if r.source == "kubernetes")
        self.warnings.extend(run.warnings)
        self.resources += len(loaded.resources)
        self.ignored.extend(run.ignored)

    def result(self) -> MisconfigResult:
        return MisconfigResult(
            tuple(self.findings), tuple(self.warnings), self.resources, tuple(self.ignored)
        )


def _load(walk: Walk, entry: Entry, loader: Any) -> LoadResult:
    """Read and load one file; every failure becomes a warning naming the file."""
    rel = entry.rel.as_posix()
    try:
        if entry.size > MAX_BYTES:
            message = f"{entry.size} bytes, over the {MAX_BYTES} byte limit for IaC files"
            return _failed(rel, message, Gap.SKIPPED)
        data = read_file(entry.path, MAX_BYTES)
    except OSError as exc:
        return _failed(rel, f"cannot read: {exc.strerror or exc}", Gap.SKIPPED)
    base_dir = os.path.dirname(os.path.join(walk.real_root, rel))
    source = SourceFile(rel, data, lambda other: walk.read_inside(base_dir, other, MAX_BYTES))
    try:
        loaded: LoadResult = loader.load(source)
    except GarrisonError as exc:
        return _failed(rel, str(exc).removeprefix(f"{rel}: "), Gap.READER_FAILED)
    except Exception as exc:  # a loader bug must not end the scan; the blind spot is reported
        name = getattr(loader, "NAME", "?")
        message = f"{name} loader failed unexpectedly ({type(exc).__name__})"
        return _failed(rel, message, Gap.READER_FAILED)
    return loaded


def _failed(rel: str, message: str, gap: Gap) -> LoadResult:
    return LoadResult((), (ScanWarning(rel, message, gap),))
