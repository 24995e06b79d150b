"""The one data model. Every scanner emits Findings; every report consumes them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered severities; UNKNOWN sorts lowest but is never treated as 'safe'."""

    UNKNOWN = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def from_label(cls, label: str | None) -> Severity:
        """Map a free-text rating ('High', 'moderate', 'CRITICAL') to a Severity."""
        if not label:
            return cls.UNKNOWN
        text = label.strip().upper()
        text = {"MODERATE": "MEDIUM", "IMPORTANT": "HIGH", "NONE": "LOW"}.get(text, text)
        return cls.__members__.get(text, cls.UNKNOWN)

    @classmethod
    def from_score(cls, score: float) -> Severity:
        """The CVSS v3/v4 qualitative rating of a base score."""
        if score >= 9.0:
            return cls.CRITICAL
        if score >= 7.0:
            return cls.HIGH
        if score >= 4.0:
            return cls.MEDIUM
        if score > 0.0:
            return cls.LOW
        return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was found: a file path relative to the target, and a 1-based line."""

    path: str
    line: int | None = None
    end_line: int | None = None  # last line of the offending range, when known
    column: int | None = None  # 1-based column of the first character, when known


@dataclass(frozen=True, slots=True)
class Component:
    """One package at one version, as an inventory or SBOM names it.

    `scope` is what the source says of it ("dev", "optional", "test"; None: required or not
    told); `direct` is True for a declared dependency, False for a transitive one, None when
    the source does not tell. `bom_ref` identifies it within one inventory (edges use it).
    `source_package` names the source package of an OS package (Debian, Alpine and RPM
    advisories are keyed by it); matching uses it when set.
    """

    ecosystem: str
    name: str
    version: str | None
    purl: str | None = None
    location: Location | None = None
    licenses: tuple[str, ...] = ()
    bom_ref: str | None = None
    scope: str | None = None
    direct: bool | None = None
    source_package: str | None = None  # OS packages: the source package advisories are keyed by


@dataclass(frozen=True, slots=True)
class Commit:
    """The git commit that introduced a finding (history scans, diff mode)."""

    id: str  # full object id
    author: str  # "Name <email>"
    date: str  # ISO 8601, the author date


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. `kind` says which scanner found it ('vulnerability', 'misconfiguration',
    'secret', 'sast', ...).

    `fingerprint` is a stable identity that survives line shifts (secrets: a salted hash of
    detector and secret, never the secret); `preview` is a redacted excerpt that never holds
    a whole secret; `tool` names the analyzer a SAST finding came from ('bandit', 'semgrep',
    a SARIF driver name) and `confidence` its confidence ('high', 'medium', 'low').
    `introduced` is the commit that brought it in and `present_at_head` whether it is still
    in the checked-out tree, when a history scan can tell. `inline_ignore` is set (to the
    comment's reason, possibly "") when a `garrison:ignore[...]` comment names this finding:
    scanners report such findings marked, and the policy gate decides whether they count.
    """

    kind: str
    id: str
    summary: str
    severity: Severity
    component: Component | None = None
    location: Location | None = None
    aliases: tuple[str, ...] = ()
    cvss_score: float | None = None
    cvss_vector: str | None = None
    fixed_versions: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    version_unknown: bool = False
    fingerprint: str | None = None
    preview: str | None = None
    tool: str | None = None
    confidence: str | None = None
    introduced: Commit | None = None
    present_at_head: bool | None = None
    inline_ignore: str | None = None


class Gap(enum.StrEnum):
    """Why an inventory or scan is incomplete; `--strict` fails on any of them."""

    READER_FAILED = "reader-failed"  # a file a reader claimed could not be read
    NO_VERSION = "no-version"  # a component without a resolvable version
    UNPINNED = "unpinned"  # a requirement that is a range, a URL or a VCS reference
    UNKNOWN_MANIFEST = "unknown-manifest"  # looks like a manifest, no reader understands it
    SKIPPED = "skipped"  # a file or directory the walk could not or would not read
    UNMATCHED = "unmatched"  # a component that could not be matched (no purl, bad ecosystem)
    VERSION_UNKNOWN = "version-unknown"  # a version the advisories cannot be compared with


@dataclass(frozen=True, slots=True)
class ScanWarning:
    """Something that made a scan partial: a bad file, an unparsable version."""

    source: str
    message: str
    gap: Gap = Gap.READER_FAILED
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer blob as the manifest names it. `digest` is "sha256:<hex>"."""

    digest: str
    media_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What is known about an image besides its packages (kept with the SBOM and reports).

    `created` comes from the config (the publisher can backdate it); `pushed` from the
    registry where it tells; `layers` bottom to top. Times are ISO 8601 UTC strings.
    """

    reference: str  # what the user gave: a path or a registry reference
    digest: str | None  # manifest digest "sha256:..." (None for a --rootfs directory)
    config_digest: str | None
    created: str | None
    pushed: str | None
    os: str | None
    architecture: str | None
    layers: tuple[Layer, ...]
    diff_ids: tuple[str, ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    base_name: str | None = None
    base_digest: str | None = None


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every component found in a target, the dependency edges between them (bom-refs),
    and every warning that makes the inventory incomplete."""

    target: str
    components: tuple[Component, ...]
    dependencies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    image: ImageFacts | None = None  # set when the target is a container image or a rootfs
    findings: tuple[Finding, ...] = ()  # found while inventorying (e.g. an end-of-life OS)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one scan produced."""

    target: str
    components: tuple[Component, ...]
    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    image: ImageFacts | None = None
    timings: tuple[tuple[str, float], ...] = ()  # (phase, seconds): walk, vuln, misconfig...

    @property
    def partial(self) -> bool:
        return bool(self.warnings)
