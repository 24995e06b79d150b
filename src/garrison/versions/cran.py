"""R CRAN versions: numbers separated by `.` or `-`, compared as lists of integers.

`0.01.0 = 0.1-0` (leading zeros do not count) and a shorter list that is a prefix of a
longer one sorts first (`0.1.0 < 0.1.0.0`).
"""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

ECOSYSTEM = "CRAN"

_VERSION = re.compile(r"[0-9]+(?:[.-][0-9]+)*")
_SEPARATOR = re.compile(r"[.-]")


def parse(text: str) -> tuple[int, ...]:
    """Parse a CRAN version into its tuple of numbers."""
    if not _VERSION.fullmatch(text):
        raise InvalidVersionError(ECOSYSTEM, text, "not numbers separated by '.' or '-'")
    return tuple(int(number) for number in _SEPARATOR.split(text))


ORDERING = Ordering(name="cran", ecosystems=("CRAN",), parse=parse, lenient=None)
