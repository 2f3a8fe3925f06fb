"""On a 320 px phone every amount is on screen, with no sideways scrolling (issue #17).

Wide tables used to keep a minimum width, so the Rate and Monthly cost columns sat
off-screen with no hint. This drives Chromium at the narrowest common phone width over
each page type that shows money and fails on any dollar amount or percentage outside
the viewport.
"""

from __future__ import annotations

import pytest

from .checks import serve_folder
from .test_tools_browser import add_service, chromium, site  # noqa: F401  (shared fixtures)

PHONE = {"width": 320, "height": 640}

PAGES_WITH_AMOUNTS = [
    "services/enterprise-email/",  # rate table and cost breakdown
    "services/container-platform/",  # current and next year's rates
    "rates/fy2027/",
    "rates/changes/fy2027-to-fy2028/",
    "agencies/revenue/",
    "agencies/natural-resources/budget-fy2028/",  # a line not offered next year
    "agencies/transportation/budget-fy2028/",  # one-time charges apart
    "slas/sla-standard/",
    "compare/",
    "estimator/",
]

# Every text node in <main> that shows an amount ($12.50) or a share (90%), with any line
# box of it that lies left or right of the viewport.
OFF_SCREEN_AMOUNTS = r"""() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/\$\s?\d|\d%/.test(node.textContent)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      if (box.width && (box.right > width + 0.5 || box.left < -0.5)) {
        found.push(`${node.textContent.trim().slice(0, 40)} (right edge ${Math.round(box.right)})`);
        break;
      }
    }
  }
  return {found, scrollWidth: document.documentElement.scrollWidth, width};
}"""


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES_WITH_AMOUNTS)
def test_every_amount_is_on_screen_at_320px(site, chromium, path):  # noqa: F811
    with serve_folder(site) as base:
        context = chromium.new_context(viewport=PHONE)
        tab = context.new_page()
        try:
            tab.goto(base + path)
            if path == "estimator/":  # the estimate's lines appear once something is chosen
                add_service(tab, "virtual-servers")
                tab.locator(".estimator .line input:visible").first.fill("12")
                tab.locator("#estimate-lines tbody tr").first.wait_for()
            report = tab.evaluate(OFF_SCREEN_AMOUNTS)
        finally:
            context.close()
    assert report["found"] == [], f"amounts off screen on {path}"
    assert report["scrollWidth"] <= report["width"], f"{path} scrolls sideways"
