"""The explorer and results view in headless Chromium, offline, one feature per test.

The whole dashboard is served in-process (pytest-ipywidgets' `solara_server`, a fixed port) on
a copy of the abstract scenario (fast months) in a temporary scenario folder, and a results
folder holding one small batch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viz.catalogue import RESULTS_ENV, SCENARIOS_ENV

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "batch_small.toml"
pytestmark = pytest.mark.browser
LOAD = 90_000
"""Milliseconds allowed for the page to mount (Solara imports on a busy two-core machine)."""


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    """(scenario folder with abstract.toml, results folder with small/)."""
    from experiments.batch.batch import run_batch
    from experiments.batch.config import load_experiment

    scenarios = tmp_path_factory.mktemp("scenarios")
    shutil.copy(ROOT / "scenarios" / "abstract.toml", scenarios / "abstract.toml")
    results = tmp_path_factory.mktemp("results")
    run_batch(load_experiment(SMALL), results / "small", "serial", progress=False)
    return scenarios, results


@pytest.fixture
def page(solara_server, solara_app, page_session, folders, monkeypatch):
    """The dashboard on the abstract scenario, first month shown."""
    scenarios, results = folders
    monkeypatch.setenv(SCENARIOS_ENV, str(scenarios))
    monkeypatch.setenv(RESULTS_ENV, str(results))
    with solara_app(str(ROOT / "viz" / "app.py")):
        page_session.goto(solara_server.base_url)
        page_session.locator(".bopsim-month").wait_for(timeout=LOAD)
        yield page_session
        page_session.goto("about:blank")


def _month(page) -> str:
    return page.locator(".bopsim-month").inner_text()


def test_a_global_parameter_is_edited_within_its_range_and_applies_on_reset(page):
    from viz.parameters import parameter_controls

    controls = {c.name: c for c in parameter_controls()}
    page.get_by_text("show the model's global parameters").click()
    shown = page.locator(".bopsim-parameters").inner_text()
    assert f"{controls['threat_exponent'].meaning}. Range: {controls['threat_exponent'].range_text()}." in shown
    field = page.locator(".bopsim-parameter-threat_range input")
    field.fill("-1")
    field.press("Enter")
    page.locator(".bopsim-message", has_text=controls["threat_range"].check(-1.0)).wait_for()
    field.fill("3")
    field.press("Enter")
    page.locator(".bopsim-pending").wait_for()
    page.locator(".bopsim-reset").click()
    page.locator(".bopsim-run", has_text="parameters: threat_range").wait_for()


def test_an_actor_switched_off_is_gone_after_reset(page):
    page.get_by_text("switch actors on and off").click()
    page.locator("label", has_text="External power (patron)").click()
    page.locator(".bopsim-reset").click()
    page.locator(".bopsim-run", has_text="off: patron").wait_for()
    page.locator(".bopsim-legend").wait_for()
    assert "External power" not in page.locator(".bopsim-legend").inner_text()


def test_clicking_a_region_shows_its_readout(page):
    canvas = page.locator(".bopsim-map canvas").first
    canvas.wait_for()
    page.wait_for_timeout(500)
    box = canvas.bounding_box()
    readout = page.locator(".bopsim-region")
    for fx, fy in ((0.5, 0.55), (0.3, 0.5), (0.7, 0.5), (0.5, 0.35), (0.5, 0.75)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_timeout(300)
        if "holder" in readout.inner_text():
            break
    text = readout.inner_text()
    assert "holder" in text and "control" in text and "forces (capability units)" in text and "losses last month" in text
    page.mouse.move(box["x"] + fx * box["width"] + 1, box["y"] + fy * box["height"] + 1)  # hovering shows it too
    page.locator(".bopsim-map div", has_text="losses last month:").last.wait_for()


def test_actor_monitors_follow_the_chosen_actor(page):
    monitors = page.locator(".bopsim-monitors")
    monitors.locator(".v-select__selections").click()
    page.locator(".menuable__content__active .v-list-item", has_text="Southland").click()
    monitors.locator(".bopsim-readout", has_text="Southland").wait_for()
    text = monitors.inner_text()
    assert "capability (capability units)" in text and "territory (km²)" in text and "strategy now" in text


def test_series_actors_log_scale_and_downloads(page):
    chart = page.locator(".bopsim-series canvas").first
    chart.wait_for()
    page.wait_for_timeout(500)
    before = chart.screenshot()
    page.locator("label", has_text="log scale for territory").click()
    page.wait_for_timeout(800)
    assert chart.screenshot() != before
    with page.expect_download() as csv:
        page.locator(".bopsim-series").get_by_text("CSV").click()
    header = Path(csv.value.path()).read_text().splitlines()[0]
    assert header.startswith("month,power share: ") and "battle losses" in header
    with page.expect_download() as png:
        page.locator(".bopsim-series").get_by_text("PNG").click()
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_to_a_month_then_scrub_back(page):
    field = page.locator(".bopsim-run-to input")
    field.fill("5")
    page.locator(".bopsim-run-to-go").click()
    page.wait_for_function("() => document.querySelector('.bopsim-month').innerText.includes('month 5 of')",
                           timeout=60_000)
    page.wait_for_timeout(1500)
    assert _month(page) == "Month 2014-06 (month 5 of 36)"  # stopped at the month asked for
    slider = page.locator(".v-slider").last
    slider.click(position={"x": 2, "y": slider.bounding_box()["height"] / 2})
    page.locator(".bopsim-shown", has_text="showing 2014-01 (month 0)").wait_for()
    assert _month(page) == "Month 2014-06 (month 5 of 36)"  # the run itself stays where it is


def test_edits_saved_as_a_variant_file_that_loads(page, folders):
    from model.scenario import load

    scenarios, _ = folders
    page.get_by_text("switch actors on and off").click()
    page.locator("label", has_text="External power (patron)").click()
    page.get_by_label("variant name").fill("no_patron")
    page.locator(".bopsim-save-variant").click()
    page.locator(".bopsim-saved", has_text="Saved abstract_no_patron.toml").wait_for()
    saved = scenarios / "abstract_no_patron.toml"
    assert "patron" not in {a.id for a in load(saved).actor}
    variant = page.locator(".v-select", has_text="variant").first
    variant.locator(".v-select__selections").click()
    page.locator(".menuable__content__active .v-list-item", has_text="no_patron").wait_for()
    page.keyboard.press("Escape")
    page.locator(".bopsim-save-variant").click()
    page.locator(".bopsim-error", has_text="already exists").wait_for()
    saved.unlink()


def test_results_view_shows_every_variant_and_refuses_paths_outside_its_folder(page, folders):
    _, results = folders
    page.get_by_role("tab", name="Results").click()
    page.locator(".bopsim-open-results").click()
    page.locator(".bopsim-batch", has_text="small: 8 runs, 2 variants, baseline base").wait_for()
    page.locator(".bopsim-forest").wait_for()
    page.locator(".bopsim-bands").wait_for()
    name = page.get_by_label("batch folder, relative to the results folder")
    for attempt in ("../..", "/etc", "small/../../..", "a" * 255 + "b"):
        name.fill(attempt)
        page.locator(".bopsim-open-results").click()
        page.locator(".bopsim-message", has_text="not a batch result folder under the results folder").wait_for()
        content = page.content()
        where = content.find(str(results))
        assert where < 0, content[max(where - 300, 0):where + 100]
        assert "Traceback" not in page.locator("body").inner_text()


def test_a_relation_is_edited_for_a_pair_and_applies_on_reset(page):
    page.get_by_text("edit a pair of actors").click()
    thumb = page.locator(".bopsim-relations .v-slider__thumb-container").first
    thumb.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.locator(".bopsim-pending").wait_for()
    page.locator(".bopsim-reset").click()
    page.locator(".bopsim-run", has_text="relations: north-south").wait_for()


def test_strategy_parameters_show_their_ranges(page):
    strategy = page.locator(".bopsim-strategy")
    assert "(range: 0 to 1)" in strategy.inner_text()


def test_clicking_an_actor_in_the_network_shows_its_monitors(page):
    canvas = page.locator(".bopsim-network canvas").first
    canvas.wait_for()
    page.wait_for_timeout(500)
    box = canvas.bounding_box()
    # four actors on a circle, the second (south) at three o'clock: 88% across (right margin 12%),
    # half-way down the graph area (top margin 12%, bottom 10%)
    page.mouse.click(box["x"] + 0.88 * box["width"], box["y"] + (0.12 + 0.78 / 2) * box["height"])
    page.locator(".bopsim-monitors .bopsim-readout", has_text="Southland").wait_for()


def test_the_map_shows_each_holder_in_its_own_colour_unpaled(page):
    import io

    from PIL import Image

    from model.palette import UNGOVERNED, colour_map
    from model.scenario import load

    spec = load(ROOT / "scenarios" / "abstract.toml")
    allowed = {UNGOVERNED.upper(), *(c.upper() for c in colour_map([a.id for a in spec.actor]).values())}
    canvas = page.locator(".bopsim-map canvas").first
    canvas.wait_for()
    page.wait_for_timeout(800)
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    counts = sorted(image.getcolors(maxcolors=1 << 20), reverse=True)
    filled = ["#%02X%02X%02X" % rgb for n, rgb in counts if rgb != (255, 255, 255)][:3]
    # the three commonest colours inside the map are holders' colours as the palette gives them
    assert set(filled) <= allowed, (filled, allowed)
    legend = page.locator(".bopsim-legend").inner_html().upper()
    assert all(c in legend for c in allowed)


def test_play_at_a_chosen_speed_then_pause(page):
    page.locator(".v-select", has_text="speed (months per second)").locator(".v-select__selections").click()
    page.locator(".menuable__content__active .v-list-item", has_text="8").click()
    page.locator(".bopsim-play").click()
    page.wait_for_function("() => /month ([3-9]|[1-9][0-9]) of/.test(document.querySelector('.bopsim-month').innerText)",
                           timeout=60_000)
    page.locator(".bopsim-play").click()  # Pause
    page.wait_for_timeout(1000)
    paused = _month(page)
    page.wait_for_timeout(1500)
    assert _month(page) == paused
