"""Small performance helpers shared by the pure modules."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its previous state afterwards.

    Parsed JSON, Components and Findings hold no reference cycles, so collecting while
    building hundreds of thousands of them only costs time (a fifth to a third of a large
    scan); reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
