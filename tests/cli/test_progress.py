from __future__ import annotations

import io

from garrison.cli.progress import TerminalPhases, phase_progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_animation_in_ci_or_pipes() -> None:
    assert phase_progress({"CI": "true"}, Tty()) is None
    assert phase_progress({}, io.StringIO()) is None
    assert isinstance(phase_progress({}, Tty()), TerminalPhases)


def test_each_phase_ends_with_one_line() -> None:
    stream = io.StringIO()
    phases = TerminalPhases(stream, force_terminal=False)
    phases.started("walk")
    phases.finished("walk", "20000 files [x]", 0.25)
    assert stream.getvalue().splitlines()[-1] == "done walk: 20000 files [x] (0.2s)"
