"""The operations review packet and the committee brief read the same results as the
scorecards (model/performance.py), for the last fiscal quarter that has ended."""

from __future__ import annotations

import datetime as dt

from catalogpress.model.committee import committee_brief
from catalogpress.model.review import review_packet
from catalogpress.model.views import Site


def test_a_packet_shows_the_quarter_results_of_the_agencys_services(sample_model: Site) -> None:
    site = sample_model
    agency = next(a for a in site.agencies if a.agency.id == "transportation")
    packet = review_packet(site, agency)
    assert packet.quarter.label == "FY2027 Q1"  # July to September 2026, built November 23
    assert packet.next_review == dt.date(2027, 1, 1)
    assert [r.service.id for r in packet.results] == [s.id for s in agency.services]
    servers = next(r for r in packet.results if r.service.id == "virtual-servers")
    missed = {(m.label, o.target.key) for m, o in servers.result.misses}
    assert ("August 2026", "availability") in missed
    # The scorecard's own quarter figure is the packet's.
    card = site.performance.cards["virtual-servers"]
    assert card.quarter.availability is not None and servers.result.availability is not None
    assert servers.result.availability.outcome == card.quarter.availability.outcome


def test_the_brief_counts_the_same_results_as_the_scorecards(sample_model: Site) -> None:
    site = sample_model
    results = committee_brief(site).results
    assert results is not None and results.quarter.label == "FY2027 Q1"
    cards = site.performance.cards.values()
    met = sum(1 for c in cards if c.quarter.availability and c.quarter.availability.outcome.met)
    assert (results.services, results.availability_met) == (len(cards), met)
    assert results.misses and results.satisfaction is not None
