"""The parts of a Maven POM a dependency inventory needs, with local parent inheritance.

`effective(source)` parses a pom.xml, follows its parent through `source.open_relative`
(the `<relativePath>`, by default ../pom.xml; never the network) and returns a `Model`:
the declared dependencies plus the merged properties and dependencyManagement of the chain,
with `interpolate` resolving `${...}` the way Maven does after inheritance (so
`${project.version}` in a parent's dependencyManagement is the child's version).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from garrison.inventory.readers.base import ReaderError, SourceFile
from garrison.inventory.readers.xmltree import Element, parse_xml

_PROPERTY = re.compile(r"\$\{([^${}]+)\}")
_MAX_PARENTS = 10
_MAX_EXPANSIONS = 10
_MAX_VALUE = 10_000


@dataclass(frozen=True, slots=True)
class Declared:
    """One `<dependency>` as written (nothing interpolated yet)."""

    group: str | None
    artifact: str | None
    version: str | None
    type: str | None
    classifier: str | None
    scope: str | None
    optional: bool
    line: int
    conditional: bool = False  # declared in a profile that is not active by default


@dataclass(frozen=True, slots=True)
class ParentRef:
    group: str | None
    artifact: str | None
    version: str | None
    relative_path: str | None  # None: not given (Maven's default ../pom.xml); "": no lookup

    def __str__(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}"


@dataclass(slots=True)
class Pom:
    """One POM file as written."""

    group: str | None
    artifact: str | None
    version: str | None
    parent: ParentRef | None
    properties: dict[str, str] = field(default_factory=dict)
    managed: list[Declared] = field(default_factory=list)
    dependencies: list[Declared] = field(default_factory=list)
    fallback_properties: dict[str, str] = field(default_factory=dict)
    fallback_managed: list[Declared] = field(default_factory=list)


def _declared(element: Element, conditional: bool = False) -> Declared:
    return Declared(
        group=element.child_text("groupId") or None,
        artifact=element.child_text("artifactId") or None,
        version=element.child_text("version") or None,
        type=element.child_text("type") or None,
        classifier=element.child_text("classifier") or None,
        scope=element.child_text("scope") or None,
        optional=(element.child_text("optional") or "").lower() == "true",
        line=element.line,
        conditional=conditional,
    )


def _add_section(pom: Pom, section: Element, *, active: bool) -> None:
    """Merge a project's or a profile's properties, dependencyManagement and dependencies.

    A profile not active by default only fills in what nothing active defines (its
    dependencies are marked conditional)."""
    properties = pom.properties if active else pom.fallback_properties
    for props in section.findall("properties"):
        properties.update((prop.tag, prop.text) for prop in props.children)
    managed = pom.managed if active else pom.fallback_managed
    managed.extend(
        _declared(e) for e in section.path("dependencyManagement", "dependencies", "dependency")
    )
    pom.dependencies.extend(
        _declared(e, not active) for e in section.path("dependencies", "dependency")
    )


def parse_pom(root: Element, path: str) -> Pom:
    """The dependency-relevant content of a parsed POM (profiles included)."""
    if root.tag != "project":
        raise ReaderError(f"{path}: line {root.line}: not a Maven POM (root element <{root.tag}>)")
    parent = root.find("parent")
    pom = Pom(
        group=root.child_text("groupId") or None,
        artifact=root.child_text("artifactId") or None,
        version=root.child_text("version") or None,
        parent=None if parent is None else _parent_ref(parent),
    )
    _add_section(pom, root, active=True)
    for profile in root.path("profiles", "profile"):
        activation = profile.find("activation")
        default = activation.child_text("activeByDefault") if activation is not None else None
        _add_section(pom, profile, active=(default or "").lower() == "true")
    return pom


def _parent_ref(parent: Element) -> ParentRef:
    return ParentRef(
        group=parent.child_text("groupId") or None,
        artifact=parent.child_text("artifactId") or None,
        version=parent.child_text("version") or None,
        relative_path=parent.child_text("relativePath"),
    )


@dataclass(slots=True)
class Model:
    """A POM with what it inherits: interpolation context and managed versions."""

    pom: Pom
    properties: dict[str, str]
    managed: dict[tuple[str, str, str, str], Declared]
    imports: list[str]  # BOMs imported by dependencyManagement (not fetched)
    parent_note: str | None  # why the parent chain stops short, if it matters

    def interpolate(self, text: str) -> tuple[str, str | None]:
        """Expand `${...}`; returns the text and the first property left undefined (if any)."""
        for _ in range(_MAX_EXPANSIONS):
            if "${" not in text or len(text) > _MAX_VALUE:
                break
            expanded = _PROPERTY.sub(lambda m: self.properties.get(m[1], m[0]), text)
            if expanded == text:
                break
            text = expanded
        undefined = _PROPERTY.search(text)
        if undefined is None and "${" in text:  # unbalanced, or too long to expand
            return text, text[text.index("${") :]
        return text, (undefined[1] if undefined else None)

    def managed_for(self, group: str, artifact: str, declared: Declared) -> Declared | None:
        key = (group, artifact, declared.type or "jar", declared.classifier or "")
        return self.managed.get(key)


def effective(source: SourceFile) -> Model:
    """Parse `source` as a POM and merge its locally reachable parents into a Model."""
    pom = parse_pom(parse_xml(source), source.path)
    chain, note = _parent_chain(source, pom)
    ancestry = list(reversed(chain))  # eldest first: the child's declarations win
    properties: dict[str, str] = {}
    for ancestor in ancestry:
        properties.update(ancestor.fallback_properties)
    for ancestor in ancestry:
        properties.update(ancestor.properties)
    properties.update(_builtins(pom))
    model = Model(pom, properties, {}, [], note)
    for managed in [m for a in ancestry for m in a.fallback_managed]:
        _manage(model, managed)
    for managed in [m for a in ancestry for m in a.managed]:
        _manage(model, managed)
    return model


def _manage(model: Model, managed: Declared) -> None:
    group, _ = model.interpolate(managed.group or "")
    artifact, _ = model.interpolate(managed.artifact or "")
    if managed.scope == "import" and managed.type == "pom":
        version, _ = model.interpolate(managed.version or "")
        model.imports.append(f"{group}:{artifact}:{version}")
        return
    model.managed[(group, artifact, managed.type or "jar", managed.classifier or "")] = managed


def _builtins(pom: Pom) -> dict[str, str]:
    """Maven's model properties: project.*, their deprecated pom.* forms, parent.*."""
    parent = pom.parent
    values = {
        "groupId": pom.group or (parent.group if parent else None),
        "artifactId": pom.artifact,
        "version": pom.version or (parent.version if parent else None),
        "parent.groupId": parent.group if parent else None,
        "parent.artifactId": parent.artifact if parent else None,
        "parent.version": parent.version if parent else None,
    }
    result: dict[str, str] = {}
    for key, value in values.items():
        if value is not None:
            for prefix in ("project.", "pom.", ""):
                result[prefix + key] = value
    return result


