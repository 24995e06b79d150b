"""Python conditions for Dockerfile checks the check language cannot say: facts of the
final stage (its context), the last USER, instructions repeated within a stage, COPY
--from naming the stage itself.

Each function is `(resource, obj, obj_path) -> list[DocPath]`: the offending fields (an
empty list: the check passes). A stage's doc is described in `iac/loaders/dockerfile.py`.
"""

from __future__ import annotations

from typing import Any

from garrison.iac.model import DocPath, Resource

_ROOT = frozenset({"root", "0"})


def _instructions(resource: Resource) -> list[tuple[int, dict[str, Any]]]:
    items = resource.doc.get("instructions") if isinstance(resource.doc, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _of(resource: Resource, cmd: str) -> list[tuple[int, dict[str, Any]]]:
    return [(i, item) for i, item in _instructions(resource) if item.get("cmd") == cmd]


def _final(resource: Resource) -> bool:
    return bool(resource.context.get("is_final_stage"))


def _inherited(resource: Resource, cmd: str) -> str | None:
    inherited = resource.context.get("inherited")
    value = inherited.get(cmd) if isinstance(inherited, dict) else None
    return value if isinstance(value, str) else None


def _is_root(user: str) -> bool:
    name = user.strip().strip("\"'").partition(":")[0].strip()
    return name.lower() in _ROOT


def final_stage_without_user(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """The final stage sets no USER (itself or through the stage it is built from)."""
    if not _final(resource) or _of(resource, "USER") or _inherited(resource, "USER"):
        return []
    return [("from",)]


def final_stage_root_user(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """The last USER of the final stage (or, without one, of its base stage) is root."""
    if not _final(resource):
        return []
    users = _of(resource, "USER")
    if users:
        index, last = users[-1]
        value = last.get("value")
        root = isinstance(value, str) and _is_root(value)
        return [("instructions", index, "value")] if root else []
    inherited = _inherited(resource, "USER")
    return [("from",)] if inherited is not None and _is_root(inherited) else []


def final_stage_without_healthcheck(
    resource: Resource, obj: Any, obj_path: DocPath
) -> list[DocPath]:
    """The final stage defines no HEALTHCHECK (`HEALTHCHECK NONE` disables one)."""
    if not _final(resource):
        return []
    checks = _of(resource, "HEALTHCHECK")
    value = checks[-1][1].get("value") if checks else _inherited(resource, "HEALTHCHECK")
    if isinstance(value, str) and value.strip().upper() != "NONE":
        return []
    return [("instructions", checks[-1][0])] if checks else [("from",)]


def _repeated(resource: Resource, cmd: str) -> list[DocPath]:
    return [("instructions", index) for index, _ in _of(resource, cmd)[1:]]


def repeated_cmd(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """Every CMD after the first in a stage (only the last one takes effect)."""
    return _repeated(resource, "CMD")


def repeated_entrypoint(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """Every ENTRYPOINT after the first in a stage."""
    return _repeated(resource, "ENTRYPOINT")


def repeated_healthcheck(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """Every HEALTHCHECK after the first in a stage."""
    return _repeated(resource, "HEALTHCHECK")


def copy_from_own_stage(resource: Resource, obj: Any, obj_path: DocPath) -> list[DocPath]:
    """COPY --from naming the stage it is in (a stage cannot copy from itself)."""
    base = resource.doc.get("from") if isinstance(resource.doc, dict) else None
    alias = base.get("alias") if isinstance(base, dict) else None
    if not isinstance(alias, str) or not alias:
        return []
    found: list[DocPath] = []
    for index, item in _of(resource, "COPY"):
        flags = item.get("flags")
        source = flags.get("from") if isinstance(flags, dict) else None
        if isinstance(source, str) and source.lower() == alias.lower():
            found.append(("instructions", index, "flags", "from"))
    return found
