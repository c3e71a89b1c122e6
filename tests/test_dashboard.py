"""Dashboard pieces without a browser: palette, scenario catalogue, reset inputs, figures, results.

Components are rendered with `solara.render` (no browser): stepping changes the month, the
map and the network; invalid input shows a message and keeps the current run.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path

import ipyvuetify as vw
import numpy as np
import pandas as pd
import pytest
import solara

from experiments.cli import main
from model.model import RegionalModel
from model.scenario import ScenarioError, load
from model import palette
from viz import events, map_chart, network_chart
from viz.catalogue import RESULTS_ENV, SCENARIOS_ENV, discover
from experiments.batch.compare import compare
from viz.results import (ResultsError, actors_in_series, comparison, confine, degenerate_note, open_batch,
                         result_folders, trajectory_bands)
from viz.series_chart import model_option, series_option
from viz.setup import Edits, build_spec, parse_seed, strategy_from_rows
from model.shapes import region_shapes
from viz.state import start_run

ROOT = Path(__file__).resolve().parent.parent
ABSTRACT = ROOT / "scenarios" / "abstract.toml"
LEVANT = ROOT / "scenarios" / "levant_2014.toml"
needs_levant = pytest.mark.skipif(not LEVANT.is_file(), reason="scenarios/levant_2014.toml not present")


# --------------------------------------------------------------------------- palette


def test_each_actor_keeps_one_colour_and_actors_of_a_scenario_differ():
    ids = ["iran", "isis", "zeta", "omega", "alpha"]
    first = palette.colour_map(ids)
    assert first == palette.colour_map(list(reversed(ids)))  # independent of order
    assert len(set(first.values())) == len(ids)
    assert first["iran"] == palette.actor_colour("iran")


def test_a_declared_colour_wins_over_the_known_one_and_the_known_over_the_hash():
    colours = palette.colour_map(["iran", "isis", "newcomer"], {"iran": "#ff0000", "newcomer": None})
    assert colours["iran"] == "#ff0000" and colours["isis"] == palette.KNOWN["isis"]
    assert colours["newcomer"] in palette.PALETTE and colours["newcomer"] != palette.KNOWN["isis"]


def test_a_scenario_colour_field_reaches_the_dashboard(tmp_path):
    text = ABSTRACT.read_text().replace('id = "north"', 'id = "north"\ncolour = "#123456"', 1)
    (tmp_path / "abstract.toml").write_text(text)
    assert start_run(tmp_path / "abstract.toml", "1").colours["north"] == "#123456"


# --------------------------------------------------------------------------- catalogue


def test_variants_are_grouped_under_their_base_and_broken_files_reported(tmp_path):
    (tmp_path / "base.toml").write_text('name = "base"\n')
    (tmp_path / "base_more.toml").write_text('extends = "base.toml"\n')
    (tmp_path / "base_more_again.toml").write_text('extends = "base_more.toml"\n')
    (tmp_path / "orphan.toml").write_text('extends = "missing.toml"\n')
    (tmp_path / "broken.toml").write_text("name = \n")
    catalogue = discover(tmp_path)
    assert list(catalogue.bases) == ["base"]
    assert list(catalogue.choices("base")) == ["baseline", "more", "more_again"]
    assert any("broken.toml" in p for p in catalogue.problems)
    assert any("orphan.toml" in p and "missing.toml" in p for p in catalogue.problems)


# --------------------------------------------------------------------------- reset inputs


def test_strategy_rows_become_typed_behaviours():
    rows = [{"behaviour": "forward_defence", "params": {"depth": "3", "share": " 0.5 "}},
            {"behaviour": "air_campaign", "params": {"targets": "insurgents, south", "share": ""}}]
    assert strategy_from_rows("north", rows) == [
        {"behaviour": "forward_defence", "depth": 3, "share": 0.5},
        {"behaviour": "air_campaign", "share": 0.5, "targets": ["insurgents", "south"], "partners": [], "theatre": []},
    ]


@pytest.mark.parametrize(("rows", "expected"), [
    ([{"behaviour": "forward_defence", "params": {"depth": "two"}}], r"behaviour 1 \(forward_defence\): depth: .*got 'two'"),
    ([{"behaviour": "forward_defence", "params": {"share": "1.5"}}], "share: Input should be less than or equal to 1"),
    ([{"behaviour": "flying", "params": {}}], "unknown behaviour"),
    ([], "needs at least one behaviour"),
])
def test_bad_strategy_edits_are_refused_with_one_line(rows, expected):
    with pytest.raises(ValueError, match=expected) as info:
        build_spec(ABSTRACT, Edits(strategies={"north": rows}))
    assert "\n" not in str(info.value)


def test_strategy_edit_naming_an_unknown_actor_is_refused_by_the_scenario_checks():
    rows = [{"behaviour": "expeditionary", "params": {"ally": "nobody"}}]
    with pytest.raises(ScenarioError, match=r"actor\[north\]\.strategy: .*unknown actor 'nobody'"):
        build_spec(ABSTRACT, Edits(strategies={"north": rows}))


def test_strategy_edit_replaces_only_that_actor():
    spec = build_spec(ABSTRACT, Edits(strategies={"south": [{"behaviour": "forward_defence", "params": {"depth": "1"}}]}))
    base = load(ABSTRACT)
    south = {a.id: a for a in spec.actor}["south"]
    assert [(b.behaviour, b.params) for b in south.strategy] == [("forward_defence", {"depth": 1, "share": 0.3})]
    assert [a.strategy for a in spec.actor if a.id != "south"] == [a.strategy for a in base.actor if a.id != "south"]


@pytest.mark.parametrize("text", ["-1", "1.5", "abc", ""])
def test_bad_seeds_are_refused(text):
    with pytest.raises(ValueError, match="seed: must be a whole number >= 0"):
        parse_seed(text)


# --------------------------------------------------------------------------- figures


def test_abstract_regions_are_drawn_as_a_border_graph_and_levant_from_polygons():
    shapes = region_shapes(load(ABSTRACT))
    assert shapes.kind == "graph" and len(shapes.paths) == 12 and len(shapes.borders) > 0
    if LEVANT.is_file():
        spec = load(LEVANT)
        polygons = region_shapes(spec)
        assert polygons.kind == "polygons" and len(polygons.paths) == len(spec.region)


def test_geometry_without_a_polygon_for_a_region_is_an_error(tmp_path):
    geojson = tmp_path / "regions.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    spec = load(ABSTRACT).model_copy(update={"geometry": str(geojson)})
    with pytest.raises(ScenarioError, match="no polygon for region"):
        region_shapes(spec)


def test_map_colours_follow_the_holder_unchanged_and_marks_show_contested_and_divided_regions():
    run = start_run(ABSTRACT, "1")
    snapshot = run.history[0]
    control = np.zeros_like(snapshot.control)
    control[0] = 1.0  # 'north' holds everything
    control[:, 3] = 0.0
    control[-1, 3] = 1.0  # region 3 ungoverned
    control[:, 5] = 0.0
    control[0, 5], control[1, 5], control[-1, 5] = 0.4, 0.35, 0.25  # north holds 40%: divided
    contested = np.zeros_like(snapshot.contested)
    contested[[1, 4]] = True
    data = map_chart.map_option(run, dataclasses.replace(snapshot, control=control, contested=contested))["series"][0]["data"]
    colours = [d["itemStyle"]["areaColor"] for d in data]
    assert colours[3] == palette.UNGOVERNED and colours[5] == run.colours["north"]
    assert {c for k, c in enumerate(colours) if k != 3} == {run.colours["north"]}  # never paled
    decals = [d["itemStyle"].get("decal", {}) for d in data]
    assert [k for k, d in enumerate(decals) if d.get("dashArrayY") == map_chart.CONTESTED_DECAL["dashArrayY"]] == [1, 4]
    assert [k for k, d in enumerate(decals) if d.get("symbol") == "circle"] == [5]
    # north's colour is dark navy: its marks are white
    assert decals[1]["color"] == map_chart.mark_colour(run.colours["north"]) == "rgba(255, 255, 255, 0.8)"
    assert "north" in data[5]["tooltip"]["formatter"].lower() and "40%" in data[5]["tooltip"]["formatter"]


def test_the_map_outlines_are_one_feature_per_region():
    run = start_run(ABSTRACT, "1")
    shapes = map_chart.geojson(run.shapes, [r.id for r in run.spec.region])
    assert [f["properties"]["name"] for f in shapes["features"]] == [r.id for r in run.spec.region]
    ring = np.array(shapes["features"][0]["geometry"]["coordinates"][0][0])
    assert len(ring) >= 4 and np.allclose(ring[0], ring[-1])  # closed, curves flattened


def test_region_readout_and_actor_monitor_at_a_month_kept():
    run = start_run(ABSTRACT, "1")
    for _ in range(3):
        run.step()
    assert [s.step for s in run.history] == [0, 1, 2, 3]
    first = run.history[0]
    readout = run.region_readout(first, 0)
    assert readout["month"] == "2014-01" and sum(readout["shares"].values()) == pytest.approx(1.0)
    assert readout["holder"] == max(readout["shares"], key=readout["shares"].get)
    monitor = run.actor_monitor(run.history[2], "north")
    assert monitor["capability"] == pytest.approx(run.history[2].capability[0])
    assert monitor["power_share"] == pytest.approx(float(run.model.actor_records[2]["power_share"][0]))


def test_network_nodes_scale_with_capability_and_weak_ties_are_not_drawn():
    ids = ["a", "b", "c"]
    ties = np.array([[0, 0.6, 0.01], [0.6, 0, 0.2], [0.01, 0.2, 0]])
    option = network_chart.network_option(
        ids, palette.colour_map(ids), {}, np.array([4.0, 1.0, 1.0]), np.array([True, True, False]), ties,
        np.array([0, 0, 2]), 0.4, 4.0, "2014-01")
    nodes = option["series"][0]["data"]
    assert nodes[0]["symbolSize"] == pytest.approx(2 * nodes[1]["symbolSize"])  # area proportional to capability
    assert nodes[2]["itemStyle"]["opacity"] < 1.0
    links = {(link["source"], link["target"]): link for link in option["series"][0]["links"]}
    assert set(links) == {("a", "b"), ("b", "c")}
    assert links[("a", "b")]["lineStyle"]["width"] > links[("b", "c")]["lineStyle"]["width"]
    ring = nodes[0]["itemStyle"]["borderColor"]
    assert ring == nodes[1]["itemStyle"]["borderColor"] == palette.BLOC_COLOURS[0]
    assert nodes[2]["itemStyle"]["borderColor"] != ring


def test_series_have_one_point_per_month_and_gaps_for_absent_actors():
    records = [{"actor": np.array(["a"]), "power_share": np.array([1.0]), "territory_km2": np.array([1000.0]),
                "strategic_depth": np.array([np.inf])},
               {"actor": np.array(["a", "b"]), "power_share": np.array([0.6, 0.4]),
                "territory_km2": np.array([1000.0, 500.0]), "strategic_depth": np.array([2.0, 1.0])}]
    option = series_option(records, {"bloc_balance": [np.nan, 1.5], "battle_losses": [0.0, 0.2]}, ["a", "b"],
                           {"a": "#000000", "b": "#117733"}, {}, "2014-01", 12)
    lines = {(s["xAxisIndex"], s["name"]): s["data"] for s in option["series"]}
    assert lines[(0, "b")] == [None, 0.4]
    assert lines[(1, "a")] == [1.0, 1.0]  # thousands of km2
    assert lines[(2, "a")] == [None, 2.0]  # infinite depth is a gap
    assert len(option["xAxis"][0]["data"]) == 13
    json.dumps(option, allow_nan=False)


def test_event_log_is_newest_first_and_filtered_by_group():
    log = [{"kind": "entry", "actor": "a", "date": "2014-01"},
           {"kind": "control_change", "actor": "a", "other": "b", "region": "r1", "value": 0.6, "date": "2014-02"},
           {"kind": "war_start", "actor": "a", "other": "b", "date": "2014-03"}]
    picked = events.select(log, ["control", "entries and exits"])
    assert [e["kind"] for e in picked] == ["control_change", "entry"]
    text = events.describe(picked[0], {"r1": "Region One", "a": "Alpha", "b": "Beta"})
    assert text == "Region One: majority control from Beta to Alpha (60% share)"
    assert "&lt;b&gt;" in events.table_html([{"kind": "entry", "actor": "<b>", "date": "2014-01"}], {})


# --------------------------------------------------------------------------- results


SMALL = Path(__file__).parent / "data" / "batch_small.toml"


@pytest.fixture(scope="module")
def results_root(tmp_path_factory) -> Path:
    """A results folder with one small batch (two variants x two front speeds x two runs) at small/."""
    from experiments.batch.batch import run_batch
    from experiments.batch.config import load_experiment

    root = tmp_path_factory.mktemp("results")
    run_batch(load_experiment(SMALL), root / "small", "serial", progress=False)
    (root / "empty").mkdir()
    return root


def test_result_folders_are_the_batches_under_the_root(results_root):
    assert result_folders(results_root) == ["small"]


@pytest.mark.parametrize("name", ["..", "../..", "/etc", "small/../..", "~", "x" * 255 + "y", "a\0b", "nowhere", "empty"])
def test_names_outside_the_root_or_not_batches_are_refused_without_a_server_path(results_root, name):
    name = name.replace("\\0", "\0")
    with pytest.raises(ResultsError) as caught:
        open_batch(results_root, name)
    message = str(caught.value)
    assert str(results_root) not in message and "Traceback" not in message and "\n" not in message


def test_a_symbolic_link_out_of_the_root_is_refused(results_root, tmp_path):
    (results_root / "out").symlink_to(tmp_path, target_is_directory=True)
    try:
        with pytest.raises(ResultsError, match="not a batch result folder under the results folder"):
            confine(results_root, "out")
    finally:
        (results_root / "out").unlink()


def test_the_results_view_uses_the_statistics_of_compare(results_root):
    batch = open_batch(results_root, "small")
    assert batch.baseline == "base" and batch.factors == ["parameters.front_speed"]
    table = comparison(batch, "north.power_share.final")
    reference = compare(batch.outcomes[batch.outcomes["outcome"] == "north.power_share.final"], "base",
                        ["parameters.front_speed"], seed=batch.seed)
    pd.testing.assert_frame_equal(table.drop(columns="label"), reference)
    assert list(table["label"]) == ["base parameters.front_speed=0.2", "base parameters.front_speed=0.4",
                                    "strong_north parameters.front_speed=0.2", "strong_north parameters.front_speed=0.4"]
    assert degenerate_note(batch, "north.territory_km2.final") == "one value in every run (70,000)"


def test_trajectory_bands_span_every_kept_month_per_variant(results_root):
    batch = open_batch(results_root, "small")
    assert "north" in actors_in_series(batch)
    table = trajectory_bands(batch, "north", "power_share")
    # six months kept every second month: months 0, 2, 4, 6 for each of the two variants
    assert table.groupby("scenario").size().to_dict() == {"base": 4, "strong_north": 4}
    assert (table["low"] <= table["median"]).all() and (table["median"] <= table["high"]).all()


def test_results_view_opens_a_batch_and_refuses_a_traversal(results_root, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(results_root))
    from viz.results_view import ResultsView

    box, rc = solara.render(ResultsView(), handle_error=False)
    _button(rc, "Open").click()
    assert _messages(rc) == []
    assert "small: 8 runs, 2 variants, baseline base" in repr(rc.find(vw.CardTitle).widgets)
    rc.find(vw.TextField, label="batch folder, relative to the results folder").widget.v_model = "../../etc"
    _button(rc, "Open").click()
    assert _messages(rc) == ["'../../etc': not a batch result folder under the results folder"]
    rc.close()


# --------------------------------------------------------------------------- components (no browser)


def _month(rc) -> str:
    return [w for w in rc.find(vw.Html).widgets if "bopsim-month" in (w.class_ or "")][0].children[0]


def _run(rc) -> str:
    return [w for w in rc.find(vw.Html).widgets if "bopsim-run" in (w.class_ or "")][0].children[0]


def _pending(rc) -> bool:
    return any("Changes apply on Reset" in str(w.children[0]) for w in rc.find(vw.Alert).widgets)


def _messages(rc) -> list[str]:
    return [str(w.children[0]) for w in rc.find(vw.Alert).widgets if w.type == "error"]


@pytest.fixture
def explore(tmp_path, monkeypatch):
    """The explore tab rendered without a browser, on the abstract scenario only."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "abstract.toml").write_text(ABSTRACT.read_text())
    monkeypatch.setenv(SCENARIOS_ENV, str(folder))
    from viz.app import Explore

    box, rc = solara.render(Explore(), handle_error=False)
    yield rc
    rc.close()


