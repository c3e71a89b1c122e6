"""`bopsim figures`: every figure is built from its experiment, reproducibly, and draws the right data.

The figures are built once per module at a tiny scale (2 replications, 6 months, 2 Morris
trajectories) through the same code path as `bopsim figures --quick`.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from bopsim.experiments.cli import main
from bopsim.experiments.figures.build import build_figures
from bopsim.experiments.figures.registry import FLAGSHIP, NAMES
from bopsim.experiments.figures.sources import Scale
from bopsim.model.scenario import load

ROOT = Path(__file__).resolve().parents[1]
TINY = Scale(replications=2, steps=6, samples=2)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    return out, build_figures(out, quick=True, scale=TINY, workers=2)


def _data(out, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "data" / f"{name}.csv")


def _store(out, experiment: str):
    return out / "runs" / "quick" / experiment


def test_every_figure_is_a_pdf_with_embedded_truetype_fonts_and_a_png(built):
    out, manifest = built
    assert set(manifest["figures"]) == set(NAMES)
    for name in NAMES:
        pdf = (out / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf and b"/Type3" not in pdf
        image = imread(out / f"{name}.png")
        assert image.shape[0] > 200 and image.shape[1] > 200


def test_manifest_hashes_the_exact_table_drawn(built):
    out, manifest = built
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    for name, entry in manifest["figures"].items():
        assert entry["data_hash"] == hashlib.sha256((out / entry["data"]).read_bytes()).hexdigest()
        assert len(entry["experiment_hash"]) == 16
        assert entry["command"].startswith(f"bopsim figures --quick --only {name} --out ")


def test_two_builds_give_the_same_data_hashes(built, tmp_path):
    _, first = built
    second = build_figures(tmp_path, quick=True, scale=TINY, workers=2)
    for name in NAMES:
        assert second["figures"][name]["data_hash"] == first["figures"][name]["data_hash"], name
        assert second["figures"][name]["experiment_hash"] == first["figures"][name]["experiment_hash"]


def test_rebuild_reuses_the_result_store(built):
    out, manifest = built
    runs = _store(out, FLAGSHIP.removesuffix(".toml")) / "runs"
    stamp = {p.name: p.stat().st_mtime_ns for p in runs.iterdir()}
    again = build_figures(out, quick=True, only="fig2_isis_territory", scale=TINY, workers=2)
    assert {p.name: p.stat().st_mtime_ns for p in runs.iterdir()} == stamp
    assert again["figures"]["fig2_isis_territory"]["data_hash"] == manifest["figures"]["fig2_isis_territory"]["data_hash"]
    assert set(again["figures"]) == set(NAMES)  # --only updates one entry, keeps the others


def test_territory_band_is_the_median_of_the_runs(built):
    out, _ = built
    band = _data(out, "fig2_isis_territory").dropna(subset=["median"]).set_index("date")
    actors = pd.read_parquet(_store(out, FLAGSHIP.removesuffix(".toml")) / "actors.parquet")
    historical = actors[actors["scenario"] == "historical"]
    runs = sorted(set(historical["run_id"]))
    for date, row in band.iterrows():
        held = historical[(historical["date"] == date) & (historical["actor"] == "isis")].set_index("run_id")["settled_km2"]
        values = [float(held.get(run, 0.0)) for run in runs]
        assert row["median"] == pytest.approx(float(np.median(values)))
        assert row["low"] <= row["median"] <= row["high"]
    observed = _data(out, "fig2_isis_territory").dropna(subset=["observed_km2"])
    assert observed["observed_km2"].tolist() == [90800, 78000, 68300, 65500, 60400]


def test_variant_effects_are_differences_of_means(built):
    out, _ = built
    effects = _data(out, "fig4_variant_effects")
    outcomes = pd.read_parquet(_store(out, FLAGSHIP.removesuffix(".toml")) / "outcomes.parquet")
    row = effects[(effects["outcome"] == "iran.power_share.final") & (effects["scenario"] == "iran_passive")].iloc[0]
    mean = outcomes[outcomes["outcome"] == "iran.power_share.final"].groupby("scenario")["value"].mean()
    assert row["diff"] == pytest.approx(mean["iran_passive"] - mean["historical"])
    assert row["diff_low"] <= row["diff"] <= row["diff_high"]
    assert "historical" not in set(effects["scenario"])


def test_phase_cells_are_means_over_replications(built):
    out, _ = built
    cells = _data(out, "fig7_phase_diagram")
    assert len(cells) == 36 and set(cells["n"]) == {2}
    outcomes = pd.read_parquet(_store(out, "fig_phase") / "outcomes.parquet")
    rows = outcomes[(outcomes["outcome"] == "iran.power_share.final")
                    & (outcomes["actor.iran.strategy.forward_defence.share"] == 0.04)
                    & (outcomes["actor.iran.strategy.alliance_building.aid_share"] == 0.2)]
    cell = cells[(cells["forward_share"] == 0.04) & (cells["aid_share"] == 0.2)].iloc[0]
    assert cell["mean"] == pytest.approx(rows["value"].mean())


def test_map_starts_from_the_scenarios_control(built):
    out, _ = built
    regions = _data(out, "fig1_levant_map")
    regions_on_the_map = len(load(ROOT / "scenarios" / "levant_2014.toml").region)  # 73: Aleppo as six, Homs as two
    assert regions["date"].nunique() == 4 and regions.groupby("date").size().eq(regions_on_the_map).all()
    start = regions[regions["date"] == "2014-01"].set_index("region")
    # levant_2014.toml: ISIS holds 0.6 of Raqqa in January 2014, Iran all of its provinces
    assert (start.loc["sy_raqqa", "holder"], start.loc["sy_raqqa", "share"]) == ("isis", pytest.approx(0.6))
    assert (start.loc["ir_kermanshah", "holder"], start.loc["ir_kermanshah", "share"]) == ("iran", 1.0)


def test_network_has_three_dates_and_only_ties_above_the_drawing_floor(built):
    out, _ = built
    table = _data(out, "fig5_alliance_network")
    assert table["date"].nunique() == 3
    assert (table.loc[table["kind"] == "tie", "tie"] >= 0.05).all()
    assert table[table["kind"] == "node"].groupby("date").size().eq(16).all()


def test_sensitivity_has_morris_indices_for_every_factor(built):
    out, _ = built
    table = _data(out, "fig6_sensitivity")
    assert set(table["index"]) == {"mu_star", "sigma"}
    screen = tomllib.loads((ROOT / "experiments" / "configs" / "levant_pattern_screen.toml").read_text())["factor"]
    assert table.groupby("outcome")["factor"].nunique().eq(len(screen) + 2).all()  # the screen's factors and Iran's two levers
    assert (table.loc[table["index"] == "mu_star", "value"] >= 0).all()
    # the bars of the calibration's free parameters are told apart: exactly its priors
    calibration = tomllib.loads((ROOT / "experiments" / "configs" / "levant_calibration.toml").read_text())
    assert set(table.loc[table["free"], "factor"]) == {prior["path"] for prior in calibration["prior"]}


def test_unknown_figure_is_a_usage_error(tmp_path, capsys):
    assert main(["figures", "--quick", "--only", "fig9", "--out", str(tmp_path / "f")]) == 2
    assert "no figure 'fig9'" in capsys.readouterr().err
    assert not (tmp_path / "f").exists()
