"""Spread pure, CPU-bound work (markdown, templates) over processes on big catalogs.

Python runs one thread of Python code at a time, so a 1,000-service catalog
renders on one core unless it forks. Forked workers inherit the site model
and the template environment as they are, so nothing but the results has to
be pickled. Small sites stay in one process, where forking would cost more
than it saves; so do processes with other threads running (the preview's web
server), because forking a process mid-way through another thread's work can
leave a lock held forever in the child.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
MIN_ITEMS = 150  # below this, a pool's start-up costs more than it saves
MAX_WORKERS = 8

_job: Callable[[int], Any] | None = None


def worker_count() -> int:
    """CPUs this process may use (containers often allow fewer than the machine has)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    setting = os.environ.get("CATALOGPRESS_WORKERS", "")
    if setting.isdigit() and int(setting) > 0:
        cpus = int(setting)
    return max(1, min(cpus, MAX_WORKERS))


def fork_map(job: Callable[[int], T], count: int,
             meanwhile: Callable[[], object] | None = None,
             min_items: int = MIN_ITEMS) -> list[T]:
    """[job(0), ..., job(count - 1)], in forked workers when that is worth it.

    `job` must return picklable results and report failures as values, not
    exceptions, so that a mistake on one page does not hide the others.
    `meanwhile`, if given, runs in this process while the workers work (or after
    the jobs, without workers): work that does not feed the jobs, so that this
    process does not sit idle waiting for them. `min_items`: fewer jobs than this
    run here, as a pool would cost more than it saves (a caller with a few big
    jobs lowers it).
    """
    workers = worker_count()
    if (count < min_items or workers < 2 or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        results = [job(i) for i in range(count)]
        if meanwhile is not None:
            meanwhile()
        return results
    global _job
    _job = job
    # Keep the collector out of what the workers inherit: a collection in a worker
    # would touch every object of the site model, so the kernel would copy all of
    # its memory into each worker (copy-on-write) and the work would take longer.
    gc.freeze()
    # Interleaved, so that a run of heavy items (the rate sheets come together, after
    # a thousand light service pages) is shared out rather than left to one worker.
    chunks = [range(start, count, workers * 4) for start in range(min(count, workers * 4))]
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            pending = pool.map_async(_run, chunks, chunksize=1)
            if meanwhile is not None:
                meanwhile()
            parts = pending.get()
    finally:
        gc.unfreeze()
        _job = None
    results: list[Any] = [None] * count
    for indexes, part in zip(chunks, parts, strict=True):
        for index, result in zip(indexes, part, strict=True):
            results[index] = result
    return results


def _run(indexes: range) -> list[Any]:
    assert _job is not None  # set by fork_map before the pool forks
    return [_job(i) for i in indexes]
