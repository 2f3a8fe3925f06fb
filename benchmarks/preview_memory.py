"""Does the live preview's memory stay flat over many saves? Prints figures; asserts nothing.

    python benchmarks/preview_memory.py [--services 1000] [--saves 50]

Generates a catalog (benchmarks/generate.py) in a temp folder, then runs the
preview's rebuild path in this process (`Preview.rebuild`, the very call
`catalogpress serve` makes after a save: incremental, no PDFs, no search index),
first once and then after each save, with an idle thread standing in for the
preview's web server (so that, as in `serve`, nothing is forked). Saves take
turns editing a service overview, catalog.yaml (a service's name) and rates.yaml
(an amount). Prints the resident memory (VmRSS) after the first build and after
saves 10, 25 and 50, and the ratio of the last to the first. The target is flat:
a ratio of about 1.1 or less.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 23)
REPORTED = (10, 25, 50)
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (not Linux?)")


def edit(root: Path, save: int) -> str:
    """Make save number `save` (from 1): an overview, catalog.yaml or rates.yaml."""
    kind = ("overview", "catalog", "rate")[save % 3]
    if kind == "overview":
        page = sorted((root / "content" / "services").glob("*.md"))[save % 7]
        page.write_text(page.read_text() + f"\nA plain sentence added by save {save}.\n")
    elif kind == "catalog":
        catalog = root / "catalog.yaml"
        text, done = re.subn(
            r"^(  name: Server Co-location 0)(?: \(save \d+\))?$",
            rf"\1 (save {save})",
            catalog.read_text(),
            count=1,
            flags=re.M,
        )
        assert done == 1, "the service to rename is not in catalog.yaml"
        catalog.write_text(text)
    else:
        rates = root / "rates.yaml"
        text, done = re.subn(
            r"^    amount: '\d+\.\d\d'$",
            f"    amount: '{30 + save % 9}.{save % 100:02d}'",
            rates.read_text(),
            count=1,
            flags=re.M,
        )
        assert done == 1, "no amount to change in rates.yaml"
        rates.write_text(text)
    return kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args()
    from catalogpress.app.preview import Preview

    server = threading.Event()  # the web server's thread, idle: see the docstring
    threading.Thread(target=server.wait, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(args.services, Path(tmp) / "catalog")
        preview = Preview(root, Path(tmp) / "preview", AS_OF)
        quiet = io.StringIO()  # the preview's "Rebuilt in ..." lines

        def rebuild() -> float:
            started = time.perf_counter()
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                preview.rebuild()
            assert not preview.problems, [str(p) for p in preview.problems]
            return time.perf_counter() - started

        took = rebuild()
        first = rss_mb()
        print(f"{args.services} services; first preview build {took:.1f} s: RSS {first:.0f} MB")
        last = first
        for save in range(1, args.saves + 1):
            kind = edit(root, save)
            took = rebuild()
            if save in REPORTED or save == args.saves:
                last = rss_mb()
                print(f"after save {save:>2} ({kind}, rebuilt in {took:.2f} s): RSS {last:.0f} MB")
        print(f"ratio last/first: {last / first:.2f}")
    server.set()


if __name__ == "__main__":
    main()
