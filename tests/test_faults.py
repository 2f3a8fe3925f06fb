"""Faults of the machine: a full disk, a read-only folder, a build stopped or killed, two
builds at once. Each ends in a plain message and exit code, never a traceback, and the
previous site stays exactly as it was."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogpress.app.cli import main
from catalogpress.render.outputs import Output
from catalogpress.write import writer

from .conftest import MINIMAL_AS_OF, REPO, SAMPLE_AS_OF, Scratch
from .test_corpus import snapshot

ARGS = ["--no-pdf", "--as-of", MINIMAL_AS_OF.isoformat()]


@pytest.fixture
def built(scratch: Scratch) -> Scratch:
    result = CliRunner().invoke(main, ["build", "-C", str(scratch.root), *ARGS])
    assert result.exit_code == 0, result.output
    return scratch


def build(scratch: Scratch):
    return CliRunner().invoke(main, ["build", "-C", str(scratch.root), *ARGS])


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full; free some space, then build again"),
        (errno.EROFS, "the folder is read-only; build into another folder with --output DIR"),
        (errno.EACCES, "this user may not write there"),
        (errno.EIO, "Input/output error; check the folder and disk"),
    ],
)
def test_a_fault_while_writing_is_a_message(built: Scratch, monkeypatch, code, words):
    before = snapshot(built.root / "site")

    def failing(root: Path, site_path: str, data: bytes) -> None:
        raise OSError(code, os.strerror(code), str(root / site_path))

    monkeypatch.setattr(writer, "_write", failing)
    result = build(built)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot write here: {words}" in result.output
    assert snapshot(built.root / "site") == before
    assert not list(built.root.glob(".site.new-*"))


def test_a_fault_outside_the_writer_is_a_message_too(built: Scratch, monkeypatch):
    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/somewhere")

    monkeypatch.setattr("catalogpress.app.build.write_site", failing)
    result = build(built)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "/tmp/somewhere: cannot write here: the disk is full" in result.output


def test_an_interrupted_write_leaves_the_old_site(tmp_path: Path):
    site = tmp_path / "site"
    writer.write_site([Output("index.html", b"old")], {}, site)

    def interrupted():
        yield Output("index.html", b"new")
        raise KeyboardInterrupt  # what SIGTERM becomes in the command line

    with pytest.raises(KeyboardInterrupt):
        writer.write_site(interrupted(), {}, site)
    assert (site / "index.html").read_bytes() == b"old"
    assert not list(tmp_path.glob(".site.new-*"))


def test_leftovers_of_a_killed_build_are_removed(built: Scratch):
    for name in (".site.new-999999", ".site.old-999998"):
        (built.root / name / "services").mkdir(parents=True)
        (built.root / name / "services" / "x.html").write_text("half")
    result = build(built)
    assert result.exit_code == 0, result.output
    assert not list(built.root.glob(".site.new-*")) and not list(built.root.glob(".site.old-*"))


def test_a_second_build_into_the_same_folder_is_refused(built: Scratch):
    before = snapshot(built.root / "site")
    held = os.open(built.root, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        result = build(built)
    finally:
        os.close(held)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "another catalogpress build is writing this folder right now" in result.output
    assert snapshot(built.root / "site") == before
    assert build(built).exit_code == 0  # once it is free, building works again


@pytest.mark.slow
def test_sigterm_stops_a_build_cleanly(tmp_path: Path):
    """SIGTERM (CI's, timeout's, systemd's stop) mid-build: a message, exit 130, no
    half-written folder, the previous site untouched."""
    out = tmp_path / "site"

    def command(*extra: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "catalogpress",
            "build",
            "-C",
            str(REPO),
            "--output",
            str(out),
            "--as-of",
            SAMPLE_AS_OF.isoformat(),
            *extra,
        ]

    first = subprocess.run(command("--no-pdf"), capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    env = {**os.environ, "CATALOGPRESS_CACHE_DIR": str(tmp_path / "cache")}
    build = subprocess.Popen(
        command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(3)  # well into loading, rendering or printing PDFs
    build.send_signal(signal.SIGTERM)
    _, err = build.communicate(timeout=120)
    if build.returncode == 0:
        pytest.skip("the build finished before the signal arrived")
    assert build.returncode == 130, err
    assert "Traceback" not in err and "Stopped; nothing was written." in err
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".site.new-*"))
