"""Reading check files (pure): safe YAML that refuses duplicate keys and keeps timestamps
as strings. Aliases are allowed (a check's tests may share a resource), but a document that
expands through them past MAX_NODES values (an alias bomb) is refused."""

from __future__ import annotations

from typing import Any

import yaml

from garrison.errors import ConfigError
from garrison.yamlsafe import StrictLoader

MAX_NODES = 200_000  # a check file expanded through its aliases; more is an alias bomb


def load_check_yaml(text: str, origin: str) -> Any:
    """Parse a check file. Aliases are allowed (tests may share a resource), but not a
    document that expands past MAX_NODES values through them."""
    try:
        document = yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        reason = str(getattr(exc, "problem", None) or exc).strip()
        raise ConfigError(f"{origin}:{where} invalid YAML: {reason}") from None
    except RecursionError:
        raise ConfigError(f"{origin}: YAML nested too deeply") from None
    stack, visits = [document], 0
    while stack:
        node = stack.pop()
        visits += 1
        if visits > MAX_NODES:
            raise ConfigError(f"{origin}: expands to more than {MAX_NODES} values (aliases)")
        if isinstance(node, dict | list):
            stack.extend(node.values() if isinstance(node, dict) else node)
    return document
