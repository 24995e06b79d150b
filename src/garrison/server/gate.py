"""The build gate (`GET /api/v1/gate?artifact=KEY`, `garrison gate`): does the artifact, or the
base image it builds on, have findings its team's policy does not allow?

The gate judges NOW, not the last sync: the artifact's components (and its base image's, when
the base digest is an inventoried artifact) are matched against the current advisory database
and its freshness is computed, then garrison's policy gate (`policy.evaluate`) decides with the
team's policy file — so its fail_on rules and exceptions apply exactly as in `garrison scan`.
Acknowledging a finding does not make it pass (only a policy exception does). It fails closed:
no advisory database, or a team policy that cannot be read, is a failed gate with the reason.
Licences are not judged here (the server does not keep component licences).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from garrison.errors import PolicyError
from garrison.model import Component as GComponent
from garrison.model import Finding as GFinding
from garrison.model import ScanResult
from garrison.policy import evaluate
from garrison.server.advisories import AdvisoryFile
from garrison.server.config import ServerSettings
from garrison.server.db.models import Artifact, Component, Team
from garrison.server.freshness import stale_findings
from garrison.server.matching import (
    IndexedComponent,
    advisories_for_keys,
    component_keys,
    flaws_of,
    match_index,
)
from garrison.server.policies import team_policy
from garrison.server.staleness import freshness_views


@dataclass(frozen=True, slots=True)
class GateAnswer:
    passed: bool
    reason: str
    artifact: str
    blocking: tuple[dict[str, Any], ...] = ()
    suppressed: tuple[dict[str, Any], ...] = ()
    notices: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed, "reason": self.reason, "artifact": self.artifact,
            "blocking": list(self.blocking), "suppressed": list(self.suppressed),
            "notices": list(self.notices),
        }  # fmt: skip


def judge(
    session: Session,
    settings: ServerSettings,
    advisories: AdvisoryFile | None,
    artifact: Artifact,
    now: datetime,
) -> GateAnswer:
    """The gate's answer for one artifact (visible to the caller: checked by the route)."""
    if advisories is None:
        return GateAnswer(
            False, "the server has no advisory database yet: sync it first", artifact.key
        )
    team = (
        session.scalar(select(Team.name).where(Team.id == artifact.team_id))
        if artifact.team_id
        else None
    )
    try:
        policy = team_policy(settings, team)
    except PolicyError as exc:
        return GateAnswer(False, f"the team's policy cannot be used: {exc}", artifact.key)
    judged, notices = _judged_artifacts(session, artifact)
    findings = _vulnerabilities(session, advisories, judged)
    findings += _stale(session, settings, artifact, now)
    result = ScanResult(target=artifact.key, components=(), findings=tuple(findings))
    _, verdict = evaluate(result, policy, today=now.date())
    notices += [notice.message for notice in verdict.notices]
    return GateAnswer(
        verdict.passed, verdict.reason, artifact.key,
        tuple(_described(f, judged) for f in verdict.blocking),
        tuple({**_described(s.finding, judged), "by": s.by.value, "ref": s.ref, "reason": s.reason}
              for s in verdict.suppressed),
        tuple(notices),
    )  # fmt: skip


def _judged_artifacts(session: Session, artifact: Artifact) -> tuple[dict[int, str], list[str]]:
    """Artifact id -> its key, for the artifact and its inventoried base image."""
    judged = {artifact.id: artifact.key}
    notices = []
    if artifact.base_digest:
        base = session.scalar(select(Artifact).where(Artifact.key == artifact.base_digest))
        if base is None:
            notices.append(
                f"the base image {artifact.base_digest} is not inventoried: it was not judged"
            )
        else:
            judged[base.id] = base.key
    return judged, notices


def _vulnerabilities(
    session: Session, advisories: AdvisoryFile, judged: dict[int, str]
) -> list[GFinding]:
    rows = session.execute(
        select(Component.id, Component.artifact_id, Component.ecosystem, Component.release,
               Component.name_key, Component.version, Component.name, Component.purl)
        .where(Component.artifact_id.in_(list(judged)))
    ).all()  # fmt: skip
    indexed = [IndexedComponent(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]
    described = {r[0]: r for r in rows}
    found = advisories_for_keys(advisories, component_keys(indexed))
    findings = []
    for flaw in flaws_of(match_index(found, indexed)):  # aliases merged, as scans do
        row = described[flaw.component.id]
        ecosystem = f"{row.ecosystem}:{row.release}" if row.release else row.ecosystem
        component = GComponent(
            ecosystem, row.name, row.version, row.purl, bom_ref=judged[row.artifact_id]
        )
        findings.append(replace(flaw.finding, component=component))
    return findings


def _stale(
    session: Session, settings: ServerSettings, artifact: Artifact, now: datetime
) -> list[GFinding]:
    findings = []
    for view in freshness_views(session, settings, [artifact.id], now):
        for stale in stale_findings(view.freshness, (), view.limits):  # uptime: not the build's
            findings.append(
                GFinding("freshness", stale.rule.id, stale.summary, stale.rule.severity)
            )
    return findings


def _described(finding: GFinding, judged: dict[int, str]) -> dict[str, Any]:
    component = finding.component
    return {
        "kind": finding.kind, "id": finding.id, "severity": finding.severity.name,
        "summary": finding.summary, "aliases": list(finding.aliases),
        "package": f"{component.ecosystem}:{component.name}" if component else None,
        "version": component.version if component else None,
        "fixed_versions": list(finding.fixed_versions),
        "artifact": component.bom_ref if component else next(iter(judged.values())),
    }  # fmt: skip
