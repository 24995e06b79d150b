"""The helpers the javascript readers share."""

from __future__ import annotations

import pytest

from garrison.inventory.readers.base import ReaderError
from garrison.inventory.readers.javascript.common import (
    DEV,
    OPTIONAL,
    PROD,
    Graph,
    Node,
    emit,
    foreign_origin,
    inferred_scopes,
    is_version,
    json_key_lines,
    licences,
    redact,
    scalar,
    sibling_manifest,
    split_descriptor,
    stronger_scope,
)
from tests.inventory.readers.helpers import source


def test_split_descriptor() -> None:
    assert split_descriptor("lodash@^4.17.21") == ("lodash", "^4.17.21")
    assert split_descriptor("@babel/core@npm:7.23.9") == ("@babel/core", "npm:7.23.9")
    assert split_descriptor("a@npm:b@1.0.0") == ("a", "npm:b@1.0.0")
    assert split_descriptor("balanced-match") == ("balanced-match", "")
    assert split_descriptor("@scope/name") == ("@scope/name", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2.3", True),
        ("1.0.0-rc.1", True),
        ("2.1.6+git", True),
        ("^1.2.3", False),
        ("latest", False),
        ("github:a/b#1", False),
        ("file:../x", False),
        ("1.0.0/x", False),
        ("", False),
        (None, False),
    ],
)
def test_is_version(text: str | None, expected: bool) -> None:
    assert is_version(text) is expected


def test_redact_removes_credentials_only() -> None:
    assert redact("https://user:s3cr3t@github.com/a/b.git#x") == "https://github.com/a/b.git#x"
    assert redact("git+ssh://git@github.com/a/b.git") == "git+ssh://github.com/a/b.git"
    assert redact("https://registry.example.com/@s/a/-/a-1.0.0.tgz") == (
        "https://registry.example.com/@s/a/-/a-1.0.0.tgz"
    )


@pytest.mark.parametrize(
    ("resolved", "origin"),
    [
        (None, None),
        ("https://registry.npmjs.org/a/-/a-1.0.0.tgz", None),
        ("https://corp.jfrog.io/api/npm/npm/@s/a/-/a-1.0.0.tgz", None),
        ("https://npm.pkg.github.com/download/@acme/a/1.0.0/abc", None),
        ("npm:1.0.0", None),
        ("1.0.0", None),
        (
            "https://tok@codeload.github.com/a/b/tar.gz/abc",
            "https://codeload.github.com/a/b/tar.gz/abc",
        ),
        ("github:a/b#abc", "github:a/b#abc"),
        ("file:vendor/a-1.0.0.tgz", "file:vendor/a-1.0.0.tgz"),
    ],
)
def test_foreign_origin(resolved: str | None, origin: str | None) -> None:
    assert foreign_origin(resolved) == origin


def test_licences_in_every_shape() -> None:
    assert licences({"license": "MIT"}) == ("MIT",)
    assert licences({"license": {"type": "ISC", "url": "x"}}) == ("ISC",)
    assert licences({"licenses": [{"type": "MIT"}, "Apache-2.0", 3, ""]}) == ("MIT", "Apache-2.0")
    assert licences({"license": ["BSD-2-Clause"]}) == ("BSD-2-Clause",)
    assert licences({}) == ()


def test_scalar_accepts_text_and_numbers_only() -> None:
    src = source("x.yaml", "")
    assert scalar(src, "1.0.0", "v") == "1.0.0"
    assert scalar(src, 2, "v") == "2"
    assert scalar(src, None, "v") is None
    for bad in ([1], {"a": 1}, True):
        with pytest.raises(ReaderError) as caught:
            scalar(src, bad, "v")
        assert str(caught.value) == "x.yaml: v is not a string"


def test_stronger_scope() -> None:
    assert stronger_scope(DEV, PROD) is PROD
    assert stronger_scope(OPTIONAL, DEV) == OPTIONAL
    assert stronger_scope(DEV, DEV) == DEV


def _graph() -> Graph:
    graph = Graph(direct_known=True, infer_scopes=True)
    for name in ("app-lib", "shared", "fsevents", "jest", "jest-dep", "orphan"):
        graph.add(Node(name, "1.0.0"))
    graph.edge("app-lib@1.0.0", "shared@1.0.0")
    graph.edge("app-lib@1.0.0", "fsevents@1.0.0", optional=True)
    graph.edge("jest@1.0.0", "shared@1.0.0")
    graph.edge("jest@1.0.0", "jest-dep@1.0.0")
    graph.root("app-lib@1.0.0", PROD)
    graph.root("jest@1.0.0", DEV)
    return graph


def test_inferred_scopes_follow_what_reaches_a_package() -> None:
    assert inferred_scopes(_graph()) == {
        "app-lib@1.0.0": PROD,
        "shared@1.0.0": PROD,
        "fsevents@1.0.0": OPTIONAL,
        "jest@1.0.0": DEV,
        "jest-dep@1.0.0": DEV,
    }


def test_emit_direct_and_scope() -> None:
    result = emit(_graph(), source("yarn.lock", "")).result()
    assert [(c.name, c.scope, c.direct) for c in result.components] == [
        ("app-lib", None, True),
        ("shared", None, False),
        ("fsevents", "optional", False),
        ("jest", "dev", True),
        ("jest-dep", "dev", False),
        ("orphan", None, False),
    ]
    partial = _graph()
    partial.direct_known = False
    assert [c.direct for c in emit(partial, source("yarn.lock", "")).result().components] == [
        True,
        None,
        None,
        True,
        None,
        None,
    ]


def test_graph_keeps_non_registry_copies_apart() -> None:
    graph = Graph()
    first = graph.add(Node("a", "1.0.0", origin="github:x/a#1"))
    second = graph.add(Node("a", "1.0.0", origin="github:x/a#2"))
    registry = graph.add(Node("a", "1.0.0"))
    assert len({first, second, registry}) == 3


def test_sibling_manifest() -> None:
    text = (
        '{"dependencies": {"a": "^1"}, "devDependencies": {"b": "2"},'
        ' "optionalDependencies": {"c": 3}}'
    )
    manifest = sibling_manifest(source("yarn.lock", "", {"package.json": text}))
    assert manifest is not None
    assert manifest.requirements == (("a", "^1", None), ("c", "", "optional"), ("b", "2", "dev"))
    assert not manifest.has_workspaces
    assert sibling_manifest(source("yarn.lock", "")) is None
    for junk in (b"\xff", b"[]", b"{", b'{"a": 1, "a": 2'):
        assert sibling_manifest(source("yarn.lock", "", {"package.json": junk})) is None


def test_json_key_lines() -> None:
    text = (
        '{\n  "packages": {\n    "": {\n      "name": "x"\n    },\n    "node_modules/a": {}\n  }\n}'
    )
    assert json_key_lines(text) == {"packages": [2], "": [3]}
