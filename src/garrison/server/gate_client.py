"""The gate's answer as `garrison gate KEY --server URL` prints it (the request itself is
cli/push.py's, with the other client commands): exit 0 when the artifact may ship, 1 when it
is blocked, a GarrisonError (exit 2) for an answer without a verdict — it never exits 0
without a `passed: true` from the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from garrison.errors import GarrisonError

EXIT_PASSED, EXIT_BLOCKED = 0, 1


def render_answer(artifact: str, answer: Mapping[str, Any]) -> tuple[int, str]:
    """The exit code and the text to print for the server's answer (pure)."""
    passed = answer.get("passed")
    if not isinstance(passed, bool):
        raise GarrisonError("the server's gate answer has no 'passed' verdict")
    reason = str(answer.get("reason") or "")
    lines = [f"{artifact}: {'PASS' if passed else 'BLOCKED'}: {reason}"]
    for item in answer.get("blocking") or ():
        if isinstance(item, Mapping):
            lines.append("  " + _describe(item))
    for notice in answer.get("notices") or ():
        lines.append(f"  note: {notice}")
    return (EXIT_PASSED if passed else EXIT_BLOCKED), "\n".join(lines) + "\n"


def _describe(item: Mapping[str, Any]) -> str:
    where = f" in {item['package']}@{item.get('version') or '?'}" if item.get("package") else ""
    fixed = item.get("fixed_versions") or []
    fix = f" (fixed in {', '.join(map(str, fixed))})" if fixed else ""
    build = f" [{item['artifact']}]" if item.get("artifact") else ""
    summary = f": {item['summary']}" if item.get("summary") else ""
    return f"{item.get('severity', '?')} {item.get('id', '?')}{where}{fix}{build}{summary}"
