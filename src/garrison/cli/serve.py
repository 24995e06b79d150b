"""The server's commands: `garrison serve`, `push sbom`, `push deployment`, `gate`,
`token create` and `audit verify`.

Client commands talk to --server URL (or $GARRISON_SERVER) with the token in the environment
variable named by --token-env (default GARRISON_TOKEN): a token never goes on a command line.
Uploads are idempotent on the artifact key, so they are retried on connection errors and
502/503/504. `token create` and `audit verify` work on the server's database directly
(--config as for `serve`).
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
from garrison.cli.common import add_inventory_flags, err, target_options
from garrison.errors import ConfigError, GarrisonError, InputError
from garrison.server.config import ServerSettings, load_server_settings

EXIT_OK, EXIT_BLOCKED = 0, 1
_RETRY_STATUS = frozenset({502, 503, 504})
_ATTEMPTS = 3


def register(commands: Any) -> None:
    _register_serve(commands)
    _register_push(commands)
    gate = commands.add_parser("gate", help="ask the server whether an artifact may ship")
    gate.add_argument("artifact", metavar="KEY", help="the artifact key (image digest or build id)")
    _client_flags(gate)
    gate.set_defaults(handler=run_gate)
    token = commands.add_parser("token", help="server access tokens").add_subparsers(
        dest="token_command", required=True
    )
    create = token.add_parser("create", help="create a token; it is printed once")
    create.add_argument("--role", required=True, choices=("admin", "uploader", "viewer"))
    create.add_argument("--team", help="the team (required unless --role admin)")
    create.add_argument("--name", help="shown as the actor in the audit log (default ROLE-TEAM)")
    _config_flag(create)
    create.set_defaults(handler=run_token_create)
    audit = commands.add_parser("audit", help="the server's audit log").add_subparsers(
        dest="audit_command", required=True
    )
    verify = audit.add_parser("verify", help="check the audit log's hash chain")
    _config_flag(verify)
    verify.set_defaults(handler=run_audit_verify)


def _register_serve(commands: Any) -> None:
    serve = commands.add_parser("serve", help="run the monitoring server")
    _config_flag(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080)")
    serve.set_defaults(handler=run_serve)


def _register_push(commands: Any) -> None:
    push = commands.add_parser("push", help="send an SBOM or a deployment to the server")
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


def _config_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help="server settings YAML ($GARRISON_SERVER_CONFIG)"
    )


def _client_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", help="the server's base URL ($GARRISON_SERVER)")
    parser.add_argument(
        "--token-env", default="GARRISON_TOKEN", metavar="NAME",
        help="environment variable holding the token (default GARRISON_TOKEN)",
    )  # fmt: skip


# --- server-side commands ----------------------------------------------------------------


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from garrison.server.app import create_app

    settings = _settings(args)
    host, port = args.host or settings.host, args.port if args.port is not None else settings.port
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
    return EXIT_OK


def run_token_create(args: argparse.Namespace) -> int:
    from garrison.server.app import prepare_database
    from garrison.server.auth import create_token

    database = prepare_database(_settings(args))
    try:
        with database.session_scope() as session:
            name = args.name or f"{args.role}-{args.team or 'all'}"
            made = create_token(session, name=name, role=args.role, team=args.team, actor="cli")
    finally:
        database.dispose()
    err(f"created {made.role} token #{made.id} {made.name!r}; it is shown only now:")
    sys.stdout.write(made.secret + "\n")
    return EXIT_OK


def run_audit_verify(args: argparse.Namespace) -> int:
    from garrison.server import audit
    from garrison.server.app import prepare_database

    database = prepare_database(_settings(args))
    try:
        with database.session_scope(write=False) as session:
            result = audit.verify(session)
    finally:
        database.dispose()
    if result.ok:
        sys.stdout.write(f"audit log intact: {result.checked} entries\n")
        return EXIT_OK
    sys.stdout.write(f"audit log BROKEN at entry #{result.broken_id}: {result.reason}\n")
    return EXIT_BLOCKED


def _settings(args: argparse.Namespace) -> ServerSettings:
    return load_server_settings(args.config)


# --- client commands ---------------------------------------------------------------------


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
