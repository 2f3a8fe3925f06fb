"""Customer care: scheduled maintenance as a calendar, an iCalendar feed and banners.

"Upcoming" and "under way" are judged against the build date (`site.as_of`),
never the clock, so a build is reproducible; rebuild daily to keep banners fresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalogpress.model.views import ServiceView, Site
from catalogpress.routes import file_path
from catalogpress.schema.records import Maintenance

ICS_PATH = file_path("maintenance_ics")


@dataclass(frozen=True)
class EventView:
    event: Maintenance
    services: tuple[ServiceView, ...]
    state: str  # "upcoming", "under way" or "past", as of the build date
    when: str  # "Thursday, March 5, 2026, 4 a.m. to 7 a.m. Eastern time"

    @property
    def anchor(self) -> str:
        return f"event-{self.event.id}"


def event_state(event: Maintenance, as_of: dt.date) -> str:
    if event.end.date() < as_of:
        return "past"
    if event.start.date() > as_of:
        return "upcoming"
    return "under way"


def _clock(moment: dt.datetime) -> str:
    """7 a.m., 6:30 p.m.: the time style of the rest of the catalog (support hours)."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def _day(moment: dt.datetime) -> str:
    return f"{moment:%A}, {moment:%B} {moment.day}, {moment.year}"


def describe_time(event: Maintenance, zone_name: str | None = None) -> str:
    """ "Saturday, December 5, 2026, 6 a.m. to 10 a.m. Eastern time", with the catalog's
    name for its time zone (site.time_zone), else the offset: "(UTC−05:00)"."""
    start, end = event.start, event.end.astimezone(event.start.tzinfo)
    offset = start.strftime("%z")
    sign = "\u2212" if offset.startswith("-") else "+"
    zone = zone_name or ("(UTC)" if offset == "+0000" else f"(UTC{sign}{offset[1:3]}:{offset[3:]})")
    if start.date() == end.date():
        return f"{_day(start)}, {_clock(start)} to {_clock(end)} {zone}"
    return f"{_day(start)}, {_clock(start)} to {_day(end)}, {_clock(end)} {zone}"


def event_views(site: Site) -> list[EventView]:
    """Every event, soonest first."""
    return [
        EventView(
            e,
            tuple(site.services[s] for s in e.services),
            event_state(e, site.as_of),
            describe_time(e, site.settings.time_zone),
        )
        for e in site.maintenance
    ]


def service_notices(
    site: Site, service_id: str, views: list[EventView] | None = None
) -> list[EventView]:
    """Events upcoming or under way that affect one service: its page's banners.
    `views`: event_views(site), when the caller already has them."""
    return [
        v
        for v in (event_views(site) if views is None else views)
        if v.state != "past" and service_id in v.event.services
    ]


# RFC 5545 forbids control characters other than tab in TEXT values; the sources refuse
# them, and this keeps a calendar well formed whatever reaches it.
_NO_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F])


def _escape(text: str) -> str:
    """RFC 5545 TEXT: escape backslash, semicolon, comma and line breaks."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
        .translate(_NO_CONTROLS)
    )


def _fold(line: str) -> str:
    """Fold content lines longer than 75 octets (RFC 5545 section 3.1)."""
    data = line.encode("utf-8")
    parts: list[str] = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = data[cut:]
    parts.append(data.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_ics(site: Site) -> bytes:
    """The maintenance calendar as iCalendar (RFC 5545), for agencies to subscribe to."""
    base = site.settings.base_url.rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0]
    stamp = dt.datetime.combine(site.as_of, dt.time(), tzinfo=dt.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//catalogpress//{_escape(site.office.name)}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(site.office.short_name)} maintenance",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for view in event_views(site):
        event = view.event
        names = ", ".join(s.name for s in view.services)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}@{host}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.end)}",
            f"SUMMARY:{_escape(event.title)}",
            f"DESCRIPTION:{_escape(event.description + ' Affects: ' + names + '.')}",
            f"URL:{base}/care/maintenance/#{view.anchor}",
            "TRANSP:" + ("OPAQUE" if event.impact == "outage" else "TRANSPARENT"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
