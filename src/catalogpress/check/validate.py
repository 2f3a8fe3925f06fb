"""Stage 2, validate: check every loaded document against its format and each other.

Produces typed records (model.py, frontmatter.py) or a full list of problems.
Nothing is written; `catalogpress check` stops after this stage.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from catalogpress.core.errors import Problem, Problems
from catalogpress.core.suggest import suggest
from catalogpress.routes import RESERVED_NAMES
from catalogpress.schema.checker import Checker, Invalid, Reference
from catalogpress.schema.dates import (
    add_months,
    effective_status,
    sheet_in_effect,
    sheet_periods,
    version_in_effect,
)
from catalogpress.schema.fields import Record
from catalogpress.schema.frontmatter import GlossaryMeta, PageMeta, ServiceOverview, SlaMeta
from catalogpress.schema.records import Catalog, Rates, RateSheet, Service, Version
from catalogpress.schema.units import BUILTIN_UNITS
from catalogpress.sources.files import MarkdownFile, Sources

T = TypeVar("T")


@dataclass(frozen=True)
class ContentDoc:
    """A markdown file and its checked front matter."""

    file: MarkdownFile
    meta: Any


@dataclass
class Checked:
    """Everything that passed validation, typed."""

    catalog: Catalog
    rates: Rates
    overviews: dict[str, ContentDoc] = field(default_factory=dict)
    pages: dict[str, ContentDoc] = field(default_factory=dict)
    slas: dict[str, ContentDoc] = field(default_factory=dict)
    glossary: ContentDoc | None = None


def validate(sources: Sources, as_of: dt.date, problems: Problems) -> Checked | None:
    references: list[Reference] = []
    catalog = _check(sources.catalog, Catalog, problems, references)
    rates = _check(sources.rates, Rates, problems, references)
    checked_md: dict[str, dict[str, ContentDoc]] = defaultdict(dict)
    glossary = None
    for md in sources.markdown:
        spec = {
            "services": ServiceOverview,
            "pages": PageMeta,
            "slas": SlaMeta,
            "glossary": GlossaryMeta,
        }[md.kind]
        meta = _check(md.meta, spec, problems, references)
        if meta is None:
            continue
        if md.kind == "glossary":
            glossary = ContentDoc(md, meta)
        else:
            checked_md[md.kind][md.slug] = ContentDoc(md, meta)
    if catalog is None or rates is None:
        return None
    checked = Checked(
        catalog, rates, checked_md["services"], checked_md["pages"], checked_md["slas"], glossary
    )
    _check_unique_ids(catalog, problems)
    _check_references(checked, references, problems, set(sources.images))
    for service in catalog.services:
        _check_versions(service, problems)
    _check_rate_sheets(checked, as_of, problems)
    _check_content(checked, problems)
    _check_reviews(checked, as_of, problems)
    return checked


# Document → (the document, its record, references, warnings) for documents that
# checked cleanly. The loader returns the very same document object for unchanged
# text, so a preview rebuild does not check an unchanged catalog again.
_CHECKED: dict[tuple[int, type], tuple[Any, Any, list[Reference], list[Problem]]] = {}
_CHECKED_SIZE = 100_000  # documents; more than a catalog has, so a rebuild never misses


_RECORDS: dict[type, Record] = {}


def _record(cls: type) -> Record:
    """One Record per kind of document: making one reads the dataclass's fields."""
    if cls not in _RECORDS:
        _RECORDS[cls] = Record(cls)
    return _RECORDS[cls]


def _check(doc: Any, cls: type[T], problems: Problems, refs: list[Reference]) -> T | None:
    if doc is None:
        return None
    remembered = _CHECKED.get((id(doc), cls))
    if remembered is not None and remembered[0] is doc:
        refs.extend(remembered[2])
        problems.items.extend(remembered[3])
        remembered_result: T = remembered[1]
        return remembered_result
    found, doc_refs = Problems(), list[Reference]()
    result: T | None
    try:
        result = _record(cls).check(doc.data, (), Checker(doc, found, doc_refs))
    except Invalid:
        result = None
    refs.extend(doc_refs)
    problems.extend(found)
    if result is not None and not found.errors:
        if len(_CHECKED) >= _CHECKED_SIZE:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[(id(doc), cls)] = (doc, result, doc_refs, found.items)
    return result