def _button(rc, label):
    return rc.find(vw.Btn, children=[label]).widget


def test_stepping_moves_the_month_and_redraws_map_and_network(explore):
    from solara.components.echarts import EchartsWidget

    assert _month(explore) == "Month 2014-01 (month 0 of 36)"
    charts_before = [w.option for w in explore.find(EchartsWidget).widgets]
    for _ in range(6):
        _button(explore, "Step").click()
    assert _month(explore) == "Month 2014-07 (month 6 of 36)"
    charts_after = [w.option for w in explore.find(EchartsWidget).widgets]
    # map, network and series all redrawn
    assert len(charts_after) == 3 and all(a != b for a, b in zip(charts_before, charts_after, strict=True))


def test_play_advances_months_until_paused(explore, monkeypatch):
    import time

    import viz.controls

    monkeypatch.setattr(viz.controls, "SPEEDS", (100.0,))
    explore.find(vw.Select, label="speed (months per second)").widget.v_model = 8.0
    _button(explore, "Play").click()
    deadline = time.monotonic() + 20
    while _month(explore).startswith("Month 2014-0") and time.monotonic() < deadline:
        time.sleep(0.05)
    _button(explore, "Pause").click()
    time.sleep(0.3)  # the month stepped before the pause may still be drawn
    paused = _month(explore)
    assert not paused.startswith("Month 2014-0")
    time.sleep(0.3)
    assert _month(explore) == paused


