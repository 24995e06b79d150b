"""The policy's exceptions (pure): which findings they cover, and which are expired, expiring
soon or stale. One model for every scanner: an id (finding id, alias, check, detector or rule
id, or fingerprint), optionally narrowed by a path glob and a purl glob."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from fnmatch import fnmatchcase

from garrison.model import Finding
from garrison.policy.model import Policy, PolicyException
from garrison.policy.verdict import Notice, NoticeKind, SuppressedBy, Suppression


def exception_ref(policy: Policy, exception: PolicyException) -> str:
    """How reports name an exception: `garrison.yaml:12: exceptions[0] CVE-2023-1234`."""
    return f"{policy.source}:{exception.line}: exceptions[{exception.index}] {exception.ident}"


def is_expired(exception: PolicyException, today: date) -> bool:
    """An exception applies through its `expires` day, and not after."""
    return today > exception.expires


def expiry_notices(policy: Policy, today: date) -> list[Notice]:
    """EXPIRED for exceptions past their date, EXPIRING for those within the warning window."""
    notices: list[Notice] = []
    for exception in policy.exceptions:
        who = f"exception {exception.ident} (owner {exception.owner})"
        ref = exception_ref(policy, exception)
        left = (exception.expires - today).days
        if left < 0:
            message = f"{who} expired on {exception.expires}: it no longer applies"
            notices.append(Notice(NoticeKind.EXPIRED, message, ref))
        elif left <= policy.exception_warning_days:
            when = "today" if left == 0 else f"in {left} day(s)"
            message = f"{who} expires on {exception.expires} ({when})"
            notices.append(Notice(NoticeKind.EXPIRING, message, ref))
    return notices


def stale_notice(policy: Policy, exception: PolicyException) -> Notice:
    message = f"exception {exception.ident} (owner {exception.owner}) matches no finding"
    return Notice(NoticeKind.STALE, message + ": remove it", exception_ref(policy, exception))


def suppression(policy: Policy, exception: PolicyException, finding: Finding) -> Suppression:
    return Suppression(
        finding,
        SuppressedBy.EXCEPTION,
        exception_ref(policy, exception),
        exception.reason,
        exception.owner,
        exception.expires.isoformat(),
    )


def covers(exception: PolicyException, finding: Finding, fingerprint: str | None) -> bool:
    """Does the exception name this finding (and, when narrowed, its file and package)?"""
    wanted = exception.ident.casefold()
    names = (finding.id, *finding.aliases, finding.fingerprint, fingerprint)
    if not any(name is not None and name.casefold() == wanted for name in names):
        return False
    if exception.path is not None:
        where = finding.location.path if finding.location else None
        if where is None or not path_matches(exception.path, where):
            return False
    if exception.path_regex is not None:
        where = finding.location.path if finding.location else None
        if where is None or exception.path_regex.fullmatch(_clean(where)) is None:
            return False
    if exception.purl is not None:
        purl = finding.component.purl if finding.component else None
        if purl is None or not purl_matches(exception.purl, purl):
            return False
    return True


class ExceptionIndex:
    """Exceptions by the name they cover, so each finding costs a few lookups."""

    def __init__(self, exceptions: Sequence[PolicyException]) -> None:
        self._by_name: dict[str, list[PolicyException]] = {}
        for exception in exceptions:
            self._by_name.setdefault(exception.ident.casefold(), []).append(exception)

    def covering(self, finding: Finding, fingerprint: str | None) -> list[PolicyException]:
        """Every exception that covers the finding, in policy order."""
        names = {finding.id, *finding.aliases, finding.fingerprint, fingerprint} - {None}
        candidates = [e for name in names for e in self._by_name.get(str(name).casefold(), ())]
        found = {e.index: e for e in candidates if covers(e, finding, fingerprint)}
        return [found[index] for index in sorted(found)]


def path_matches(glob: str, path: str) -> bool:
    """`*` and `?` stay within a directory, `**` crosses directories; `./` is ignored."""
    return _glob_regex(_clean(glob)).fullmatch(_clean(path)) is not None


def purl_matches(glob: str, purl: str) -> bool:
    """fnmatch on the purl; a glob without a version matches the purl at any version."""
    if fnmatchcase(purl, glob):
        return True
    return "@" not in glob.rpartition("/")[2] and fnmatchcase(versionless(purl), glob)


def versionless(purl: str) -> str:
    """`pkg:npm/%40a/b@1.0?x=y#sub` -> `pkg:npm/%40a/b` (version, qualifiers, subpath cut)."""
    purl = purl.split("#", 1)[0].split("?", 1)[0]
    head, slash, last = purl.rpartition("/")
    return f"{head}{slash}{last.split('@', 1)[0]}"


def _clean(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


@functools.lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        char = glob[index]
        parts.append({"*": "[^/]*", "?": "[^/]"}.get(char) or re.escape(char))
        index += 1
    return re.compile("".join(parts))
