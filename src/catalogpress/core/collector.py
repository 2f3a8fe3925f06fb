"""Python's cyclic garbage collector, paused where a stage makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run without Python's cyclic garbage collector, then as before.

    Loading, checking and rendering make hundreds of thousands of objects and
    next to no reference cycles; the collector kept rescanning the loaded
    catalog (7% of a big build) and found nothing, and ran over a stored session's
    million objects again and again while it loaded. A build keeps it paused until
    the site is written (collecting those objects between render and write cost a
    second build at 1,000 services 0.3 s), but for PDF printing (`collector_resumed`).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def collector_resumed() -> Iterator[None]:
    """Run with the collector on inside `collector_paused`: WeasyPrint makes
    reference cycles, and its printing workers inherit the setting."""
    was_on = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_on:
            gc.disable()
