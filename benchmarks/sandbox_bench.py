"""What does rendering themes in Jinja's sandbox cost? Prints figures; asserts nothing.

    python benchmarks/sandbox_bench.py [--services 1000] [--repeat 3]

Renders every page of a generated catalog (benchmarks/generate.py) in this process,
one core, no template cache, with three environments in the same run: Jinja's plain
Environment, Jinja's SandboxedEnvironment as it comes, and catalogpress's ThemeSandbox
(the sandbox with its attribute checks remembered per type and name), and prints each
one's best time and its ratio to the plain environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import jinja2.sandbox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ["CATALOGPRESS_WORKERS"] = "1"
os.environ["CATALOGPRESS_NO_TEMPLATE_CACHE"] = "1"

from generate import generate  # noqa: E402

from catalogpress.app.build import load_site  # noqa: E402
from catalogpress.render import pages, theme  # noqa: E402


def render_once(site: object, dirs: list[Path], kind: type) -> tuple[float, int]:
    original = theme.ThemeSandbox
    theme.ThemeSandbox = kind  # type: ignore[misc,assignment]
    try:
        env = theme._new_environment(dirs)
    finally:
        theme.ThemeSandbox = original  # type: ignore[misc]
    specs = pages.page_specs(site)  # type: ignore[arg-type]
    for spec in specs[:5]:  # compile the templates first
        pages.render_page(site, env, spec)  # type: ignore[arg-type]
    started = time.perf_counter()
    for spec in specs:
        pages.render_page(site, env, spec)  # type: ignore[arg-type]
    return time.perf_counter() - started, len(specs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(args.services, root)
        site, _ = load_site(root, dt.date(2026, 11, 23))
        dirs = theme.theme_dirs(root, site.settings.theme)
        kinds = [
            ("plain Environment", jinja2.Environment),
            ("SandboxedEnvironment", jinja2.sandbox.SandboxedEnvironment),
            ("ThemeSandbox (used)", theme.ThemeSandbox),
        ]
        # Interleaved, so that a change in the machine's load falls on all three alike.
        best = {label: float("inf") for label, _ in kinds}
        count = 0
        for _ in range(args.repeat):
            for label, kind in kinds:
                seconds, count = render_once(site, dirs, kind)
                best[label] = min(best[label], seconds)
        plain = best[kinds[0][0]]
        for label, _ in kinds:
            ratio = best[label] / plain
            print(f"{label:24} {count} pages in {best[label]:.2f} s  ratio {ratio:.3f}")


if __name__ == "__main__":
    main()
