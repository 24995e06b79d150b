"""Find the secrets in one decoded file's text (pure: the text in, hits out).

1. prefilter: one keyword pass says which detectors run on which lines (or on the file);
2. each woken detector's pattern runs there; every match goes through the placeholder
   filter, the detector's `validate`, `min_entropy` and `check`;
3. overlaps are resolved by precedence (the order of DETECTORS), `garrison:ignore` marks
   are honoured, and each hit gets a redacted preview of its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from garrison.secrets.decoys import is_placeholder
from garrison.secrets.detectors import DETECTORS
from garrison.secrets.detectors.base import Candidate, Detector
from garrison.secrets.entropy import shannon
from garrison.secrets.prefilter import KeywordIndex, Segment, TextView
from garrison.secrets.redact import Span, preview

INDEX = KeywordIndex(DETECTORS)
IGNORE = re.compile(r"garrison:ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
COMMENT_ONLY = re.compile(r"\s*(?:#|//|--|;|/\*|<!--|\*|%|'|rem\b|::)?\s*", re.IGNORECASE)
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
NAME_REACH = 80  # how far back from a keyword an anchored pattern's name may start
PREVIEW_BYTES = 240  # bytes of a line kept either side of a secret before the preview is cut


@dataclass(frozen=True, slots=True)
class SecretHit:
    """One secret found. `secret` stays in memory: it is never printed, logged or stored."""

    detector: Detector
    line: int  # 1-based, of the secret's first character
    column: int  # 1-based, in characters of the decoded line
    end_line: int  # last line (PEM blocks span lines)
    secret: str = field(repr=False)
    preview: str  # the redacted line excerpt (see redact.py)
    ignored: bool = False  # a garrison:ignore mark names it (find_all_secrets only)


@dataclass(frozen=True, slots=True)
class _Raw:
    """A hit before overlaps, ignores and previews are settled."""

    rank: int  # the detector's index in DETECTORS (its precedence)
    start: int  # byte offsets of the secret
    end: int
    line: int
    column: int
    secret: str = field(repr=False)


def find_secrets(text: str, path: str = "") -> list[SecretHit]:
    """Every secret in one decoded file's text, in order; inline `garrison:ignore` honoured.
    `path` lets detectors use context (e.g. skip lockfile integrity lines, `.env` files raise
    generic confidence); it is never opened."""
    return [hit for hit in find_all_secrets(text, path) if not hit.ignored]


def find_all_secrets(text: str, path: str = "") -> list[SecretHit]:
    """As `find_secrets`, but the hits a `garrison:ignore` mark names are kept, with
    `ignored` set: the policy decides whether they count (strict_suppressions)."""
    view = TextView(text)
    plan = INDEX.plan(view)
    raws: list[_Raw] = []
    for segment in plan.segments:
        raws.extend(_scan_segment(view, segment, path))
    for rank in plan.file_detectors:
        raws.extend(_scan_file(view, rank, path))
    ordered = _by_precedence(raws)
    kept = {(raw.start, raw.rank) for raw in _unignored(view, ordered, plan.ignores)}
    return [_hit(view, raw, ordered, ignored=(raw.start, raw.rank) not in kept) for raw in ordered]


def _accepted(
    view: TextView, detector: Detector, match: re.Match[str], offset: int, path: str
) -> str | None:
    """The secret of a match that passes every filter, or None."""
    secret = match.group("secret") if "secret" in match.re.groupindex else match.group(1)
    if not secret:
        return None
    if detector.validate is not None and not detector.validate(secret):
        return None
    if detector.min_entropy is not None and shannon(secret) < detector.min_entropy:
        return None
    if detector.check is not None and not detector.check(
        Candidate(match, secret, path, offset, view)
    ):
        return None
    return None if is_placeholder(secret) else secret


def _secret_start(match: re.Match[str]) -> int:
    return match.start("secret") if "secret" in match.re.groupindex else match.start(1)


def _scan_segment(view: TextView, segment: Segment, path: str) -> list[_Raw]:
    """The segment's detectors over its text (extended by a detector's window of lines)."""
    texts: dict[int, str] = {}
    found: list[_Raw] = []
    for rank in segment.detectors:
        detector = DETECTORS[rank]
        text = texts.get(detector.window)
        if text is None:
            text = texts[detector.window] = _segment_text(view, segment, detector.window)
        if detector.requires and not any(needed in text for needed in detector.requires):
            continue
        matches = (
            _anchored_matches(view, segment, text, detector.pattern)
            if detector.anchored
            else detector.pattern.finditer(text)
        )
        for match in matches:
            raw = _raw(view, segment, text, rank, match, path)
            if raw is not None:
                found.append(raw)
    return found


def _anchored_matches(
    view: TextView, segment: Segment, text: str, pattern: re.Pattern[str]
) -> list[re.Match[str]]:
    """Matches of an anchored pattern at the start of each word that holds a keyword."""
    ascii_text = text.isascii()
    starts: set[int] = set()
    for anchor in segment.anchors:
        at = anchor - segment.start
        if not ascii_text:
            at = len(view.decode(segment.start, anchor))
        stop = max(0, at - NAME_REACH)
        while at > stop and text[at - 1] in NAME_CHARS:
            at -= 1
        starts.add(at)
    matches = []
    for start in sorted(starts):
        match = pattern.match(text, start)
        if match is not None:
            matches.append(match)
    return matches


def _segment_text(view: TextView, segment: Segment, window: int) -> str:
    end = segment.end
    for _ in range(window - 1):
        following = view.low.find(b"\n", end + 1)
        end = len(view.low) if following < 0 else following
    return view.decode(segment.start, end)


def _raw(
    view: TextView, segment: Segment, text: str, rank: int, match: re.Match[str], path: str
) -> _Raw | None:
    """The raw hit of one match in a segment's text, if it passes the filters."""
    at = _secret_start(match)
    # For ASCII text characters are bytes; otherwise count the bytes before the secret.
    prefix = at if text.isascii() else len(text[:at].encode("utf-8", "surrogatepass"))
    offset = segment.start + prefix
    secret = _accepted(view, DETECTORS[rank], match, offset, path)
    if secret is None:
        return None
    line, column = _segment_position(view, segment, text, at)
    end = offset + len(secret.encode("utf-8", "surrogatepass"))
    return _Raw(rank, offset, end, line, column, secret)


