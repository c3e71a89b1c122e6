"""The Levant 2014 scenario and its variants load and run; the calibration observations come from the copied files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from bopsim.experiments.batch.overrides import value_at
from bopsim.experiments.calibration import comparison_month, observed_deaths, observed_fighters, observed_territory
from bopsim.model import RegionalModel
from bopsim.model.scenario import load

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASE = SCENARIOS / "levant_2014.toml"
VARIANTS = sorted(SCENARIOS.glob("levant_2014_*.toml"))
GOVERNORATES = SCENARIOS / "levant_governorates_2014.toml"
"""The coarser map, Aleppo as one region, at today's point: a robustness check of the map's resolution."""
DATA = SCENARIOS / "data"


@pytest.fixture(scope="module")
def base():
    return load(BASE)


def test_five_variants_exist():
    assert {p.stem for p in VARIANTS} == {
        "levant_2014_iran_passive", "levant_2014_iran_forward_only", "levant_2014_iran_alliance_only",
        "levant_2014_no_russia", "levant_2014_no_us_coalition",
    }


def test_base_has_the_brief_shape(base):
    assert (base.start, base.steps) == ("2014-01", 72)
    assert len(base.region) == 73 and Path(base.geometry).is_file()
    kinds = {a.id: a.kind for a in base.actor}
    assert {k for k, v in kinds.items() if v == "external"} == {"us", "russia"}
    assert all("capability" in a.sources for a in base.actor)
    baghdad = next(r for r in base.region if r.id == "iq_baghdad")
    assert baghdad.area_km2 == 4555  # the published area, not the 659 km2 polygon


def test_the_map_draws_aleppo_as_its_districts(base):
    districts = pd.read_csv(DATA / "aleppo_districts.csv")
    split = [r for r in base.region if r.id in set(districts["id"])]
    assert len(split) == 6 and not any(r.id == "sy_aleppo" for r in base.region)
    assert {r.part_of for r in split} == {"sy_aleppo"}
    # the governorate's published area (en.wikipedia 'Aleppo Governorate') and its population of
    # end-2011 (4,868,000) shared out by the 2004 census: six roundings of at most 0.5 each
    assert sum(r.area_km2 for r in split) == pytest.approx(18_482)
    assert abs(sum(r.population for r in split) - 4_868_000) <= 3
    drawn = {f["properties"]["id"] for f in json.loads(Path(base.geometry).read_text(encoding="utf-8"))["features"]}
    assert drawn == {r.id for r in base.region}
    borders = {frozenset((b.a, b.b)) for b in base.border}
    assert frozenset(("sy_kobani", "tr_sanliurfa")) in borders and frozenset(("sy_afrin", "tr_hatay")) in borders


def test_the_map_draws_homs_as_the_desert_and_the_west(base):
    split = {r.id: r for r in base.region if r.part_of == "sy_homs"}
    assert set(split) == {"sy_tadmur", "sy_homs_west"} and not any(r.id == "sy_homs" for r in base.region)
    # Tadmur District's published 30,823.49 km2 (en.wikipedia 'Tadmur District'); the west the rest of 40,940
    assert split["sy_tadmur"].area_km2 == pytest.approx(30_823.49)
    assert sum(r.area_km2 for r in split.values()) == pytest.approx(40_940)
    # end-2011 population 1,803,000 shared by the 2004 census: Tadmur 76,942 of 1,521,412 (5.06%)
    assert split["sy_tadmur"].population == round(1_803_000 * 76_942 / 1_521_412)
    assert sum(r.population for r in split.values()) == pytest.approx(1_803_000, abs=1)
    # the governorate's desert area (0.23 of it) placed in Tadmur: 0.23 x 40,940 / 30,823.49 = 0.305
    assert (split["sy_tadmur"].desert_share, split["sy_homs_west"].desert_share) == (0.31, 0.0)
    borders = {frozenset((b.a, b.b)) for b in base.border}
    assert {frozenset(("sy_tadmur", "iq_anbar")), frozenset(("sy_tadmur", "sy_deir_ez_zor")),
            frozenset(("sy_homs_west", "lb_lebanon")), frozenset(("sy_homs_west", "sy_tartus")),
            frozenset(("sy_tadmur", "sy_homs_west"))} <= borders
    assert frozenset(("sy_tadmur", "lb_lebanon")) not in borders


def test_the_map_files_are_what_their_derivation_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("derive_levant_regions", DATA / "derive_levant_regions.py")
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    derive.main(tmp_path)
    for name in ("levant_regions.csv", "levant_regions_districts.csv", "levant_adjacency_districts.csv",
                 "levant_regions_districts.geojson"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name}: run scenarios/data/derive_levant_regions.py"


def test_the_governorate_map_replaces_the_districts_by_aleppo_and_homs(base):
    coarse = load(GOVERNORATES)
    assert len(coarse.region) == 67 and {r.id for r in coarse.region} - {r.id for r in base.region} == {"sy_aleppo", "sy_homs"}
    assert not any(r.part_of for r in coarse.region)
    assert [a.id for a in coarse.actor] == [a.id for a in base.actor] and coarse.parameters == base.parameters


@pytest.mark.parametrize("path", [BASE, *VARIANTS, GOVERNORATES], ids=lambda p: p.stem)
def test_scenario_loads_and_runs(path):
    model = RegionalModel(load(path), rng=1)
    model.run_for(3)
    assert model.steps == 3
    assert model.control.sum(axis=0) == pytest.approx(1.0)


def _dump(spec) -> dict:
    """The spec as a dictionary with actors and events keyed by id."""
    raw = spec.model_dump(exclude={"name", "description"})
    raw["actor"] = {a["id"]: a for a in raw["actor"]}
    raw["event"] = {e["id"]: e for e in raw["event"]}
    raw["relation"] = {frozenset((r["a"], r["b"])): r for r in raw["relation"]}
    raw["tie"] = {frozenset((t["a"], t["b"])): t for t in raw["tie"]}
    return raw


def _differences(base, variant) -> set[str]:
    """Names of top-level fields, actors, events, relations and ties that differ."""
    a, b = _dump(base), _dump(variant)
    out = {key for key in a if key not in ("actor", "event", "relation", "tie") and a[key] != b[key]}
    for key in ("actor", "event", "relation", "tie"):
        for item in a[key].keys() | b[key].keys():
            if a[key].get(item) != b[key].get(item):
                out.add(f"{key}:{'-'.join(sorted(item)) if isinstance(item, frozenset) else item}")
    return out


def _naming(raw: dict, actor: str) -> set[str]:
    """The relations and ties of `raw` (see `_dump`) that name `actor`, as `_differences` names them."""
    return {f"{key}:{'-'.join(sorted(pair))}" for key in ("relation", "tie") for pair in raw[key] if actor in pair}


@pytest.mark.parametrize("stem", ["iran_passive", "iran_forward_only", "iran_alliance_only"])
def test_iran_variants_change_only_irans_strategy(base, stem):
    variant = load(SCENARIOS / f"levant_2014_{stem}.toml")
    assert _differences(base, variant) == {"actor:iran"}
    before = _dump(base)["actor"]["iran"]
    after = _dump(variant)["actor"]["iran"]
    assert {k for k in before if before[k] != after[k]} == {"strategy"}
    behaviours = {b.behaviour for b in next(a for a in variant.actor if a.id == "iran").strategy}
    expected = {"iran_passive": {"passive"},
                "iran_forward_only": {"home_defence", "forward_defence"},
                "iran_alliance_only": {"home_defence", "alliance_building"}}[stem]
    assert behaviours == expected


@pytest.mark.parametrize(("stem", "actor"), [("no_russia", "russia"), ("no_us_coalition", "us")])
def test_external_variants_drop_only_the_actor(base, stem, actor):
    variant = load(SCENARIOS / f"levant_2014_{stem}.toml")
    raw = _dump(base)
    events = {f"event:{e.id}" for e in base.event if actor in (e.actor, e.other)}
    assert _differences(base, variant) == {f"actor:{actor}"} | _naming(raw, actor) | events
    assert actor not in {a.id for a in variant.actor}


# ----------------------------------------------------------------------------- calibration scoring


def test_observations_come_from_the_copied_files():
    territory = observed_territory()
    assert territory["km2"].tolist() == [90800, 78000, 68300, 65500, 60400]
    assert territory["model_date"].tolist() == ["2015-02", "2016-01", "2016-07", "2016-10", "2017-01"]
    deaths = observed_deaths()
    assert deaths.set_index("year")["deaths"].to_dict() == {2014: 13797 + 65336, 2015: 10981 + 50174, 2016: 9775 + 43650}


def test_fighter_ranges_come_from_the_forces_file():
    """The four dated 2014-2016 ranges (CIA, DoD, US IC, CJTF-OIR); outliers, point and one-sided
    figures and the CENTCOM "core fighters" subset are left out."""
    fighters = observed_fighters()
    assert fighters["date"].tolist() == ["2014-09-11", "2016-01-06", "2016-02-04", "2016-08-10"]
    assert fighters["low"].tolist() == [20000, 20000, 19000, 15000]
    assert fighters["high"].tolist() == [31500, 30000, 25000, 30000]
    assert fighters["model_date"].tolist() == ["2014-09", "2016-01", "2016-02", "2016-08"]


def test_calibrated_point_lies_in_the_screen_ranges(base):
    """The values written into the scenario are inside the ranges of the pattern screen."""
    import tomllib

    config = tomllib.loads((SCENARIOS.parent / "experiments" / "configs" / "levant_pattern_screen.toml").read_text())
    for factor in config["factor"]:
        value = value_at(base, factor["path"])
        if "values" in factor:
            assert value in factor["values"], factor["path"]
        else:
            assert factor["low"] * 0.995 <= value <= factor["high"] * 1.005, factor["path"]


def test_figure_6_spans_every_factor_of_the_pattern_screen():
    """Figure 6 decides which held parameters are freed (docs/calibration.md, the second rule): it
    must move every factor of the pattern screen over the screen's own range."""
    import tomllib

    configs = SCENARIOS.parent / "experiments" / "configs"
    screen = tomllib.loads((configs / "levant_pattern_screen.toml").read_text())["factor"]
    figure = {f["path"]: f for f in tomllib.loads((configs / "fig_sensitivity.toml").read_text())["factor"]}
    for factor in screen:
        assert factor["path"] in figure, f"fig_sensitivity.toml lacks {factor['path']}"
        assert {k: v for k, v in figure[factor["path"]].items() if k != "path"} == \
            {k: v for k, v in factor.items() if k != "path"}, factor["path"]


