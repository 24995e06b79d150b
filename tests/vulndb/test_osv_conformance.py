"""Our OSV validation must agree with the official OSV JSON Schema (from ../shared)."""

from __future__ import annotations

import json
import zipfile

import pytest

from garrison.errors import AdvisoryError
from garrison.vulndb.osv import parse_advisory
from tests.conftest import shared_path
from tests.vulndb.helpers import entry

jsonschema = pytest.importorskip("jsonschema")


def _official_validator():  # type: ignore[no-untyped-def]
    schema = json.loads(shared_path("schemas", "osv-schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _ours_accepts(document: object) -> bool:
    try:
        parse_advisory(document, "x")
    except AdvisoryError:
        return False
    return True


@pytest.mark.parametrize("ecosystem", ["PyPI", "Go", "crates.io"])
def test_agrees_with_official_schema_on_every_shared_entry(ecosystem: str) -> None:
    validator = _official_validator()
    archive = shared_path("advisories", ecosystem, "all.zip")
    disagreements = []
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            document = json.loads(zf.read(name))
            official = validator.is_valid(document)
            if official != _ours_accepts(document):
                disagreements.append((name, official))
    assert disagreements == []


BROKEN = [
    {"id": "PYSEC-1"},
    entry(id="NOPE-1"),
    entry(events=[{"fixed": "1"}]),
    entry(events=[{"introduced": "0", "fixed": "1"}]),
    entry(events=[{"introduced": "0"}, {"fixed": "1"}, {"last_affected": "2"}]),
    entry(ecosystem="Cobol"),
    entry(modified="2024-01-01"),
    entry(range_type="GIT"),
    entry(severity=[{"type": "CVSS_V9", "score": "x"}]),
    entry(references=[{"type": "BLOG", "url": "https://x"}]),
    entry(unexpected=True),
]


@pytest.mark.parametrize("document", BROKEN, ids=range(len(BROKEN)))
def test_agrees_with_official_schema_on_broken_entries(document: dict[str, object]) -> None:
    assert _official_validator().is_valid(document) is False
    assert _ours_accepts(document) is False
