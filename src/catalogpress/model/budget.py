"""Each agency's budget impact of next year's rates, as its page, PDF and CSV show it.

The figures are model/billing.py's `BudgetImpact`, computed once per build by the price
book (site.prices); this module only says what they mean: which way the cost moves,
which lines changed and why, what is left out. Templates lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalogpress.model.billing import BudgetImpact, ServiceImpact, UsedLineChange
from catalogpress.model.money import Totals, percent_change
from catalogpress.model.rate_changes import price_value
from catalogpress.model.views import AgencyView, SheetView, Site
from catalogpress.routes import budget_key, file_path


def direction(change: Decimal) -> str:
    """ "up", "down" or "same": how a cost moves, in words as well as by sign."""
    return "up" if change > 0 else ("down" if change < 0 else "same")


@dataclass(frozen=True)
class ChangedLine:
    """One line the agency uses whose price is not the same next year."""

    change: UsedLineChange

    @property
    def item(self) -> str:
        return self.change.old.item

    @property
    def reason(self) -> str | None:
        """Why the rate changed, from next year's line (None: the sheet gives none)."""
        return self.change.new.reason if self.change.new else None

    @property
    def kind(self) -> str:
        """ "up", "down", "changed" (priced another way next year) or "not-offered"."""
        old, new = self.change.old, self.change.new
        if new is None:
            return "not-offered"
        if new.pricing != old.pricing:
            return "changed"
        return "up" if price_value(new) > price_value(old) else "down"

    @property
    def difference(self) -> Decimal | None:
        """The rate's change in dollars, or in percentage points of a markup; None when
        the line is priced another way next year or not at all."""
        old, new = self.change.old, self.change.new
        if new is None or new.pricing != old.pricing or new.pricing == "at-cost":
            return None
        return price_value(new) - price_value(old)

    @property
    def points(self) -> bool:
        """The difference is in percentage points of a markup, not in dollars."""
        return self.change.old.pricing == "markup"

    @property
    def percent(self) -> Decimal | None:
        """The rate's change in percent, for lines priced at a rate in both years."""
        old, new = self.change.old, self.change.new
        if new is None or new.pricing != "rate" or old.pricing != "rate":
            return None
        return percent_change(price_value(old), price_value(new))

    @property
    def yearly_change(self) -> Decimal:
        """The change in the agency's yearly cost from this line."""
        return self.change.next.yearly - self.change.now.yearly

    @property
    def one_time_change(self) -> Decimal:
        return self.change.next.one_time - self.change.now.one_time

    @property
    def one_time(self) -> bool:
        """A one-time charge: its change is not part of the yearly cost."""
        return bool(self.change.now.one_time) and not self.change.now.yearly


@dataclass(frozen=True)
class ServiceRow:
    impact: ServiceImpact
    lines: tuple[ChangedLine, ...]

    @property
    def direction(self) -> str:
        return direction(self.impact.change)

    @property
    def one_time_change(self) -> Decimal:
        return self.impact.next.one_time - self.impact.now.one_time

    @property
    def one_time_direction(self) -> str:
        return direction(self.one_time_change)

    @property
    def not_offered(self) -> int:
        """How many lines the agency uses are not offered next year."""
        return len(self.impact.not_offered)


@dataclass(frozen=True)
class BudgetView:
    """An agency's budget impact of one later rate sheet, as the page, PDF and CSV show it."""

    impact: BudgetImpact
    now_sheet: SheetView
    next_sheet: SheetView
    key: str  # the route key: "transportation/fy2028"
    notice: str | None  # the rate change notice between the two sheets, when one exists

    @property
    def agency(self) -> AgencyView:
        return self.impact.agency

    @property
    def who(self) -> str:
        """The agency as a sentence names it: its short name, else its name."""
        a = self.impact.agency.agency
        return a.short_name or a.name

    @property
    def pdf_path(self) -> str:
        return file_path("budget_impact_pdf", self.key)

    @property
    def csv_path(self) -> str:
        return file_path("budget_impact_csv", self.key)

    @property
    def now(self) -> Totals:
        return self.impact.now.totals

    @property
    def next(self) -> Totals:
        return self.impact.next.totals

    @property
    def change(self) -> Decimal:
        return self.impact.change

    @property
    def size(self) -> Decimal:
        """The yearly change without its sign; `direction` says which way."""
        return abs(self.impact.change)

    @property
    def direction(self) -> str:
        return direction(self.impact.change)

    @property
    def one_time_change(self) -> Decimal:
        return self.next.one_time - self.now.one_time

    @property
    def monthly_change(self) -> Decimal:
        return self.next.monthly - self.now.monthly

    @property
    def monthly_direction(self) -> str:
        return direction(self.monthly_change)

    @property
    def one_time_direction(self) -> str:
        return direction(self.one_time_change)

    @property
    def one_time_services(self) -> tuple[ServiceRow, ...]:
        """The services with a one-time charge in either year."""
        return tuple(s for s in self.services if s.impact.now.one_time or s.impact.next.one_time)

    @property
    def recorded(self) -> bool:
        """The agency recorded use of at least one charged line."""
        return bool(self.impact.now.charges)

    @property
    def services(self) -> tuple[ServiceRow, ...]:
        """Every service the agency uses, with its changed lines."""
        return tuple(
            ServiceRow(s, tuple(ChangedLine(c) for c in s.changes)) for s in self.impact.services
        )

    @property
    def changed(self) -> tuple[ServiceRow, ...]:
        """The services with a line whose price changes or that is not offered next year."""
        return tuple(s for s in self.services if s.lines)

    @property
    def lines(self) -> tuple[ChangedLine, ...]:
        return tuple(line for s in self.services for line in s.lines)

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    @property
    def not_offered(self) -> tuple[str, ...]:
        """Items the agency uses that next year's sheet does not price for its class."""
        return tuple(item for s in self.impact.services for item in s.not_offered)

    @property
    def not_offered_yearly(self) -> Decimal:
        """This year's yearly cost of the lines next year's sheet does not offer."""
        gone = [line.change.now for line in self.lines if line.kind == "not-offered"]
        return sum((t.yearly for t in gone), Decimal(0))

    @property
    def provider_billed(self) -> bool:
        """Some charges follow a provider's bill, taken to be the same next year."""
        return any(c.terms.vendor_priced for c in self.impact.now.charges)

    @property
    def without_reason(self) -> int:
        """Changed lines whose new rate gives no reason."""
        return sum(1 for line in self.lines if line.kind != "not-offered" and not line.reason)


def budget_views(site: Site, agency: AgencyView) -> list[BudgetView]:
    """The agency's budget impact of each published later sheet, soonest first."""
    views = []
    for i in site.prices.impacts(agency):
        now, nxt = i.now.sheet, i.next.sheet
        assert now is not None and nxt is not None  # impacts compare two sheets
        notice = f"{now.sheet.id}-to-{nxt.sheet.id}"
        path = (
            site.routes.path("rate_changes", notice)
            if site.routes.has("rate_changes", notice)
            else None
        )
        views.append(BudgetView(i, now, nxt, budget_key(agency.agency.id, nxt.sheet.id), path))
    return views


def budget_view(site: Site, key: str) -> BudgetView:
    """The budget impact a route key names ("transportation/fy2028")."""
    agency_id = key.split("/")[0]
    agency = next(a for a in site.agencies if a.agency.id == agency_id)
    return next(v for v in budget_views(site, agency) if v.key == key)