def test_the_air_support_flagship_is_the_flagship_at_the_point_it_names():
    """`make run-air-support` must differ from `make run-point` only by its point, and that point must
    be the first row of the trial's chosen table (docs/calibration.md, "Air support in the contest")."""
    import tomllib

    import pandas as pd

    configs = SCENARIOS.parent / "experiments" / "configs"
    flagship = tomllib.loads((configs / "levant_strategies.toml").read_text())
    trial = tomllib.loads((configs / "levant_strategies_air_support.toml").read_text())
    assert {k: v for k, v in trial.items() if k not in ("name", "description", "factor")} == \
        {k: v for k, v in flagship.items() if k not in ("name", "description")}
    chosen = pd.read_csv(SCENARIOS.parent / "docs" / "calibration_trials" / "air_support_chosen.csv").iloc[0]
    point = {f["path"]: f["value"] for f in trial["factor"]}
    assert set(point) == set(chosen.index) - {"loss", "passed", "failed"}
    assert point["parameters.air_support"] > 0
    for path, value in point.items():
        assert value == pytest.approx(chosen[path]), path


def test_observations_after_2016_are_refused(tmp_path):
    path = tmp_path / "late.csv"
    path.write_text("date,km2,source_org\n2017-03,50000,IHS Markit\n", encoding="utf-8")
    with pytest.raises(ValueError, match="held out"):
        observed_territory(path)
    with pytest.raises(ValueError, match="held out"):
        observed_deaths(years=(2016, 2017))


@pytest.mark.parametrize(("date", "month"), [("2015-01", "2015-02"), ("2016-07-04", "2016-07"), ("2016-07-20", "2016-08")])
def test_comparison_month(date, month):
    assert comparison_month(date) == month
