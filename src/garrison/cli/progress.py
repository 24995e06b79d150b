"""Progress on a terminal: a spinner while each scan phase runs, then one line with what it
did and how long it took. In CI (`CI` set) or when stderr is not a terminal: nothing."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.status import Status

from garrison.scan import PhaseProgress


class TerminalPhases:
    """A `PhaseProgress` drawn with rich on stderr."""

    def __init__(self, stream: IO[str] | None = None, force_terminal: bool | None = None) -> None:
        self.console = Console(file=stream or sys.stderr, force_terminal=force_terminal)
        self.status: Status | None = None

    def started(self, phase: str) -> None:
        self.status = self.console.status(f"{escape(phase)} ...")
        self.status.start()

    def finished(self, phase: str, detail: str, seconds: float) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
        self.console.print(
            f"[green]done[/green] {escape(phase)}: {escape(detail)} ({seconds:.1f}s)"
        )


def phase_progress(
    environ: Mapping[str, str] = os.environ, stream: IO[str] | None = None
) -> PhaseProgress | None:
    """Progress for people at a terminal; None in CI and in pipes (no animation in logs)."""
    stream = stream or sys.stderr
    if environ.get("CI") or not stream.isatty():
        return None
    return TerminalPhases(stream)
