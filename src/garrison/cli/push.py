"""The commands that talk to a running server: `push sbom`, `push deployment`,
`push advisories` and `gate`.

They reach --server URL (or $GARRISON_SERVER) with the token in the environment variable named
by --token-env (default GARRISON_TOKEN): a token never goes on a command line. Uploads are
idempotent (an artifact by its key, an advisory by its id and `modified`), so they are retried
on connection errors and 502/503/504.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from garrison import __version__
from garrison.cli.common import add_inventory_flags, target_options
from garrison.errors import ConfigError, GarrisonError, InputError

EXIT_OK = 0
_RETRY_STATUS = frozenset({502, 503, 504})
_ATTEMPTS = 3


def register(commands: Any) -> None:
    _register_push(commands)
    gate = commands.add_parser("gate", help="ask the server whether an artifact may ship")
    gate.add_argument("artifact", metavar="KEY", help="the artifact key (image digest or build id)")
    _client_flags(gate)
    gate.set_defaults(handler=run_gate)


def _register_push(commands: Any) -> None:
    push = commands.add_parser("push", help="send an SBOM, a deployment or advisories")
    kinds = push.add_subparsers(dest="push_command", required=True)
    sbom = kinds.add_parser("sbom", help="upload an artifact's SBOM (made here unless given)")
    sbom.add_argument("target", help="a CycloneDX JSON file, or what `garrison sbom` takes")
    sbom.add_argument("--key", help="artifact key (default: the image digest)")
    sbom.add_argument("--name", help="artifact name (default: the target's name)")
    for flag in ("--version", "--source-repo", "--source-commit", "--base-name", "--base-digest"):
        sbom.add_argument(flag)
    sbom.add_argument("--created", help="build time, ISO 8601 with a zone (default: image's)")
    sbom.add_argument("--team", help="owning team (team tokens always upload for their own)")
    _client_flags(sbom)
    add_inventory_flags(sbom)
    sbom.set_defaults(handler=run_push_sbom)
    deployment = kinds.add_parser("deployment", help="report what a workload runs now")
    deployment.add_argument("--environment", required=True, help="e.g. prod, staging")
    deployment.add_argument(
        "--cluster", "--host", dest="cluster", required=True,
        help="the cluster, or the host of a workload that runs outside one",
    )  # fmt: skip
    deployment.add_argument("--workload", required=True, help="e.g. a Deployment or unit name")
    deployment.add_argument("--artifact", required=True, metavar="KEY", help="the artifact key")
    deployment.add_argument("--deployed-at", help="ISO 8601 with a zone (default: now)")
    deployment.add_argument("--restarted-at", help="ISO 8601 with a zone: the last restart")
    _client_flags(deployment)
    deployment.set_defaults(handler=run_push_deployment)
    advisories = kinds.add_parser(
        "advisories", help="upload OSV files to the server's advisory database (admin token)"
    )
    advisories.add_argument(
        "paths", nargs="+", metavar="PATH", help="OSV JSON/YAML files, or folders of them"
    )
    _client_flags(advisories)
    advisories.set_defaults(handler=run_push_advisories)


def _client_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", help="the server's base URL ($GARRISON_SERVER)")
    parser.add_argument(
        "--token-env", default="GARRISON_TOKEN", metavar="NAME",
        help="environment variable holding the token (default GARRISON_TOKEN)",
    )  # fmt: skip


def run_push_sbom(args: argparse.Namespace) -> int:
    data, image = _sbom_for(args)
    metadata = {
        "key": args.key or (image.digest if image else None),
        "name": args.name or _default_name(args.target, image),
        "version": args.version, "source_repo": args.source_repo,
        "source_commit": args.source_commit, "team": args.team,
        "created_at": args.created or (image.created if image else None),
        "base_name": args.base_name or (image.base_name if image else None),
        "base_digest": args.base_digest or (image.base_digest if image else None),
    }  # fmt: skip
    if not metadata["key"]:
        raise InputError("--key is needed (the target is not an image with a digest)")
    body = {k: v for k, v in metadata.items() if v is not None}
    files = {"sbom": ("sbom.cdx.json", data, "application/vnd.cyclonedx+json")}
    answer = _request(
        args, "POST", "/api/v1/artifacts", data={"metadata": json.dumps(body)}, files=files
    )
    verb = "created" if answer.get("created") else "updated"
    sys.stdout.write(
        f"{verb} artifact #{answer['id']} {answer['key']} ({answer['components']} components)\n"
    )
    return EXIT_OK


def _sbom_for(args: argparse.Namespace) -> tuple[bytes, Any]:
    """The CycloneDX JSON to upload: the file as is when it is one, else made here."""
    path = Path(args.target)
    if path.is_file():
        data = _read(path)
        if _is_cyclonedx_json(data):
            return data, None
    from garrison.report.common import generation_time
    from garrison.sbom.cyclonedx_out import render_cyclonedx
    from garrison.targets import inventory_of

    inventory = inventory_of(args.target, target_options(args))
    text = render_cyclonedx(inventory, tool_version=__version__, timestamp=generation_time())
    return text.encode(), inventory.image


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _is_cyclonedx_json(data: bytes) -> bool:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and document.get("bomFormat") == "CycloneDX"


def _default_name(target: str, image: Any) -> str:
    if image is not None and image.reference:
        return str(image.reference).rsplit("/", 1)[-1].split("@")[0].split(":")[0] or target
    return Path(target).resolve().name or target


def run_push_deployment(args: argparse.Namespace) -> int:
    body = {
        "environment": args.environment, "cluster": args.cluster, "workload": args.workload,
        "artifact": args.artifact, "deployed_at": args.deployed_at,
        "restarted_at": args.restarted_at,
    }  # fmt: skip
    payload = {k: v for k, v in body.items() if v is not None}
    answer = _request(args, "POST", "/api/v1/deployments", json_body=payload)
    sys.stdout.write(
        f"{answer['environment']}/{answer['cluster']}/{answer['workload']}: {answer['change']}"
        f" (runs {answer['artifact']})\n"
    )
    return EXIT_OK


OSV_SUFFIXES = (".json", ".yaml", ".yml")
FILES_PER_REQUEST = 500  # the server takes up to 1,000 files per upload


def run_push_advisories(args: argparse.Namespace) -> int:
    """Upload OSV files (re-matched on arrival); print what changed, per request."""
    files = osv_files([Path(p) for p in args.paths])
    for start in range(0, len(files), FILES_PER_REQUEST):
        batch = files[start : start + FILES_PER_REQUEST]
        parts = [("files", (path.name, _read(path), "application/json")) for path in batch]
        answer = _request(args, "POST", "/api/v1/advisories", files=parts)
        sys.stdout.write(
            f"{len(batch)} files: {answer['changed_advisories']} advisories changed, "
            f"{answer['findings_created']} findings created, "
            f"{answer['issues_opened']} issues opened\n"
        )
        for problem in answer.get("problems", []):
            sys.stdout.write(f"  warning: {problem}\n")
    return EXIT_OK


def osv_files(paths: list[Path]) -> list[Path]:
    """The files given, and the OSV files under the folders given, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in OSV_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found:
        raise InputError(
            f"no OSV files ({', '.join(OSV_SUFFIXES)}) under {', '.join(map(str, paths))}"
        )
    return found


