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


def best_render(site: object, dirs: list[Path], kind: type, repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
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
        best, count = min(best, time.perf_counter() - started), len(specs)
    return best, count


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
        plain = None
        for label, kind in kinds:
            seconds, count = best_render(site, dirs, kind, args.repeat)
            plain = plain or seconds
            print(f"{label:24} {count} pages in {seconds:.2f} s  ratio {seconds / plain:.3f}")


if __name__ == "__main__":
    main()
