"""Stage 2, validate: check every loaded document against its format and each other.

Produces typed records (model.py, frontmatter.py) or a full list of problems.
Nothing is written; `catalogpress check` stops after this stage.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from catalogpress.check.build_date import (
    check_current_rates,
    check_reviews,
    check_service_starts,
    check_sheet_gaps,
)
from catalogpress.check.cache import CheckedDocuments
from catalogpress.check.performance import check_performance
from catalogpress.check.prices import check_prices
from catalogpress.core.errors import Problems
from catalogpress.core.suggest import suggest
from catalogpress.routes import RESERVED_NAMES
from catalogpress.schema.checker import Checker, Invalid, Reference
from catalogpress.schema.dates import sheet_periods
from catalogpress.schema.fields import Record
from catalogpress.schema.frontmatter import GlossaryMeta, PageMeta, ServiceOverview, SlaMeta
from catalogpress.schema.performance import Measurement, read_measurements
from catalogpress.schema.rates import Rates, RateSheet
from catalogpress.schema.records import Catalog, Service, Version
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
    performance: tuple[Measurement, ...] = ()  # performance.csv, in file order


def validate(
    sources: Sources, as_of: dt.date, problems: Problems, kept: CheckedDocuments | None = None
) -> Checked | None:
    """The typed records, or None when the catalog or rates did not check; `kept`
    holds documents checked in earlier builds, for reuse while they are unchanged."""
    kept = kept if kept is not None else CheckedDocuments()
    references: list[Reference] = []
    catalog = _check(sources.catalog, Catalog, problems, references, kept)
    rates = _check(sources.rates, Rates, problems, references, kept)
    checked_md: dict[str, dict[str, ContentDoc]] = defaultdict(dict)
    glossary = None
    for md in sources.markdown:
        spec = {
            "services": ServiceOverview,
            "pages": PageMeta,
            "slas": SlaMeta,
            "glossary": GlossaryMeta,
        }[md.kind]
        meta = _check(md.meta, spec, problems, references, kept)
        if meta is None:
            continue
        if md.kind == "glossary":
            glossary = ContentDoc(md, meta)
        else:
            checked_md[md.kind][md.slug] = ContentDoc(md, meta)
    kept.keep_only(["catalog.yaml", "rates.yaml", *(md.path for md in sources.markdown)])
    measured = read_measurements(sources.performance, problems) if sources.performance else ()
    if catalog is None or rates is None:
        return None
    checked = Checked(
        catalog,
        rates,
        checked_md["services"],
        checked_md["pages"],
        checked_md["slas"],
        glossary,
        measured,
    )
    _check_unique_ids(catalog, problems)
    _check_references(checked, references, problems, set(sources.images))
    for service in catalog.services:
        _check_versions(service, problems)
    check_service_starts(catalog, as_of, problems)
    _check_rate_sheets(checked, as_of, problems)
    check_prices(catalog, rates, {**BUILTIN_UNITS, **(rates.units or {})}, as_of, problems)
    _check_content(checked, problems)
    _check_reviews(checked, as_of, problems)
    slas = {sid: doc.meta for sid, doc in checked.slas.items()}
    check_performance(measured, {s.id: s for s in catalog.services}, slas, as_of, problems)
    return checked


@functools.cache
def _record(cls: type) -> Record:
    """One Record per kind of document: making one reads the dataclass's fields."""
    return Record(cls)


def _check(
    doc: Any, cls: type[T], problems: Problems, refs: list[Reference], kept: CheckedDocuments
) -> T | None:
    if doc is None:
        return None
    remembered = kept.get(doc, cls)
    if remembered is not None:
        refs.extend(remembered[1])
        problems.items.extend(remembered[2])
        remembered_result: T = remembered[0]
        return remembered_result
    found, doc_refs = Problems(), list[Reference]()
    result: T | None
    try:
        result = _record(cast(type, cls)).check(doc.data, (), Checker(doc, found, doc_refs))
    except Invalid:
        result = None
    refs.extend(doc_refs)
    problems.extend(found)
    if result is not None and not found.errors:
        kept.keep(doc, cls, result, doc_refs, found.items)
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
        "customer_class": {c.id for c in catalog.customer_classes},
        "sla": set(checked.slas),
        "page": set(checked.pages),
        "image": images,
    }
    for ref in refs:
        if ref.target not in known[ref.kind]:
            hint = (
                " (define it under customer_classes: in catalog.yaml)"
                if ref.kind == "customer_class"
                else ""
            )
            problems.add(
                ref.file,
                ref.line,
                ref.field,
                f"unknown {ref.kind.replace('_', ' ')} '{ref.target}'"
                f"{suggest(ref.target, known[ref.kind])}{hint}",
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
    check_sheet_gaps(rates, problems)
    check_current_rates(catalog, rates, as_of, problems)


def _check_reviews(checked: Checked, as_of: dt.date, problems: Problems) -> None:
    docs = [*checked.overviews.values(), *checked.pages.values(), *checked.slas.values()]
    check_reviews(docs, checked.catalog.site.review_months, as_of, problems)


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
    # An overview whose front matter has an error is reported for that error alone.
    broken = {p.file for p in problems.errors}
    for service_id, service in services.items():
        if service_id not in checked.overviews and (
            f"content/services/{service_id}.md" not in broken
        ):
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