def test_invalid_seed_shows_a_message_and_keeps_the_run(explore):
    _button(explore, "Step").click()
    explore.find(vw.TextField, label="seed").widget.v_model = "minus one"
    _button(explore, "Reset").click()
    assert any("seed: must be a whole number" in m for m in _messages(explore))
    assert _month(explore) == "Month 2014-02 (month 1 of 36)"
    explore.find(vw.TextField, label="seed").widget.v_model = "2"
    _button(explore, "Reset").click()
    assert _messages(explore) == []
    assert _month(explore) == "Month 2014-01 (month 0 of 36)"


def test_invalid_strategy_parameter_shows_a_message_and_a_valid_one_applies_on_reset(explore):
    field = explore.find(vw.TextField, label="north.home_defence.garrison").widget
    field.v_model = "lots"
    field.fire_event("focusout", None)
    _button(explore, "Reset").click()
    assert any("garrison" in m and "valid number" in m for m in _messages(explore))
    assert _run(explore) == "abstract.toml, seed 1"
    field = explore.find(vw.TextField, label="north.home_defence.garrison").widget
    field.v_model = "0.9"
    field.fire_event("focusout", None)
    assert _pending(explore)
    _button(explore, "Reset").click()
    assert _messages(explore) == [] and not _pending(explore)
    assert _run(explore) == "abstract.toml, seed 1; strategy edited: north"


