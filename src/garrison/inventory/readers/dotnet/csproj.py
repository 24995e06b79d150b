"""MSBuild project files (`*.csproj`, `*.fsproj`, `*.vbproj`): the NuGet packages declared.

Every `<PackageReference Include="Id" Version="1.2.3"/>` (or with a `<Version>` child) is a
direct component located at its element's line; `DotNetCliToolReference` items too. A
reference without version takes it from Central Package Management: the `<PackageVersion>`
items of the nearest Directory.Packages.props (looked for beside the project and up to two
directories up, as far as the tree is readable), `VersionOverride` winning. `$(Property)`
values come from the project's PropertyGroups, the nearest Directory.Build.props and
Directory.Packages.props (conditions are not evaluated: the last definition wins).

NuGet resolves a plain `1.2.3` (like `[1.2.3, )`) to that lowest version, and `[1.2.3]` is
exact: those are pinned. Floating versions (`1.*`) and other ranges give no component and an
UNPINNED warning; a version that stays unknown gives a component without version and a
NO_VERSION warning saying why. `PrivateAssets="all"` marks a package that does not flow to
consumers (analyzers, build tools): scope "dev", as for tool references; otherwise None.
The project file does not say what its packages depend on: no edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from garrison.inventory.readers.base import ReaderError, ReadResult, ResultBuilder, SourceFile
from garrison.inventory.readers.xmltree import Element, parse_xml
from garrison.model import Gap

NAME = "csproj"
ECOSYSTEM = "NuGet"

_SUFFIXES = frozenset({".csproj", ".fsproj", ".vbproj"})
_UP = ("", "../", "../../")
_PROPERTY = re.compile(r"\$\(([A-Za-z_][\w.-]*)\)")
_MAX_EXPANSIONS = 10
_MAX_CHOOSE_DEPTH = 8
_ITEMS = {"PackageReference": None, "DotNetCliToolReference": "dev"}


def matches(path: PurePosixPath) -> bool:
    return path.suffix.lower() in _SUFFIXES


@dataclass(slots=True)
class _Context:
    """What a project's versions can come from: properties and central package versions."""

    properties: dict[str, str] = field(default_factory=dict)  # lower-case name -> value
    central: dict[str, str] = field(default_factory=dict)  # lower-case package id -> version
    central_note: str = "no Directory.Packages.props was found"

    def expand(self, text: str) -> tuple[str, str | None]:
        """Expand `$(Name)`; returns the text and the first property left undefined."""
        for _ in range(_MAX_EXPANSIONS):
            if "$(" not in text:
                break
            expanded = _PROPERTY.sub(lambda m: self.properties.get(m[1].lower(), m[0]), text)
            if expanded == text:
                break
            text = expanded
        undefined = _PROPERTY.search(text)
        if undefined is None and "$(" in text:  # a property function, e.g. $([MSBuild]::...)
            return text, text[text.index("$(") :]
        return text, (undefined[1] if undefined else None)


def read(source: SourceFile) -> ReadResult:
    """The packages a project references (see the module docstring)."""
    root = parse_xml(source)
    if root.tag != "Project":
        raise ReaderError(f"{source.path}: line {root.line}: not an MSBuild project")
    context = _Context()
    _import(source, context, "Directory.Build.props")
    central = _import(source, context, "Directory.Packages.props")
    if central is not None:
        for entry in central.path("ItemGroup", "PackageVersion"):
            package, version = entry.attrs.get("Include"), _Item(entry, "").value("Version")
            if package and version is not None:
                context.central[package.lower()] = version
    _add_properties(context, root)
    builder = ResultBuilder(source, ECOSYSTEM)
    for item in _items(builder, context, root):
        _add_package(builder, context, item)
    return builder.result()


@dataclass(slots=True)
class _Item:
    """One package item and the `Update` elements that later change its metadata."""

    element: Element
    name: str
    updates: list[Element] = field(default_factory=list)
    removed: bool = False

    def value(self, key: str) -> str | None:
        """Metadata as an attribute or a child element; the last Update that sets it wins."""
        for element in [*reversed(self.updates), self.element]:
            value = element.attrs.get(key)
            value = value if value is not None else element.child_text(key)
            if value is not None:
                return value
        return None


