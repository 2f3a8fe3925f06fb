"""Big catalogs load, render their markdown and render their pages in forked workers:
same bytes, same errors."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from catalogpress.app import build as pipeline
from catalogpress.app.session import BuildSession
from catalogpress.core import parallel as workers
from catalogpress.core.errors import Problems
from catalogpress.sources import files as load

from .conftest import REPO, SAMPLE_AS_OF

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

T = TypeVar("T")
SERVICES = 200  # enough pages and bodies that every stage forks (workers.MIN_ITEMS)


def build(root: Path, out: Path, worker_count: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CATALOGPRESS_WORKERS": str(worker_count), "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "catalogpress",
            "build",
            "-C",
            str(root),
            "--output",
            str(out),
            "--as-of",
            SAMPLE_AS_OF.isoformat(),
            "--no-pdf",
        ],
        capture_output=True,
        text=True,
        env=env,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def big_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate(SERVICES, tmp_path_factory.mktemp("big") / "catalog")
    assert len(list((root / "content" / "services").glob("*.md"))) >= workers.MIN_ITEMS
    assert len((root / "catalog.yaml").read_text()) >= load.BIG_FILE
    return root


@pytest.mark.slow
def test_parallel_build_matches_one_process(big_catalog: Path, tmp_path: Path) -> None:
    serial = build(big_catalog, tmp_path / "serial", 1)
    parallel = build(big_catalog, tmp_path / "parallel", 2)
    assert serial.returncode == parallel.returncode == 0, serial.stderr + parallel.stderr
    one, two = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(one) > SERVICES
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


@pytest.mark.slow
def test_mistakes_found_in_workers_are_all_reported(big_catalog: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(big_catalog), str(broken)], check=True)
    first, last = sorted((broken / "content" / "services").glob("*.md"))[:: SERVICES - 1]
    first.write_text(first.read_text() + "\nSee [the old page](service:no-such-thing).\n")
    last.write_text(last.read_text() + "\nSee [another](page:missing-page).\n")
    templates = broken / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "service.html").write_text(
        '{% extends "default/service.html" %}\n{% block main %}{{ service.no_such_field }}'
        "{% endblock %}\n"
    )
    assert build(big_catalog, tmp_path / "site", 2).returncode == 0
    previous = tree(tmp_path / "site")
    result = build(broken, tmp_path / "site", 2)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{first.relative_to(broken).as_posix()}:" in result.stderr
    assert "the link 'service:no-such-thing' points to nothing" in result.stderr
    assert f"{last.relative_to(broken).as_posix()}:" in result.stderr
    assert "the link 'page:missing-page' points to nothing" in result.stderr
    # Links are checked before templates run; fix them to reach the template mistake.
    first.write_text(first.read_text().replace("service:no-such-thing", "service:" + first.stem))
    last.write_text(last.read_text().replace("page:missing-page", "/rates/"))
    result = build(broken, tmp_path / "site", 2)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "themes/default/templates/service.html:2" in result.stderr
    assert "no_such_field" in result.stderr
    assert tree(tmp_path / "site") == previous


@pytest.mark.slow
def test_mistakes_in_every_source_loaded_in_parallel_are_reported(
    big_catalog: Path, tmp_path: Path
) -> None:
    """catalog.yaml parses in a worker while rates.yaml and content/ load here."""
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(big_catalog), str(broken)], check=True)
    catalog = (broken / "catalog.yaml").read_text().splitlines()
    first_key = next(i for i, line in enumerate(catalog) if line.startswith("site:"))
    catalog.insert(first_key, "site: again")
    (broken / "catalog.yaml").write_text("\n".join(catalog) + "\n")
    (broken / "rates.yaml").write_text((broken / "rates.yaml").read_text() + "oops: [\n")
    rates_lines = len((broken / "rates.yaml").read_text().splitlines())
    result = build(broken, tmp_path / "site", 2)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"catalog.yaml:{first_key + 2}: site: duplicate key 'site' (first given on line "
        f"{first_key + 1})" in result.stderr
    )
    assert f"rates.yaml:{rates_lines + 1}: YAML syntax error" in result.stderr
    assert result.stderr.index("catalog.yaml:") < result.stderr.index("rates.yaml:")


@pytest.mark.slow
def test_catalog_parsed_in_a_worker_is_reused_by_the_next_load(
    big_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild in one session (the preview, the benchmark) must not parse it again:
    later stages tell unchanged sources by the loaded document's identity."""
    parsed_in: list[int] = []

    def spy(job, count, min_items=workers.MIN_ITEMS):  # type: ignore[no-untyped-def]
        # This process waits for the worker to take the job, as it would on a busy
        # machine, so that the worker's path is the one tested.
        started = multiprocessing.get_context("fork").Event()
        forked = min_items <= count

        def in_worker(i: int) -> tuple[int, object]:
            started.set()
            return os.getpid(), job(i)

        class Waiting(workers.StartedMap):  # type: ignore[type-arg]
            def results(self):  # type: ignore[no-untyped-def]
                assert not forked or started.wait(30), "the worker never started"
                done = super().results()
                parsed_in.extend(pid for pid, _ in done)
                return [result for _, result in done]

        return Waiting(in_worker, count, workers.worker_count() if forked else 1)

    monkeypatch.setattr(pipeline, "start_map", spy)
    monkeypatch.setenv("CATALOGPRESS_WORKERS", "2")
    problems, session = Problems(), BuildSession()
    first = pipeline._load_sources(big_catalog, problems, session)
    again = pipeline._load_sources(big_catalog, problems, session)
    assert problems.items == []
    assert len(parsed_in) == 2 and parsed_in[0] != os.getpid(), "not parsed in a worker"
    assert parsed_in[1] == os.getpid(), "the second load forked again"
    assert first.catalog is not None and again.catalog is first.catalog
    assert first.catalog.data["services"][0]["id"]
    assert first.catalog.line(("services", 0, "id")) > 1
    assert len(session.sources) == 2 + len(first.markdown)  # one entry per source file


