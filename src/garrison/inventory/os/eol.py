"""End of vendor support for OS releases (`garrison/data/eol.json`), and the check against it.

`eol_check(os, table, today)` gives:
  - a HIGH finding (kind "end-of-life", id `EOL-<os>-<release>`) once the release is past the
    end of its vendor support: it gets no more security fixes;
  - a LOW finding when that end is at most 90 days away;
  - a ScanWarning (Gap.UNMATCHED) when garrison has no date for the release, so an
    unknown release is never taken as supported;
  - None for a supported release, and for rolling distributions (Wolfi, Arch, Debian sid,
    Alpine edge), which have no end.
The date is passed in: results never depend on the clock.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from garrison.errors import GarrisonError
from garrison.inventory.os.osrelease import OsInfo, debian_release
from garrison.model import Finding, Gap, Location, ScanWarning, Severity

KIND = "end-of-life"
WARNING_DAYS = 90
_FIELDS = ("os", "release", "name", "end", "support", "source")
_RHEL_LIKE = frozenset({"rhel", "rocky", "almalinux", "centos", "ol"})


class EolDataError(GarrisonError):
    """The end-of-life table is malformed."""


@dataclass(frozen=True, slots=True)
class EolEntry:
    os: str
    release: str
    name: str
    end: date
    support: str  # what ends: "LTS support", "standard support", ...
    source: str  # the vendor page the date comes from


@dataclass(frozen=True, slots=True)
class EolTable:
    updated: date
    entries: dict[tuple[str, str], EolEntry]
    rolling: frozenset[str]


@lru_cache(maxsize=1)
def load_eol() -> EolTable:
    """The table shipped with garrison."""
    data = resources.files("garrison").joinpath("data").joinpath("eol.json").read_bytes()
    return parse_eol(data)


def parse_eol(data: bytes | str) -> EolTable:
    """A table from its JSON; EolDataError says what is wrong."""
    try:
        document = json.loads(data)
        updated = date.fromisoformat(document["updated"])
        rolling = frozenset(str(name) for name in document.get("rolling", ()))
        entries: dict[tuple[str, str], EolEntry] = {}
        for raw in document["releases"]:
            entry = _entry(raw)
            key = (entry.os, entry.release)
            if key in entries:
                raise EolDataError(f"end-of-life table: {key[0]} {key[1]} listed twice")
            entries[key] = entry
    except (ValueError, KeyError, TypeError) as exc:
        raise EolDataError(f"end-of-life table is malformed: {exc!r}") from None
    return EolTable(updated, entries, rolling)


def _entry(raw: Any) -> EolEntry:
    values = {name: raw[name] for name in _FIELDS}
    if not all(isinstance(value, str) and value for value in values.values()):
        raise ValueError(f"entry {raw!r} needs non-empty strings for {', '.join(_FIELDS)}")
    return EolEntry(
        values["os"],
        values["release"],
        values["name"],
        date.fromisoformat(values["end"]),
        values["support"],
        values["source"],
    )


def release_key(os: OsInfo) -> tuple[str, str] | None:
    """The (os, release) an OS is listed under, or None when its release is unknown."""
    version = os.version_id or ""
    os_id = os.id
    if os_id == "debian":
        release = debian_release(os.version_id, os.codename)
    elif os_id == "ubuntu":
        found = re.match(r"\d\d\.\d\d", version)
        release = found[0] if found else None
    elif os_id == "alpine":
        found = re.match(r"\d+\.\d+", version)
        release = found[0] if found else None
    elif os_id in _RHEL_LIKE:
        found = re.match(r"\d+", version)
        release = found[0] if found else None
        if os_id == "centos" and "stream" in os.pretty_name.lower():
            os_id = "centos-stream"
    else:
        release = version or None
    return (os_id, release) if release else None


def is_rolling(os: OsInfo, table: EolTable) -> bool:
    """A distribution without releases that end (or a rolling branch of one)."""
    if os.id in table.rolling:
        return True
    if os.id == "alpine":
        return "edge" in os.pretty_name.lower() or "_alpha" in (os.version_id or "")
    if os.id == "debian":
        return debian_release(os.version_id, os.codename) is None
    return False


def eol_check(os: OsInfo, table: EolTable, today: date) -> Finding | ScanWarning | None:
    """A finding for a release past (or within 90 days of) its end of support, a warning
    when its end is unknown to garrison, else None."""
    if is_rolling(os, table):
        return None
    key = release_key(os)
    entry = table.entries.get(key) if key else None
    if entry is None:
        return ScanWarning(
            os.source,
            f"end of life of {os.label} unknown to garrison (table of {table.updated})",
            Gap.UNMATCHED,
        )
    days = (entry.end - today).days
    if days < 0:
        summary = f"{entry.name} is past its end of {entry.support} ({entry.end})"
        return _finding(entry, os, f"{summary}: it gets no more security fixes", Severity.HIGH)
    if days <= WARNING_DAYS:
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        summary = f"{entry.name} is approaching end of life: its {entry.support} ends {when}"
        return _finding(entry, os, f"{summary} ({entry.end})", Severity.LOW)
    return None


def eol_finding(os: OsInfo, table: EolTable, today: date) -> Finding | None:
    """Only the finding of `eol_check` (no warning for an unknown release)."""
    result = eol_check(os, table, today)
    return result if isinstance(result, Finding) else None


def _finding(entry: EolEntry, os: OsInfo, summary: str, severity: Severity) -> Finding:
    return Finding(
        kind=KIND,
        id=f"EOL-{entry.os}-{entry.release}",
        summary=summary,
        severity=severity,
        location=Location(os.source),
        references=(entry.source,),
    )