# --------------------------------------------------------------------------- CLI


def test_dashboard_refuses_a_port_in_use_with_one_line(capsys):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"bopsim: error: --port: {port} is already in use on 127.0.0.1 (choose another with --port)"


def test_dashboard_refuses_a_missing_scenario_folder(tmp_path, capsys):
    assert main(["dashboard", "--scenarios", str(tmp_path / "none")]) == 2
    assert "--scenarios: not a folder" in capsys.readouterr().err


def test_a_run_steps_like_the_model_it_wraps():
    run = start_run(ABSTRACT, "5")
    reference = RegionalModel(load(ABSTRACT), rng=5)
    for _ in range(4):
        run.step()
        reference.step()
    assert np.array_equal(run.model.control, reference.control)
    assert model_option(run.model, run.colours, run.names)["series"]


# --------------------------------------------------------------------------- explorer controls


def test_every_numeric_global_parameter_is_a_control_with_its_range_from_the_model():
    from model.scenario import Parameters
    from viz.parameters import parameter_controls

    controls = {c.name: c for c in parameter_controls()}
    schema = Parameters.model_json_schema()["properties"]
    numeric = {n for n, p in schema.items() if p.get("type") in ("number", "integer")}
    assert numeric == set(controls)
    for name, control in controls.items():  # the bounds pydantic itself publishes for the field
        field = schema[name]
        assert control.low == field.get("minimum", field.get("exclusiveMinimum")), name
        assert control.high == field.get("maximum", field.get("exclusiveMaximum")), name
        assert control.low_open == ("exclusiveMinimum" in field) and control.meaning == field.get("description", "")
    share = controls["front_speed"]  # Share: ge=0, le=1
    assert (share.low, share.high, share.slider, share.range_text()) == (0.0, 1.0, True, "0 to 1")
    assert share.check(1.5) == "parameters.front_speed: must be 0 to 1, got 1.5" and share.check(0.5) is None
    # threat_range has a positive lower bound (model.limits.MIN_SCALE): 0 and negatives are refused
    assert controls["threat_range"].low > 0
    assert controls["threat_range"].check(0.0) and controls["threat_range"].check(-1.0)


