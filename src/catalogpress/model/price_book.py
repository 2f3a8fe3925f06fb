"""Every price, bill and budget impact of one build, each computed once and kept in
`site.prices`, so no two pages, PDFs or exports can show different figures for one thing.
The arithmetic is model/billing.py's and model/money.py's."""

from __future__ import annotations

from catalogpress.model.billing import (
    AgencyBill,
    BudgetImpact,
    OrderPrice,
    agency_bill,
    budget_impact,
    reference_class,
    service_price,
)
from catalogpress.model.views import AgencyView, ServiceView, SheetView, Site


class PriceBook:
    """The prices, bills and budget impacts every page, PDF and export shows, each
    computed once per build (site.prices) so no two places can differ."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._prices: dict[tuple[str, str, str | None], OrderPrice | None] = {}
        self._bills: dict[tuple[str, str], AgencyBill] = {}
        self._impacts: dict[str, list[BudgetImpact]] = {}

    def service(
        self, view: ServiceView, sheet: SheetView | None = None, class_id: str | None = None
    ) -> OrderPrice | None:
        """The service's typical order (else main line) at `sheet`'s rates (the sheet in
        effect by default) for `class_id` (the reference class by default)."""
        sheet = sheet if sheet is not None else self.site.current_sheet
        if class_id is None:
            reference = reference_class(self.site)
            class_id = reference.id if reference else None
        key = (view.id, sheet.sheet.id if sheet else "", class_id)
        if key not in self._prices:
            self._prices[key] = service_price(
                self.site, view, sheet.sheet if sheet else None, class_id
            )
        return self._prices[key]

    def bill(self, agency: AgencyView, sheet: SheetView | None = None) -> AgencyBill:
        sheet = sheet if sheet is not None else self.site.current_sheet
        key = (agency.agency.id, sheet.sheet.id if sheet else "")
        if key not in self._bills:
            self._bills[key] = agency_bill(self.site, agency, sheet)
        return self._bills[key]

    @property
    def upcoming_sheets(self) -> list[SheetView]:
        """Published sheets for fiscal years after this one, soonest first."""
        return sorted(
            (s for s in self.site.sheets if s.first_day > self.site.as_of),
            key=lambda s: s.first_day,
        )

    def impacts(self, agency: AgencyView) -> list[BudgetImpact]:
        """The agency's budget impact of each published later sheet against this year's."""
        key = agency.agency.id
        if key not in self._impacts and self.site.current_sheet is not None:
            now = self.bill(agency)
            self._impacts[key] = [
                budget_impact(self.site, agency, s, now, self.bill(agency, s))
                for s in self.upcoming_sheets
            ]
        return self._impacts.get(key, [])
