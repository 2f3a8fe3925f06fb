"""`catalogpress new service ID` and `new page SLUG`: start new content from a template.

A new service is added to catalog.yaml as text, right after the last service,
so the rest of the file (comments, order, spacing) stays byte for byte as it
was. The entry is `proposed` with a start date 90 days ahead, so the catalog
still builds before the editor has filled it in and given it a rate.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path

import yaml

from catalogpress.core.errors import Problem, Problems, SiteError
from catalogpress.core.ids import is_id
from catalogpress.routes import RESERVED_NAMES
from catalogpress.sources.text import decode_source
from catalogpress.sources.yamlfile import load_yaml

PLANNING_DAYS = 90  # a new service's planned start, so it stays "proposed" while drafted
SERVICE_ENTRY = """\
{i}- id: {id}                   # new service: fill in every field, then set status: active
{i}  name: {name}
{i}  category: {category}              # one of: {categories}
{i}  owner:
{i}    team: {team}                    # the team that runs the service
{i}    contact: {contact}              # person id (people: above)
{i}  audience: [{audience}]            # who may order it (audiences: above)
{i}  versions:
{i}    - version: "1.0"
{i}      effective: {start}            # planned start; a proposed service goes live then
{i}      status: proposed              # proposed | active | retiring | retired
{i}      summary: One plain sentence that says what an agency gets.
{i}      included: [What is part of the service]
{i}      not_included: [What is not]
{i}      ordering:
{i}        channel: portal             # portal | email | phone | form
{i}        lead_time_days: 5           # business days from order to delivery
{i}      support_hours: {hours}
{i}      sla: {sla}                    # SLA id (content/slas/)
{i}      responsibilities:
{i}        provider: [What we do]
{i}        customer: [What the agency does]
"""

SERVICE_PAGE = """\
---
title: {title}
owner: {owner}            # person id of who keeps this text up to date
reviewed_on: {today}     # change it each time you check the text
benefits:
  - One short sentence about what the agency gains.
---
<!-- This is the plain-language overview of {name}. Write for someone who is not
technical: short sentences, everyday words, acronyms spelled out the first time.
Link to related services like this: [Service Desk](service:service-desk).
`catalogpress check` points out what is hard to read. This note is not published. -->

Say in one or two sentences what {name} gives an agency and who it is for.

Explain what is included and what the agency needs to do.
"""

PAGE = """\
---
title: {title}
owner: {owner}            # person id of who keeps this text up to date
reviewed_on: {today}     # change it each time you check the text
summary: One sentence that says what this page is about.
nav: false              # true lists the page in the main menu
---
<!-- Write for someone who is not technical: short sentences, everyday words,
acronyms spelled out the first time. Link to other pages like this:
[how rates are set](page:rate-methodology). This note is not published. -->

Start with what the reader most needs to know.

## A heading for the next part