def _check_unique_ids(catalog: Catalog, problems: Problems) -> None:
    for name in ("audiences", "categories", "people", "agencies", "services", "maintenance"):
        seen: dict[str, Any] = {}
        for i, record in enumerate(getattr(catalog, name)):
            if record.id in seen:
                problems.add(
                    record.src.file,
                    record.src.line,
                    f"{name}[{i}].id",
                    f"duplicate id '{record.id}' (already used on line "
                    f"{seen[record.id].src.line}); every id must be unique",
                )
            else:
                seen[record.id] = record


def _check_references(
    checked: Checked, refs: Iterable[Reference], problems: Problems, images: set[str]
) -> None:
    catalog = checked.catalog
    known = {
        "service": {s.id for s in catalog.services},
        "category": {c.id for c in catalog.categories},
        "person": {p.id for p in catalog.people},
        "audience": {a.id for a in catalog.audiences},
        "agency": {a.id for a in catalog.agencies},
        "sla": set(checked.slas),
        "page": set(checked.pages),
        "image": images,
    }
    for ref in refs:
        if ref.target not in known[ref.kind]:
            problems.add(
                ref.file,
                ref.line,
                ref.field,
                f"unknown {ref.kind} '{ref.target}'{suggest(ref.target, known[ref.kind])}",
            )


def _check_versions(service: Service, problems: Problems) -> None:
    previous: Version | None = None
    for i, version in enumerate(service.versions):
        where = f"services[{service.id}].versions[{i}]"
        src = version.src
        if previous and version.effective == previous.effective:
            problems.add(
                src.file,
                src.line,
                f"{where}.effective",
                "two versions take effect "
                f"on the same date ({version.effective}); give each its own date",
            )
        elif previous and version.effective < previous.effective:
            problems.add(
                src.file,
                src.line,
                f"{where}.effective",
                "versions are out of order "
                f"(expected a date after {previous.effective}, got "
                f"{version.effective}); list versions oldest first",
            )
        if version.status == "retiring" and version.retire_on is None:
            problems.add(
                src.file,
                src.line,
                f"{where}.retire_on",
                "a retiring service needs a retire date (expected retire_on: YYYY-MM-DD)",
            )
        if version.retire_on and version.retire_on <= version.effective:
            problems.add(
                src.file,
                src.line,
                f"{where}.retire_on",
                f"the retire date must come after the effective date {version.effective}",
            )
        if version.replaced_by == service.id:
            problems.add(
                src.file, src.line, f"{where}.replaced_by", "a service cannot replace itself"
            )
        previous = version


