"""Previews never hold more than 4 characters of any secret."""

from __future__ import annotations

import pytest

from garrison.secrets.detect import find_secrets
from garrison.secrets.detectors import DETECTORS
from garrison.secrets.redact import WIDTH, mask, preview
from tests.secrets.cases import case


def leaked(secret: str, text: str, size: int = 5) -> bool:
    """Whether any `size` consecutive characters of the secret appear in text."""
    return any(secret[i : i + size] in text for i in range(len(secret) - size + 1))


def test_mask_shows_four_characters_of_long_secrets_only() -> None:
    assert mask("ghp_" + "a1" * 18) == "ghp_****"
    assert mask("s3cr3t-P@ss") == "****"
    assert mask("0123456789abcdef") == "0123****"


@pytest.mark.parametrize("detector_id", [detector.id for detector in DETECTORS])
def test_no_detector_preview_leaks_its_secret(detector_id: str) -> None:
    sample = case(detector_id, 2)
    (hit,) = find_secrets(sample.text, sample.path)
    assert sample.secret not in hit.preview
    assert not leaked(sample.secret, hit.preview)
    assert "****" in hit.preview
    assert "\n" not in hit.preview


def test_every_secret_on_the_line_is_masked() -> None:
    github, stripe = case("github-pat-classic").secret, case("stripe-secret-key").secret
    text = f"env = {{'GH': '{github}', 'STRIPE': '{stripe}'}}\n"
    hits = find_secrets(text, "x.py")
    assert [hit.preview for hit in hits] == ["env = {'GH': 'ghp_****', 'STRIPE': 'sk_l****'}"] * 2


def test_a_multiline_key_previews_its_begin_line_only() -> None:
    key = case("ec-private-key").secret
    (hit,) = find_secrets(f"KEY = '''{key}'''\n", "x.py")
    assert hit.preview == "KEY = '''----****"


def test_long_lines_are_cut_around_the_secret() -> None:
    secret = case("slack-bot-token").secret
    line = "a" * 300 + f" tok='{secret}' " + "b" * 300
    (hit,) = find_secrets(line, "x.js")
    assert hit.preview.startswith("…") and hit.preview.endswith("…")
    assert len(hit.preview) == WIDTH + 2
    assert "tok='xoxb****'" in hit.preview


def test_preview_strips_and_masks() -> None:
    line = "    key = 'abcdefghijklmnopqrstuvwx'   "
    assert preview(line, [(11, 35, "abcdefghijklmnopqrstuvwx")], 0) == "key = 'abcd****'"
