"""One OSV entry: validate it against the OSV schema rules and turn it into an Advisory.

Pure logic: takes parsed JSON, returns frozen dataclasses or raises AdvisoryError naming the
source and the entry. Validation is our own pydantic model of the OSV 1.x schema; a test
checks that it agrees with the official JSON Schema on real and broken entries.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from garrison import ecosystems
from garrison.errors import AdvisoryError
from garrison.vulndb.advisory import Advisory, AffectedPackage, Range
from garrison.vulndb.severity import rate

_ID = r"^(x_|(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-)"  # noqa: E501
_TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$"
_COMMIT = re.compile(r"^(0|[a-f0-9]{40}|[a-f0-9]{64})$")
_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
_CVSS_PREFIX = {"CVSS_V3": re.compile(r"^CVSS:3[.][01]/"), "CVSS_V4": re.compile(r"^CVSS:4[.]0/")}
_UBUNTU_LEVELS = frozenset({"negligible", "low", "medium", "high", "critical"})

Timestamp = Annotated[str, Field(pattern=_TIMESTAMP)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class _SeverityItem(_Strict):
    type: Literal["CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"]
    score: str

    @model_validator(mode="after")
    def _score_fits_type(self) -> _SeverityItem:
        prefix = _CVSS_PREFIX.get(self.type)
        if prefix is not None and not prefix.match(self.score):
            raise ValueError(f"{self.type} score {self.score!r} is not a {self.type} vector")
        if self.type == "Ubuntu" and self.score not in _UBUNTU_LEVELS:
            raise ValueError(f"Ubuntu severity {self.score!r} is not a known level")
        return self


class _Range(_Strict):
    type: Literal["GIT", "SEMVER", "ECOSYSTEM"]
    repo: str | None = None
    events: list[dict[str, Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _events_are_well_formed(self) -> _Range:
        kinds = [_event_kind(event) for event in self.events]
        if "introduced" not in kinds:
            raise ValueError("range events must contain an 'introduced' event")
        if "last_affected" in kinds and "fixed" in kinds:
            raise ValueError("'last_affected' and 'fixed' events are mutually exclusive")
        if self.type == "GIT":
            if not self.repo:
                raise ValueError("GIT ranges require a repo")
            for event, kind in zip(self.events, kinds, strict=True):
                if not _COMMIT.match(event[kind]):
                    raise ValueError(f"GIT event {kind}={event[kind]!r} is not a full commit hash")
        return self


class _Package(_Strict):
    ecosystem: str
    name: str
    purl: str | None = None

    @model_validator(mode="after")
    def _ecosystem_is_known(self) -> _Package:
        base, _, suffix = self.ecosystem.partition(":")
        if base not in ecosystems.KNOWN or (":" in self.ecosystem and not suffix):
            raise ValueError(f"unknown ecosystem {self.ecosystem!r}")
        return self


class _Affected(_Strict):
    package: _Package
    severity: list[_SeverityItem] | None = None
    ranges: list[_Range] = []
    versions: list[str] = []
    ecosystem_specific: dict[str, Any] | None = None
    database_specific: dict[str, Any] | None = None


class _Reference(_Strict):
    type: Literal[
        "ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT",
        "PACKAGE", "EVIDENCE", "WEB",
    ]  # fmt: skip
    url: str


CreditType = Literal[
    "FINDER", "REPORTER", "ANALYST", "COORDINATOR", "REMEDIATION_DEVELOPER",
    "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER",
]  # fmt: skip


class _Credit(_Strict):
    name: str
    contact: list[str] = []
    type: CreditType | None = None


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: str | None = None
    id: Annotated[str, Field(pattern=_ID)]
    modified: Timestamp
    published: Timestamp | None = None
    withdrawn: Timestamp | None = None
    aliases: list[str] | None = None
    related: list[str] = []
    upstream: list[str] = []
    summary: str | None = None
    details: str | None = None
    severity: list[_SeverityItem] | None = None
    affected: list[_Affected] | None = None
    references: list[_Reference] | None = None
    credits: list[_Credit] = []
    database_specific: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one_severity_level(self) -> _Entry:
        if self.severity is not None and any(a.severity for a in self.affected or ()):
            raise ValueError("severity may be given for the entry or per package, not both")
        return self


def _event_kind(event: dict[str, Any]) -> str:
    present = [kind for kind in _EVENT_KINDS if kind in event]
    if len(present) != 1 or not isinstance(event[present[0]], str):
        raise ValueError(f"event {event!r} must have exactly one of {', '.join(_EVENT_KINDS)}")
    return present[0]


def parse_advisory(document: Any, source: str) -> Advisory:
    """Validate one OSV document; raise AdvisoryError('<source>: <id>: <reason>') if bad."""
    if not isinstance(document, dict):
        raise AdvisoryError(f"{source}: not an OSV entry (expected a JSON object)")
    label = document.get("id") if isinstance(document.get("id"), str) else "(no id)"
    try:
        entry = _Entry.model_validate(document)
    except ValidationError as exc:
        raise AdvisoryError(f"{source}: {label}: {_first_error(exc)}") from None
    return _to_advisory(entry)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    more = exc.error_count() - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where or 'entry'}: {message}{suffix}"


def _to_advisory(entry: _Entry) -> Advisory:
    affected = tuple(_to_affected(item) for item in entry.affected or ())
    package_severity = next((a.severity for a in entry.affected or () if a.severity), None)
    rating = rate(
        _dump(entry.severity),
        _dump(package_severity),
        entry.database_specific,
    )
    return Advisory(
        id=entry.id,
        modified=entry.modified,
        published=entry.published,
        withdrawn=entry.withdrawn,
        aliases=tuple(dict.fromkeys(a for a in entry.aliases or () if a != entry.id)),
        summary=_summary_of(entry),
        rating=rating,
        affected=affected,
        references=tuple(ref.url for ref in entry.references or ()),
    )


def _dump(items: list[_SeverityItem] | None) -> list[dict[str, Any]] | None:
    return None if items is None else [item.model_dump() for item in items]


def _summary_of(entry: _Entry) -> str:
    if entry.summary:
        return entry.summary.strip()
    first_line = (entry.details or "").strip().splitlines()
    return first_line[0][:200] if first_line else ""


def _to_affected(item: _Affected) -> AffectedPackage:
    base, release = ecosystems.split(item.package.ecosystem)
    ranges = tuple(
        Range(r.type, tuple((_event_kind(e), e[_event_kind(e)]) for e in r.events))
        for r in item.ranges
    )
    return AffectedPackage(
        ecosystem=base,
        release=release,
        name=item.package.name,
        key=ecosystems.normalize_name(base, item.package.name),
        ranges=ranges,
        versions=tuple(item.versions),
    )
