"""Source lines of the files SAST findings point at (I/O module).

Only files inside the base directory are read (symlinks resolved), each at most once and
only up to `MAX_BYTES`; a file that cannot be read gives None and its findings simply keep
no inline-ignore check and a coarser fingerprint.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_BYTES = 8 * 1024 * 1024


class SourceLines:
    """Lines of files under `base` by relative POSIX path; None for a file not readable."""

    def __init__(self, base: Path | None) -> None:
        self._root = os.path.realpath(base) if base is not None else None
        self._cache: dict[str, list[str] | None] = {}

    def __call__(self, rel: str) -> list[str] | None:
        if rel not in self._cache:
            self._cache[rel] = self._read(rel)
        return self._cache[rel]

    def _read(self, rel: str) -> list[str] | None:
        if self._root is None or os.path.isabs(rel):
            return None
        path = os.path.realpath(os.path.join(self._root, rel))
        if not path.startswith(self._root + os.sep):
            return None
        try:
            if os.path.getsize(path) > MAX_BYTES:
                return None
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES)
        except OSError:
            return None
        return data.decode("utf-8", "replace").splitlines()
