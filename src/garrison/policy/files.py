"""Reading the policy's inputs (policy, baseline, VEX files): size-bounded, UTF-8, and JSON
with duplicate keys refused. Every failure is a PolicyError naming the file (and line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from garrison.errors import PolicyError

MAX_BYTES = 64 << 20


def read_text(path: Path, what: str, limit: int = MAX_BYTES) -> str:
    """The file's text; `what` names the kind of file in the error ("a baseline")."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise PolicyError(f"{path}: too large for {what} (over {limit} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: not UTF-8 text") from None


def parse_json(text: str, path: Path) -> Any:
    """JSON text -> values; invalid JSON and duplicate keys are PolicyErrors with the line."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        line = _line_of_key(text, exc.key, nth=2)
        raise PolicyError(f"{path}:{line}: duplicate key {exc.key!r}") from None
    except RecursionError:
        raise PolicyError(f"{path}:1: invalid JSON: nested too deeply") from None


def key_line(text: str, key: str) -> int:
    """The line of the first `"key":` in a JSON text, or 1."""
    return _line_of_key(text, key)


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _line_of_key(text: str, key: str, nth: int = 1) -> int:
    needle, position = json.dumps(key), -1
    for _ in range(nth):
        position = text.find(needle, position + 1)
        if position < 0:
            return 1
    return text.count("\n", 0, position) + 1