def _parent_chain(source: SourceFile, pom: Pom) -> tuple[list[Pom], str | None]:
    """The POM and its ancestors found in the tree; and why the chain stops, if it does."""
    chain, here, seen = [pom], "", {"pom.xml"}
    while pom.parent is not None and len(chain) <= _MAX_PARENTS:
        ref = pom.parent
        if ref.relative_path == "":
            return chain, f"parent POM {ref} has an empty relativePath and is not fetched"
        relative = (ref.relative_path or "../pom.xml").replace("\\", "/")
        if relative.startswith("/") or ":" in relative:
            return chain, f"parent POM {ref} has an absolute relativePath and is not read"
        if not relative.endswith(".xml"):
            relative = relative.rstrip("/") + "/pom.xml"
        path = posixpath.normpath(posixpath.join(here, relative))
        data = None if path in seen else source.open_relative(path)
        if data is None:
            return chain, f"parent POM {ref} is not in the scanned tree and is not fetched"
        seen.add(path)
        label = posixpath.normpath(posixpath.join(posixpath.dirname(source.path), path))
        try:
            pom = parse_pom(parse_xml(SourceFile(label, data)), label)
        except ReaderError as error:
            return chain, f"parent POM {ref} could not be read ({error})"
        if not _is(pom, ref):
            return chain, f"parent POM {ref} is not the POM at {label} and is not fetched"
        chain.append(pom)
        here = posixpath.dirname(path)
    return chain, None


def _is(pom: Pom, ref: ParentRef) -> bool:
    """Whether a POM found at a relativePath is the one the child names (as Maven checks)."""
    group = pom.group or (pom.parent.group if pom.parent else None)
    version = pom.version or (pom.parent.version if pom.parent else None)
    literal = version and ref.version and "${" not in version + ref.version
    return (group, pom.artifact) == (ref.group, ref.artifact) and (
        not literal or version == ref.version
    )
