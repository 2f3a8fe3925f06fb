"""Compiled templates are kept between runs, safely: they can only save time."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogpress.render import theme


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CATALOGPRESS_NO_TEMPLATE_CACHE", raising=False)
    return tmp_path / "cache"


def site_theme(root: Path, text: str) -> list[Path]:
    templates = root / "themes" / "default" / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "hello.html").write_text(text)
    return theme.theme_dirs(root, "default")


def render(dirs: list[Path]) -> str:
    # A new environment each time, as in a new process: nothing compiled in memory.
    return theme._new_environment(dirs).get_template("hello.html").render(name="<b>")


def test_compiled_templates_are_reused_and_edits_are_seen(cache_home: Path, tmp_path: Path) -> None:
    dirs = site_theme(tmp_path / "site", "Hello {{ name }}\n")
    assert render(dirs) == "Hello &lt;b&gt;\n"
    saved = list(cache_home.glob("catalogpress/templates-*/*"))
    assert len(saved) == 1
    saved[0].write_bytes(saved[0].read_bytes())  # still valid: used as is
    assert render(dirs) == "Hello &lt;b&gt;\n"
    site_theme(tmp_path / "site", "Goodbye {{ name }}\n")
    assert render(dirs) == "Goodbye &lt;b&gt;\n", "an edited template was not compiled again"


def test_a_damaged_cache_file_is_compiled_again(cache_home: Path, tmp_path: Path) -> None:
    dirs = site_theme(tmp_path / "site", "Hello {{ name }}\n")
    render(dirs)
    [saved] = cache_home.glob("catalogpress/templates-*/*")
    saved.write_bytes(saved.read_bytes()[:20])  # cut short mid-way
    assert render(dirs) == "Hello &lt;b&gt;\n"


def test_no_cache_in_a_folder_others_can_write(cache_home: Path) -> None:
    assert theme.compiled_templates_cache() is not None
    [folder] = cache_home.glob("catalogpress/templates-*")
    folder.chmod(0o777)
    assert theme.compiled_templates_cache() is None


def test_no_cache_when_the_folder_cannot_be_made(cache_home: Path) -> None:
    cache_home.mkdir()
    (cache_home / "catalogpress").write_text("a file where the folder should be")
    assert theme.compiled_templates_cache() is None


def test_no_cache_when_turned_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOGPRESS_NO_TEMPLATE_CACHE", "1")
    assert theme.compiled_templates_cache() is None
