"""Fingerprints: a stable identity for a secret finding that never reveals the secret.

HMAC-SHA256 keyed with a salt over the detector id and the secret: the same secret found by
the same detector gets the same fingerprint wherever it moves (another line, another file,
another commit), so baselines and suppressions can name it; without the salt a fingerprint
cannot be tested against guesses. The caller reads GARRISON_SECRET_SALT, not this module.
"""

from __future__ import annotations

import hashlib
import hmac

DEFAULT_SALT = "garrison-secret-fingerprint-v1"
PREFIX = "gfp1:"
HEX_LENGTH = 32


def fingerprint(detector_id: str, secret: str, salt: str = DEFAULT_SALT) -> str:
    """Stable across runs and line shifts: 'gfp1:' + the first 32 hex digits of
    HMAC-SHA256(salt, detector id NUL secret)."""
    message = f"{detector_id}\0{secret}".encode("utf-8", "surrogatepass")
    digest = hmac.new(salt.encode("utf-8", "surrogatepass"), message, hashlib.sha256)
    return PREFIX + digest.hexdigest()[:HEX_LENGTH]
