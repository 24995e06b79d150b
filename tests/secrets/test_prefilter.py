"""The keyword pass: which detectors run on which stretch of which line."""

from __future__ import annotations

from garrison.secrets.detectors import BY_ID, DETECTORS
from garrison.secrets.prefilter import SPAN, KeywordIndex, LineBounds, TextView

INDEX = KeywordIndex(DETECTORS)
RANK = {detector.id: rank for rank, detector in enumerate(DETECTORS)}


def woken(text: str) -> list[tuple[int, list[str]]]:
    plan = INDEX.plan(TextView(text))
    return [(s.line, [DETECTORS[r].id for r in s.detectors]) for s in plan.segments]


def test_only_lines_with_a_keyword_become_segments() -> None:
    text = "import os\n\nx = 'ghp_'\ny = 1\nGITHUB_TOKEN = 'github_pat_'\n"
    assert woken(text) == [
        (3, ["github-pat-classic"]),
        (5, ["github-pat-fine-grained", "generic-secret"]),
    ]


def test_keywords_match_in_any_case() -> None:
    assert woken("Key = AKIA\n") == [(1, ["aws-access-key-id"])]


def test_file_scope_detectors_are_woken_by_the_whole_file() -> None:
    plan = INDEX.plan(TextView("# uses Twilio\nclient = 1\n"))
    assert plan.segments == ()
    assert [DETECTORS[r].id for r in plan.file_detectors] == ["twilio-api-key", "twilio-auth-token"]


def test_ignore_marks_are_collected() -> None:
    plan = INDEX.plan(TextView("a = 1\n# garrison:ignore\n"))
    assert plan.ignores == (8,)


def test_long_lines_are_cut_around_keywords_and_overlaps_merge() -> None:
    line = "x" * 5000 + "ghp_" + "y" * 100 + "ghr_" + "z" * 5000
    (segment,) = INDEX.plan(TextView(line)).segments
    assert (segment.start, segment.end) == (5000 - SPAN, 5108 + SPAN)
    assert segment.line_start == 0
    assert [DETECTORS[r].id for r in segment.detectors] == [
        "github-pat-classic",
        "github-refresh-token",
    ]


def test_anchors_are_kept_for_anchored_detectors_only() -> None:
    (segment,) = INDEX.plan(TextView("db_password = 'x'\n")).segments
    assert segment.anchors == (3,)
    assert BY_ID["generic-secret"].anchored


def test_line_bounds_move_forward() -> None:
    bounds = LineBounds(b"ab\ncd\n\nef")
    assert bounds.around(0) == (0, 2)
    assert bounds.around(1) == (0, 2)
    assert bounds.around(4) == (3, 5)
    assert bounds.around(8) == (7, 9)


def test_around_gives_the_neighbouring_lines_lowercased() -> None:
    view = TextView("one\nTWO\nthree\nfour\nfive\n")
    assert view.around(view.data.index(b"three"), 1) == "two\nthree\nfour"
    assert view.around(0, 0) == "one"
    assert RANK["generic-secret"] == len(DETECTORS) - 1
