"""Each report in headless Chromium: no console errors, no network, sortable and filterable tables,
readable without JavaScript, and hostile values inert."""

from __future__ import annotations

import pytest

from reports.artifacts import Artifacts
from reports.render import render

pytestmark = pytest.mark.browser

KINDS = ("assessment", "conformance", "cutover")


def _artifacts(samples, evil: bool = False) -> Artifacts:
    return Artifacts(
        inventory=samples.inventory(evil), plan=samples.plan(evil), conformance=samples.conformance(evil),
        state=samples.run_state(evil, rolled_back=True),
        paths={"inventory": "inventory.json", "plan": "plan.json", "conformance": "conformance.json", "state": "state.json"},
    )


def _write(tmp_path, samples, kind, evil=False):
    p = tmp_path / f"{kind}.html"
    p.write_text(render(_artifacts(samples, evil), kind), encoding="utf-8")
    return p


def _column(page, table_id: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr:not([hidden])", f"rows => rows.map(r => r.cells[{index}].textContent.trim())"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_report_loads_clean_offline_and_screenshots(tmp_path, samples, open_report, kind):
    w = open_report(_write(tmp_path, samples, kind))
    assert w.console_errors == [] and w.requests == [] and w.dialogs == []
    assert w.page.title().startswith({"assessment": "Migration assessment", "conformance": "Conformance evidence",
                                      "cutover": "Cutover record"}[kind])
    assert w.page.locator("table[data-filter] ~ *, .filter input").count() > 0  # the script ran and added filters
    shot = tmp_path / f"{kind}.png"
    w.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    w.page.emulate_media(media="print")
    assert w.page.locator(".filter").first.is_hidden()  # print CSS hides the controls


def test_clicking_a_header_sorts_and_typing_filters(tmp_path, samples, open_report):
    w = open_report(_write(tmp_path, samples, "assessment"))
    page = w.page
    objects = 5  # the Objects column of #namespaces-table
    before = _column(page, "namespaces-table", 0)
    assert before == ["shop", "payments", "kommander"]  # as rendered: migrated first, worst readiness first
    header = page.locator("#namespaces-table thead th").nth(objects)
    header.click()
    assert _column(page, "namespaces-table", objects) == ["21", "38", "412"]
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert _column(page, "namespaces-table", objects) == ["412", "38", "21"]
    page.locator("#namespaces-table thead th").nth(0).click()
    assert _column(page, "namespaces-table", 0) == ["kommander", "payments", "shop"]

    box = page.locator("#namespaces-table-filter")
    box.fill("payments")
    assert _column(page, "namespaces-table", 0) == ["payments"]
    assert page.locator("#namespaces-table").locator("xpath=preceding-sibling::div[1]").inner_text().endswith("1 of 3 rows")
    box.fill("")
    assert len(_column(page, "namespaces-table", 0)) == 3
    page.locator("#addons-table-filter").fill("replace ingress")
    assert _column(page, "addons-table", 0) == ["ingress"]
    assert w.console_errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_report_reads_without_javascript(tmp_path, samples, open_report, kind):
    w = open_report(_write(tmp_path, samples, kind), javascript=False)
    assert w.page.locator(".filter").count() == 0  # nothing half-built
    main_table = w.page.locator({"assessment": "#namespaces-table", "conformance": "#failures-table", "cutover": "#steps-table"}[kind])
    assert main_table.is_visible() and main_table.locator("tbody tr").count() >= 2
    assert w.requests == []


@pytest.mark.parametrize("kind", KINDS)
def test_injected_markup_stays_inert_in_the_browser(tmp_path, samples, open_report, kind):
    w = open_report(_write(tmp_path, samples, kind, evil=True))
    page = w.page
    page.wait_for_timeout(200)  # give any (escaped) onerror/onload a chance to fire
    assert w.dialogs == [] and w.console_errors == [] and w.requests == []
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 2  # the JSON island and the page's own script
    # the payload is shown as text where the value belongs
    assert '<script>alert("x1")</script>' in page.inner_text("body")
    page.locator(".filter input").first.fill("alert")  # filtering over hostile text is still inert
    assert w.dialogs == [] and w.console_errors == []