Then say what comes next.
"""


def _refuse(file: str, line: int, field: str, message: str) -> SiteError:
    return SiteError([Problem(file, line, field, message)])


def _check_slug(slug: str, what: str) -> None:
    if not is_id(slug):
        raise _refuse(
            "",
            0,
            "",
            f"'{slug}' cannot be used as {what} (expected lowercase "
            "letters, digits and single hyphens, starting with a letter, like "
            "'cloud-hosting')",
        )


def _title(slug: str) -> str:
    return " ".join(part.capitalize() for part in slug.split("-"))


def new_service(
    root: Path, service_id: str, name: str | None = None, today: dt.date | None = None
) -> list[Path]:
    """Add a proposed service to catalog.yaml and create its overview page."""
    _check_slug(service_id, "a service id")
    catalog_path = root / "catalog.yaml"
    page = root / "content" / "services" / f"{service_id}.md"
    problems = Problems()
    if not catalog_path.is_file():
        raise _refuse("catalog.yaml", 0, "", f"catalog.yaml is missing (expected it in {root})")
    raw = catalog_path.read_bytes()
    text = decode_source(raw, "catalog.yaml", problems)
    doc = load_yaml(text, "catalog.yaml", problems) if text is not None else None
    if doc is None or not isinstance(doc.data, dict):
        problems.raise_if_errors()
        raise _refuse(
            "catalog.yaml",
            1,
            "",
            "expected catalog.yaml to hold site:, office:, categories: and services: sections",
        )
    assert text is not None
    data = doc.data
    services = data.get("services") or []
    if not isinstance(services, list):
        raise _refuse(
            "catalog.yaml", doc.line(("services",)), "services", "expected a list of services"
        )
    ids = [s.get("id") for s in services if isinstance(s, dict)]
    if service_id in ids:
        i = ids.index(service_id)
        raise _refuse(
            "catalog.yaml",
            doc.line(("services", i, "id")),
            f"services[{i}].id",
            f"there is already a service with the id '{service_id}'",
        )
    if page.exists():
        raise _refuse(
            page.relative_to(root).as_posix(),
            0,
            "",
            "this file already exists; remove it or choose another id",
        )
    entry = SERVICE_ENTRY.format(
        i="{i}",
        id=service_id,
        name=_quoted(name or _title(service_id)),
        category=_first_id(data, "categories", "hosting"),
        categories=", ".join(
            str(c.get("id")) for c in data.get("categories") or [] if isinstance(c, dict)
        )
        or "(none yet)",
        team="The team name",
        contact=_first_id(data, "people", "your-name"),
        audience=_first_id(data, "audiences", "executive-agencies"),
        hours="Monday to Friday, 8 a.m. to 5 p.m.",
        sla=_usual_sla(root, services),
        start=((today or dt.date.today()) + dt.timedelta(days=PLANNING_DAYS)).isoformat(),
    )
    new_text = _insert_service(text, entry)
    check = Problems()
    reloaded = load_yaml(new_text, "catalog.yaml", check)
    if reloaded is None or service_id not in [
        s.get("id") for s in reloaded.data.get("services") or []
    ]:
        raise _refuse(
            "catalog.yaml",
            doc.line(("services",)),
            "services",
            "could not add "
            "the service without changing other entries (is the services: list "
            "written in [brackets]?); add it by hand, following docs/formats.md",
        )
    encoding_prefix = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    added = new_text[len(text) :] if new_text.startswith(text) else None
    newline = "\r\n" if "\r\n" in text else "\n"
    if added is not None:  # the common case: a pure append keeps every byte
        _write_atomic(catalog_path, raw + added.replace("\n", newline).encode("utf-8"))
    else:
        _write_atomic(
            catalog_path,
            encoding_prefix + new_text.replace("\r\n", "\n").replace("\n", newline).encode("utf-8"),
        )
    page.parent.mkdir(parents=True, exist_ok=True)
    shown = name or _title(service_id)
    page.write_text(
        _align(
            SERVICE_PAGE.format(
                title=_quoted(shown),
                name=shown,
                owner=_first_id(data, "people", "your-name"),
                today=(today or dt.date.today()).isoformat(),
            ),
            30,
        ),
        encoding="utf-8",
    )
    return [catalog_path, page]


def _first_id(data: dict[str, object], section: str, fallback: str) -> str:
    items = data.get(section)
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                return str(item["id"])
    return fallback


def _first_sla(root: Path) -> str:
    slas = sorted((root / "content" / "slas").glob("*.md"))
    return slas[0].stem if slas else "sla-standard"


def _insert_service(text: str, entry: str) -> str:
    """catalog.yaml with `entry` placed right after the last item of `services:`."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return text
    services = next((v for k, v in node.value if k.value == "services"), None)
    if not isinstance(services, yaml.SequenceNode) or services.flow_style:
        return text
    lines = text.splitlines(keepends=True)
    if services.value:
        indent = " " * services.value[0].start_mark.column
        indent = indent[:-2] if len(indent) >= 2 else ""  # the column of "- ", not of "id"
        end_line = _last_content_line(lines, services.end_mark.line)
    else:
        return text
    body = _align(entry.replace("{i}", indent))
    before = "".join(lines[: end_line + 1])
    if not before.endswith("\n"):
        before += "\n"
    return before + body + "".join(lines[end_line + 1 :])


def _align(text: str, column: int = 44) -> str:
    """Line the trailing comments up in one column, as a person would."""
    lines = []
    for line in text.split("\n"):
        value, sep, comment = line.partition("  # ")
        if sep and not value.lstrip().startswith("#"):
            line = f"{value.rstrip():<{column - 2}}  # {comment}"
        lines.append(line)
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """A YAML value for free text: plain when safe, else in double quotes."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.()'&/+-]*", text) and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _usual_sla(root: Path, services: list[object]) -> str:
    """The SLA most services use, else the first SLA file."""
    used = Counter(
        v.get("sla")
        for s in services
        if isinstance(s, dict)
        for v in s.get("versions") or []
        if isinstance(v, dict)
    )
    used.pop(None, None)
    return str(used.most_common(1)[0][0]) if used else _first_sla(root)


def _last_content_line(lines: list[str], end: int) -> int:
    """The last line of the services list that is not blank or a lone comment."""
    index = min(end, len(lines) - 1)
    while index > 0 and (
        not lines[index].strip()
        or lines[index].lstrip().startswith("#")
        or lines[index][:1] not in (" ", "-")
    ):
        index -= 1
    return index


def new_page(
    root: Path, slug: str, title: str | None = None, today: dt.date | None = None
) -> list[Path]:
    """Create content/pages/<slug>.md from the page template."""
    _check_slug(slug, "a page name")
    if slug in RESERVED_NAMES:
        raise _refuse(
            "",
            0,
            "",
            f"the page name '{slug}' is used by a page the site makes itself; choose another",
        )
    page = root / "content" / "pages" / f"{slug}.md"
    if page.exists():
        raise _refuse(page.relative_to(root).as_posix(), 0, "", "this page already exists")
    page.parent.mkdir(parents=True, exist_ok=True)
    owner = "your-name"
    problems = Problems()
    if (root / "catalog.yaml").is_file():
        text = decode_source((root / "catalog.yaml").read_bytes(), "catalog.yaml", problems)
        doc = load_yaml(text, "catalog.yaml", problems) if text is not None else None
        if doc is not None and isinstance(doc.data, dict):
            owner = _first_id(doc.data, "people", owner)
    page.write_text(
        _align(
            PAGE.format(
                title=_quoted(title or _title(slug)),
                owner=owner,
                today=(today or dt.date.today()).isoformat(),
            ),
            30,
        ),
        encoding="utf-8",
    )
    return [page]


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)
