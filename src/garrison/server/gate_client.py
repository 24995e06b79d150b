"""The client side of the build gate: `garrison gate KEY --server URL` asks
`GET /api/v1/gate?artifact=KEY` and exits 0 when the artifact may ship, 1 when it is blocked,
2 (a GarrisonError, raised) when there is no usable answer — an unreachable server, a 4xx/5xx,
an answer without a verdict. It never exits 0 without a `passed: true` from the server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TextIO

import httpx

from garrison import __version__
from garrison.errors import ConfigError, GarrisonError

EXIT_PASSED, EXIT_BLOCKED = 0, 1
DEFAULT_TOKEN_ENV = "GARRISON_TOKEN"


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


def token_from_env(name: str = DEFAULT_TOKEN_ENV) -> str:
    token = os.environ.get(name, "").strip()
    if not token:
        raise ConfigError(f"the token is read from ${name}, which is not set")
    return token


def fetch_answer(client: httpx.Client, artifact: str, token: str) -> dict[str, Any]:
    """The gate's JSON answer; a GarrisonError naming the status and the server's detail
    (never the token) otherwise."""
    headers = {"Authorization": f"Bearer {token}", "User-Agent": f"garrison/{__version__}"}
    try:
        response = client.get("/api/v1/gate", params={"artifact": artifact}, headers=headers)
    except httpx.HTTPError as exc:
        raise GarrisonError(f"cannot reach the server: {type(exc).__name__}") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and isinstance(body, dict):
        return body
    detail = body.get("detail") if isinstance(body, dict) else None
    raise GarrisonError(f"gate: HTTP {response.status_code}: {detail or response.reason_phrase}")


def run_gate(
    artifact: str,
    server: str,
    token: str,
    out: TextIO,
    *,
    client: httpx.Client | None = None,
    timeout: float = 60.0,
) -> int:
    """Ask the server, print the verdict, return the exit code (0 pass, 1 blocked)."""
    if client is None:
        with httpx.Client(base_url=server.rstrip("/"), timeout=timeout) as own:
            answer = fetch_answer(own, artifact, token)
    else:
        answer = fetch_answer(client, artifact, token)
    code, text = render_answer(artifact, answer)
    out.write(text)
    return code
