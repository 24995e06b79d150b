"""Work spread over forked worker processes when there is enough of it to pay (process
module): whether it pays, consecutive chunks of files, and a function run over the chunks
in processes with the results in the order of the chunks.

Workers are forked, so they inherit what the parent loaded (compiled detectors, Bandit's
plugins) and start in milliseconds.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
SizedFile = tuple[str, str, int]  # (relative path, path to open, size in bytes)
PARALLEL_MIN_BYTES = 2 * 1024 * 1024  # below this (and PARALLEL_MIN_FILES), one process
PARALLEL_MIN_FILES = 200


@dataclass(frozen=True, slots=True)
class Failed:
    """A chunk whose work raised, or whose worker process died, and why."""

    chunk: Sequence[Any]
    error: BaseException


def worth_processes(
    jobs: int,
    total_bytes: int,
    count: int,
    min_bytes: int = PARALLEL_MIN_BYTES,
    min_files: int = PARALLEL_MIN_FILES,
) -> bool:
    """Whether starting worker processes pays (more than one core and enough work)."""
    return jobs > 1 and (total_bytes >= min_bytes or count >= min_files)


def in_processes(work: Callable[..., T], chunks: Sequence[Any], jobs: int, *args: Any) -> list[T]:
    """`work(chunk, *args)` for each chunk over up to `jobs` forked processes, results in
    the order of the chunks; the first failure is raised."""
    with _pool(min(jobs, len(chunks))) as pool:
        futures = [pool.submit(work, chunk, *args) for chunk in chunks]
        return [future.result() for future in futures]


def in_processes_isolating(
    work: Callable[..., T], chunks: Sequence[Sequence[Any]], jobs: int, *args: Any
) -> list[T | Failed]:
    """Like `in_processes`, but a failure never stops the rest: a chunk that failed is
    done again in a process of its own, then (failing again) one item at a time, so what
    is lost is only the items that fail alone, each a `Failed([item], error)`. The
    results stay in the order of the items."""
    first = _settled_in_processes(work, chunks, jobs, *args)
    again = iter(one_at_a_time(work, [r.chunk for r in first if isinstance(r, Failed)], *args))
    results: list[T | Failed] = []
    for result in first:
        if isinstance(result, Failed):
            result = next(again)
        if isinstance(result, Failed) and len(result.chunk) > 1:
            results += one_at_a_time(work, [[item] for item in result.chunk], *args)
        else:
            results.append(result)
    return results


def one_at_a_time(work: Callable[..., T], chunks: Sequence[Any], *args: Any) -> list[T | Failed]:
    """`work(chunk, *args)` for each chunk in turn in one worker process; when that process
    dies, the chunk it was on fails and a new process takes the next one."""
    results: list[T | Failed] = []
    while len(results) < len(chunks):
        with _pool(1) as pool:
            rest = chunks[len(results) :]
            for chunk, future in zip(rest, _submitted(pool, work, rest, args), strict=False):
                settled = _settled(chunk, future)
                results.append(settled)
                if isinstance(future.exception(), BrokenProcessPool):
                    break  # one worker, in order: this chunk was the one it died on
    return results


def chunked(todo: Sequence[SizedFile], chunk_bytes: int) -> list[list[SizedFile]]:
    """Consecutive runs of files of about `chunk_bytes` each (one big file is one chunk)."""
    chunks: list[list[SizedFile]] = [[]]
    size = 0
    for item in todo:
        if size >= chunk_bytes:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item[2]
    return [chunk for chunk in chunks if chunk]


def _settled_in_processes(
    work: Callable[..., T], chunks: Sequence[Any], jobs: int, *args: Any
) -> list[T | Failed]:
    with _pool(min(jobs, len(chunks))) as pool:
        futures = _submitted(pool, work, chunks, args)
        settled = list(map(_settled, chunks, futures))  # as many as were given out
    broken = BrokenProcessPool("the pool broke before this chunk was given out")
    return [*settled, *(Failed(chunk, broken) for chunk in chunks[len(settled) :])]


def _submitted(
    pool: ProcessPoolExecutor, work: Callable[..., T], chunks: Sequence[Any], args: Sequence[Any]
) -> list[Future[T]]:
    """The chunks given to the pool, up to the first it refused (it broke meanwhile)."""
    futures: list[Future[T]] = []
    for chunk in chunks:
        try:
            futures.append(pool.submit(work, chunk, *args))
        except BrokenProcessPool:
            break
    return futures


def _settled(chunk: Sequence[Any], future: Future[T]) -> T | Failed:
    error = future.exception()
    return future.result() if error is None else Failed(chunk, error)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max(1, workers), mp_context=multiprocessing.get_context("fork"))
