"""Import OSV entries into the database in one all-or-nothing run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from garrison import versions
from garrison.errors import AdvisoryError, GarrisonError
from garrison.vulndb.advisory import Advisory
from garrison.vulndb.osv import parse_advisory
from garrison.vulndb.sources import Item, Problem, iter_source
from garrison.vulndb.writer import Writer


@dataclass
class ImportReport:
    """What one import run did: counts per ecosystem and every entry it skipped or doubted."""

    imported: Counter[str] = field(default_factory=Counter)
    withdrawn: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.imported.values())


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def import_paths(db_path: Path, paths: Iterable[Path]) -> ImportReport:
    """Import every entry of every source; the database changes only if all sources read."""
    report = ImportReport()
    with Writer(db_path) as writer:
        for path in paths:
            add_items(writer, iter_source(path), report)
        writer.set_meta("updated_at", now_utc())
    return report


def add_items(writer: Writer, items: Iterable[Item], report: ImportReport) -> None:
    """Validate and add each entry; bad ones become Problems in the report."""
    for item in items:
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        try:
            advisory = parse_advisory(item.document, item.source)
        except AdvisoryError as exc:
            report.problems.append(Problem(item.source, _reason(exc, item.source)))
            continue
        writer.add(advisory, item.data)
        report.withdrawn += advisory.withdrawn is not None
        for eco in {a.ecosystem for a in advisory.affected} or {"(none)"}:
            report.imported[eco] += 1
        report.problems.extend(_doubtful_versions(advisory, item.source))


def _reason(exc: AdvisoryError, source: str) -> str:
    return str(exc).removeprefix(f"{source}: ")


def _doubtful_versions(advisory: Advisory, source: str) -> list[Problem]:
    """Range bounds the ecosystem cannot parse: kept, but matching them yields 'unknown'."""
    problems = []
    for package in advisory.affected:
        try:
            ordering = versions.ordering_for(package.ecosystem)
        except GarrisonError:
            continue
        for rng in package.ranges:
            if rng.type == "GIT":
                continue
            use = versions.SEMVER_ORDERING if rng.type == "SEMVER" else ordering
            for kind, raw in rng.events:
                if raw in ("0", "*"):
                    continue
                try:
                    versions.parse_with(use, raw)
                except (GarrisonError, ValueError):
                    problems.append(
                        Problem(
                            source,
                            f"{advisory.id}: {package.name}: {kind} version {raw!r} is not a "
                            f"valid {package.ecosystem} version; matches report 'unknown'",
                        )
                    )
    return problems
