"""Terraform plan loader: the JSON of `terraform show -json PLANFILE` to Resources.

Every resource of `planned_values` (the root module and its `child_modules`) becomes a
Resource like the .tf loader's: `kind` the type, `name` the address, `doc` its planned
`values` (nested blocks are lists of mappings there too). Values only known after apply
are absent from a plan. References between resources come from the plan's
`configuration` section and fill `context["referrers"]` as for .tf files. The span of a
resource is the line of its `"address"` in the file (all of them line 1 in the one-line
JSON Terraform writes). A JSON file that is not a plan loads as nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from garrison.iac.loaders.terraform_links import Entry, link
from garrison.iac.model import LoadResult, Span
from garrison.inventory.readers.base import SourceFile, load_json

NAME = "terraform-plan"
SOURCE = "terraform"
_INDEX = re.compile(r"\[[^\]]*\]")
_PLAN_NAME = re.compile(r"(?:^|[._-])(?:tf)?plan(?:[._-][\w.-]*)?\.json$")


def matches(path: PurePosixPath) -> bool:
    """plan.json, tfplan.json, prod.tfplan.json, terraform-plan.json and the like."""
    return _PLAN_NAME.search(path.name.lower()) is not None


def load(source: SourceFile) -> LoadResult:
    plan = load_json(source)
    if not isinstance(plan, dict) or not isinstance(plan.get("planned_values"), dict):
        return LoadResult(())
    text = source.text()
    refs = _config_refs(plan.get("configuration"))
    start = text.find('"planned_values"')
    groups: dict[str, list[Entry]] = defaultdict(list)
    for module, item in _planned(plan["planned_values"].get("root_module")):
        entry = _entry(source.path, text, start, module, item, refs)
        if entry is not None:
            groups[module].append(entry)
    resources = [r for group in groups.values() for r in link(group)]
    return LoadResult(tuple(resources))


def _planned(module: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(module prefix, resource) for every resource of a planned module, depth first."""
    if not isinstance(module, dict):
        return
    prefix = _INDEX.sub("", str(module.get("address") or ""))
    for item in module.get("resources") or []:
        if isinstance(item, dict):
            yield prefix, item
    for child in module.get("child_modules") or []:
        yield from _planned(child)


def _entry(
    path: str, text: str, start: int, module: str, item: dict[str, Any], refs: dict[str, Any]
) -> Entry | None:
    address, kind = item.get("address"), item.get("type")
    if not isinstance(address, str) or not isinstance(kind, str):
        return None
    mode = "data" if item.get("mode") == "data" else "managed"
    local = _INDEX.sub("", address)[len(module) + 1 if module else 0 :]
    doc = item.get("values") if isinstance(item.get("values"), dict) else {}
    line = _line_of(text, start, address)
    found = refs.get(f"{module}.{local}" if module else local, frozenset())
    span = Span(line, line)
    return Entry(kind, local, address, mode, doc, path, span, {}, {}, found, module)


def _line_of(text: str, start: int, address: str) -> int:
    pattern = re.compile(r'"address"\s*:\s*' + re.escape(_json_string(address)))
    match = pattern.search(text, max(start, 0))
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _json_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _config_refs(configuration: Any) -> dict[str, frozenset[str]]:
    """Resource address (module path + address, no indexes) -> the resource addresses its
    expressions reference, from the plan's `configuration`."""
    found: dict[str, frozenset[str]] = {}
    stack: list[tuple[str, Any]] = [("", (configuration or {}).get("root_module"))]
    while stack:
        prefix, module = stack.pop()
        if not isinstance(module, dict):
            continue
        for item in module.get("resources") or []:
            if isinstance(item, dict) and isinstance(item.get("address"), str):
                key = f"{prefix}.{item['address']}" if prefix else item["address"]
                found[key] = frozenset(_references(item.get("expressions")))
        for name, call in (module.get("module_calls") or {}).items():
            child = f"{prefix}.module.{name}" if prefix else f"module.{name}"
            stack.append((child, call.get("module") if isinstance(call, dict) else None))
    return found


def _references(expressions: Any) -> Iterator[str]:
    """Resource addresses named by `references` anywhere inside `expressions`."""
    stack = [expressions]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "references" and isinstance(item, list):
                    yield from (_address(r) for r in item if isinstance(r, str))
                else:
                    stack.append(item)


def _address(reference: str) -> str:
    parts = _INDEX.sub("", reference).split(".")
    return ".".join(parts[:3] if parts[0] == "data" else parts[:2])
