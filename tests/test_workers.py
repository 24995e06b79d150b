"""Forked workers: when they pay, chunks, results in order, and failures narrowed to the
items that cause them (a worker that dies or raises never stops the rest)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool

import pytest

from garrison.workers import (
    PARALLEL_MIN_BYTES,
    PARALLEL_MIN_FILES,
    Failed,
    chunked,
    in_processes,
    in_processes_isolating,
    one_at_a_time,
    worth_processes,
)

PARENT = os.getpid()


def upper(chunk: Sequence[str], suffix: str = "") -> tuple[str, ...]:
    """The work of the tests: fails on "bad", kills its (worker) process on "die"."""
    assert os.getpid() != PARENT, "the work runs in worker processes only"
    if "die" in chunk:
        os._exit(3)
    if "bad" in chunk:
        raise ValueError("bad item")
    return tuple(item.upper() + suffix for item in chunk)


def worker_pid(chunk: Sequence[int]) -> int:
    return os.getpid()


def test_processes_pay_with_more_than_one_job_and_enough_files_or_bytes() -> None:
    assert worth_processes(2, PARALLEL_MIN_BYTES, 1)
    assert worth_processes(2, 0, PARALLEL_MIN_FILES)
    assert not worth_processes(2, PARALLEL_MIN_BYTES - 1, PARALLEL_MIN_FILES - 1)
    assert not worth_processes(1, PARALLEL_MIN_BYTES, PARALLEL_MIN_FILES)
    assert worth_processes(2, 10, 1, min_bytes=10, min_files=5)
    assert worth_processes(2, 9, 5, min_bytes=10, min_files=5)
    assert not worth_processes(2, 9, 4, min_bytes=10, min_files=5)


def test_chunks_are_consecutive_runs_of_about_the_size() -> None:
    todo = [(f"f{i}", f"/p/f{i}", size) for i, size in enumerate([5, 5, 5, 20, 1, 1, 30])]
    assert [[rel for rel, _, _ in chunk] for chunk in chunked(todo, 10)] == [
        ["f0", "f1"], ["f2", "f3"], ["f4", "f5", "f6"]
    ]  # fmt: skip
    assert chunked([], 10) == []


def test_work_runs_in_other_processes_with_results_in_chunk_order() -> None:
    chunks = [["a", "b"], ["c"], ["d", "e", "f"], ["g"]]
    assert in_processes(upper, chunks, 2, "!") == [
        ("A!", "B!"),
        ("C!",),
        ("D!", "E!", "F!"),
        ("G!",),
    ]
    pids = in_processes(worker_pid, [[i] for i in range(8)], 2)
    assert PARENT not in pids
    assert 1 <= len(set(pids)) <= 2


def test_in_processes_raises_the_first_failure() -> None:
    with pytest.raises(ValueError, match="bad item"):
        in_processes(upper, [["a"], ["bad"], ["c"]], 2)


def test_a_failure_is_narrowed_to_the_items_that_fail_alone() -> None:
    chunks = [["a", "b"], ["c", "die", "d"], ["e", "bad"], ["f"], ["g", "h"]]
    results = in_processes_isolating(upper, chunks, 2, "!")
    failed = [(r.chunk, type(r.error)) for r in results if isinstance(r, Failed)]
    assert failed == [(["die"], BrokenProcessPool), (["bad"], ValueError)]
    assert [r if isinstance(r, tuple) else r.chunk for r in results] == [
        ("A!", "B!"), ("C!",), ["die"], ("D!",), ("E!",), ["bad"], ("F!",), ("G!", "H!")
    ]  # fmt: skip


def test_one_at_a_time_goes_on_in_a_new_process_after_a_death() -> None:
    chunks = [["a"], ["die"], ["b", "c"], ["die"], ["bad"], ["d"]]
    results = one_at_a_time(upper, chunks)
    assert [r.chunk if isinstance(r, Failed) else r for r in results] == [
        ("A",), ["die"], ("B", "C"), ["die"], ["bad"], ("D",)
    ]  # fmt: skip
    errors = [type(r.error) for r in results if isinstance(r, Failed)]
    assert errors == [BrokenProcessPool, BrokenProcessPool, ValueError]


def test_nothing_to_do_is_no_results() -> None:
    assert in_processes(upper, [], 2) == []
    assert in_processes_isolating(upper, [], 2) == []
    assert one_at_a_time(upper, []) == []
