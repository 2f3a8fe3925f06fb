"""What changed in the catalog and when, dated from the data, never the build clock.

Feeds the "What's new" page and the Atom feed: new services, new versions,
retirements and each fiscal year's rate changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from catalogpress.model.rate_changes import ChangeNotice
from catalogpress.routes import page_path
from catalogpress.schema.rates import RateSheet
from catalogpress.schema.records import Service


@dataclass(frozen=True, order=True)
class Event:
    date: dt.date
    key: str  # stable identity, used for the feed entry id
    title: str
    text: str
    path: str  # site path of the page that tells more


def catalog_events(
    services: Iterable[Service],
    names: dict[str, str],
    sheets: Iterable[tuple[RateSheet, ChangeNotice | None]],
) -> list[Event]:
    """Every dated change in the catalog, newest first."""
    events: list[Event] = []
    for service in services:
        path = page_path("service", service.id)
        for i, version in enumerate(service.versions):
            key = f"{path}v{version.version}"
            if i == 0:
                title = (
                    f"Coming soon: {service.name}"
                    if version.status == "proposed"
                    else f"New service: {service.name}"
                )
                events.append(Event(version.effective, key, title, version.summary, path))
            elif version.status == "retired":
                successor = names.get(version.replaced_by or "")
                text = f"Use {successor} instead." if successor else "It can no longer be ordered."
                events.append(Event(version.effective, key, f"{service.name} retired", text, path))
            else:
                text = (
                    "; ".join(c.rstrip(".") for c in version.changes) + "."
                    if version.changes
                    else version.summary
                )
                events.append(
                    Event(
                        version.effective,
                        key,
                        f"{service.name} version {version.version}",
                        text,
                        path,
                    )
                )
            if version.status == "retiring" and version.retire_on:
                successor = names.get(version.replaced_by or "")
                text = (
                    f"{service.name} will retire on {version.retire_on:%B} "
                    f"{version.retire_on.day}, {version.retire_on.year}."
                    + (f" Move to {successor}." if successor else "")
                )
                events.append(
                    Event(
                        version.effective,
                        f"{key}/retiring",
                        f"{service.name} is being retired",
                        text,
                        path,
                    )
                )
    for sheet, notice in sheets:
        path = page_path("rate_changes", notice.id) if notice else page_path("rate_sheet", sheet.id)
        text = notice.summary() if notice else f"The first published rate sheet, {sheet.label}."
        events.append(
            Event(
                sheet.effective, f"rates/{sheet.id}", f"{sheet.label} rates take effect", text, path
            )
        )
    return sorted(events, key=lambda e: (e.date, e.key), reverse=True)
