"""Every recipe in docs/cookbook.md is valid: its units and rate lines, added to the
starter catalog of `new site`, check with no problems and no warnings."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from catalogpress.app.build import check
from catalogpress.app.new_site import new_site

from .conftest import REPO

COOKBOOK = REPO / "docs" / "cookbook.md"
BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def recipes() -> tuple[str, str]:
    """The cookbook's units (merged into one units: list) and its rate lines."""
    units, lines = {}, []
    for block in BLOCK.findall(COOKBOOK.read_text()):
        if block.startswith("units:"):
            units.update(yaml.safe_load(block)["units"])
        else:
            assert block.startswith("      - service:"), block
            lines.append(block)
    return yaml.safe_dump({"units": units}, sort_keys=False), "".join(lines)


def test_every_cookbook_recipe_checks_cleanly(tmp_path):
    day = dt.date(2026, 12, 1)
    root = tmp_path / "catalog"
    new_site(root, day)
    units, lines = recipes()
    assert "gb-day" in units and lines.count("- service:") >= 12
    rates = root / "rates.yaml"
    rates.write_text(units + rates.read_text() + lines)
    assert [str(w) for w in check(root, day, strict=True).warnings] == []


def test_the_cookbook_marks_what_the_format_cannot_say_yet():
    text = COOKBOOK.read_text()
    for still_to_come in ("cost plus a markup", "billing increments"):
        assert re.search(rf"{still_to_come}.*\*\*not yet\*\*", text, re.I), still_to_come
