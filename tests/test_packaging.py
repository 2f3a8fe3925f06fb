"""Installed from a wheel, catalogpress builds any site folder with its built-in theme."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import MINIMAL, REPO

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a new venv


def test_wheel_install_builds_a_site_with_the_builtin_theme(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    venv = tmp_path / "venv"
    # Dependencies come from the test machine's environment; only catalogpress is new.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    wheel = next(wheels.glob("catalogpress-*.whl"))
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--force-reinstall",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    office = tmp_path / "another-office"
    shutil.copytree(MINIMAL, office)
    assert not (office / "themes").exists()  # no theme of its own
    proc = subprocess.run(
        [str(venv / "bin" / "catalogpress"), "build", "--as-of", "2025-11-01"],
        cwd=office,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    page = (office / "site" / "services" / "email" / "index.html").read_text()
    assert "Skip to main content" in page and (office / "site/assets/site.css").is_file()
    located = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import catalogpress.render.theme as t; print(t.builtin_theme_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        env=env,
    )
    assert str(venv) in located.stdout  # the packaged copy, not this checkout's
    # The starter of `new site` is package data: it must be in the wheel, and build.
    started = tmp_path / "started"
    for command in (["new", "site", str(started)], ["check", "-C", str(started), "--strict"]):
        proc = subprocess.run(
            [str(venv / "bin" / "catalogpress"), *command],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
    assert "(0 warnings)" in proc.stdout
