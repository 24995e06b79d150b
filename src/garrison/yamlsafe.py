"""The one safe YAML loader (pure): the C parser when available, duplicate keys refused,
timestamps kept as the strings they are written as (OSV, lockfiles and checks want text)."""

from __future__ import annotations

from typing import Any

import yaml


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """yaml.safe_load's loader, refusing duplicate mapping keys (naming the line)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str):
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise yaml.YAMLError(f"line {line}: duplicate key {key!r}")
                seen.add(key)
        return super().construct_mapping(node, deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
