"""Our SARIF model must accept what the official SARIF 2.1.0 schema accepts (from ../shared),
and refuse the broken documents below, as the schema does."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest

from garrison.sast.sarif_map import map_sarif
from tests.conftest import DATA, shared_path
from tests.sast.sarif_docs import log, result

jsonschema = pytest.importorskip("jsonschema")

FIXTURES = sorted((DATA / "sast" / "sarif").glob("*.sarif"))


@functools.cache
def _official() -> Any:
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def _ours_accepts(document: Any) -> bool:
    read = map_sarif(document, ())
    return not read.problems


def _region(**region: Any) -> dict[str, Any]:
    found = result()
    found["locations"][0]["physicalLocation"]["region"] = region
    return log(found)


VALID = {
    "empty-runs": {"version": "2.1.0", "runs": []},
    "null-runs": {"version": "2.1.0", "runs": None},
    "no-results": {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]},
    "minimal-result": log({"message": {"text": "m"}}),
    "message-by-id": log({"message": {"id": "default"}, "ruleId": "R"}),
    "rule-reference-only": log({"message": {"text": "m"}, "rule": {"id": "R"}}),
    "char-offset-region": _region(charOffset=10, charLength=4),
    "address-location": log(
        {
            "message": {"text": "m"},
            "locations": [{"physicalLocation": {"address": {"absoluteAddress": 4096}}}],
        }
    ),
    "every-kind": log(
        *(
            result(kind=kind)
            for kind in ("pass", "fail", "open", "review", "informational", "notApplicable")
        )
    ),
    "every-level": log(*(result(level=level) for level in ("none", "note", "warning", "error"))),
    "baseline-states": log(
        *(result(baselineState=s) for s in ("new", "unchanged", "updated", "absent"))
    ),
    "suppressions": log(
        result(suppressions=[{"kind": "external", "status": "underReview", "justification": "j"}])
    ),
    "rule-index-minus-one": log(result(ruleIndex=-1)),
    "original-uri-base-ids": log(
        result(),
        originalUriBaseIds={
            "SRC": {"uri": "file:///src/"},
            "PKG": {"uri": "pkg/", "uriBaseId": "SRC"},
        },
    ),
    "invocation": log(
        invocations=[
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [{"message": {"text": "t"}}],
            }
        ]
    ),
    "security-severity": log(
        result(),
        rules=[
            {
                "id": "R1",
                "properties": {
                    "security-severity": "7.5",
                    "tags": ["security", "external/cwe/cwe-079"],
                },
            }
        ],
    ),
}


def _broken(change: str) -> dict[str, Any]:
    document = log(result(), rules=[{"id": "R1"}], invocations=[{"executionSuccessful": True}])
    run = document["runs"][0]
    found = run["results"][0]
    region = found["locations"][0]["physicalLocation"]["region"]
    edits = {
        "version": lambda: document.update(version="2.0.0"),
        "no-version": lambda: document.pop("version"),
        "no-runs": lambda: document.pop("runs"),
        "runs-object": lambda: document.update(runs={}),
        "no-tool": lambda: run.pop("tool"),
        "no-driver": lambda: run["tool"].pop("driver"),
        "driver-name": lambda: run["tool"]["driver"].pop("name"),
        "results-object": lambda: run.update(results={}),
        "no-message": lambda: found.pop("message"),
        "empty-message": lambda: found.update(message={}),
        "level": lambda: found.update(level="fatal"),
        "kind": lambda: found.update(kind="problem"),
        "rule-index": lambda: found.update(ruleIndex=-2),
        "rule-index-text": lambda: found.update(ruleIndex="0"),
        "start-line-0": lambda: region.update(startLine=0),
        "start-column-text": lambda: region.update(startColumn="5"),
        "start-line-float": lambda: region.update(startLine=3.0),
        "region-without-start": lambda: [region.pop("startLine")],
        "uri-number": lambda: found["locations"][0]["physicalLocation"]["artifactLocation"].update(
            uri=7
        ),
        "suppression-kind": lambda: found.update(suppressions=[{"status": "accepted"}]),
        "suppression-status": lambda: found.update(
            suppressions=[{"kind": "inSource", "status": "maybe"}]
        ),
        "baseline-state": lambda: found.update(baselineState="gone"),
        "fingerprint-number": lambda: found.update(partialFingerprints={"h": 1}),
        "duplicate-tags": lambda: found.update(properties={"tags": ["a", "a"]}),
        "rule-without-id": lambda: run["tool"]["driver"]["rules"][0].pop("id"),
        "short-description-without-text": lambda: run["tool"]["driver"]["rules"][0].update(
            shortDescription={"markdown": "x"}
        ),
        "invocation-without-success": lambda: run["invocations"][0].pop("executionSuccessful"),
        "rule-reference-empty": lambda: found.update(rule={}),
        "notification-level": lambda: run["invocations"][0].update(
            toolExecutionNotifications=[{"message": {"text": "x"}, "level": "fatal"}]
        ),
    }
    edits[change]()
    return document


BROKEN = [
    "version",
    "no-version",
    "no-runs",
    "runs-object",
    "no-tool",
    "no-driver",
    "driver-name",
    "results-object",
    "no-message",
    "empty-message",
    "level",
    "kind",
    "rule-index",
    "rule-index-text",
    "start-line-0",
    "start-column-text",
    "start-line-float",
    "region-without-start",
    "uri-number",
    "suppression-kind",
    "suppression-status",
    "baseline-state",
    "fingerprint-number",
    "duplicate-tags",
    "rule-without-id",
    "short-description-without-text",
    "invocation-without-success",
    "rule-reference-empty",
    "notification-level",
]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_accepts_every_fixture_the_schema_accepts(path: Path) -> None:
    document = json.loads(path.read_text())
    assert list(_official().iter_errors(document)) == []
    assert _ours_accepts(document)


@pytest.mark.parametrize("name", sorted(VALID))
def test_accepts_valid_shapes(name: str) -> None:
    document = copy.deepcopy(VALID[name])
    assert _official().is_valid(document)
    assert _ours_accepts(document)


@pytest.mark.parametrize("change", BROKEN)
def test_refuses_what_the_schema_refuses(change: str) -> None:
    document = _broken(change)
    assert _official().is_valid(document) is False
    assert _ours_accepts(document) is False


def test_the_unbroken_base_document_is_valid_for_both() -> None:
    document = log(result(), rules=[{"id": "R1"}], invocations=[{"executionSuccessful": True}])
    assert _official().is_valid(document)
    assert _ours_accepts(document)


def test_known_difference_unknown_keys_are_allowed() -> None:
    """The schema forbids keys it does not define; we read past them (tools add some)."""
    document = log(result(vendorField=1), vendorRunField=True)
    assert _official().is_valid(document) is False
    assert _ours_accepts(document)


def test_known_difference_null_results_are_allowed() -> None:
    """The SARIF text says `results` is null when a tool could not run; the schema says array."""
    document = log(results=None)
    assert _official().is_valid(document) is False
    assert _ours_accepts(document)
