"""Freshness of artifacts and deployments (pure logic): image age, base-image age, behind the
golden image, reverse uptime; and the findings that limits turn stale ones into.

- image age = now - the artifact's created time (a created time in the future counts as 0);
- base age = now - the created time of the base image, when the base is itself inventoried
  (an artifact whose key is the base digest) or is a golden image at that digest;
- behind golden = the artifact's base is a golden image by name, and its base digest is not
  the golden image's current digest (unknown when either is missing);
- reverse uptime = now - max(deployed_at, restarted_at) of each deployment.

Each rule's metadata lives in `RULES` only; ids are never reused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from garrison.model import Severity
from garrison.policy.model import FreshnessPolicy
from garrison.server.config import FreshnessLimits
from garrison.vulndb.freshness import describe

KIND = "freshness"
PACKAGE_ECOSYSTEM = "freshness"  # issues group freshness findings as "freshness:<slug>"

NO_POLICY_LIMITS = FreshnessPolicy()  # a policy file without `freshness:`


@dataclass(frozen=True, slots=True)
class FreshnessRule:
    id: str
    slug: str
    title: str
    severity: Severity
    remediation: str


IMAGE_AGE = FreshnessRule(
    "GAR-FRESH-001", "image-age", "Image older than the freshness limit", Severity.MEDIUM,
    "Rebuild the image (on the current base image) and deploy the new build.",
)  # fmt: skip
BASE_BEHIND = FreshnessRule(
    "GAR-FRESH-002", "base-behind", "Built on an outdated golden base image", Severity.MEDIUM,
    "Rebuild on the golden image's current digest and deploy the new build.",
)  # fmt: skip
BASE_AGE = FreshnessRule(
    "GAR-FRESH-003", "base-age", "Base image older than the freshness limit", Severity.MEDIUM,
    "Move to a newer base image, rebuild and deploy.",
)  # fmt: skip
UPTIME = FreshnessRule(
    "GAR-FRESH-004", "uptime", "Deployment running longer than the uptime limit", Severity.LOW,
    "Restart or redeploy the workload so it runs a fresh instance.",
)  # fmt: skip
RULES: tuple[FreshnessRule, ...] = (IMAGE_AGE, BASE_BEHIND, BASE_AGE, UPTIME)
RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True, slots=True)
class ArtifactTimes:
    id: int
    key: str
    created_at: datetime | None
    base_name: str | None
    base_digest: str | None


@dataclass(frozen=True, slots=True)
class GoldenState:
    name: str
    digest: str | None
    created_at: datetime | None  # when the golden image itself was built


@dataclass(frozen=True, slots=True)
class DeploymentTimes:
    id: int
    environment: str
    cluster: str
    workload: str
    artifact_id: int
    deployed_at: datetime
    restarted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ArtifactFreshness:
    artifact_id: int
    image_age: timedelta | None
    base_age: timedelta | None
    behind_golden: bool | None  # None: the base is not a golden image, or is unknown
    golden_digest: str | None
    created_at: datetime | None = None
    base_created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeploymentFreshness:
    deployment_id: int
    artifact_id: int
    uptime: timedelta
    started_at: datetime


@dataclass(frozen=True, slots=True)
class StaleFinding:
    """A freshness limit exceeded by an artifact (uptime: by one of its deployments)."""

    artifact_id: int
    rule: FreshnessRule
    summary: str


def _age(now: datetime, since: datetime | None) -> timedelta | None:
    if since is None:
        return None
    return max(now - since, timedelta(0))


def artifact_freshness(
    artifact: ArtifactTimes,
    golden: Mapping[str, GoldenState],
    created_by_key: Mapping[str, datetime | None],
    now: datetime,
) -> ArtifactFreshness:
    """`golden` by name; `created_by_key`: created times of inventoried artifacts by key."""
    image = golden.get(artifact.base_name) if artifact.base_name else None
    behind: bool | None = None
    if image is not None and image.digest and artifact.base_digest:
        behind = artifact.base_digest != image.digest
    base_created = created_by_key.get(artifact.base_digest) if artifact.base_digest else None
    if base_created is None and image is not None and image.digest == artifact.base_digest:
        base_created = image.created_at
    return ArtifactFreshness(
        artifact.id,
        _age(now, artifact.created_at),
        _age(now, base_created),
        behind,
        image.digest if image is not None else None,
        artifact.created_at,
        base_created,
    )


def deployment_freshness(deployment: DeploymentTimes, now: datetime) -> DeploymentFreshness:
    started = max(deployment.deployed_at, deployment.restarted_at or deployment.deployed_at)
    uptime = _age(now, started) or timedelta(0)
    return DeploymentFreshness(deployment.id, deployment.artifact_id, uptime, started)


def stale_findings(
    artifact: ArtifactFreshness,
    deployments: Sequence[tuple[DeploymentTimes, DeploymentFreshness]],
    limits: FreshnessLimits,
) -> list[StaleFinding]:
    """The limits an artifact exceeds, in rule order (deployments: those running it).

    Summaries name dates, not ages, so they stay the same from one evaluation to the next
    (an issue is updated only when its findings change)."""
    found: list[StaleFinding] = []
    owner = artifact.artifact_id
    if _over(artifact.image_age, limits.max_image_age):
        message = (
            f"the image was created {_day(artifact.created_at)}, {_past(limits.max_image_age)}"
        )
        found.append(StaleFinding(owner, IMAGE_AGE, message))
    if limits.behind_golden and artifact.behind_golden:
        message = f"the base image is behind the golden image's digest {artifact.golden_digest}"
        found.append(StaleFinding(owner, BASE_BEHIND, message))
    if _over(artifact.base_age, limits.max_base_age):
        when = _day(artifact.base_created_at)
        message = f"the base image was created {when}, {_past(limits.max_base_age)}"
        found.append(StaleFinding(owner, BASE_AGE, message))
    stale = sorted(
        ((d, f) for d, f in deployments if _over(f.uptime, limits.max_uptime)),
        key=lambda pair: pair[0].id,
    )
    if stale:
        where = ", ".join(
            f"{d.environment}/{d.cluster}/{d.workload} since {_day(f.started_at)}" for d, f in stale
        )
        found.append(StaleFinding(owner, UPTIME, _uptime_text(limits.max_uptime, where)))
    return found


def _over(value: timedelta | None, limit: timedelta | None) -> bool:
    return value is not None and limit is not None and value > limit


def _day(when: datetime | None) -> str:
    return when.date().isoformat() if when is not None else "?"


def _uptime_text(limit: timedelta | None, where: str) -> str:
    return f"running without a restart for more than {describe(limit or timedelta(0))}: {where}"


def _past(limit: timedelta | None) -> str:
    return f"more than {describe(limit or timedelta(0))} ago (the limit)"


def limits_for(
    team_limits: FreshnessLimits | None,
    server: FreshnessLimits,
    policy: FreshnessPolicy = NO_POLICY_LIMITS,
) -> FreshnessLimits:
    """A team's own limits (server settings) replace the server-wide ones when the team sets
    any; then each limit the team's policy file gives replaces that one limit."""
    limits = team_limits if team_limits is not None else server
    given = {
        field.name: value
        for field in dataclasses.fields(policy)
        if (value := getattr(policy, field.name)) is not None
    }
    return limits.model_copy(update=given) if given else limits


def golden_by_name(images: Iterable[GoldenState]) -> dict[str, GoldenState]:
    return {image.name: image for image in images}
