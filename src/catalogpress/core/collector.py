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
    million objects again and again while it loaded. PDF printing runs with it on:
    WeasyPrint does make cycles, and its workers inherit the setting.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