def _items(builder: ResultBuilder, context: _Context, root: Element) -> list[_Item]:
    """The package items in evaluation order: Include adds, Update changes, Remove drops."""
    items: list[_Item] = []
    by_name: dict[str, list[_Item]] = {}  # lower-case id -> items still included
    for element in (e for group in _item_groups(root) for e in group.children):
        if element.tag not in _ITEMS:
            continue
        attrs = element.attrs
        operation = next((op for op in ("Include", "Update", "Remove") if op in attrs), "Include")
        names, undefined = context.expand(attrs.get(operation, ""))
        parts = [part.strip() for part in names.split(";") if part.strip()]
        if operation == "Include" and (undefined or not parts):
            what = f"{names!r} uses the undefined property {undefined!r}"
            message = f"{element.tag} {what if undefined else 'without a package name'}"
            message += "; not reported"
            builder.warn(message, Gap.UNMATCHED, element.line)
        elif operation == "Include":
            for name in parts:
                items.append(_Item(element, name))
                by_name.setdefault(name.lower(), []).append(items[-1])
        else:
            for name in {part.lower() for part in parts}:
                for item in by_name.get(name, []):
                    item.updates.append(element)
                    item.removed = operation == "Remove"
                if operation == "Remove":
                    by_name.pop(name, None)
    return [item for item in items if not item.removed]


def _item_groups(root: Element, depth: int = 0) -> Iterator[Element]:
    """ItemGroups in document order, those under <Choose> branches (a few deep) included."""
    for child in root.children:
        if child.tag == "ItemGroup":
            yield child
        elif child.tag == "Choose" and depth < _MAX_CHOOSE_DEPTH:
            for branch in child.children:
                yield from _item_groups(branch, depth + 1)


def _import(source: SourceFile, context: _Context, name: str) -> Element | None:
    """The nearest `name` up to two directories up, its properties added to the context."""
    for up in _UP:
        data = source.open_relative(up + name)
        if data is None:
            continue
        try:
            root = parse_xml(SourceFile(up + name, data))
        except ReaderError as error:
            if name == "Directory.Packages.props":
                context.central_note = f"{up + name} could not be read ({error})"
            return None
        if name == "Directory.Packages.props":
            context.central_note = f"{up + name} has no PackageVersion for it"
        _add_properties(context, root)
        return root
    return None


def _add_properties(context: _Context, root: Element) -> None:
    for group in root.findall("PropertyGroup"):
        for prop in group.children:
            context.properties[prop.tag.lower()] = prop.text


def _add_package(builder: ResultBuilder, context: _Context, item: _Item) -> None:
    name, line, tag = item.name, item.element.line, item.element.tag
    private = (item.value("PrivateAssets") or "").lower().replace(" ", "").split(";")
    scope = "dev" if "all" in private else _ITEMS[tag]
    version, why = _version(context, item)
    if why is not None:
        before = len(builder.warnings)
        builder.add(name, None, line=line, scope=scope, direct=True, key=f"{name.lower()}@")
        if len(builder.warnings) > before:  # replace the generic warning with the reason
            builder.warnings.pop()
            builder.warn(f"{name}: no version: {why}", Gap.NO_VERSION, line)
        return
    pinned = _pinned(version)
    if pinned is None:
        message = f"{name}: version {version!r} floats or is a range; no component reported"
        builder.warn(message, Gap.UNPINNED, line)
        return
    key = f"{name.lower()}@{pinned}"  # NuGet ids are case-insensitive
    builder.add(name, pinned, line=line, scope=scope, direct=True, key=key)


def _version(context: _Context, item: _Item) -> tuple[str, str | None]:
    """The expanded version requirement, or why there is none. An empty Version is none."""
    raw = item.value("VersionOverride") or item.value("Version") or None
    raw = raw or context.central.get(item.name.lower()) or None
    if raw is None:
        return "", f"no Version, and {context.central_note}"
    version, undefined = context.expand(raw.strip())
    if undefined:
        if undefined.startswith("$("):
            return "", f"version {raw!r} needs {undefined!r}, which is not evaluated"
        return "", f"version {raw!r} uses the undefined property {undefined!r}"
    if not version.strip():
        return "", f"version {raw!r} is empty once expanded"
    return version.strip(), None


def _pinned(version: str) -> str | None:
    """The version NuGet resolves for `1.2.3`, `[1.2.3]` and `[1.2.3, )`; None otherwise."""
    if "*" in version:
        return None
    if not version.startswith(("[", "(")):
        return None if "," in version else version
    lower, comma, upper = version[1:].partition(",")
    if not comma and version.endswith("]"):
        return lower[:-1].strip() or None
    if version[0] == "[" and upper.strip() == ")" and lower.strip():
        return lower.strip()
    return None
