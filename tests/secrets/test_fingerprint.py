"""Fingerprints: stable, salted, never the secret."""

from __future__ import annotations

import re

from garrison.secrets.detect import find_secrets
from garrison.secrets.findings import to_finding
from garrison.secrets.fingerprint import DEFAULT_SALT, fingerprint
from tests.secrets.cases import case

SECRET = case("github-pat-classic").secret


def test_format_and_determinism() -> None:
    value = fingerprint("github-pat-classic", SECRET)
    assert re.fullmatch(r"gfp1:[0-9a-f]{32}", value)
    assert value == fingerprint("github-pat-classic", SECRET, DEFAULT_SALT)
    assert SECRET not in value and SECRET[4:12] not in value


def test_it_differs_across_detectors_secrets_and_salts() -> None:
    base = fingerprint("github-pat-classic", SECRET)
    assert base != fingerprint("github-oauth-token", SECRET)
    assert base != fingerprint("github-pat-classic", case("github-pat-classic", 1).secret)
    assert base != fingerprint("github-pat-classic", SECRET, salt="team-salt")


def test_the_detector_and_the_secret_are_separated() -> None:
    assert fingerprint("a-b", "c") != fingerprint("a", "-bc")


def test_it_survives_moving_the_secret_to_another_line_and_file() -> None:
    first = find_secrets(f"TOKEN = '{SECRET}'\n", "a.py")[0]
    moved = find_secrets(f"\n\n# moved\nvalue = '{SECRET}'\n", "b/c.py")[0]
    assert first.line != moved.line
    assert to_finding(first, "a.py").fingerprint == to_finding(moved, "b/c.py").fingerprint
