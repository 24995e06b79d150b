"""Small SARIF documents for tests, built as Python data."""

from __future__ import annotations

from typing import Any


def result(rule: str = "R1", line: int = 3, uri: str = "src/a.py", **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "ruleId": rule,
        "message": {"text": f"{rule} found"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": line, "startColumn": 5},
                }
            }
        ],
    }
    document.update(extra)
    return document


def log(
    *results: dict[str, Any],
    rules: list[dict[str, Any]] | None = None,
    name: str = "Scanner",
    **run: Any,
) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": name}
    if rules is not None:
        driver["rules"] = rules
    return {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": list(results), **run}],
    }
