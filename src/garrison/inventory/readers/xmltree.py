"""A small, safe XML tree with line numbers, for POMs and MSBuild project files.

ElementTree does not tell lines, so this builds its own tree over expat. DOCTYPE, entity
declarations and external entities are refused outright (an XML entity bomb, or an external
entity reading a local file, is a ReaderError): no POM or project file needs them.
Namespaces are not processed; a prefix on a tag is dropped (`<m:project>` -> "project").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from garrison.inventory.readers.base import ReaderError, SourceFile


@dataclass(slots=True)
class Element:
    """One XML element: local tag name, attributes, stripped text, children, 1-based line."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        """The first child with this tag."""
        return next((child for child in self.children if child.tag == tag), None)

    def findall(self, tag: str) -> Iterator[Element]:
        """Every child with this tag, in document order."""
        return (child for child in self.children if child.tag == tag)

    def path(self, *tags: str) -> Iterator[Element]:
        """Every element reached through children with these tags, in document order."""
        level: list[Element] = [self]
        for tag in tags:
            level = [child for element in level for child in element.findall(tag)]
        return iter(level)

    def child_text(self, tag: str) -> str | None:
        """The stripped text of the first child with this tag, or None when absent."""
        child = self.find(tag)
        return child.text if child is not None else None


class _Refused(Exception):
    """Raised inside expat callbacks for constructs we do not accept."""


def _refuse(what: str) -> None:
    raise _Refused(what)


class _TreeBuilder:
    """Expat callbacks that build Elements (no recursion: depth is bounded only by memory)."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.stack: list[tuple[Element, list[str]]] = []
        self.root: Element | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag.rpartition(":")[2], attrs, self.parser.CurrentLineNumber)
        if self.stack:
            self.stack[-1][0].children.append(element)
        elif self.root is None:
            self.root = element
        self.stack.append((element, []))

    def end(self, _tag: str) -> None:
        element, chunks = self.stack.pop()
        element.text = "".join(chunks).strip()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1][1].append(text)


def parse_xml(source: SourceFile) -> Element:
    """Parse the file's bytes (expat honours the encoding declaration); return the root."""
    parser = expat.ParserCreate()
    builder = _TreeBuilder(parser)
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = lambda *_: _refuse("a DOCTYPE declaration")
    parser.EntityDeclHandler = lambda *_: _refuse("an entity declaration")
    parser.ExternalEntityRefHandler = lambda *_: _refuse("an external entity")  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(source.data, True)
    except _Refused as refused:
        line = parser.CurrentLineNumber
        raise ReaderError(f"{source.path}: line {line}: {refused} is not allowed") from None
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise ReaderError(f"{source.path}: line {exc.lineno}: invalid XML: {reason}") from None
    except (ValueError, LookupError) as exc:  # e.g. an encoding Python does not know
        raise ReaderError(f"{source.path}: invalid XML: {exc}") from None
    if builder.root is None:
        raise ReaderError(f"{source.path}: no XML element")
    return builder.root
