"""The command line: the only code that reads argv, prints, and chooses exit codes.

Exit codes: 0 clean, 1 findings that fail the policy, 2 usage or input error (one line on
stderr, never a traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from garrison import __version__
from garrison.cli import checks, db, history, policy, push, registry, sbom, scan, serve
from garrison.errors import GarrisonError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = (scan, history, sbom, registry, db, checks, policy, serve, push)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="garrison", description="Security as code: SBOM, vulnerabilities, policy."
    )
    parser.add_argument("--version", action="version", version=f"garrison {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except GarrisonError as exc:
        sys.stderr.write(f"garrison: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("garrison: interrupted; nothing was changed\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    return code
