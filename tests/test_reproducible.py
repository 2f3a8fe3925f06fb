"""Reproducible builds: the same sources give byte-identical sites, whatever the machine's
hash seed, time zone, folder or the order in which the source files were created."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow  # two cold builds of the sample site with its PDFs

SOURCES = ["catalog.yaml", "rates.yaml", "content", "themes"]


def copy_sources(dest: Path, reverse: bool) -> None:
    files = [
        p
        for name in SOURCES
        for p in ([REPO / name] if (REPO / name).is_file() else sorted((REPO / name).rglob("*")))
        if p.is_file()
    ]
    for path in reversed(files) if reverse else files:
        target = dest / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path):
    outputs = []
    for n, (seed, tz, reverse) in enumerate(
        [("1", "UTC", False), ("4242", "Pacific/Auckland", True)]
    ):
        project = tmp_path.joinpath(f"project-{n}", *["deeper"] * n)
        copy_sources(project, reverse)
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "TZ": tz,
            "SOURCE_DATE_EPOCH": "1795392000",
        }  # 2026-11-23
        out = tmp_path / f"out-{n}"
        subprocess.run(
            [sys.executable, str(REPO / "build.py"), "build", "-C", str(project), "-o", str(out)],
            check=True,
            env=env,
            capture_output=True,
            timeout=600,
        )
        outputs.append(tree(out))
    first, second = outputs
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    assert any(name.endswith(".html") for name in first)
