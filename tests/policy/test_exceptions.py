"""Exceptions: what they cover (ids, aliases, fingerprints, path and purl globs) and their
expiry, at the day boundaries."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from garrison.policy.exceptions import (
    covers,
    exception_ref,
    expiry_notices,
    is_expired,
    path_matches,
    purl_matches,
    stale_notice,
    versionless,
)
from garrison.policy.model import Policy, PolicyException
from garrison.policy.verdict import Notice, NoticeKind
from tests.policy.builders import misconfig, secret, vuln

TODAY = date(2025, 6, 15)


def exc(ident: str, *, path: str | None = None, purl: str | None = None,
        expires: date = date(2025, 12, 31), index: int = 0) -> PolicyException:  # fmt: skip
    return PolicyException(ident, "accepted", "team-a", expires, index, 10 + index, path, purl)


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("deploy/app.yaml", "deploy/app.yaml", True),
        ("deploy/*.yaml", "deploy/app.yaml", True),
        ("deploy/*.yaml", "deploy/legacy/app.yaml", False),
        ("deploy/**", "deploy/legacy/app.yaml", True),
        ("deploy/**/*.yaml", "deploy/app.yaml", True),
        ("deploy/**/*.yaml", "deploy/a/b/app.yaml", True),
        ("**/test_*.py", "tests/unit/test_x.py", True),
        ("**/test_*.py", "test_x.py", True),
        ("./src/*.py", "src/a.py", True),
        ("src/?.py", "src/a.py", True),
        ("src/?.py", "src/ab.py", False),
        ("src/[ab].py", "src/[ab].py", True),
        ("src/a.py", "src/a.pyc", False),
        ("src/a.py", "other/src/a.py", False),
    ],
)  # fmt: skip
def test_path_globs(glob: str, path: str, matches: bool) -> None:
    assert path_matches(glob, path) is matches


@pytest.mark.parametrize(
    ("glob", "purl", "matches"),
    [
        ("pkg:pypi/django@*", "pkg:pypi/django@4.2.1", True),
        ("pkg:pypi/django@4.*", "pkg:pypi/django@5.0", False),
        ("pkg:pypi/django", "pkg:pypi/django@4.2.1", True),
        ("pkg:pypi/django", "pkg:pypi/django-extensions@1.0", False),
        ("pkg:pypi/django@4.2.1", "pkg:pypi/django@4.2.2", False),
        ("pkg:npm/%40angular/core", "pkg:npm/%40angular/core@16.0.0", True),
        ("pkg:deb/debian/openssl", "pkg:deb/debian/openssl@3.0.11-1?arch=amd64", True),
        ("pkg:pypi/*", "pkg:pypi/anything@1", True),
    ],
)  # fmt: skip
def test_purl_globs(glob: str, purl: str, matches: bool) -> None:
    assert purl_matches(glob, purl) is matches


def test_versionless() -> None:
    assert versionless("pkg:npm/%40a/b@1.0?x=y#sub") == "pkg:npm/%40a/b"
    assert versionless("pkg:npm/@a/b@1.0") == "pkg:npm/@a/b"


def test_covers_by_id_alias_fingerprint_any_case() -> None:
    finding = vuln()
    assert covers(exc("PYSEC-2023-1"), finding, None)
    assert covers(exc("cve-2023-1111"), finding, None)
    assert covers(exc("GHSA-aaaa-bbbb-cccc"), finding, None)
    assert covers(exc("gfp1:abc"), finding, "gfp1:abc")
    assert not covers(exc("CVE-2023-9999"), finding, "gfp1:abc")
    assert covers(exc("gsec1:0f0f0f"), secret(), None)  # the finding's own fingerprint


def test_covers_narrowed_by_path_and_purl() -> None:
    assert covers(exc("CVE-2023-1111", purl="pkg:pypi/django@*"), vuln(), None)
    assert not covers(exc("CVE-2023-1111", purl="pkg:pypi/flask@*"), vuln(), None)
    assert covers(exc("GAR-K8S-012", path="deploy/**"), misconfig(), None)
    assert not covers(exc("GAR-K8S-012", path="charts/**"), misconfig(), None)
    unplaced = dataclasses.replace(misconfig(), location=None)
    assert not covers(exc("GAR-K8S-012", path="**"), unplaced, None)
    assert not covers(exc("GAR-K8S-012", purl="pkg:*"), misconfig(), None)


def test_covers_narrowed_by_a_path_regex() -> None:
    import re

    where = misconfig().location
    assert where is not None
    anchored = dataclasses.replace(exc("GAR-K8S-012"), path_regex=re.compile(r"deploy/.*\.yaml"))
    assert covers(anchored, misconfig(), None)
    partial = dataclasses.replace(exc("GAR-K8S-012"), path_regex=re.compile(r"deploy"))
    assert not covers(partial, misconfig(), None)  # the whole path must match, not a part


def test_an_exception_applies_through_its_expiry_day() -> None:
    assert not is_expired(exc("X", expires=TODAY), TODAY)
    assert is_expired(exc("X", expires=date(2025, 6, 14)), TODAY)


def test_expiry_notices_at_the_boundaries() -> None:
    policy = Policy(
        exceptions=(
            exc("PAST", expires=date(2025, 6, 14), index=0),
            exc("TODAY", expires=TODAY, index=1),
            exc("EDGE", expires=date(2025, 6, 29), index=2),  # 14 days left: warned
            exc("LATER", expires=date(2025, 6, 30), index=3),  # 15 days left: quiet
        ),
        source="garrison.yaml",
    )
    assert expiry_notices(policy, TODAY) == [
        Notice(NoticeKind.EXPIRED,
               "exception PAST (owner team-a) expired on 2025-06-14: it no longer applies",
               "garrison.yaml:10: exceptions[0] PAST"),
        Notice(NoticeKind.EXPIRING, "exception TODAY (owner team-a) expires on 2025-06-15 (today)",
               "garrison.yaml:11: exceptions[1] TODAY"),
        Notice(NoticeKind.EXPIRING,
               "exception EDGE (owner team-a) expires on 2025-06-29 (in 14 day(s))",
               "garrison.yaml:12: exceptions[2] EDGE"),
    ]  # fmt: skip


def test_warning_window_is_configurable() -> None:
    policy = Policy(exceptions=(exc("SOON", expires=date(2025, 6, 16)),),
                    exception_warning_days=0, source="p.yaml")  # fmt: skip
    assert expiry_notices(policy, TODAY) == []


def test_refs_and_stale_notice() -> None:
    policy = Policy(source="garrison.yaml")
    exception = exc("CVE-1", index=2)
    assert exception_ref(policy, exception) == "garrison.yaml:12: exceptions[2] CVE-1"
    assert stale_notice(policy, exception) == Notice(
        NoticeKind.STALE, "exception CVE-1 (owner team-a) matches no finding: remove it",
        "garrison.yaml:12: exceptions[2] CVE-1",
    )  # fmt: skip


def test_location_backslashes_are_paths_too() -> None:
    assert path_matches("deploy/*.yaml", "deploy\\app.yaml")