def run_gate(args: argparse.Namespace) -> int:
    """Exit 0 when the server lets the artifact pass, 1 when it blocks it."""
    from garrison.server.gate_client import render_answer

    answer = _request(args, "GET", "/api/v1/gate", params={"artifact": args.artifact})
    code, text = render_answer(args.artifact, answer)
    sys.stdout.write(text)
    return code


def _request(args: argparse.Namespace, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """One API call with retries on connection errors and 502/503/504; a 4xx/5xx answer is
    a GarrisonError quoting the server's `detail` (never the token)."""
    base, token = _endpoint(args)
    if "json_body" in kwargs:
        kwargs["json"] = kwargs.pop("json_body")
    headers = {"Authorization": f"Bearer {token}", "User-Agent": f"garrison/{__version__}"}
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
                response = client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            if attempt == _ATTEMPTS:
                raise GarrisonError(
                    f"{base}: cannot reach the server: {type(exc).__name__}"
                ) from None
        else:
            if response.status_code not in _RETRY_STATUS or attempt == _ATTEMPTS:
                return _answer(base, response)
        time.sleep(attempt)
    raise AssertionError("unreachable")


def _endpoint(args: argparse.Namespace) -> tuple[str, str]:
    base = args.server or os.environ.get("GARRISON_SERVER")
    if not base:
        raise ConfigError("--server URL (or GARRISON_SERVER) is needed")
    token = os.environ.get(args.token_env, "").strip()
    if not token:
        raise ConfigError(f"the token is read from ${args.token_env}, which is not set")
    return base.rstrip("/"), token


def _answer(base: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and isinstance(body, dict):
        return body
    detail = body.get("detail") if isinstance(body, dict) else None
    shown = json.dumps(detail) if not isinstance(detail, str) else detail
    raise GarrisonError(f"{base}: HTTP {response.status_code}: {shown or response.reason_phrase}")
