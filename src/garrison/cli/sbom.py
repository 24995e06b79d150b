"""`garrison sbom TARGET`: write the inventory as CycloneDX 1.6 or SPDX 2.3 JSON."""

from __future__ import annotations

import argparse
from typing import Any

from garrison import __version__
from garrison.cli.common import (
    add_inventory_flags,
    enforce_strict,
    err,
    target_options,
    write_output,
)
from garrison.perf import gc_paused
from garrison.report.common import generation_time
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


def run(args: argparse.Namespace) -> int:
    with gc_paused():
        inventory = inventory_of(args.target, target_options(args))
        timestamp = generation_time()
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
