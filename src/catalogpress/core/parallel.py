"""Spread pure, CPU-bound work (markdown, templates) over processes on big catalogs.

Python runs one thread of Python code at a time, so a 1,000-service catalog
renders on one core unless it forks. Forked workers inherit the site model
and the template environment as they are, so nothing but the results has to
be pickled. This process works too: `start_map` forks the workers and returns at
once, so the caller can do other work while they run, then `results()` takes this
process's share of the jobs. Its results need no pickling and its memory no
copying, which on two cores saved about a tenth of a build over a pool of two
workers and an idle parent. Small sites stay in one process, where forking
would cost more than it saves; so do processes with other threads running (the
preview's web server), because forking a process mid-way through another
thread's work can leave a lock held forever in the child.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
MIN_ITEMS = 150  # below this, forking costs more than it saves
MAX_WORKERS = 8
CHUNKS_PER_WORKER = 8  # small enough shares that whoever is free takes the next one


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


def start_map(job: Callable[[int], T], count: int, min_items: int = MIN_ITEMS) -> StartedMap[T]:
    """Start [job(0), ..., job(count - 1)] in forked workers, when that is worth it.

    `job` must return picklable results and report failures as values, not
    exceptions, so that a mistake on one page does not hide the others. Until
    `results()` is called, this process is free for work that does not feed the
    jobs. `min_items`: fewer jobs than this run here, as forking would cost more
    than it saves (a caller with a few big jobs lowers it). Use it in a `with`
    block, so that workers are stopped if this process fails before collecting.
    """
    workers = worker_count()
    if (
        count < min_items
        or workers < 2
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return StartedMap(job, count, 1)
    return StartedMap(job, count, workers)


class StartedMap(Generic[T]):
    """Jobs handed out to forked workers (or, with one worker, to this process alone)."""

    def __init__(self, job: Callable[[int], T], count: int, workers: int) -> None:
        self.job, self.count = job, count
        self.children: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
        self.frozen = False
        if workers < 2:
            self.chunks = [range(count)]
            self.claimed = None
            return
        # Interleaved, so that a run of heavy items (the rate sheets come together, after
        # a thousand light service pages) is shared out rather than left to one process.
        stride = min(count, workers * CHUNKS_PER_WORKER)
        self.chunks = [range(start, count, stride) for start in range(stride)]
        self.claimed = multiprocessing.get_context("fork").Value("i", 0)  # next unclaimed
        # Keep the collector out of what the workers inherit: a collection in a worker
        # would touch every object of the site model, so the kernel would copy all of
        # its memory into each worker (copy-on-write) and the work would take longer.
        gc.freeze()
        self.frozen = True
        try:
            for _ in range(min(workers - 1, len(self.chunks))):
                self.children.append(_fork(self._claim_and_run))
        except BaseException:
            self.close()
            raise

    def _claim_and_run(self) -> dict[int, list[Any]]:
        done: dict[int, list[Any]] = {}
        while True:
            if self.claimed is None:
                number = len(done)
            else:
                with self.claimed.get_lock():
                    number = self.claimed.value
                    self.claimed.value = number + 1
            if number >= len(self.chunks):
                return done
            done[number] = [self.job(i) for i in self.chunks[number]]

    def results(self) -> list[T]:
        """Every job's result, in order: this process takes its share, then waits."""
        try:
            parts = self._claim_and_run()
            while self.children:
                parts.update(_collect(*self.children.pop()))
        finally:
            self.close()
        results: list[Any] = [None] * self.count
        for number, part in parts.items():
            for index, result in zip(self.chunks[number], part, strict=True):
                results[index] = result
        return results

    def close(self) -> None:
        """Stop workers not collected (when this process failed or was interrupted)."""
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
        while self.children:
            pid, pipe = self.children.pop()
            os.close(pipe)
            _stop(pid)

    def __enter__(self) -> StartedMap[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _fork(work: Callable[[], dict[int, list[Any]]]) -> tuple[int, int]:
    """Start a child running `work`; it sends back its results, or what went wrong."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    # The child: whatever happens, it leaves through os._exit, never returning into
    # the parent's stack (which would run the rest of the build a second time).
    code = 1
    try:
        os.close(reader)
        with os.fdopen(writer, "wb") as out:
            try:
                done = work()
            except BaseException as exc:  # noqa: BLE001 - handed to the parent to raise
                out.write(_pickled_failure(exc))
            else:
                # Pickled into the pipe as it goes: a big catalog's pages are hundreds of
                # megabytes, not to be held a second time as one string of bytes. If it
                # fails half-way, the parent reads a broken stream and says so.
                pickle.dump((True, done), out, pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _pickled_failure(exc: BaseException) -> bytes:
    try:
        return pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that cannot be pickled: keep its text
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _collect(pid: int, pipe: int) -> dict[int, list[Any]]:
    """What the child `pid` sends through `pipe`, once it has finished; its exceptions
    are raised here."""
    received: tuple[bool, Any] | None = None
    try:
        with os.fdopen(pipe, "rb") as source:
            with contextlib.suppress(Exception):  # nothing, or a stream cut off: said below
                received = pickle.load(source)  # noqa: S301 - from our own forked child
    except BaseException:
        _stop(pid)
        raise
    _, status = os.waitpid(pid, 0)
    if received is None:
        raise RuntimeError(
            "a build worker stopped without finishing (exit status "
            f"{os.waitstatus_to_exitcode(status)})"
        )
    finished, value = received
    if not finished:
        raise value
    parts: dict[int, list[Any]] = value
    return parts


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
