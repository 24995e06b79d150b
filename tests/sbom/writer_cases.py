"""The fixed Inventory the SBOM writer tests render, and the golden-file check.

Golden files live in tests/data/sbom/golden/. Set GARRISON_UPDATE_GOLDEN=1 to rewrite them
from the current output (then review the diff before committing).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from garrison.model import Component, Gap, Inventory, Location, ScanWarning

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "sbom" / "golden"
TIMESTAMP = datetime(2025, 1, 9, 12, 0, 0, tzinfo=UTC)
TOOL_VERSION = "1.2.3"

_LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"


def golden_inventory() -> Inventory:
    """Three ecosystems, direct and transitive components, a dev dependency, a component
    without purl, licences of every kind, edges, and one warning."""
    requirements = Location("requirements.txt", 3)
    lock = Location("web/package-lock.json")
    components = (
        Component(
            "PyPI", "requests", "2.31.0", "pkg:pypi/requests@2.31.0", requirements,
            ("Apache-2.0",), "pkg:pypi/requests@2.31.0#requirements.txt", None, True,
        ),
        Component(
            "PyPI", "urllib3", "1.26.18", "pkg:pypi/urllib3@1.26.18",
            Location("requirements.txt", 4), ("MIT",), "pkg:pypi/urllib3@1.26.18#requirements.txt",
            None, False,
        ),
        Component(
            "npm", "@babel/core", "7.24.0", "pkg:npm/%40babel/core@7.24.0", lock,
            ("MIT OR Apache-2.0",), "pkg:npm/%40babel/core@7.24.0#web/package-lock.json",
            "dev", True,
        ),
        Component(
            "npm", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", lock, ("mit",),
            "pkg:npm/lodash@4.17.20#web/package-lock.json", None, False,
        ),
        Component(
            "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", _LOG4J,
            Location("pom.xml", 12), ("Apache-2.0", "Apache Software License, Version 2.0"),
            f"{_LOG4J}#pom.xml", None, None,
        ),
        # No purl: the writers build one from the ecosystem.
        Component(
            "Maven", "org.slf4j:slf4j-api", "2.0.9", None, Location("pom.xml", 20), (),
            "slf4j#pom.xml", "test", None,
        ),
    )  # fmt: skip
    requests, urllib3 = components[0].bom_ref or "", components[1].bom_ref or ""
    babel, lodash = components[2].bom_ref or "", components[3].bom_ref or ""
    dependencies = ((requests, (urllib3,)), (babel, (lodash,)), (urllib3, ()))
    warnings = (ScanWarning("go.mod", "cannot parse: unexpected token", Gap.READER_FAILED, 7),)
    return Inventory("/work/checkouts/shop", components, dependencies, warnings)


def check_golden(name: str, text: str) -> None:
    """`text` must be byte-for-byte the golden file `name` (rewritten when asked)."""
    path = GOLDEN / name
    if os.environ.get("GARRISON_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.read_bytes() == text.encode("utf-8"), (
        f"{path} differs; if the change is intended, rerun with GARRISON_UPDATE_GOLDEN=1"
    )
