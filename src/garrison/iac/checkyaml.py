"""Reading check files (pure): safe YAML that refuses duplicate keys and keeps timestamps
as strings. Aliases are allowed (a check's tests may share a resource), but a document that
expands through them past MAX_NODES values (an alias bomb) is refused."""

from __future__ import annotations

from typing import Any

import yaml

from garrison.errors import ConfigError


class _CheckLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that refuses duplicate keys; timestamps stay strings."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str) and key in seen:
                line = key_node.start_mark.line + 1
                raise yaml.YAMLError(f"line {line}: duplicate key {key!r}")
            seen.add(key) if isinstance(key, str) else None
        return super().construct_mapping(node, deep)


_CheckLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
MAX_NODES = 200_000  # a check file expanded through its aliases; more is an alias bomb


def load_check_yaml(text: str, origin: str) -> Any:
    """Parse a check file. Aliases are allowed (tests may share a resource), but not a
    document that expands past MAX_NODES values through them."""
    try:
        document = yaml.load(text, Loader=_CheckLoader)
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
