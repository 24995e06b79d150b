"""One parsed SARIF 2.1.0 document -> Hits, problems and notes (pure).

The document, each run and each result are validated by `sarif_model`; a broken result is
a problem naming its JSON path and is skipped, the rest are read. Results that are not
failures (`kind` other than "fail"), gone (`baselineState: absent`) or suppressed (every
suppression accepted) are not reported; notes count them. Error-level notifications of the
tool itself are returned as `tool_errors`, for the caller to word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from garrison.model import Location
from garrison.sast import sarif_model as m
from garrison.sast.base import Hit
from garrison.sast.fingerprint import identity_key
from garrison.sast.sarif_paths import resolve
from garrison.sast.severity import sarif_confidence, sarif_rating

TOOL_NAMES = {"bandit": "bandit", "semgrep": "semgrep", "semgrep oss": "semgrep",
              "semgrep pro": "semgrep"}  # fmt: skip
CWE_URL = "https://cwe.mitre.org/data/definitions/{}.html"
_CWE = re.compile(r"(?i)\bcwe[-_ :]*0*([1-9][0-9]*)")
# "[text](1)": an embedded link to a related location (or a URL); the text is kept
_LINK = re.compile(r"\[([^\]]*)\]\((?:\d+|[a-z]+:[^)]*)\)")
_ARGUMENT = re.compile(r"\{(\d+)\}")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class SarifRead:
    hits: tuple[Hit, ...]
    problems: tuple[str, ...]  # "runs[0].results[3].message: ...; result skipped"
    tool_errors: tuple[str, ...]  # what the tool said went wrong (error-level notifications)
    counts: Counter[str]  # "suppressed", "absent", "not a failure", "outside the target"


def map_sarif(document: Any, roots: Sequence[str], tool: str | None = None) -> SarifRead:
    """Read a parsed SARIF document; `tool` overrides the driver's name (e.g. "semgrep")."""
    read = _Reader(roots, tool)
    log = read.validate(m.Log, document, "", "file not read")
    if log is not None:
        for index, raw in enumerate(log.runs or ()):
            run = read.validate(m.Run, raw, f"runs[{index}]", "run skipped")
            if run is not None:
                read.run(run, f"runs[{index}]")
    return SarifRead(tuple(read.hits), tuple(read.problems), tuple(read.errors), read.counts)


def tool_name(driver: str) -> str:
    """garrison's name of a tool: ours for the tools garrison runs itself, else the driver's."""
    return TOOL_NAMES.get(driver.strip().lower(), driver.strip())


class _Reader:
    def __init__(self, roots: Sequence[str], tool: str | None) -> None:
        self.roots, self.tool = roots, tool
        self.hits: list[Hit] = []
        self.problems: list[str] = []
        self.errors: list[str] = []
        self.counts: Counter[str] = Counter()

    def validate(self, model: type[M], raw: Any, where: str, then: str) -> M | None:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            self.problems.append(f"{_first_error(exc, where)}; {then}")
            return None

    def run(self, run: m.Run, where: str) -> None:
        tool = self.tool or tool_name(run.tool.driver.name)
        self.errors.extend(f"{tool}: {error}" for error in _tool_errors(run))
        for index, raw in enumerate(run.results or ()):
            path = f"{where}.results[{index}]"
            result = self.validate(m.Result, raw, path, "result skipped")
            if result is None or not self._reported(result):
                continue
            rule, problem = _rule_of(result, run.tool, path)
            if problem:
                self.problems.append(f"{problem}; result skipped")
                continue
            place = _place(result, run, self.roots)
            if not place.inside:
                self.counts["outside the target"] += 1
            self.hits.append(_hit(result, rule, tool, place))

    def _reported(self, result: m.Result) -> bool:
        if result.kind != "fail":
            self.counts["not a failure"] += 1
        elif result.baselineState == "absent":
            self.counts["absent"] += 1
        elif _suppressed(result.suppressions):
            self.counts["suppressed"] += 1
        else:
            return True
        return False


def _suppressed(suppressions: list[m.Suppression] | None) -> bool:
    """Suppressed when every suppression is accepted (a suppression without status is)."""
    return bool(suppressions) and all(s.status in (None, "accepted") for s in suppressions or ())


def _first_error(exc: ValidationError, where: str) -> str:
    error = exc.errors(include_url=False)[0]
    path = where
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    message = str(error["msg"]).removeprefix("Value error, ")
    more = exc.error_count() - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{path or 'document'}: {message}{suffix}"


def _tool_errors(run: m.Run) -> list[str]:
    errors = []
    for invocation in run.invocations:
        notes = invocation.toolExecutionNotifications + invocation.toolConfigurationNotifications
        said = [_notification(note) for note in notes if note.level == "error"]
        if not invocation.executionSuccessful and not said:
            said = ["the tool reports that its run failed"]
        errors.extend(said)
    return errors


def _notification(note: m.Notification) -> str:
    text = (note.message.text or note.message.id or "").strip()
    for location in note.locations:
        physical = location.physicalLocation
        if physical and physical.artifactLocation and physical.artifactLocation.uri:
            return f"{physical.artifactLocation.uri}: {text}"
    return text


