"""The interface every version rule family implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)  # identity hashing: keys the parse cache cheaply
class Ordering:
    """How one family of ecosystems orders versions.

    `parse` turns a version string into a totally ordered key (supports <, ==, hashing) and
    raises garrison.errors.InvalidVersionError (with any ecosystem text; the dispatcher
    rewrites it) for a string that is not a valid version. `lenient`, when given, orders any
    string (used by compare() only, e.g. legacy PyPI versions); it defaults to `parse`.
    """

    name: str
    ecosystems: tuple[str, ...]
    parse: Callable[[str], Any]
    lenient: Callable[[str], Any] | None = None

    def sort_key(self, version: str) -> Any:
        return (self.lenient or self.parse)(version)
