"""`garrison sbom TARGET`: write the inventory as CycloneDX 1.6 or SPDX 2.3 JSON."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from typing import Any

from garrison import __version__
from garrison.cli.common import (
    add_inventory_flags,
    enforce_strict,
    err,
    target_options,
    write_output,
)
from garrison.errors import ConfigError
from garrison.perf import gc_paused
from garrison.targets import inventory_of

FORMATS = ("cyclonedx", "spdx")


def register(commands: Any) -> None:
    parser = commands.add_parser("sbom", help="inventory a target and write an SBOM")
    parser.add_argument(
        "target",
        help="a directory, lockfile, SBOM, image archive or OCI layout, or an image reference",
    )
    parser.add_argument("--format", choices=FORMATS, default="cyclonedx")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the SBOM to FILE")
    add_inventory_flags(parser)
    parser.set_defaults(handler=run)


def build_timestamp(env: dict[str, str] | None = None) -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds: same input, same output)."""
    value = (env if env is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not value.isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH: {value!r} is not a number of seconds")
    return datetime.fromtimestamp(int(value), UTC)


def run(args: argparse.Namespace) -> int:
    with gc_paused():
        inventory = inventory_of(args.target, target_options(args))
        timestamp = build_timestamp()
        if args.format == "spdx":
            from garrison.sbom.spdx_out import render_spdx

            text = render_spdx(inventory, tool_version=__version__, timestamp=timestamp)
        else:
            from garrison.sbom.cyclonedx_out import render_cyclonedx

            text = render_cyclonedx(inventory, tool_version=__version__, timestamp=timestamp)
    write_output(text, args.output)
    if inventory.warnings:
        count = len(inventory.warnings)
        err(f"warning: the inventory is incomplete ({count} gap(s) listed in the SBOM)")
        for warning in inventory.warnings[:20]:
            err(f"  {warning.gap.value}: {warning.source}: {warning.message}")
    enforce_strict(args.strict, inventory.warnings)
    return 0
