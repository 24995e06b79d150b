"""Where detectors need to run: one Aho-Corasick pass over the lowercased text finds every
keyword of every detector at once; only the lines (or, on very long lines, the stretch
around each keyword) that hold a detector's keyword are handed to that detector's regex.

The text is searched as UTF-8 bytes: `bytes.lower()` touches ASCII letters only, so offsets
stay aligned with the original bytes (str.lower() can change a string's length), and the
automaton reports byte offsets. Line numbers are counted once, in order, with bytes.count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ahocorasick_rs import BytesAhoCorasick, Implementation

from garrison.secrets.detectors.base import Detector

IGNORE_MARK = "garrison:ignore"
SPAN = 1024  # on a line longer than this, detectors see this many bytes either side of a keyword


class TextView:
    """One file's text with its UTF-8 bytes and their lowercase, for lookups around offsets."""

    __slots__ = ("data", "low", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.low = self.data.lower()

    def decode(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "surrogatepass")

    def around(self, offset: int, radius: int) -> str:
        """The lowercased lines within `radius` lines of the byte `offset`."""
        low = self.low
        start = offset
        for _ in range(radius + 1):
            start = low.rfind(b"\n", 0, start)
            if start < 0:
                break
        end = offset - 1
        for _ in range(radius + 1):
            end = low.find(b"\n", end + 1)
            if end < 0:
                end = len(low)
                break
        return low[start + 1 : end].decode("utf-8", "replace")

    def contains(self, word: str) -> bool:
        return word.encode() in self.low

    def char_boundary(self, offset: int) -> int:
        """`offset` moved forward to the first byte of a UTF-8 character."""
        data = self.data
        while offset < len(data) and data[offset] & 0xC0 == 0x80:
            offset += 1
        return offset


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one line (usually all of it) and the detectors to run on it."""

    start: int  # byte offsets in the file
    end: int
    line_start: int  # byte offset of the first byte of the line
    line: int  # 1-based
    detectors: tuple[int, ...]  # indexes into the detector tuple, in order of precedence
    anchors: tuple[int, ...]  # byte offsets of the keywords that woke anchored detectors


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run on one file."""

    segments: tuple[Segment, ...]
    file_detectors: tuple[int, ...]
    ignores: tuple[int, ...]  # byte offsets of `garrison:ignore` marks


class LineBounds:
    """Start and end of the line around an offset, for offsets that never go backwards by
    more than a line: each stretch of text is searched for newlines once (a 5 MB one-line
    bundle costs one pass, not one pass per keyword)."""

    __slots__ = ("_end", "_low", "_start")

    def __init__(self, low: bytes) -> None:
        self._low = low
        self._start = self._end = -1

    def around(self, offset: int) -> tuple[int, int]:
        if not self._start <= offset < self._end:
            low = self._low
            floor = self._end + 1 if 0 <= self._end < offset else 0
            self._start = low.rfind(b"\n", floor, offset) + 1 or floor
            found = low.find(b"\n", offset)
            self._end = len(low) if found < 0 else found
        return self._start, self._end


class KeywordIndex:
    """Every keyword of `detectors` in one automaton, and which detectors each one wakes."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        words = sorted({word for detector in detectors for word in detector.keywords})
        words.append(IGNORE_MARK)
        self.words = tuple(words)
        position = {word: index for index, word in enumerate(words)}
        self._line: list[tuple[int, ...]] = [() for _ in words]
        self._file: list[tuple[int, ...]] = [() for _ in words]
        self._anchor = [False for _ in words]
        for index, detector in enumerate(detectors):
            table = self._file if detector.scope == "file" else self._line
            for word in detector.keywords:
                table[position[word]] += (index,)
                self._anchor[position[word]] |= detector.anchored
        self._ignore = position[IGNORE_MARK]
        # The DFA form is the fastest to search (~2.5x the default) for a few hundred words.
        self._automaton = BytesAhoCorasick(
            [word.encode() for word in words], implementation=Implementation.DFA
        )

    def plan(self, view: TextView) -> Plan:
        """The segments, file-wide detectors and ignore marks of one file."""
        matches = self._automaton.find_matches_as_indexes(view.low, overlapping=True)
        wanted: dict[tuple[int, int, int], tuple[set[int], list[int]]] = {}
        file_wide: set[int] = set()
        ignores: list[int] = []
        lines = LineBounds(view.low)
        for word, start, end in matches:
            if self._line[word]:
                key = self._stretch(view, lines.around(start), start, end)
                entry = wanted.get(key)
                if entry is None:
                    entry = wanted[key] = (set(), [])
                entry[0].update(self._line[word])
                if self._anchor[word]:
                    entry[1].append(start)
            if self._file[word]:
                file_wide.update(self._file[word])
            if word == self._ignore:
                ignores.append(start)
        return Plan(self._segments(view, wanted), tuple(sorted(file_wide)), tuple(ignores))

    @staticmethod
    def _stretch(
        view: TextView, line: tuple[int, int], start: int, end: int
    ) -> tuple[int, int, int]:
        """(start, end, line start) of the part of its line a keyword at start:end wakes."""
        line_start, line_end = line
        first = line_start if start - line_start <= SPAN else view.char_boundary(start - SPAN)
        last = line_end if line_end - end <= SPAN else view.char_boundary(end + SPAN)
        return first, last, line_start

    @staticmethod
    def _segments(
        view: TextView, wanted: dict[tuple[int, int, int], tuple[set[int], list[int]]]
    ) -> tuple[Segment, ...]:
        """Segments in file order, overlapping stretches of one line merged, each with its
        line number (newlines counted once, in order)."""
        merged: list[tuple[int, int, int, set[int], list[int]]] = []
        for start, end, line_start in sorted(wanted):
            detectors, anchors = wanted[start, end, line_start]
            last = merged[-1] if merged else None
            if last is not None and last[2] == line_start and start <= last[1]:
                last[3].update(detectors)
                last[4].extend(anchors)
                merged[-1] = (last[0], max(last[1], end), line_start, last[3], last[4])
            else:
                merged.append((start, end, line_start, set(detectors), list(anchors)))
        segments = []
        line, counted = 1, 0
        for start, end, line_start, detectors, anchors in merged:
            line += view.low.count(b"\n", counted, start)
            counted = start
            segments.append(
                Segment(start, end, line_start, line, tuple(sorted(detectors)), tuple(anchors))
            )
        return tuple(segments)
