"""The server's own commands: `garrison serve`, `token create` and `audit verify`.

`token create` and `audit verify` work on the server's database directly (--config as for
`serve`). The commands that talk to a running server are in `cli/push.py`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from garrison.cli.common import err
from garrison.server.config import ServerSettings, load_server_settings

EXIT_OK, EXIT_BLOCKED = 0, 1


def register(commands: Any) -> None:
    _register_serve(commands)
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


def _config_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help="server settings YAML ($GARRISON_SERVER_CONFIG)"
    )


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
