"""Helpers shared by the command modules: settings flags and safe output."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from garrison.errors import IncompleteError, InputError
from garrison.image.facts import GoldenImage, load_golden
from garrison.model import ScanWarning
from garrison.settings import Settings, load_settings
from garrison.targets import TargetOptions


def add_db_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="database file (env GARRISON_DB)")


def add_age_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db-warn-age", metavar="AGE", help="warn when the database is older (default 3d)"
    )
    parser.add_argument(
        "--db-max-age", metavar="AGE", help="refuse to scan past this age (default 30d)"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(
        db=getattr(args, "db", None),
        base_url=getattr(args, "base_url", None),
        ecosystems=getattr(args, "ecosystem", None),
        warn_age=getattr(args, "db_warn_age", None),
        max_age=getattr(args, "db_max_age", None),
    )


def write_output(text: str, output: str | None) -> None:
    """Print to stdout, or write FILE atomically (never a half-written report)."""
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(output)
    if target.exists() and not target.is_file():  # /dev/null, a FIFO: never replace those
        _write_through(target, text)
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_through(target: Path, text: str) -> None:
    try:
        with target.open("w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None


def err(message: str) -> None:
    sys.stderr.write(f"garrison: {message}\n")


def add_inventory_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths matching GLOB (relative path or file name); repeat",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 if anything is incomplete (unread files, unknown versions, unpinned deps)",
    )
    images = parser.add_argument_group("images and systems")
    images.add_argument(
        "--rootfs", action="store_true", help="TARGET is a root filesystem (a VM or server)"
    )
    images.add_argument("--platform", help="for multi-platform images: os/arch[/variant]")
    images.add_argument(
        "--insecure", action="store_true", help="talk plain HTTP to the registry (no TLS)"
    )
    images.add_argument("--username", help="registry user (else ~/.docker/config.json)")
    images.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the registry password from stdin (or set GARRISON_REGISTRY_PASSWORD)",
    )
    images.add_argument(
        "--golden", metavar="FILE", help="JSON list of approved base images (name, digest, ...)"
    )


def target_options(args: argparse.Namespace) -> TargetOptions:
    """TargetOptions from the inventory flags; secrets come from stdin or the environment."""
    password = os.environ.get("GARRISON_REGISTRY_PASSWORD")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    golden: tuple[GoldenImage, ...] = ()
    if args.golden:
        try:
            text = Path(args.golden).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.golden}: cannot read: {exc.strerror or exc}") from None
        golden = load_golden(text, args.golden)
    return TargetOptions(
        excludes=tuple(args.exclude),
        rootfs=args.rootfs,
        platform=args.platform,
        insecure=args.insecure,
        username=args.username,
        password=password,
        golden=golden,
    )


def enforce_strict(strict: bool, warnings: Sequence[ScanWarning]) -> None:
    """With --strict, any gap in the inventory or scan is an error (exit 2)."""
    if not strict or not warnings:
        return
    counts = Counter(w.gap.value for w in warnings)
    kinds = ", ".join(f"{count} {gap}" for gap, count in sorted(counts.items()))
    first = warnings[0]
    raise IncompleteError(
        f"--strict: the result is incomplete ({kinds}); first: {first.source}: {first.message}"
    )
