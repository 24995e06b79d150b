"""`garrison:ignore` comments in source code (pure).

`# garrison:ignore[B602]` (or `[B602,B607]`, or bare `garrison:ignore` for every rule) on
the offending line, or alone on the line just above it, suppresses a SAST finding of those
rules, as for IaC checks and secrets. Bandit's own `# nosec` is honoured by Bandit itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_COMMENT_MARKS = ("#", "//")  # Python, shell, YAML; JavaScript, Go, Java...
_IGNORE = re.compile(r"garrison:ignore(?:\[(?P<ids>[^\]]*)\])?")


def ignored_rules(line: str) -> frozenset[str] | None:
    """The rule ids a line's ignore comment names (empty set: all rules), or None."""
    match = _IGNORE.search(line)
    if match is None or not any(mark in line[: match.start()] for mark in _COMMENT_MARKS):
        return None
    ids = match.group("ids")
    if ids is None:
        return frozenset()
    return frozenset(part.strip() for part in ids.split(",") if part.strip())


def is_ignored(lines: Sequence[str], line: int, rule_id: str) -> bool:
    """Whether 1-based `line` (or a comment-only line just above it) ignores `rule_id`."""
    if _names(lines, line, rule_id):
        return True
    above = line - 1
    if 1 <= above <= len(lines) and lines[above - 1].lstrip().startswith(_COMMENT_MARKS):
        return _names(lines, above, rule_id)
    return False


def _names(lines: Sequence[str], line: int, rule_id: str) -> bool:
    if not 1 <= line <= len(lines):
        return False
    rules = ignored_rules(lines[line - 1])
    return rules is not None and (not rules or rule_id in rules)