def _segment_position(view: TextView, segment: Segment, text: str, at: int) -> tuple[int, int]:
    """(line, column) of character `at` of a segment's text."""
    first = text.find("\n", 0, at)
    newlines = 0 if first < 0 else text.count("\n", first, at)
    if newlines:
        return segment.line + newlines, at - text.rfind("\n", 0, at)
    before = (
        0
        if segment.start == segment.line_start
        else len(view.decode(segment.line_start, segment.start))
    )
    return segment.line, before + at + 1


def _scan_file(view: TextView, rank: int, path: str) -> list[_Raw]:
    """One file-scope detector over the whole text."""
    detector = DETECTORS[rank]
    text = view.text
    ascii_text = text.isascii()
    found = []
    for match in detector.pattern.finditer(text):
        at = _secret_start(match)
        offset = at if ascii_text else len(text[:at].encode("utf-8", "surrogatepass"))
        secret = _accepted(view, detector, match, offset, path)
        if secret is None:
            continue
        line = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        found.append(
            _Raw(
                rank,
                offset,
                offset + len(secret.encode("utf-8", "surrogatepass")),
                line,
                column,
                secret,
            )
        )
    return found


def _by_precedence(raws: list[_Raw]) -> list[_Raw]:
    """Raw hits without duplicates and overlaps (the earlier detector wins), in file order."""
    kept: list[_Raw] = []
    for raw in sorted(raws, key=lambda raw: (raw.rank, raw.start)):
        if not any(raw.start < other.end and other.start < raw.end for other in kept):
            kept.append(raw)
    return sorted(kept, key=lambda raw: (raw.start, raw.rank))


def _unignored(view: TextView, raws: list[_Raw], marks: tuple[int, ...]) -> list[_Raw]:
    """Hits not suppressed by a `garrison:ignore[...]` mark (see _ignore_mark)."""
    ignored: dict[int, set[str] | None] = {}
    for mark in marks:
        ids, lines = _ignore_mark(view, mark)
        for line in lines:
            if line in ignored and ignored[line] is None:
                continue
            ignored[line] = None if ids is None else ids | (ignored.get(line) or set())
    if not ignored:
        return raws
    return [
        raw for raw in raws if not _suppressed(DETECTORS[raw.rank].id, ignored.get(raw.line, set()))
    ]


def _ignore_mark(view: TextView, mark: int) -> tuple[set[str] | None, tuple[int, ...]]:
    """The detector ids an ignore mark names (None: all) and the lines it covers: its own
    line, and the next one too when the mark stands alone in a comment line."""
    line = view.low.count(b"\n", 0, mark) + 1
    line_start = view.low.rfind(b"\n", 0, mark) + 1
    line_end = view.low.find(b"\n", mark)
    found = IGNORE.match(view.decode(mark, len(view.low) if line_end < 0 else line_end))
    lines = (line, line + 1) if COMMENT_ONLY.fullmatch(view.decode(line_start, mark)) else (line,)
    if found is None or found.group(1) is None:
        return None, lines
    return {name.strip() for name in found.group(1).split(",") if name.strip()}, lines


def _suppressed(identifier: str, ids: set[str] | None) -> bool:
    return ids is None or identifier in ids


def _hit(view: TextView, raw: _Raw, everything: list[_Raw], ignored: bool) -> SecretHit:
    """The public hit, with its end line and the redacted preview of its first line."""
    end_line = raw.line + raw.secret.rstrip("\r\n").count("\n")
    return SecretHit(
        DETECTORS[raw.rank],
        raw.line,
        raw.column,
        end_line,
        raw.secret,
        _preview(view, raw, everything),
        ignored,
    )


def _preview(view: TextView, raw: _Raw, everything: list[_Raw]) -> str:
    """The hit's line, cut around the secret, with every secret on it masked."""
    low = view.low
    line_start = low.rfind(b"\n", 0, raw.start) + 1
    line_end = low.find(b"\n", raw.start)
    line_end = len(low) if line_end < 0 else line_end
    first = view.char_boundary(max(line_start, raw.start - PREVIEW_BYTES))
    last = view.char_boundary(min(line_end, raw.end + PREVIEW_BYTES))
    spans: list[Span] = []
    focus = 0
    for other in everything:
        if other.start < last and first < other.end:
            if other is raw:
                focus = len(spans)
            start, end = max(other.start, first), min(other.end, last)
            spans.append(
                (len(view.decode(first, start)), len(view.decode(first, end)), other.secret)
            )
    return preview(view.decode(first, last), spans, focus, first > line_start, last < line_end)
