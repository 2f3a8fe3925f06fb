"""PDF build benchmark: cold and warm builds of the sample site and of a 200-service catalog.

    python3 benchmarks/pdf_bench.py              # both catalogs
    python3 benchmarks/pdf_bench.py --only sample

Each catalog is built (without the search index) in a fresh process with an empty PDF
cache (cold), then again with nothing changed (warm), then the same build without PDFs
(no PDFs), then once more after one service's summary changed (one edit). Every build
starts from the session the last one kept on disk, as `catalogpress build` does.
Prints wall time of the whole build and of its PDF step, CPU time of the build (workers
included), how many PDFs were printed, and peak memory (resident set) of the build
process and of the largest worker; then the targets of issue 19 as ratios measured in
the same run:

- cold PDF step within 1.15x the 2-core bound (the longest print, or half the CPU of
  all prints, whichever is more: two idle cores cannot print faster). A print is a
  document, or one round of one part of the catalog book, which is printed in parts
  (pdf/parts.py);
- a build with nothing changed within 1.2x the same build without PDFs;
- the PDF step after one edited service within 0.4x the cold PDF step.

Targets of issue 6, still printed: the sample site's full PDF set cold in under 20 s;
warm with nothing changed, under 2 s of PDF work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

AS_OF = dt.date(2026, 11, 23)
SCENARIOS = ("sample", "catalog-200")
PHASES = ("cold", "warm", "no PDFs", "one edit")
EDITED = "You get Windows or Linux virtual servers that we build, patch and monitor"


def copy_sample(target: Path) -> None:
    for name in ("catalog.yaml", "rates.yaml"):
        shutil.copy(REPO / name, target / name)
    shutil.copytree(REPO / "content", target / "content")


def make_catalog(target: Path, services: int) -> None:
    """The sample catalog with its services copied until there are `services` of them."""
    copy_sample(target)
    catalog = yaml.safe_load((target / "catalog.yaml").read_text())
    rates = yaml.safe_load((target / "rates.yaml").read_text())
    originals = list(catalog["services"])
    lines = {sheet["fiscal_year"]: list(sheet["lines"]) for sheet in rates["rate_sheets"]}
    copy = 1
    while len(catalog["services"]) < services:
        copy += 1
        for service in originals[: services - len(catalog["services"])]:
            clone = json.loads(json.dumps(service, default=str))
            clone["id"] = f"{service['id']}-{copy}"
            clone["name"] = f"{service['name']} {copy}"
            clone.pop("related", None)
            for version in clone["versions"]:
                version.pop("replaced_by", None)
            catalog["services"].append(clone)
            overview = target / "content" / "services" / f"{service['id']}.md"
            if overview.exists():
                shutil.copy(overview, target / "content" / "services" / f"{clone['id']}.md")
            for sheet in rates["rate_sheets"]:
                sheet["lines"] += [
                    {**line, "service": clone["id"]}
                    for line in lines[sheet["fiscal_year"]]
                    if line["service"] == service["id"]
                ]
    (target / "catalog.yaml").write_text(yaml.dump(catalog, Dumper=_Plain, sort_keys=False))
    (target / "rates.yaml").write_text(yaml.dump(rates, Dumper=_Plain, sort_keys=False))


class _Plain(yaml.SafeDumper):
    """catalogpress refuses YAML anchors, so repeated values are written out in full."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def run_scenario(name: str) -> dict[str, object]:
    """Runs in its own process, so peak memory is this scenario's alone."""
    from catalogpress.app.build import build

    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        if name == "sample":
            copy_sample(project)
        else:
            make_catalog(project, 200)
        results: dict[str, object] = {"scenario": name}
        for phase in PHASES:
            if phase == "one edit":
                catalog = project / "catalog.yaml"
                text = catalog.read_text()
                catalog.write_text(text.replace(EDITED, EDITED + " (updated)", 2))  # both versions
            cpu = _cpu_seconds()
            started = time.perf_counter()
            # No search index: it is not PDF work (benchmarks/ has its own for the site).
            report = build(
                project,
                Path(tmp) / "site",
                AS_OF,
                search=False,
                pdf=phase != "no PDFs",
                stored=True,
            )
            results[phase] = {
                "build_s": round(time.perf_counter() - started, 2),
                "pdf_s": round(report.pdf_seconds, 2),
                "cpu_s": round(_cpu_seconds() - cpu, 2),
                "pdfs": report.pdfs,
                "printed": report.pdfs_printed,
                "pages": report.pages,
                # On an otherwise idle machine the PDF step cannot beat its longest document,
                # nor half the CPU of all documents on 2 cores.
                "doc_cpu_sum": round(sum(report.pdf_cpu), 2),
                "doc_cpu_max": round(max(report.pdf_cpu, default=0), 2),
            }
        site = Path(tmp) / "site" / "pdf"
        results["book_pages"] = _pages(site / "service-catalog.pdf")
        results["pdf_bytes"] = sum(p.stat().st_size for p in site.rglob("*.pdf"))
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        results["peak_worker_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        )
        return results


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SCENARIOS)
    parser.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario)))
        return
    for name in [args.only] if args.only else SCENARIOS:
        proc = subprocess.run(
            [sys.executable, __file__, "--scenario", name], capture_output=True, text=True
        )
        if proc.returncode:
            sys.exit(f"{name} failed:\n{proc.stderr}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"\n{name}: {result['cold']['pdfs']} PDFs, catalog book {result['book_pages']} "
            f"pages, {result['pdf_bytes'] / 1e6:.1f} MB of PDF; peak memory "
            f"{result['peak_rss_mb']} MB (build), {result['peak_worker_rss_mb']} MB "
            "(largest worker)"
        )
        print(
            f"  {'':9} {'build':>8} {'PDF wall':>9} {'CPU':>8} {'printed':>8} "
            f"{'print CPU sum':>14} {'longest print':>14} {'2-core bound':>13}"
        )
        for phase in PHASES:
            row = result[phase]
            bound = max(row["doc_cpu_max"], row["doc_cpu_sum"] / 2)
            print(
                f"  {phase:9} {row['build_s']:>7.2f}s {row['pdf_s']:>8.2f}s "
                f"{row['cpu_s']:>7.2f}s {row['printed']:>8} {row['doc_cpu_sum']:>13.2f}s "
                f"{row['doc_cpu_max']:>13.2f}s {bound:>12.2f}s"
            )
        print(
            "  (CPU: the whole build, workers included; print CPU: WeasyPrint per print, a "
            "document or a round of a part of the book; "
            "2-core bound: the PDF step on 2 idle cores cannot be faster than this)"
        )
        print_targets(result)


def print_targets(result: dict[str, Any]) -> None:
    """Issue 19's PDF targets as ratios of this run's own figures."""
    cold, warm, bare, edit = (result[phase] for phase in PHASES)
    bound = max(cold["doc_cpu_max"], cold["doc_cpu_sum"] / 2)
    print("  Targets (issue 19), as measured in this run:")
    for label, ratio, target in [
        ("cold PDF step / 2-core bound", cold["pdf_s"] / bound, "<= 1.15x"),
        ("warm build / same build without PDFs", warm["build_s"] / bare["build_s"], "<= 1.2x"),
        ("one edited service, PDF step / cold PDF step", edit["pdf_s"] / cold["pdf_s"], "<= 0.4x"),
    ]:
        limit = float(target.removeprefix("<= ").removesuffix("x"))
        verdict = "met" if ratio <= limit else "not met"
        print(f"    {label}: {ratio:.2f}x (target {target}): {verdict}")


if __name__ == "__main__":
    main()
