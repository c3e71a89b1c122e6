"""The dashboard in headless Chromium: one component, then the whole app on the Levant scenario.

The whole-app test changes Iran's strategy, steps twelve months and checks that the map, the
network and the charts change; it keeps a screenshot and the step latencies (time from clicking
Step to the month label showing the next month) in test-results/.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
import solara
from IPython.display import display

from viz.state import start_run
from viz.views import MonthLabel, NetworkView

ROOT = Path(__file__).resolve().parents[2]
LEVANT = ROOT / "scenarios" / "levant_2014.toml"
pytestmark = pytest.mark.browser

NEXT_MONTH = "(before) => { const e = document.querySelector('.bopsim-month'); return e && e.innerText !== before; }"


def test_network_component_draws_from_local_assets_and_follows_steps(solara_test, page_session):
    run = start_run(ROOT / "scenarios" / "abstract.toml", "1")
    revision = solara.reactive(0)

    @solara.component
    def Harness():
        def step():
            run.step()
            revision.set(revision.value + 1)

        solara.Button("step once", on_click=step)
        MonthLabel(run, revision.value)
        NetworkView(run, run.history[-1])

    display(Harness())
    canvas = page_session.locator(".bopsim-network canvas").first
    canvas.wait_for()  # echarts loaded from the locally installed assets (no CDN here)
    before = canvas.screenshot()
    page_session.locator("text=step once").click()
    page_session.locator("text=Month 2014-02 (month 1 of 36)").wait_for()
    for _ in range(8):
        page_session.locator("text=step once").click()
    page_session.locator("text=Month 2014-10 (month 9 of 36)").wait_for()
    page_session.wait_for_timeout(300)
    assert canvas.screenshot() != before


@pytest.mark.skipif(not LEVANT.is_file(), reason="scenarios/levant_2014.toml not present")
def test_levant_iran_strategy_twelve_months(solara_test_app, page_session, artifacts):
    page = page_session
    month = page.locator(".bopsim-month")
    month.wait_for(timeout=60_000)
    assert "levant_2014.toml" in page.locator(".bopsim-run").inner_text()

    page.get_by_label("seed").fill("minus one")
    page.locator(".bopsim-reset").click()
    page.locator(".bopsim-message", has_text="seed: must be a whole number").wait_for()
    page.get_by_label("seed").fill("1")

    share = page.get_by_label("iran.forward_defence.share")
    share.fill("0.3")
    share.press("Enter")
    page.locator(".bopsim-reset").click()
    page.locator(".bopsim-run", has_text="strategy edited: iran").wait_for()
    page.locator(".bopsim-network canvas").first.wait_for()
    page.locator(".bopsim-series canvas").first.wait_for()
    page.wait_for_timeout(500)
    page.locator(".bopsim-map canvas").first.wait_for()
    map_before = page.locator(".bopsim-map canvas").first.screenshot()
    network_before = page.locator(".bopsim-network canvas").first.screenshot()
    series_before = page.locator(".bopsim-series canvas").first.screenshot()

    latencies = []
    for _ in range(12):
        shown = month.inner_text()
        started = time.perf_counter()
        page.locator(".bopsim-step").click()
        page.wait_for_function(NEXT_MONTH, arg=shown)
        latencies.append((time.perf_counter() - started) * 1000)
    assert month.inner_text() == "Month 2015-01 (month 12 of 72)"
    page.wait_for_timeout(500)
    assert page.locator(".bopsim-map canvas").first.screenshot() != map_before
    assert page.locator(".bopsim-network canvas").first.screenshot() != network_before
    assert page.locator(".bopsim-series canvas").first.screenshot() != series_before

    page.screenshot(path=artifacts / "dashboard-levant.png", full_page=True)
    report = {"scenario": "levant_2014", "steps": 12, "latency_ms": [round(x, 1) for x in latencies],
              "median_ms": round(statistics.median(latencies), 1), "max_ms": round(max(latencies), 1)}
    (artifacts / "step_latency.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"step -> page updated, Levant: median {report['median_ms']} ms, max {report['max_ms']} ms")
    assert report["median_ms"] < 1500, report


@pytest.fixture
def solara_test_app(solara_server, solara_app, page_session):
    """The whole dashboard served in-process, opened in the session's page."""
    with solara_app(str(ROOT / "viz" / "app.py")):
        page_session.goto(solara_server.base_url)
        yield
        page_session.goto("about:blank")
