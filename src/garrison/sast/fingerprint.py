"""Fingerprints of SAST findings: stable when lines are inserted above, blind to literals.

The key of a finding is (tool, rule, path, what the offending code looks like). "Looks
like" is the tool's own stable key when it gives one (SARIF partialFingerprints), else the
first offending line with whitespace collapsed and the contents of string literals masked:
a hash of a line that holds a password must not let anyone test guesses of it. Identical
keys in one file are numbered in line order, so two equal lines keep distinct fingerprints.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "sast1:"
_STRING = re.compile(r"""(?P<q>["'`])(?:\\.|(?!(?P=q)).)*(?P=q)""")
_SPACE = re.compile(r"\s+")


def code_key(line: str) -> str:
    """A source line as the fingerprint sees it: literals emptied, whitespace collapsed."""
    masked = _STRING.sub(lambda m: m.group("q") * 2, line)
    return "code:" + _SPACE.sub(" ", masked).strip()


def identity_key(partial_fingerprints: dict[str, str]) -> str:
    """A tool's own stable keys (SARIF partialFingerprints), in a fixed order."""
    return "tool:" + "\n".join(f"{k}={v}" for k, v in sorted(partial_fingerprints.items()))


def fingerprint(tool: str, rule_id: str, path: str, key: str, occurrence: int = 0) -> str:
    """'sast1:' + 32 hex digits of SHA-256 over the parts (occurrence 0 adds nothing)."""
    parts = [tool, rule_id, path, key] + ([str(occurrence)] if occurrence else [])
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return PREFIX + digest[:32]
