"""Go module version ordering.

Go versions are SemVer with a `v` prefix (optional here). Pseudo-versions such as
`v0.0.0-20191109021931-daa7c04131f5` are SemVer pre-releases and need no special case:
their timestamps have a fixed width, so they order correctly as identifiers. Build
metadata, including `+incompatible`, is ignored for ordering.
"""

from __future__ import annotations

from garrison.versions.base import Ordering
from garrison.versions.semver import SemverKey, semver_key


def parse(text: str) -> SemverKey:
    """Parse a Go module version (`v1.2.3`, `1.2.3`, `v2.0.0+incompatible`, pseudo-versions)."""
    return semver_key(text, "Go")


ORDERING = Ordering(name="go", ecosystems=("Go",), parse=parse)
