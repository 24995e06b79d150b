"""The detector interface: one frozen record per kind of secret, and helpers to build them.

A detector's metadata (id, title, severity, remediation, references, equivalents) and its
rule (keywords, pattern, checks) live together in one `Detector`. Ids are stable slugs and
are never reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from garrison.model import Severity

Scope = Literal["line", "file"]

# A secret must not be glued to more token characters on either side: that keeps the
# patterns from firing inside base64 blobs, hashes and longer identifiers.
LEFT = r"(?<![A-Za-z0-9_+/\-])"
RIGHT = r"(?![A-Za-z0-9_+/=\-])"
# The assignment operators of code and configuration: =, :=, =>, : (never == or ::).
ASSIGN = r"[\"']?\s*(?::=|=>|=(?!=)|:(?!:))\s*"


class Surroundings(Protocol):
    """What a check may ask about the file around a candidate (see prefilter.TextView)."""

    def around(self, offset: int, radius: int) -> str:
        """The lowercased lines within `radius` lines of the byte `offset`."""
        ...

    def contains(self, word: str) -> bool:
        """Whether the lowercased file contains `word` (lowercase)."""
        ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pattern match before the checks: the match, its secret, and where it is."""

    match: re.Match[str]
    secret: str
    path: str
    offset: int  # byte offset of the secret in the file's UTF-8 text
    file: Surroundings

    def near(self, words: tuple[str, ...], radius: int) -> bool:
        """Whether one of `words` (lowercase) occurs within `radius` lines of the secret."""
        text = self.file.around(self.offset, radius)
        return any(word in text for word in words)


Check = Callable[[Candidate], bool]


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of secret.

    `keywords` are lowercase literals: a line (scope "line") or a file (scope "file") without
    any of them cannot match, so the pattern never runs there. With scope "line" the pattern
    runs on the keyword's line and the `window - 1` lines after it; with scope "file" on the
    whole text. The group "secret" (or group 1) of `pattern` is the secret itself.
    `validate` judges the secret alone (a checksum, a structure); `check` judges it in
    context (the name it is assigned to, the words near it, the file's path). `requires`
    lists strings one of which every match contains (`@` for URLs with a password): a
    woken line without any of them is skipped before the regex runs. An `anchored` pattern
    is not searched along the line: it is matched (re.match) at the start of each word that
    holds a keyword, which is much cheaper for patterns that start with a name.
    """

    id: str
    title: str
    severity: Severity
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    remediation: str
    references: tuple[str, ...] = ()
    equivalents: tuple[tuple[str, str], ...] = ()
    validate: Callable[[str], bool] | None = None
    min_entropy: float | None = None
    check: Check | None = None
    scope: Scope = "line"
    window: int = 1
    confidence: str = "high"
    requires: tuple[str, ...] = ()
    anchored: bool = False


def token(core: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern for a self-identifying token: `core` with token boundaries on both sides."""
    return re.compile(f"{LEFT}(?P<secret>{core}){RIGHT}", flags)


def assigned(name: str, value: str) -> re.Pattern[str]:
    """A pattern for a value recognised by the name it is assigned to: NAME op [quote] VALUE.

    `name` is matched case-insensitively and captured as the group "name".
    """
    return re.compile(
        rf"(?<![\w.\-])(?P<name>(?i:{name})){ASSIGN}[\"'`]?{LEFT}(?P<secret>{value}){RIGHT}"
    )


def prefixed(
    slug: str,
    title: str,
    keywords: tuple[str, ...],
    core: str,
    where: str,
    reference: str,
    gitleaks: str = "",
    severity: Severity = Severity.HIGH,
    trivy: str = "",
) -> Detector:
    """A detector for a token with its own prefix (`gitleaks`, `trivy`: their rule ids)."""
    equivalents = tuple(
        (tool, rule) for tool, rule in (("gitleaks", gitleaks), ("trivy", trivy)) if rule
    )
    return Detector(
        id=slug,
        title=title,
        severity=severity,
        keywords=keywords,
        pattern=token(core),
        remediation=rotate(where),
        references=(reference,),
        equivalents=equivalents,
    )


def rotate(where: str) -> str:
    """The usual remediation: revoke at the provider, re-issue, keep out of the repository."""
    return (
        f"Revoke it in {where} and issue a new one; load it at run time from a secret store "
        "or CI secret instead of the repository, and remove it from the git history."
    )


def file_name(path: str) -> str:
    """The last component of a POSIX path (cheaper than PurePosixPath for hot checks)."""
    return path.rpartition("/")[2]


def normalised(name: str) -> str:
    """A name reduced to lowercase letters and digits: `AWS_Secret-Key` → `awssecretkey`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())
