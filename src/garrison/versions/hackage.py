"""Haskell Hackage versions: dot-separated numbers compared as lists (`1.0.0 > 1.0`)."""

from __future__ import annotations

import re

from garrison.errors import InvalidVersionError
from garrison.versions.base import Ordering

ECOSYSTEM = "Hackage"

_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*")


def parse(text: str) -> tuple[int, ...]:
    """Parse a Hackage version into its tuple of numbers (a prefix sorts first)."""
    if not _VERSION.fullmatch(text):
        raise InvalidVersionError(ECOSYSTEM, text, "not dot-separated numbers")
    return tuple(int(number) for number in text.split("."))


ORDERING = Ordering(name="hackage", ecosystems=("Hackage",), parse=parse, lenient=None)
