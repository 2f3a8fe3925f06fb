"""Run catalogpress from a checkout: `python build.py build`.

A thin shim so the repo root works without installing; the engine lives in
src/catalogpress. Kept trivial because a root build.py shadows PyPA's `build`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from catalogpress.app.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