def test_parameter_edits_and_switched_off_actors_apply_on_reset():
    edits = Edits(parameters={"front_speed": 0.5}, disabled=frozenset({"patron"}))
    run = start_run(ABSTRACT, "1", edits)
    assert run.spec.parameters.front_speed == 0.5
    assert "patron" not in run.actor_ids
    assert run.description == "abstract.toml, seed 1; parameters: front_speed; off: patron"
    with pytest.raises(ScenarioError, match="front_speed"):
        start_run(ABSTRACT, "1", Edits(parameters={"front_speed": 2.0}))


def test_a_saved_variant_extends_the_base_with_only_the_changes_and_runs(tmp_path, capsys):
    import tomllib

    from viz.variant import save_variant

    base = tmp_path / "abstract.toml"
    base.write_text(ABSTRACT.read_text())
    edits = Edits(parameters={"front_speed": 0.5}, disabled=frozenset({"patron"}),
                  strategies={"south": [{"behaviour": "forward_defence", "params": {"depth": "1"}}]})
    path = save_variant(base, "faster", edits)
    assert path.name == "abstract_faster.toml"
    document = tomllib.loads(path.read_text())
    assert document["extends"] == "abstract.toml" and document["parameters"] == {"front_speed": 0.5}
    assert document["actor"] == [{"id": "patron", "enabled": False},
                                 {"id": "south", "strategy": [{"behaviour": "forward_defence", "depth": 1, "share": 0.3}]}]
    assert load(path) == build_spec(base, edits).model_copy(update={"name": "abstract_faster",
                                                                     "description": document["description"]})
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--steps", "2"]) == 0
    with pytest.raises(ValueError, match="already exists"):
        save_variant(base, "faster", edits)
    with pytest.raises(ValueError, match="variant name: use lower-case"):
        save_variant(base, "../x", edits)
    with pytest.raises(ValueError, match="nothing to save"):
        save_variant(base, "same", Edits())


