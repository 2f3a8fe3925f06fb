"""Write the sample site's performance.csv: 16 months of made-up but plausible results.

    python3 scripts/performance_sample.py > performance.csv

Scheduled minutes follow each SLA's service hours less its maintenance windows; the
figures come from a fixed seed, so the file is the same on every run. A few misses are
written in on purpose (the notes say what happened), and one major incident: the
enterprise email outage of March 2026.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator

FIRST, LAST = (2025, 7), (2026, 10)
# State holidays (service hours of the Standard SLA exclude them).
HOLIDAYS = {
    dt.date(*d)
    for d in [
        (2025, 7, 4), (2025, 9, 1), (2025, 10, 13), (2025, 11, 11), (2025, 11, 27),
        (2025, 11, 28), (2025, 12, 25), (2026, 1, 1), (2026, 1, 19), (2026, 2, 16),
        (2026, 5, 25), (2026, 7, 3), (2026, 9, 7), (2026, 10, 12),
    ]
}  # fmt: skip
# service id -> (SLA, first month, incident scale, requests per month)
SERVICES = {
    "application-development": ("standard", FIRST, 0.4, 6),
    "backup-recovery": ("enhanced", FIRST, 0.6, 25),
    "cloud-brokerage": ("standard", FIRST, 0.3, 12),
    "collaboration-suite": ("standard", FIRST, 1.5, 90),
    "data-warehouse": ("standard", FIRST, 0.5, 8),
    "database-hosting": ("enhanced", FIRST, 0.8, 20),
    "desktop-support": ("standard", FIRST, 6.0, 420),
    "disaster-recovery": ("critical", FIRST, 0.2, 3),
    "e-signature": ("standard", FIRST, 0.4, 15),
    "endpoint-protection": ("critical", FIRST, 1.0, 40),
    "enterprise-email": ("enhanced", FIRST, 2.0, 160),
    "gis-services": ("standard", FIRST, 0.4, 10),
    "identity-access": ("enhanced", FIRST, 1.6, 230),
    "internet-access": ("enhanced", FIRST, 0.5, 6),
    "laptop-leasing": ("standard", FIRST, 0.8, 70),
    "legacy-phone-lines": ("standard", FIRST, 0.5, 4),
    "managed-firewall": ("enhanced", FIRST, 0.6, 30),
    "mobile-devices": ("standard", FIRST, 1.0, 85),
    "print-services": ("standard", FIRST, 1.4, 45),
    "project-management": ("standard", FIRST, 0.2, 4),
    "security-awareness-training": ("standard", FIRST, 0.2, 12),
    "server-colocation": ("enhanced", FIRST, 0.3, 5),
    "service-desk": ("enhanced", FIRST, 1.2, 60),
    "virtual-servers": ("enhanced", FIRST, 1.2, 75),
    "voip-phones": ("enhanced", FIRST, 1.0, 50),
    "vulnerability-scanning": ("standard", FIRST, 0.3, 9),
    "web-content-management": ("standard", FIRST, 0.6, 20),
    "wide-area-network": ("enhanced", FIRST, 0.8, 14),
    "wireless-lan": ("standard", FIRST, 0.7, 18),
}
GOALS = {"standard": (99.5, 90), "enhanced": (99.9, 90), "critical": (99.95, 95)}
# (service, month) -> what went wrong: downtime minutes, incident misses, note
EVENTS = {
    ("enterprise-email", (2026, 3)): (
        190,
        {"p1": (1, 1, 0)},
        "Major incident on March 12: a storage controller failed in the primary data "
        "center. Mail was delayed for 3 hours 10 minutes; no mail was lost. The "
        "controller firmware was replaced on every array.",
    ),
    ("wide-area-network", (2026, 1)): (
        96,
        {},
        "A contractor cut the fiber between the Capitol campus and the north data center; "
        "traffic failed over, but 14 offices lost their connection until the ring was "
        "rerouted.",
    ),
    ("identity-access", (2026, 5)): (
        20,
        {"p2": (7, 5, 6)},
        "Password reset requests after the spring phishing campaign came in faster than "
        "we could answer them in time.",
    ),
    ("virtual-servers", (2026, 8)): (
        52,
        {"p1": (2, 2, 1)},
        "A hypervisor cluster lost its storage path during a firmware update outside the "
        "maintenance window; 31 servers restarted. The update process now needs a "
        "second approver.",
    ),
    ("desktop-support", (2026, 7)): (
        0,
        {"p3": (118, 112, 98)},
        "The laptop refresh for the Department of Revenue filled the queue; fixes for "
        "medium-priority problems took longer than five business days.",
    ),
    ("print-services", (2025, 11)): (
        85,
        {},
        "The print server for the east campus failed; jobs were moved to the backup "
        "server the next morning.",
    ),
}


def months() -> Iterator[tuple[int, int]]:
    year, month = FIRST
    while (year, month) <= LAST:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def scheduled(sla: str, year: int, month: int) -> int:
    days = calendar.monthrange(year, month)[1]
    if sla == "standard":  # Monday to Friday, 7 a.m. to 6 p.m., except state holidays
        workdays = sum(
            1
            for d in range(1, days + 1)
            if dt.date(year, month, d).weekday() < 5 and dt.date(year, month, d) not in HOLIDAYS
        )
        return workdays * 11 * 60
    window = 360 if sla == "enhanced" else 240  # the third Sunday's maintenance window
    return days * 1440 - window


def rows(rng: random.Random) -> Iterator[dict[str, object]]:
    for year, month in months():
        for service, (sla, _first, scale, requests) in SERVICES.items():
            minutes = scheduled(sla, year, month)
            event = EVENTS.get((service, (year, month)))
            allowed = minutes * (100 - GOALS[sla][0]) / 100
            downtime = event[0] if event else int(rng.random() ** 2 * allowed * 0.6)
            cells = {
                "month": f"{year}-{month:02d}",
                "service": service,
                "scheduled_minutes": minutes,
                "downtime_minutes": downtime,
            }
            for level, share in (("p1", 0.05), ("p2", 0.2), ("p3", 1.0), ("p4", 0.8)):
                forced = event[1].get(level) if event else None
                if forced:
                    total, responded, resolved = forced
                else:
                    total = max(0, round(rng.gauss(scale * share * 10, scale * share * 3)))
                    responded = total - (1 if total > 25 and rng.random() < 0.4 else 0)
                    resolved = total - (1 if total > 20 and rng.random() < 0.5 else 0)
                cells |= {
                    f"{level}_incidents": total,
                    f"{level}_responded": responded,
                    f"{level}_resolved": resolved,
                }
            count = max(1, round(rng.gauss(requests, requests * 0.15)))
            late = round(count * rng.uniform(0.0, 0.06))
            answers = max(0, round(rng.gauss(max(requests * 0.12, 2), 2)))
            score = round(rng.uniform(4.0, 4.8) - (0.6 if event else 0), 2) if answers else None
            cells |= {
                "requests": count,
                "requests_on_time": count - late,
                "satisfaction_responses": answers,
                "satisfaction_score": f"{score:.2f}" if score is not None else "",
                "note": event[2] if event else "",
            }
            yield cells


def main() -> None:
    rng = random.Random(15)  # noqa: S311 - made-up sample figures, not secrets
    data = list(rows(rng))
    writer = csv.DictWriter(sys.stdout, fieldnames=list(data[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)


if __name__ == "__main__":
    main()
