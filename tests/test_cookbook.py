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
        elif block.startswith("customer_classes:"):
            continue  # catalog.yaml's; see classes()
        else:
            assert block.startswith("      - service:"), block
            lines.append(block)
    return yaml.safe_dump({"units": units}, sort_keys=False), "".join(lines)


def classes() -> str:
    """The cookbook's customer classes, for catalog.yaml."""
    return next(b for b in BLOCK.findall(COOKBOOK.read_text()) if b.startswith("customer_"))


def test_every_cookbook_recipe_checks_cleanly(tmp_path):
    day = dt.date(2026, 12, 1)
    root = tmp_path / "catalog"
    new_site(root, day)
    units, lines = recipes()
    assert "gb-day" in units and lines.count("- service:") >= 12
    rates = root / "rates.yaml"
    rates.write_text(units + rates.read_text() + lines)
    catalog = root / "catalog.yaml"
    text = catalog.read_text()
    if "agencies:" in text:  # each agency pays one class's rates
        first_agency = r"(?m)^(agencies:.*\n  - id: .*\n)"
        text = re.sub(first_agency, r"\1    customer_class: executive\n", text)
    catalog.write_text(text + "\n" + classes())
    assert [str(w) for w in check(root, day, strict=True).warnings] == []


def test_the_cookbook_marks_what_the_format_cannot_say_yet():
    text = COOKBOOK.read_text()
    assert re.search(r"5 decimal places.*\*\*not yet\*\*", text, re.I)
    for now_possible in ("cost plus a markup", "billing increments"):
        assert not re.search(rf"{now_possible}.*\*\*not yet\*\*", text, re.I), now_possible
