"""What garrison keeps of an OSV advisory: plain frozen data, no validation, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from garrison.model import Severity


@dataclass(frozen=True, slots=True)
class Rating:
    """How bad an advisory is: a Severity, plus the CVSS score and vector it came from."""

    severity: Severity
    score: float | None
    vector: str | None


@dataclass(frozen=True, slots=True)
class Range:
    """One OSV range: its type and its (kind, version) events in document order."""

    type: str
    events: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One package an advisory affects, with its name normalised for lookup."""

    ecosystem: str
    release: str | None
    name: str
    key: str
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    modified: str
    published: str | None
    withdrawn: str | None
    aliases: tuple[str, ...]
    summary: str
    rating: Rating
    affected: tuple[AffectedPackage, ...]
    references: tuple[str, ...]
