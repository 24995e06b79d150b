from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from garrison.fingerprints import PREFIX, fingerprint_of, fingerprints
from garrison.model import Component, Finding, Location, Severity

DJANGO = Component("PyPI", "django", "3.2.0", "pkg:pypi/django@3.2.0", Location("req.txt", 4))
VULN = Finding("vulnerability", "GHSA-1", "bad", Severity.HIGH, DJANGO, DJANGO.location)
CHECK = Finding("misconfiguration", "GAR-K8S-001", "Privileged container", Severity.HIGH,
                location=Location("k8s/web.yaml", 21, 21))  # fmt: skip


def moved(finding: Finding, lines: int) -> Finding:
    location = finding.location
    assert location is not None and location.line is not None
    end = location.end_line + lines if location.end_line else None
    return replace(finding, location=replace(location, line=location.line + lines, end_line=end))


def test_the_hash_is_of_kind_id_path_and_purl() -> None:
    canonical = json.dumps(["vulnerability", "GHSA-1", "req.txt", "pkg:pypi/django@3.2.0"],
                           separators=(",", ":"))  # fmt: skip
    expected = PREFIX + hashlib.sha256(canonical.encode()).hexdigest()[:32]
    assert fingerprint_of(VULN) == expected
    assert len(expected) == len("gfp1:") + 32


def test_moving_a_finding_down_ten_lines_keeps_its_fingerprint() -> None:
    assert fingerprint_of(moved(CHECK, 10)) == fingerprint_of(CHECK)
    lower = replace(DJANGO, location=Location("req.txt", 14))
    assert fingerprint_of(replace(VULN, component=lower, location=lower.location)) == (
        fingerprint_of(VULN)
    )
    assert fingerprints([moved(CHECK, 10)]) == fingerprints([CHECK])


def test_a_different_purl_id_kind_or_file_changes_it() -> None:
    other = replace(DJANGO, purl="pkg:pypi/django@3.2.1", version="3.2.1")
    variants = [
        replace(VULN, component=other),
        replace(VULN, id="GHSA-2"),
        replace(VULN, kind="license"),
        replace(VULN, location=Location("other/req.txt", 4)),
    ]
    prints = {fingerprint_of(v) for v in variants}
    assert len(prints) == 4 and fingerprint_of(VULN) not in prints


def test_without_purl_ecosystem_name_and_version_identify_the_package() -> None:
    bare = replace(DJANGO, purl=None)
    first = fingerprint_of(replace(VULN, component=bare))
    assert first != fingerprint_of(VULN)
    newer = replace(bare, version="3.2.1")
    assert fingerprint_of(replace(VULN, component=newer)) != first


def test_an_own_fingerprint_wins() -> None:
    where = Location("a.py", 3, 3, 9)
    secret = Finding("secret", "aws-access-key-id", "key", Severity.HIGH, location=where,
                     fingerprint="gfp1:" + "ab" * 16)  # fmt: skip
    assert fingerprint_of(secret) == "gfp1:" + "ab" * 16
    assert fingerprint_of(secret, 3) == "gfp1:" + "ab" * 16
    assert fingerprints([secret, moved(secret, 5)]) == {
        0: "gfp1:" + "ab" * 16,
        1: "gfp1:" + "ab" * 16,
    }


def test_repeats_in_one_file_are_numbered_by_position_not_line() -> None:
    second = moved(CHECK, 19)
    prints = fingerprints([second, CHECK])  # input order does not matter
    assert prints == {1: fingerprint_of(CHECK, 0), 0: fingerprint_of(CHECK, 1)}
    assert prints[0] != prints[1]
    assert fingerprint_of(CHECK, 0) == fingerprint_of(CHECK)
    # Both move down ten lines (a line inserted above): nothing changes.
    assert fingerprints([moved(second, 10), moved(CHECK, 10)]) == prints


def test_numbering_is_per_identity() -> None:
    elsewhere = replace(CHECK, location=Location("k8s/db.yaml", 3, 3))
    other_check = replace(CHECK, id="GAR-K8S-002")
    prints = fingerprints([CHECK, elsewhere, other_check, moved(CHECK, 5)])
    assert prints == {
        0: fingerprint_of(CHECK),
        1: fingerprint_of(elsewhere),
        2: fingerprint_of(other_check),
        3: fingerprint_of(CHECK, 1),
    }
    assert len(set(prints.values())) == 4


def test_windows_separators_are_the_same_path() -> None:
    windows = replace(CHECK, location=Location("k8s\\web.yaml", 21, 21))
    assert fingerprint_of(windows) == fingerprint_of(CHECK)
