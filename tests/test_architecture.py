"""The package's shape: stages import only the stages below them, and stay readable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "catalogpress"


def test_every_stage_imports_only_the_stages_below_it():
    """The contracts in pyproject.toml's [tool.importlinter]: a back-edge or a cycle fails."""
    linter = Path(sys.executable).with_name("lint-imports")
    command = [str(linter)] if linter.exists() else ["lint-imports"]
    run = subprocess.run(
        [*command, "--no-cache"],
        cwd=PACKAGE.parents[1],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout


@pytest.mark.parametrize(
    "module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_module_is_too_long_to_read(module: Path):
    lines = module.read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{module.relative_to(PACKAGE)} has {lines} lines; split it by topic"


def test_a_back_edge_is_caught(tmp_path):
    """The contract can fail: a copy of the package where the model imports the app."""
    import shutil

    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "catalogpress")
    shutil.copy(PACKAGE.parents[1] / "pyproject.toml", tmp_path / "pyproject.toml")
    site = copy / "catalogpress" / "model" / "site.py"
    site.write_text(site.read_text() + "\nfrom catalogpress.app import cli  # noqa\n")
    linter = Path(sys.executable).with_name("lint-imports")
    command = [str(linter)] if linter.exists() else ["lint-imports"]
    run = subprocess.run(
        [*command, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode != 0
    assert "catalogpress.model is not allowed to import catalogpress.app" in run.stdout