def test_series_table_follows_the_actors_shown_and_the_month_shown():
    from viz.series_chart import series_table

    run = start_run(ABSTRACT, "1")
    for _ in range(4):
        run.step()
    model = run.model
    table = series_table(model.actor_records[:3], model.datacollector.model_vars, run.actor_ids, run.names,
                         model.spec.start, ["north"])
    assert list(table["month"]) == ["2014-01", "2014-02", "2014-03"]
    name = run.names["north"]
    assert [c for c in table.columns if ":" in c] == [f"power share: {name}", f"territory (1,000 km²): {name}",
                                                      f"strategic depth (share of approaches): {name}"]
    option = model_option(model, run.colours, run.names, upto=2, shown=["north"], log_territory=True)
    assert len(option["series"]) == 5 and len(option["series"][0]["data"]) == 3
    assert option["yAxis"][1]["type"] == "log" and option["legend"]["data"] == [name]


def test_relation_and_tie_edits_apply_and_are_saved_with_a_source(tmp_path):
    import tomllib

    from viz.variant import save_variant

    base = tmp_path / "abstract.toml"
    base.write_text(ABSTRACT.read_text())
    edits = Edits(relations={("north", "south"): 0.8}, ties={("north", "south"): 0.6})
    spec = build_spec(base, edits)
    assert [r.value for r in spec.relation if {r.a, r.b} == {"north", "south"}] == [0.8]
    assert [t.strength for t in spec.tie if {t.a, t.b} == {"north", "south"}] == [0.6]
    document = tomllib.loads(save_variant(base, "friends", edits).read_text())
    assert document["relation"] == [{"a": "north", "b": "south", "value": 0.8,
                                     "source": "set in the dashboard (a counterfactual, not an observation)"}]
    assert load(tmp_path / "abstract_friends.toml").tie == spec.tie
    with pytest.raises(ValueError, match="edits name actors not in abstract.toml: nobody"):
        build_spec(base, Edits(ties={("nobody", "north"): 0.5}))


