"""Python's cyclic garbage collector, paused where a stage makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


def collector_paused() -> AbstractContextManager[None]:
    """Run without Python's cyclic garbage collector, then as before.

    Loading, checking and rendering make hundreds of thousands of objects and
    next to no reference cycles; the collector kept rescanning the loaded
    catalog (7% of a big build) and found nothing, and ran over a stored session's
    million objects again and again while it loaded. A build keeps it paused until
    the site is written (collecting those objects between render and write cost a
    second build at 1,000 services 0.3 s), but for PDF printing (`collector_resumed`).
    """
    return _collector(on=False)


def collector_resumed() -> AbstractContextManager[None]:
    """Run with the collector on inside `collector_paused`: WeasyPrint makes
    reference cycles, and its printing workers inherit the setting."""
    return _collector(on=True)


@contextmanager
def _collector(on: bool) -> Iterator[None]:
    was_on = gc.isenabled()
    (gc.enable if on else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was_on else gc.disable)()