def in_a_worker_first(job: Callable[[int], T]) -> tuple[Callable[[int], T], Callable[[], None]]:
    """`job`, and a wait that holds this process back until a worker has started
    on a job, so that tests do not depend on which process is quicker."""
    parent, started = os.getpid(), multiprocessing.get_context("fork").Event()

    def marked(i: int) -> T:
        if os.getpid() != parent:
            started.set()
        return job(i)

    def wait() -> None:
        assert started.wait(30), "no worker started"

    return marked, wait


@pytest.mark.parametrize("count", [2, 4])
def test_work_is_shared_and_comes_back_in_order(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOGPRESS_WORKERS", str(count))
    parent, ran = os.getpid(), []
    job, wait = in_a_worker_first(lambda i: (i * i, os.getpid()))

    with workers.start_map(job, 500) as started:
        ran.append(os.getpid())  # this process is free while the workers start
        wait()
        results = started.results()
    assert [square for square, _ in results] == [i * i for i in range(500)]
    assert ran == [parent]
    done_by = {pid for _, pid in results}
    assert done_by - {parent}, "no worker did any of the work"
    assert len(done_by) <= count
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every worker was waited for


def test_a_workers_exception_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs report content mistakes as values; anything raised is a bug, and must
    surface as it would without workers, not hang or vanish."""
    monkeypatch.setenv("CATALOGPRESS_WORKERS", "2")
    parent = os.getpid()

    def job(i: int) -> int:
        if os.getpid() != parent:
            raise KeyError(f"item {i}")
        return i

    marked, wait = in_a_worker_first(job)
    with pytest.raises(KeyError, match="item"), workers.start_map(marked, 300) as started:
        wait()
        started.results()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_worker_that_dies_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOGPRESS_WORKERS", "2")
    parent = os.getpid()

    def job(i: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # as if killed, say for lack of memory
        return i

    marked, wait = in_a_worker_first(job)
    with (
        pytest.raises(RuntimeError, match="stopped without finishing"),
        workers.start_map(marked, 300) as started,
    ):
        wait()
        started.results()
