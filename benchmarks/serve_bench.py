"""How fast does `catalogpress serve` show an edit? Prints figures; asserts nothing.

    python benchmarks/serve_bench.py [--sizes sample,1000] [--edits 10]

For the sample site and for generated catalogs (benchmarks/generate.py), in a temp
folder, this starts the real `serve` command on a free port, then repeatedly:

- appends a sentence to one service's markdown and times until the page served
  over HTTP contains it (save -> watcher -> rebuild -> write -> visible);
- breaks catalog.yaml and times until the error page is served, then fixes it and
  times until the site is back.

It also times in-process incremental rebuilds (the part of the delay that is the
build itself), a first (cold) preview build, and a full `build` for comparison.
The issue's target: one markdown edit on the sample site visible in under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = "2026-11-23"
sys.path.insert(0, str(HERE))


def copy_sample(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("catalog.yaml", "rates.yaml", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, dest / name)
    return dest


def make_site(size: str, dest: Path) -> Path:
    if size == "sample":
        return copy_sample(dest)
    from generate import generate  # benchmarks/generate.py

    return generate(int(size), dest)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - http://127.0.0.1
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def wait_until(url: str, want: bytes, status: int, limit: float = 120.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        code, body = fetch(url)
        if code == status and want in body:
            return time.perf_counter() - started
        time.sleep(0.02)  # gentle: a busy poll would slow the server it measures
    raise SystemExit(f"timed out waiting for {want!r} at {url}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return (
        f"median {statistics.median(ordered):.3f} s, p90 {p90:.3f} s, "
        f"max {ordered[-1]:.3f} s (n={len(ordered)})"
    )


def bench_server(root: Path, edits: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = root.parent / "serve.log"
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "catalogpress",
            "serve",
            "-C",
            str(root),
            "--port",
            str(port),
            "--as-of",
            AS_OF,
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_until(base + "/", b"<h1", 200, limit=600)
        print(f"  start-up (cold build, then serving): {time.perf_counter() - started:.2f} s")
        service = sorted((root / "content" / "services").glob("*.md"))[0]
        url = f"{base}/services/{service.stem}/"
        wait_until(url, b"<h1", 200)
        latencies = []
        for i in range(edits):
            marker = f"Benchmark edit number {i}.".encode()
            with service.open("a") as file:
                file.write(f"\n{marker.decode()}\n")
                file.flush()
                saved = time.perf_counter()
            wait_until(url, marker, 200)
            latencies.append(time.perf_counter() - saved)
            time.sleep(0.3)  # let the browser-side reload finish, like a person would
        print(f"  markdown edit -> visible over HTTP: {summary(latencies)}")
        catalog = root / "catalog.yaml"
        text = catalog.read_text()
        broken = text.replace("category: hosting", "category: hostng", 1)
        errors, fixes = [], []
        for _ in range(3):
            catalog.write_text(broken)
            saved = time.perf_counter()
            wait_until(base + "/", b"did you mean", 500)
            errors.append(time.perf_counter() - saved)
            catalog.write_text(text)
            saved = time.perf_counter()
            wait_until(base + "/", b"<h1", 200)
            fixes.append(time.perf_counter() - saved)
        print(f"  break catalog.yaml -> error page: {summary(errors)}")
        print(f"  fix catalog.yaml -> site back: {summary(fixes)}")
    finally:
        process.terminate()
        process.wait(timeout=30)


def bench_in_process(root: Path, edits: int) -> None:
    from catalogpress.app.build import build
    from catalogpress.app.session import BuildSession

    out = root.parent / "preview"
    session = BuildSession()  # one for all the rebuilds, as the preview keeps
    options = {"session": session, "incremental": True, "search": False, "pdf": False}
    started = time.perf_counter()
    build(root, out, None, **options)  # as the preview does
    print(f"  first preview build (in process, cold caches): {time.perf_counter() - started:.2f} s")
    service = sorted((root / "content" / "services").glob("*.md"))[0]
    times, changed = [], []
    for i in range(edits):
        with service.open("a") as file:
            file.write(f"\nIn-process edit {i}.\n")
        started = time.perf_counter()
        report = build(root, out, None, **options)
        times.append(time.perf_counter() - started)
        changed.append(len(report.changed))
    print(
        f"  incremental rebuild after one markdown edit: {summary(times)}; files rewritten "
        f"per edit: {max(changed)} of {report.files}"
    )
    started = time.perf_counter()
    build(root, root.parent / "full", None, session=session, pdf=False)
    print(
        f"  full `build` (atomic swap, search index, no PDFs), warm: "
        f"{time.perf_counter() - started:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="sample,1000")
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="catalogpress-bench-") as tmp:
            root = make_site(size, Path(tmp) / "site-src")
            services = len(list((root / "content" / "services").glob("*.md")))
            print(f"{size} ({services} services):")
            bench_server(root, args.edits)
            bench_in_process(root, args.edits)


if __name__ == "__main__":
    main()
