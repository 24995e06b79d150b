"""Turn an OSV advisory's severity information into a score, a vector and a Severity.

Order of preference:
1. CVSS vectors, highest version first (v4, then v3, then v2); within one version the
   entry-level `severity` list before the per-affected one. A vector that does not parse
   is skipped.
2. Word ratings (`{"type": "Ubuntu", "score": "medium"}`), entry-level list first.
3. `database_specific["severity"]` ("HIGH", "MODERATE", ...).
4. Severity.UNKNOWN with no score.

Parsed vectors are cached by their string, since thousands of advisories share a few
hundred vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from garrison.model import Severity
from garrison.vulndb.advisory import Rating

_CACHE_SIZE = 65536
# OSV severity types that carry a word rather than a vector.
_LABEL_TYPES = ("Ubuntu",)
# Ubuntu priorities that Severity.from_label does not know.
_EXTRA_LABELS = {"NEGLIGIBLE": Severity.LOW}


UNRATED = Rating(Severity.UNKNOWN, None, None)


def rate(
    entry_severity: Sequence[Mapping[str, Any]] | None,
    affected_severity: Sequence[Mapping[str, Any]] | None,
    database_specific: Mapping[str, Any] | None,
) -> Rating:
    """Rate one advisory from its OSV `severity` lists and `database_specific` block.

    Never raises on bad input: anything unusable is skipped.
    """
    sources = (_items(entry_severity), _items(affected_severity))
    return _best_cvss(sources) or _best_label(sources) or _database_rating(database_specific)


def _best_cvss(sources: Sequence[Sequence[Mapping[str, Any]]]) -> Rating | None:
    for osv_type, scorer in _SCORERS:
        for items in sources:
            for vector in _scores_of_type(items, osv_type):
                rating = scorer(vector)
                if rating is not None:
                    return rating
    return None


def _best_label(sources: Sequence[Sequence[Mapping[str, Any]]]) -> Rating | None:
    for items in sources:
        for osv_type in _LABEL_TYPES:
            for label in _scores_of_type(items, osv_type):
                severity = _from_label(label)
                if severity is not Severity.UNKNOWN:
                    return Rating(severity, None, None)
    return None


def _database_rating(database_specific: Mapping[str, Any] | None) -> Rating:
    if isinstance(database_specific, Mapping):
        label = database_specific.get("severity")
        if isinstance(label, str):
            return Rating(_from_label(label), None, None)
    return UNRATED


def _items(value: Sequence[Mapping[str, Any]] | None) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    return tuple(item for item in value if isinstance(item, Mapping))


def _scores_of_type(items: Sequence[Mapping[str, Any]], osv_type: str) -> Iterator[str]:
    for item in items:
        score = item.get("score")
        if item.get("type") == osv_type and isinstance(score, str) and score.strip():
            yield score.strip()


def _from_label(label: str) -> Severity:
    extra = _EXTRA_LABELS.get(label.strip().upper())
    return extra if extra is not None else Severity.from_label(label)


@lru_cache(maxsize=_CACHE_SIZE)
def _rate_v4(vector: str) -> Rating | None:
    try:
        score = float(CVSS4(vector).base_score)
    except (CVSSError, ArithmeticError, ValueError, KeyError, IndexError):
        return None
    return Rating(Severity.from_score(score), score, vector)


@lru_cache(maxsize=_CACHE_SIZE)
def _rate_v3(vector: str) -> Rating | None:
    try:
        score = float(CVSS3(vector).base_score)
    except (CVSSError, ArithmeticError, ValueError, KeyError, IndexError):
        return None
    return Rating(Severity.from_score(score), score, vector)


@lru_cache(maxsize=_CACHE_SIZE)
def _rate_v2(vector: str) -> Rating | None:
    try:
        score = float(CVSS2(_bare_v2(vector)).base_score)
    except (CVSSError, ArithmeticError, ValueError, KeyError, IndexError):
        return None
    return Rating(_v2_severity(score), score, vector)


def _bare_v2(vector: str) -> str:
    """Accept the '(AV:N/...)' and 'CVSS:2.0/AV:N/...' spellings some feeds use."""
    text = vector.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text.removeprefix("CVSS:2.0/")


def _v2_severity(score: float) -> Severity:
    """NVD's CVSS v2 bands: 0-3.9 low, 4.0-6.9 medium, 7.0-10.0 high."""
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW


_SCORERS: tuple[tuple[str, Callable[[str], Rating | None]], ...] = (
    ("CVSS_V4", _rate_v4),
    ("CVSS_V3", _rate_v3),
    ("CVSS_V2", _rate_v2),
)
