"""Artifact URIs -> paths relative to the target."""

from __future__ import annotations

import pytest

from garrison.sast.sarif_model import ArtifactLocation
from garrison.sast.sarif_paths import Place, resolve

ROOTS = ("/work/repo", "/private/work/repo")
BASES = {
    "%SRCROOT%": ArtifactLocation(uri="file:///work/repo/"),
    "SRC": ArtifactLocation(uri="src/", uriBaseId="%SRCROOT%"),  # a chain
    "ELSEWHERE": ArtifactLocation(uri="file:///opt/other/"),
    "LOOP": ArtifactLocation(uri="a/", uriBaseId="LOOP"),
}


@pytest.mark.parametrize(
    ("uri", "base_id", "expected"),
    [
        ("app.py", None, Place("app.py", True)),
        ("./src/../app.py", None, Place("app.py", True)),
        ("src/my%20file.py", None, Place("src/my file.py", True)),
        ("app.py", "%SRCROOT%", Place("app.py", True)),
        ("main.py", "SRC", Place("src/main.py", True)),
        ("app.py", "UNDEFINED", Place("app.py", True)),  # Semgrep's %SRCROOT%: the target
        ("lib.py", "ELSEWHERE", Place("file:///opt/other/lib.py", False)),
        ("file:///work/repo/pkg/m.py", None, Place("pkg/m.py", True)),
        ("/private/work/repo/pkg/m.py", None, Place("pkg/m.py", True)),  # resolved root
        ("/work/repository/m.py", None, Place("/work/repository/m.py", False)),  # a prefix only
        ("file:///etc/passwd", None, Place("file:///etc/passwd", False)),
        ("../outside.py", None, Place("../outside.py", False)),
        ("https://example.test/a.js", None, Place("https://example.test/a.js", False)),
        ("x.py", "LOOP", Place("a/" * 17 + "x.py", True)),  # a loop stops, no crash
    ],
)
def test_resolve(uri: str, base_id: str | None, expected: Place) -> None:
    assert resolve(ArtifactLocation(uri=uri, uriBaseId=base_id), BASES, ROOTS) == expected


def test_without_a_target_paths_are_kept_as_written() -> None:
    assert resolve(ArtifactLocation(uri="file:///x/y.py"), None, ()) == Place("/x/y.py", True)
    assert resolve(ArtifactLocation(uri="y.py"), None, ()) == Place("y.py", True)
