"""JSON text that is fast to write and friendly to `git diff` (pure).

`json.dumps(indent=2)` runs the pure-Python encoder, ten times slower than the C one. Large
documents (SBOMs, reports) are written here with the top levels indented and each element of
a long list of objects compacted onto one line by the C encoder: one component, one line.
"""

from __future__ import annotations

import json
from typing import Any

_INDENT = "  "


def dumps(document: dict[str, Any]) -> str:
    """`document` as text: nested objects indented, lists of objects one element a line."""
    return _value(document, 0) + "\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _value(value: Any, depth: int) -> str:
    if isinstance(value, dict) and value and depth < 2:
        pad = _INDENT * (depth + 1)
        items = [f"{pad}{_compact(k)}: {_value(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + _INDENT * depth + "}"
    if isinstance(value, list) and value and depth < 2:
        pad = _INDENT * (depth + 1)
        items = [f"{pad}{_compact(item)}" for item in value]
        return "[\n" + ",\n".join(items) + "\n" + _INDENT * depth + "]"
    return _compact(value)
