"""Make a deterministic catalog of N services from the bundled sample site.

Used by the benchmarks: `python benchmarks/generate.py 1000 /tmp/cat1000`.
Services are copies of the sample's services with numbered ids, each with its
overview page and its rate lines, so every generated page is realistic.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

SAMPLE = Path(__file__).resolve().parents[1]


class _NoAliases(yaml.SafeDumper):
    """catalogpress refuses YAML aliases, so write shared values out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True)


def generate(count: int, dest: Path) -> Path:
    catalog = yaml.safe_load((SAMPLE / "catalog.yaml").read_text())
    rates = yaml.safe_load((SAMPLE / "rates.yaml").read_text())
    base = catalog["services"]
    copies: dict[str, list[str]] = {s["id"]: [] for s in base}
    services: list[dict[str, Any]] = []
    for i in range(count):
        original = base[i % len(base)]
        new_id = f"{original['id']}-{i}"
        copies[original["id"]].append(new_id)
        service = yaml.safe_load(yaml.safe_dump(original))  # deep copy
        service.update(id=new_id, name=f"{original['name']} {i}")
        service["related"] = []
        for version in service["versions"]:
            version.pop("replaced_by", None)
        services.append(service)

    def first(service_id: str) -> str | None:
        return copies[service_id][0] if copies.get(service_id) else None

    catalog["services"] = services
    catalog["site"]["featured"] = [f for f in map(first, catalog["site"].get("featured", [])) if f]
    for agency in catalog.get("agencies", []):
        agency["services"] = [
            dict(s, service=first(s["service"])) for s in agency["services"] if first(s["service"])
        ]
    for key in ("maintenance",):
        for event in catalog.get(key, []):
            event["services"] = [f for f in map(first, event.get("services", [])) if f]
    rates["typical_orders"] = [
        dict(order, service=new_id)
        for order in rates.get("typical_orders", [])
        for new_id in copies.get(order["service"], [])
    ]
    for sheet in rates["rate_sheets"]:
        sheet["lines"] = [
            dict(line, service=new_id)
            for line in sheet["lines"]
            for new_id in copies.get(line["service"], [])
        ]

    def relink(text: str) -> str:
        return re.sub(
            r"service:([a-z0-9-]+)", lambda m: f"service:{first(m.group(1)) or m.group(1)}", text
        )

    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "services").mkdir(parents=True)
    for source in sorted((SAMPLE / "content").rglob("*")):
        rel = source.relative_to(SAMPLE / "content")
        if source.is_file() and rel.parts[0] != "services":
            (dest / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
            if source.suffix == ".md":
                (dest / "content" / rel).write_text(relink(source.read_text()))
            else:
                shutil.copy(source, dest / "content" / rel)
    for original_id, new_ids in copies.items():
        text = relink((SAMPLE / "content" / "services" / f"{original_id}.md").read_text())
        for new_id in new_ids:
            (dest / "content" / "services" / f"{new_id}.md").write_text(text)
    (dest / "catalog.yaml").write_text(_dump(catalog))
    (dest / "rates.yaml").write_text(_dump(rates))
    return dest


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
