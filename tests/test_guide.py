"""docs/first-catalog.md is followed by people who cannot debug it: every catalogpress
command it shows must exist with the options it shows, and the steps it describes must
work on the starter, from `new site` to a built site."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from catalogpress.app.cli import main

from .conftest import REPO

GUIDE = REPO / "docs" / "first-catalog.md"


def guide_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", GUIDE.read_text(), re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("catalogpress "):
                commands.append(line)
    commands += re.findall(r"`(catalogpress [^`]+)`", GUIDE.read_text())
    return sorted(set(commands))


def test_the_guide_shows_the_main_commands():
    shown = " ".join(guide_commands())
    for command in ("new site", "serve", "check", "build", "new service", "--as-of"):
        assert command in shown


@pytest.mark.parametrize("command", guide_commands())
def test_every_command_in_the_guide_exists_with_its_options(command):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, [*args, "--help"] if args != ["--version"] else args)
    assert result.exit_code == 0, result.output


def test_the_guides_steps_work_on_the_starter(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["new", "site", "my-catalog"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "my-catalog")
    made = runner.invoke(main, ["new", "service", "file-transfer"])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(main, ["check"])
    assert checked.exit_code == 0 and "No problems found (0 warnings)." in checked.output
    built = runner.invoke(main, ["build", "--no-pdf"])
    assert built.exit_code == 0 and "with 0 warnings" in built.output, built.output
    assert (tmp_path / "my-catalog" / "site" / "index.html").is_file()