def test_scenario_errors_in_the_page_name_files_relative_to_the_scenario_folder(tmp_path):
    (tmp_path / "broken.toml").write_text("name = [")
    catalogue = discover(tmp_path)
    assert catalogue.problems and str(tmp_path) in catalogue.problems[0]
    shown = catalogue.relative(catalogue.problems[0])
    assert shown.startswith(f"{tmp_path.name}/broken.toml: not listed") and str(tmp_path) not in shown


def test_a_saved_variant_runs_in_a_batch(tmp_path):
    from experiments.batch.batch import run_batch
    from experiments.batch.config import load_experiment
    from viz.variant import save_variant

    base = tmp_path / "abstract.toml"
    base.write_text(ABSTRACT.read_text())
    save_variant(base, "slow_fronts", Edits(parameters={"front_speed": 0.1}))
    experiment = tmp_path / "experiment.toml"
    experiment.write_text('name = "saved_variant"\nroot_seed = 1\nreplications = 1\nsteps = 2\n\n'
                          '[[scenario]]\nfile = "abstract.toml"\nlabel = "base"\n\n'
                          '[[scenario]]\nfile = "abstract_slow_fronts.toml"\nlabel = "slow_fronts"\n')
    report = run_batch(load_experiment(experiment), tmp_path / "out", "serial", progress=False)
    assert (report.ran, report.failed) == (2, 0)
