"""The safe XML tree shared by the POM and MSBuild readers."""

from __future__ import annotations

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.xmltree import parse_xml
from tests.inventory.readers.helpers import source

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<project>&lol3;</project>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><version>&xxe;</version></project>
"""


def test_elements_carry_lines_text_and_attributes() -> None:
    root = parse_xml(
        source("p.xml", '<?xml version="1.0"?>\n<a x="1">\n  <b> hi </b>\n  <c/>\n</a>')
    )
    assert (root.tag, root.attrs, root.line) == ("a", {"x": "1"}, 2)
    assert [(child.tag, child.text, child.line) for child in root.children] == [
        ("b", "hi", 3),
        ("c", "", 4),
    ]
    assert root.child_text("b") == "hi"
    assert root.child_text("missing") is None


def test_namespace_prefixes_are_dropped_and_path_walks_children() -> None:
    root = parse_xml(source("p.xml", "<m:a xmlns:m='urn:x'><m:b><c>1</c><c>2</c></m:b></m:a>"))
    assert root.tag == "a"
    assert [c.text for c in root.path("b", "c")] == ["1", "2"]


def test_the_encoding_declaration_is_honoured() -> None:
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>'.encode("latin-1")
    assert parse_xml(source("p.xml", data)).text == "café"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "p.xml: line 2: a DOCTYPE declaration is not allowed"),
        (EXTERNAL_ENTITY, "p.xml: line 2: a DOCTYPE declaration is not allowed"),
        ("<a>&undefined;</a>", "p.xml: line 1: invalid XML: undefined entity"),
        ("", "p.xml: line 1: invalid XML: no element found"),
        (b"\x00\xff\xfe garbage", "p.xml: line 1: invalid XML: not well-formed (invalid token)"),
        ("<a><b></a>", "p.xml: line 1: invalid XML: mismatched tag"),
        ('<?xml version="1.0" encoding="klingon"?><a/>', "p.xml: invalid XML: unknown encoding"),
    ],
)
def test_unsafe_or_broken_xml_is_a_reader_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as caught:
        parse_xml(source("p.xml", data))
    assert str(caught.value).startswith(reason)
