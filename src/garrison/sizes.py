"""Byte sizes people write on command lines and in settings: "10MiB", "500k", "2 GB", "4096"."""

from __future__ import annotations

import re

from garrison.errors import ConfigError

_SIZE = re.compile(r"(?i)^\s*(\d+)\s*([kmgt]?)(i?b)?\s*$")
_FACTOR = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str, key: str) -> int:
    """Bytes; k/M/G/T are powers of 1024 whether written kB, KiB or k. `key` names the flag
    or setting in the error."""
    match = _SIZE.match(text)
    if match is None:
        raise ConfigError(f"{key}: {text!r} is not a size (e.g. 10MiB, 500k, 4096)")
    return int(match.group(1)) * _FACTOR[match.group(2).lower()]
