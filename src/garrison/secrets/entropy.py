"""Shannon entropy of candidate values, and the threshold a value needs to look random.

Random credentials use most of their alphabet; words, identifiers and repeated patterns do
not. The threshold grows with the length (a short string cannot reach a high entropy) and is
lower for hex, whose alphabet has only 16 symbols.
"""

from __future__ import annotations

import math
import re
from collections import Counter

HEX = re.compile(r"[0-9a-fA-F]+")
MAX_HEX = 3.0  # bits per character a long random hex value reaches easily (max 4)
MAX_OTHER = 3.5  # the same for base64/alphanumeric values (max ~6)


def shannon(text: str) -> float:
    """Bits of Shannon entropy per character of `text` (0.0 for an empty string)."""
    size = len(text)
    if not size:
        return 0.0
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())


def threshold(value: str) -> float:
    """The entropy per character `value` needs to look random, by its length and alphabet."""
    length_bits = math.log2(max(len(value), 2))
    if HEX.fullmatch(value):
        return min(MAX_HEX, 0.75 * length_bits)
    return min(MAX_OTHER, 0.8 * length_bits)


def looks_random(value: str, relax: float = 0.0) -> bool:
    """Whether `value` is at least as random as its threshold (less `relax` bits)."""
    return shannon(value) >= threshold(value) - relax