def _rule_of(result: m.Result, tool: m.Tool, where: str) -> tuple[m.Rule | None, str | None]:
    """The rule a result refers to, or a problem (an index that points at no rule)."""
    ref = result.rule
    component, name = tool.driver, "tool.driver"
    if ref is not None and ref.toolComponent is not None:
        wanted = ref.toolComponent
        if 0 <= wanted.index < len(tool.extensions):
            component, name = tool.extensions[wanted.index], f"tool.extensions[{wanted.index}]"
        elif wanted.index >= 0:
            return None, f"{where}.rule.toolComponent.index: {wanted.index} is not an extension"
        else:
            found = [c for c in tool.extensions if c.name == wanted.name]
            component = found[0] if found else component
    index, field = (result.ruleIndex, "ruleIndex") if result.ruleIndex >= 0 else (-1, "")
    if index < 0 and ref is not None and ref.index >= 0:
        index, field = ref.index, "rule.index"
    if index >= 0:
        if index >= len(component.rules):
            count = len(component.rules)
            return None, f"{where}.{field}: {index} is not an index of {name}.rules ({count})"
        return component.rules[index], None
    rule_id = result.ruleId or (ref.id if ref is not None else None)
    return next((rule for rule in component.rules if rule.id == rule_id), None), None


def _hit(result: m.Result, rule: m.Rule | None, tool: str, place: _Place) -> Hit:
    rule_extra, result_extra = _extra(rule.properties if rule else None), _extra(result.properties)
    default = rule.defaultConfiguration if rule else None
    level = result.level or (default.level if default else None)
    security = result_extra.get("security-severity", rule_extra.get("security-severity"))
    tags = _tags(rule) + _tags(result)
    cwes = _cwes(tags, rule)
    helps = [rule.helpUri] if rule and rule.helpUri else []
    region = place.region
    return Hit(
        tool=tool,
        rule_id=_rule_id(result, rule),
        summary=_summary(result, rule),
        severity=sarif_rating(level, security, result_extra),
        confidence=sarif_confidence(tool, tags, rule_extra.get("precision"), result_extra),
        location=place.location,
        references=tuple(dict.fromkeys(helps + [CWE_URL.format(cwe) for cwe in cwes])),
        aliases=tuple(f"CWE-{cwe}" for cwe in cwes),
        snippet=region.snippet.text if region and region.snippet else None,
        identity=identity_key(result.partialFingerprints) if result.partialFingerprints else None,
    )


def _rule_id(result: m.Result, rule: m.Rule | None) -> str:
    ref_id = result.rule.id if result.rule else None
    return result.ruleId or ref_id or (rule.id if rule else None) or "unknown-rule"


def _extra(bag: m.PropertyBag | None) -> dict[str, Any]:
    return dict(bag.model_extra or {}) if bag is not None else {}


def _tags(owner: m.Rule | m.Result | None) -> list[str]:
    return list(owner.properties.tags) if owner and owner.properties else []


def _cwes(tags: Sequence[str], rule: m.Rule | None) -> list[int]:
    """CWE numbers from tags ("CWE-78: ...", "external/cwe/cwe-089") and CWE relationships."""
    found = [int(match.group(1)) for tag in tags for match in _CWE.finditer(tag)]
    for relation in rule.relationships if rule else ():
        target, component = relation.target, relation.target.toolComponent
        if component and (component.name or "").upper() == "CWE" and (target.id or "").isdigit():
            found.append(int(target.id or "0"))
    return [cwe for cwe in dict.fromkeys(found) if cwe]


def _summary(result: m.Result, rule: m.Rule | None) -> str:
    """The message (placeholders filled, related-location links unwrapped), else the rule's
    short description."""
    message, text = result.message, result.message.text
    if text is None and rule and rule.messageStrings and message.id in rule.messageStrings:
        text = rule.messageStrings[message.id or ""].text
    if text and message.arguments:
        args = message.arguments
        text = _ARGUMENT.sub(lambda g: args[int(g[1])] if int(g[1]) < len(args) else g[0], text)
    text = _LINK.sub(r"\1", text or "").strip()
    if text:
        return text
    if rule is not None and rule.shortDescription is not None:
        return rule.shortDescription.text.strip()
    return rule.id if rule is not None else ""


@dataclass(frozen=True, slots=True)
class _Place:
    location: Location | None
    region: m.Region | None
    inside: bool


def _place(result: m.Result, run: m.Run, roots: Sequence[str]) -> _Place:
    """The first location of a result, as a garrison Location."""
    physical = result.locations[0].physicalLocation if result.locations else None
    artifact = physical.artifactLocation if physical else None
    region = physical.region if physical else None
    if artifact is not None and artifact.uri is None and 0 <= artifact.index < len(run.artifacts):
        artifact = run.artifacts[artifact.index].location
    if artifact is None or artifact.uri is None:
        return _Place(None, region, True)
    where = resolve(artifact, run.originalUriBaseIds, roots)
    if region is None or region.startLine is None:
        return _Place(Location(where.path), region, where.inside)
    start, end = region.startLine, region.endLine
    last = end if end is not None and end >= start else start
    return _Place(Location(where.path, start, last, region.startColumn), region, where.inside)