def _check_rate_sheets(checked: Checked, as_of: dt.date, problems: Problems) -> None:
    rates, catalog = checked.rates, checked.catalog
    units = {**BUILTIN_UNITS, **(rates.units or {})}
    years: dict[int, RateSheet] = {}
    periods = sheet_periods(rates)
    for (sheet, _first, last), nxt in zip(periods, [*periods[1:], None], strict=True):
        src = sheet.src
        if sheet.fiscal_year in years:
            problems.add(
                src.file,
                src.line,
                f"rate_sheets[{sheet.label}].fiscal_year",
                f"there are two rate sheets for {sheet.label} (the other is on line "
                f"{years[sheet.fiscal_year].src.line})",
            )
        years[sheet.fiscal_year] = sheet
        if sheet.ends and sheet.ends < sheet.effective:
            problems.add(
                src.file,
                src.line,
                f"rate_sheets[{sheet.label}].ends",
                f"the sheet ends ({sheet.ends}) before it takes effect ({sheet.effective})",
            )
        if nxt and last and last >= nxt[0].effective:
            problems.add(
                src.file,
                src.line,
                f"rate_sheets[{sheet.label}].ends",
                f"rate sheets overlap: {sheet.label} runs until {last} but "
                f"{nxt[0].label} starts on {nxt[0].effective} (expected {sheet.label} "
                f"to end by {nxt[0].effective - dt.timedelta(days=1)})",
            )
        if not (
            sheet.methodology.startswith(("https://", "http://"))
            or sheet.methodology in checked.pages
        ):
            problems.add(
                src.file,
                src.line,
                f"rate_sheets[{sheet.label}].methodology",
                f"unknown page '{sheet.methodology}' (expected a page in "
                "content/pages/ or a web address)"
                f"{suggest(sheet.methodology, checked.pages)}",
            )
        seen_lines: dict[tuple[str, str, str | None], int] = {}
        for i, line in enumerate(sheet.lines):
            where = f"rate_sheets[{sheet.label}].lines[{i}]"
            if line.unit not in units:
                problems.add(
                    line.src.file,
                    line.src.line,
                    f"{where}.unit",
                    f"unknown unit '{line.unit}'{suggest(line.unit, units)} (add it "
                    "under units: in rates.yaml if it is new)",
                )
            if line.breakdown and line.breakdown.total != line.amount:
                problems.add(
                    line.src.file,
                    line.src.line,
                    f"{where}.breakdown",
                    f"the cost breakdown adds up to {line.breakdown.total} "
                    f"(expected the amount, {line.amount})",
                )
            key = (line.service, line.item, line.customer_class)
            if key in seen_lines:
                problems.add(
                    line.src.file,
                    line.src.line,
                    f"{where}.item",
                    f"the same item '{line.item}' is priced twice for this service "
                    f"(also on line {seen_lines[key]})",
                )
            seen_lines[key] = line.src.line
    current = sheet_in_effect(rates, as_of)
    priced = {line.service for line in current.lines} if current else set()
    ever_priced = {line.service for sheet in rates.rate_sheets for line in sheet.lines}
    for service in catalog.services:
        version = version_in_effect(service, as_of)
        src = service.src
        if service.no_charge and service.id in ever_priced:
            problems.add(
                src.file,
                src.line,
                f"services[{service.id}].no_charge",
                "the service is marked no_charge but has rate lines in rates.yaml",
            )
        status = effective_status(version, as_of) if version else "proposed"
        if (
            current
            and status in ("active", "retiring")
            and not service.no_charge
            and service.id not in priced
        ):
            problems.add(
                src.file,
                src.line,
                f"services[{service.id}]",
                f"the service is {status} on {as_of} but has no rate in the "
                f"{current.label} rate sheet (expected a rate line in rates.yaml, or "
                "no_charge: true)",
            )


def _check_reviews(checked: Checked, as_of: dt.date, problems: Problems) -> None:
    """Warn about text nobody owns or nobody has checked for a long time."""
    months = checked.catalog.site.review_months
    docs = [*checked.overviews.values(), *checked.pages.values(), *checked.slas.values()]
    for doc in docs:
        meta, path = doc.meta, doc.file.path
        if meta.owner is None:
            problems.add(
                path,
                1,
                "owner",
                "no owner is named for this text (expected owner: "
                "<person id>, the person who keeps it correct)",
                warning=True,
            )
        if meta.reviewed_on is None:
            problems.add(
                path,
                1,
                "reviewed_on",
                "the date of the last review is missing (expected reviewed_on: YYYY-MM-DD)",
                warning=True,
            )
        elif add_months(meta.reviewed_on, months) < as_of:
            problems.add(
                path,
                doc.file.meta.line(("reviewed_on",)),
                "reviewed_on",
                f"review is overdue: last reviewed {meta.reviewed_on}, more than "
                f"{months} months before {as_of}; check the text, then update "
                "reviewed_on",
                warning=True,
            )


def _check_content(checked: Checked, problems: Problems) -> None:
    services = {s.id: s for s in checked.catalog.services}
    for slug, doc in checked.overviews.items():
        if slug not in services:
            problems.add(
                doc.file.path,
                1,
                "",
                f"no service has the id '{slug}' (the file "
                "name must match a service id in catalog.yaml)"
                f"{suggest(slug, services)}",
            )
    for service_id, service in services.items():
        if service_id not in checked.overviews:
            problems.add(
                service.src.file,
                service.src.line,
                f"services[{service_id}]",
                f"the service has no overview page (expected content/services/{service_id}.md)",
                warning=True,
            )
    for slug, doc in checked.pages.items():
        if slug in RESERVED_NAMES:
            problems.add(
                doc.file.path,
                1,
                "",
                f"the page name '{slug}' is reserved for "
                "pages the site makes itself; rename the file",
            )
