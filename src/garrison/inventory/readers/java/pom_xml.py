"""Maven `pom.xml`: the dependencies a project declares (a manifest, not a lockfile).

Every `<dependency>` of the project and of its profiles is a direct component named
`groupId:artifactId`, located at the line of its `<dependency>` element. A version comes from
the dependency or, when it has none, from dependencyManagement (the POM's own or one
inherited from a parent POM found locally through `<relativePath>`, by default ../pom.xml);
`${...}` properties are interpolated after inheritance, as Maven does. Nothing is fetched:
a version that stays unknown (no version, an undefined property, a BOM import, a parent that
is not in the tree) gives a component without version and a NO_VERSION warning saying why;
a version range (`[1.0,2.0)`) gives no component and an UNPINNED warning (`[1.0]` is pinned).

Scope: `test` -> "test"; `provided` and `system` -> "optional" (not shipped with the
artifact: the runtime supplies them); `<optional>true</optional>` -> "optional";
dependencies of a profile that is not active by default -> "optional"; `compile`,
`runtime` and none -> None. Build plugins and their dependencies are not components. A
parent's own `<dependencies>` are reported when the parent POM itself is read, not repeated
for each child. Transitive dependencies are not known from a POM, so there are no edges.
"""

from __future__ import annotations

import re

from garrison.inventory.readers.base import ReadResult, ResultBuilder, SourceFile, name_is
from garrison.inventory.readers.java.pom_model import Declared, Model, effective
from garrison.model import Gap

NAME = "pom.xml"
ECOSYSTEM = "Maven"
matches = name_is("pom.xml")

_SCOPES = {"test": "test", "provided": "optional", "system": "optional"}
_EXACT = re.compile(r"\[\s*([^\s,\[\]()]+)\s*\]")


def read(source: SourceFile) -> ReadResult:
    """The declared dependencies of a POM (see the module docstring)."""
    model = effective(source)
    builder = ResultBuilder(source, ECOSYSTEM)
    for declared in model.pom.dependencies:
        _add(builder, model, declared)
    return builder.result()


def _add(builder: ResultBuilder, model: Model, declared: Declared) -> None:
    group, group_undefined = model.interpolate(declared.group or "")
    artifact, artifact_undefined = model.interpolate(declared.artifact or "")
    name = f"{group or '?'}:{artifact or '?'}"
    if not group or not artifact or group_undefined or artifact_undefined:
        reason = "has no groupId or artifactId" if not group or not artifact else "is undefined"
        builder.warn(f"dependency {name} {reason}; not reported", Gap.UNMATCHED, declared.line)
        return
    managed = model.managed_for(group, artifact, declared)
    scope = _scope(declared, managed)
    raw = declared.version or (managed.version if managed else None)
    if raw is None:
        why = "no <version> and no dependencyManagement entry"
        if model.imports:
            boms = ", ".join(model.imports)
            why += f"; it may be managed by the imported BOM {boms} (not fetched)"
        _add_unversioned(builder, model, name, declared, scope, why)
        return
    version, undefined = model.interpolate(raw)
    if undefined:
        why = f"version {raw!r} uses the undefined property {undefined!r}"
        _add_unversioned(builder, model, name, declared, scope, why)
        return
    pinned = _pinned(version)
    if pinned is None:
        message = f"{name}: version range {version!r} is not pinned; no component reported"
        builder.warn(message, Gap.UNPINNED, declared.line)
        return
    builder.add(name, pinned, line=declared.line, scope=scope, direct=True)


def _scope(declared: Declared, managed: Declared | None) -> str | None:
    scope = declared.scope or (managed.scope if managed else None)
    mapped = _SCOPES.get((scope or "").strip())
    if mapped is None and (declared.optional or declared.conditional):
        return "optional"
    return mapped


def _pinned(version: str) -> str | None:
    """The version a requirement pins: a plain ('soft') version or `[1.0]`; None for ranges."""
    version = version.strip()
    if not version.startswith(("[", "(")) and "," not in version:
        return version
    exact = _EXACT.fullmatch(version)
    return exact[1] if exact else None


def _add_unversioned(
    builder: ResultBuilder,
    model: Model,
    name: str,
    declared: Declared,
    scope: str | None,
    why: str,
) -> None:
    """A component without version, its NO_VERSION warning saying why it is unknown."""
    if model.parent_note:
        why += f"; {model.parent_note}"
    before = len(builder.warnings)
    builder.add(name, None, line=declared.line, scope=scope, direct=True)
    if len(builder.warnings) > before:  # replace the generic warning with the reason
        builder.warnings.pop()
        builder.warn(f"{name}: no version: {why}", Gap.NO_VERSION, declared.line)
