"""The Levant pattern checks: the evaluator on hand-made tables, the catalogue's validation and its
agreement with the data it cites, the command line, and the Levant scenario against every pattern
(median over seeds 1-10, 36 months; each failure names the pattern's source)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bopsim.model.errors import UsageError
from bopsim.experiments.patterns.__main__ import main, parse_seeds
from bopsim.experiments.patterns.catalogue import check_against_scenario, load_catalogue
from bopsim.experiments.patterns.dyads import main as dyads_main
from bopsim.experiments.patterns.dyads import (CountryYear, actor_exchange, actor_forces, country_years, dyad_table,
                                              pair_deaths, side_ratio, sohr_side_ratio, ucdp_dyads)
from bopsim.experiments.patterns.evaluate import Geography, deaths_by_year, run_values, summarise
from bopsim.experiments.patterns.fit import COUNT_KINDS, default_steps, format_fit, pattern_distance, run_pattern_values
from bopsim.model import RegionalModel
from bopsim.model.scenario import load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scenarios" / "data"
LEVANT = ROOT / "scenarios" / "levant_2014.toml"
CATALOGUE = load_catalogue()
SEEDS = list(range(1, 11))
GOVERNORATE_OF = {r.id: r.part_of for r in load(LEVANT).region if r.part_of}
"""The governorate each region drawn as a part of one belongs to (`part_of`), by region id."""

# ----------------------------------------------------------------------------- hand-made run

HEADER = '[actors]\nisis = "isis"\nsyria_government = "syria"\nsdf_ypg = "ypg"\nopposition = "opposition"\n'
SOURCE = 'sources = ["x.csv:1"]\norganisation = "o"\nobserved = "o"\nbasis = "b"\n'


def _catalogue(tmp_path: Path, body: str):
    path = tmp_path / "patterns.toml"
    path.write_text(HEADER + body, encoding="utf-8")
    return load_catalogue(path)


def _pattern(kind: str, fields: str, low: str = "low = 0.0") -> str:
    return f'[[pattern]]\nid = "p"\nkind = "{kind}"\n{fields}\n{low}\n{SOURCE}'


@pytest.fixture
def run() -> dict[str, pd.DataFrame]:
    """Two regions of country AAA (areas 100 and 300 km2) and one of BBB, months 2014-12 .. 2016-01."""
    dates = [f"{2014 + (m + 11) // 12}-{(m + 11) % 12 + 1:02d}" for m in range(14)]  # 2014-12 .. 2016-01
    control = pd.DataFrame([
        # date, region, actor, share
        ("2015-01", "a1", "isis", 0.5), ("2015-01", "a1", "syria", 0.5),
        ("2015-01", "a2", "isis", 0.1), ("2015-01", "a2", "ypg", 0.9),
        ("2015-02", "a1", "isis", 0.25), ("2015-02", "a1", "syria", 0.75),
        ("2015-02", "a2", "ypg", 1.0),
        ("2015-03", "a1", "syria", 1.0), ("2015-03", "a2", "isis", 0.4), ("2015-03", "a2", "ypg", 0.6),
    ], columns=["date", "region", "actor", "share"])
    # one unit lost a month in a1 and a2 (10 deaths, all in fighting with a government), none in b1
    regions = pd.DataFrame([(d, r, *((1.0, 10.0, 10.0) if r != "b1" else (0.0, 0.0, 0.0)))
                            for d in dates for r in ("a1", "a2", "b1")],
                           columns=["date", "region", "losses", "battle_deaths", "state_based_deaths"])
    actors = pd.DataFrame([("2015-01", "isis", 25.0, 40_000.0, 30_000.0, 0.0), ("2015-01", "syria", 100.0, 60_000.0, 50_000.0, 30.0),
                           ("2015-02", "syria", 100.0, 60_000.0, 50_000.0, 20.0), ("2015-03", "syria", 100.0, 60_000.0, 50_000.0, 50.0),
                           ("2015-03", "ypg", 10.0, 9_000.0, 9_000.0, 5.0)],
                          columns=["date", "actor", "capability", "territory_km2", "settled_km2", "strike_deaths"])
    return {"control": control, "regions": regions, "actors": actors}


GEO = Geography(area_km2={"a1": 100.0, "a2": 300.0, "b1": 50.0}, country={"a1": "AAA", "a2": "AAA", "b1": "BBB"})


@pytest.mark.parametrize(("kind", "fields", "expected"), [
    # isis + ypg in a2 at 2015-01: 0.1 + 0.9
    ("region_share", 'regions = ["a2"]\nactors = ["isis", "sdf_ypg"]\ndate = "2015-01"', 1.0),
    # an actor holding nothing has share 0
    ("region_share", 'regions = ["a1"]\nactors = ["sdf_ypg"]\ndate = "2015-01"', 0.0),
    # isis in a1: 0.25 (2015-02) - 0.5 (2015-01)
    ("share_change", 'regions = ["a1"]\nactors = ["isis"]\nbefore = "2015-01"\nafter = "2015-02"', -0.25),
    # isis over a1, a2 and 2015-01..2015-03: largest 0.5 (a1, 2015-01), smallest 0 (a2 2015-02, a1 2015-03)
    ("region_share_extreme", 'regions = ["a1", "a2"]\nactors = ["isis"]\nstart = "2015-01"\nend = "2015-03"\nstatistic = "max"', 0.5),
    ("region_share_extreme", 'regions = ["a1", "a2"]\nactors = ["isis"]\nstart = "2015-01"\nend = "2015-03"\nstatistic = "min"', 0.0),
    # isis over AAA at 2015-01: (0.5 x 100 + 0.1 x 300) / 400 = 80 / 400
    ("country_share", 'country = "AAA"\nactors = ["isis"]\ndate = "2015-01"', 0.2),
    # 25 capability units x 1,000 fighters
    ("fighters", 'actors = ["isis"]\ndate = "2015-01"', 25_000.0),
    # territory outside desert: isis 30,000 + syria 50,000 km2; ypg absent counts 0
    ("territory", 'actors = ["isis", "syria_government", "sdf_ypg"]\ndate = "2015-01"', 80_000.0),
    # AAA, 2015: rows dated 2015-02 .. 2016-01 hold the twelve months of 2015; 2 regions x 10 deaths x 12
    ("battle_deaths", 'country = "AAA"\nyear = 2015', 240.0),
    # the fighting of December 2014 and January 2015 is in the rows dated 2015-01 and 2015-02: 30 + 20
    ("strike_deaths", 'actors = ["syria_government"]\nstart = "2014-12"\nend = "2015-01"', 50.0),
    # January and February 2015 (rows 2015-02 and 2015-03): syria 20 + 50, ypg 5; isis struck nobody
    ("strike_deaths", 'actors = ["syria_government", "sdf_ypg", "isis"]\nstart = "2015-01"\nend = "2015-02"', 75.0),
])
def test_value_of_each_kind(tmp_path, run, kind, fields, expected):
    catalogue = _catalogue(tmp_path, _pattern(kind, fields))
    assert run_values(catalogue, run, GEO)["p"] == pytest.approx(expected)


GEO_PARTS = Geography(area_km2=GEO.area_km2, country=GEO.country, parts={"g": ("a1", "a2")})
"""The same map, a1 and a2 being the parts of a region g of the sources (a governorate drawn as its districts)."""


@pytest.mark.parametrize(("kind", "fields", "expected"), [
    # isis in g at 2015-01, by area: (0.5 x 100 + 0.1 x 300) / 400
    ("region_share", 'regions = ["g"]\nactors = ["isis"]\ndate = "2015-01"', 0.2),
    # (0.25 x 100 + 0 x 300) / 400 = 0.0625 at 2015-02, less 0.2 at 2015-01
    ("share_change", 'regions = ["g"]\nactors = ["isis"]\nbefore = "2015-01"\nafter = "2015-02"', -0.1375),
    # ypg in g: 0.9 x 300 / 400 = 0.675, 300 / 400 = 0.75, 0.6 x 300 / 400 = 0.45: smallest 0.45 (not
    # the 0 of a1, a part on its own)
    ("region_share_extreme", 'regions = ["g"]\nactors = ["sdf_ypg"]\nstart = "2015-01"\nend = "2015-03"\nstatistic = "min"', 0.45),
    # a part of the map is still read on its own: a2 at 2015-01
    ("region_share", 'regions = ["a2"]\nactors = ["isis", "sdf_ypg"]\ndate = "2015-01"', 1.0),
])
def test_a_region_drawn_as_parts_is_read_over_its_parts(tmp_path, run, kind, fields, expected):
    catalogue = _catalogue(tmp_path, _pattern(kind, fields))
    assert run_values(catalogue, run, GEO_PARTS)["p"] == pytest.approx(expected)


@pytest.mark.parametrize(("kind", "fields"), [
    ("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2016-06"'),  # after the run's last month
    ("share_change", 'regions = ["a1"]\nactors = ["isis"]\nbefore = "2014-06"\nafter = "2015-01"'),  # before its first
    ("battle_deaths", 'country = "AAA"\nyear = 2014'),  # only December 2014 is simulated
    ("strike_deaths", 'actors = ["isis"]\nstart = "2015-12"\nend = "2016-01"'),  # January 2016's fighting is in 2016-02
    ("strike_deaths", 'actors = ["isis"]\nstart = "2014-11"\nend = "2014-12"'),  # the first row (2014-12) holds no fighting
])
def test_value_outside_the_run_is_nan(tmp_path, run, kind, fields):
    catalogue = _catalogue(tmp_path, _pattern(kind, fields))
    assert math.isnan(run_values(catalogue, run, GEO)["p"])


def test_deaths_count_only_the_fighting_with_a_government_on_a_side(run):
    # UCDP's battle-related deaths are state-based: of 10 deaths a month, 3 between two
    # non-governments are left out; 2015 in a1: 12 months x 7
    regions = run["regions"].assign(state_based_deaths=7.0)
    assert deaths_by_year(regions, ["a1"]).to_dict() == {2015: 84.0}


def test_summarise_takes_the_median_over_runs(tmp_path):
    catalogue = _catalogue(tmp_path, _pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2015-01"',
                                              "low = 0.2\nhigh = 0.4"))
    # runs 0.1, 0.3, 0.5 and one that cannot tell (NaN): median of three = 0.3, inside [0.2, 0.4]
    table = summarise(catalogue, pd.DataFrame({"p": [0.1, 0.3, 0.5, math.nan]}))
    row = table.iloc[0]
    assert (row["median"], row["runs"], bool(row["passed"])) == (pytest.approx(0.3), 3, True)
    assert row["q10"] == pytest.approx(0.14)  # 0.1 + 0.2 x (0.3 - 0.1)
    failed = summarise(catalogue, pd.DataFrame({"p": [0.5, 0.6]})).iloc[0]
    assert not failed["passed"]
    unknown = summarise(catalogue, pd.DataFrame({"p": [math.nan]})).iloc[0]
    assert unknown["runs"] == 0 and not unknown["passed"]
    assert "n/a" in format_fit(summarise(catalogue, pd.DataFrame({"p": [math.nan]})))


# ----------------------------------------------------------------------------- catalogue validation

@pytest.mark.parametrize(("body", "message"), [
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2017-02"'), "pattern[p]: date 2017-02 is outside 2014-01..2017-01"),
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]'), "kind region_share needs date"),
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2015-01"\nyear = 2015'), "takes no year"),
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["kurds"]\ndate = "2015-01"'), "actor 'kurds' is not in [actors]"),
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2015-01"', "low = 0.5\nhigh = 0.2"), "low 0.5 is above high 0.2"),
    (_pattern("share_change", 'regions = ["a1"]\nactors = ["isis"]\nbefore = "2015-03"\nafter = "2015-01"'), "before 2015-03 is not before after 2015-01"),
    (_pattern("battle_deaths", 'country = "AAA"\nyear = 2017'), "year"),
    (_pattern("strike_deaths", 'actors = ["isis"]\nstart = "2016-06"\nend = "2017-01"'),
     "pattern[p]: end 2017-01: its fighting is recorded in 2017-02 (after 2016 is held out)"),
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2015-01"', "") , "give low, high or both"),
    (_pattern("region_share", 'regions = ["a1"]\nactors = ["isis"]\ndate = "2015-1"'), "is not a month written YYYY-MM"),
])
def test_catalogue_mistakes_are_one_line_errors(tmp_path, body, message):
    with pytest.raises(UsageError) as caught:
        _catalogue(tmp_path, body)
    text = str(caught.value)
    assert text.startswith(str(tmp_path / "patterns.toml") + ": ") and message in text and "\n" not in text


def test_the_catalogue_reads_aleppo_over_its_districts():
    spec = load(LEVANT)
    check_against_scenario(CATALOGUE, spec)
    assert set(Geography.of(spec).drawn_as("sy_aleppo")) == {r.id for r in spec.region if r.part_of == "sy_aleppo"} != set()


def test_catalogue_names_only_regions_and_actors_of_the_levant_scenario():
    check_against_scenario(CATALOGUE, load(LEVANT))  # raises UsageError otherwise


def test_a_pattern_naming_an_unknown_region_is_refused(tmp_path):
    catalogue = _catalogue(tmp_path, _pattern("region_share", 'regions = ["iq_atlantis"]\nactors = ["isis"]\ndate = "2015-01"'))
    with pytest.raises(UsageError, match=r"pattern\[p\]\.regions: scenario levant_2014 has no region 'iq_atlantis'"):
        check_against_scenario(catalogue, load(LEVANT))


# ----------------------------------------------------------------------------- the catalogue agrees with its data

def _row(source: str) -> pd.Series:
    file, _, row = source.rpartition(":")
    table = pd.read_csv(DATA / file, dtype=str)
    assert 1 <= int(row) <= len(table), f"{source}: no such row"
    return table.iloc[int(row) - 1]


@pytest.mark.parametrize("pattern", CATALOGUE.pattern, ids=lambda p: p.id)
def test_cited_rows_exist_and_concern_the_pattern(pattern):
    # a row about a governorate concerns a pattern about one of its parts on the map (Ayn al-Arab in Aleppo)
    regions = {name for r in pattern.regions or () for name in (r, GOVERNORATE_OF.get(r, r))}
    for source in pattern.sources:
        row = _row(source)
        date = str(row.get("date", row.get("start_date", row.get("year"))))
        assert date[:4] <= "2016" or date == "2017-01-01", f"{source}: dated {date}, after 2016"
        if "region_control" in source and pattern.regions:
            assert set(str(row["region_id"]).split(";")) & regions, f"{source}: about {row['region_id']}"
        if "offensives" in source:
            assert set(str(row["region_ids"]).split(";")) & regions, f"{source}: about {row['region_ids']}"
        if "country_control" in source:
            assert row["country"] == pattern.country, f"{source}: about {row['country']}"


@pytest.mark.parametrize("pattern", [p for p in CATALOGUE.pattern if p.kind in COUNT_KINDS], ids=lambda p: p.id)
def test_numeric_ranges_follow_their_rule(pattern):
    row = _row(pattern.sources[0])
    if pattern.kind == "battle_deaths":  # factor of two around UCDP's best estimate, same country and year
        assert (row["location"], int(row["year"])) == ({"IRQ": "Iraq", "SYR": "Syria"}[pattern.country], pattern.year)
        best = float(row["brd_bd_best"])
        assert (pattern.low, pattern.high) == (best / 2, best * 2)
    elif pattern.kind == "strike_deaths":  # factor of two around SOHR's documented deaths of the strikes, same months
        civilians = _row(pattern.sources[1])
        assert (row["quantity"], civilians["quantity"]) == ("fighter_deaths_by_air_strikes", "civilian_deaths_by_air_strikes")
        assert (row["period_start"], row["date"]) == (civilians["period_start"], civilians["date"]) == ("2014-10-20", "2015-11-20")
        assert (pattern.start, pattern.end) == ("2014-11", "2015-11")  # 20 Oct and 20 Nov at the nearest month start
        documented = float(row["value"]) + float(civilians["value"])  # 3,702 fighters + 6,889 civilians = 10,591
        assert (pattern.low, pattern.high) == (documented / 2, documented * 2)
    elif pattern.kind == "fighters" and pattern.actors == ("isis",):  # the published range
        assert row["actor"] == "ISIS"
        assert (pattern.low, pattern.high) == (float(row["estimate_low"]), float(row["estimate_high"]))
    elif pattern.kind == "fighters" and pattern.actors == ("iraq_government",):  # personnel x the scenario's factor, within two
        quality = 0.162  # the scenario's: its starting capability 44 = NMC's 271,000 of 2014 x 0.162
        assert f"quality factor {quality}" in _capability_source("iraq")
        if "nmc" in pattern.sources[0]:  # NMC's personnel of the year (thousands), compared in July of that year
            assert (row["stateabb"], pattern.date) == ("IRQ", f"{row['year']}-07")
            personnel = float(row["milper"]) * 1000  # 2015: 178,000; 2016: 64,000
        else:  # the Washington Post of 27 Nov 2014: as few as 85,000 active troops after June
            assert (row["actor"], row["value"], pattern.date) == ("iraq_government", "85000", "2014-12")
            personnel = 85_000.0
        assert (pattern.low, pattern.high) == pytest.approx((personnel * quality / 2, personnel * quality * 2))
    elif pattern.kind == "fighters" and pattern.actors == ("pmf",):  # one count +- 25% x the scenario's factor
        quality = 0.5  # the scenario's: its starting capability 30 = 60,000 volunteers x 0.5
        assert f"quality factor {quality}" in _capability_source("pmf")
        assert (row["actor"], row["date"], pattern.date) == ("PMF", "2015", "2015-07")  # a year, compared in July
        fighters = float(row["point_estimate"])  # 100,000
        assert (pattern.low, pattern.high) == pytest.approx((fighters * 0.75 * quality, fighters * 1.25 * quality))
    elif pattern.kind == "fighters":  # the opposition, in the scenario's units: fighters x its quality factor
        quality = 0.4  # the scenario's: its starting capability 36 = 90,000 x 0.4
        assert pattern.actors == ("opposition",) and f"quality factor {quality}" in _capability_source("opposition")
        isw = _row(pattern.sources[-1])  # ISW, Dec 2016: the factions' fighters about 100,000
        assert (isw["actor"], isw["date"], float(isw["point_estimate"])) == ("Syrian opposition (armed factions)", "2016-12-17", 100_000)
        assert pattern.high == pytest.approx(100_000 * 1.25 * quality)  # 50,000
        if pattern.date == "2017-01":  # 17 Dec 2016 at the nearest month start
            assert pattern.low == pytest.approx(100_000 * 0.75 * quality)  # 30,000
        else:  # the JIC's 70,000 non-extremist fighters (26 Nov 2015) as the floor: 28,000
            assert (row["date"], pattern.date) == ("2015-11-26", "2015-12")
            assert pattern.low == pytest.approx(float(row["estimate_low"]) * quality)
    else:  # IHS km2 +- 20%
        assert "IHS" in row["source_org"]
        km2 = float(row["km2"])
        assert (pattern.low, pattern.high) == pytest.approx((0.8 * km2, 1.2 * km2))


def _capability_source(actor: str) -> str:
    """The source note of an actor's capability in the Levant scenario (how fighters became units)."""
    return next(a for a in load(LEVANT).actor if a.id == actor).sources["capability"]


# ----------------------------------------------------------------------------- command line

def test_parse_seeds():
    assert parse_seeds("1-3,7") == [1, 2, 3, 7]
    assert parse_seeds("4") == [4]
    for bad in ("", "a", "3-1", "1-"):
        with pytest.raises(ValueError, match="--seeds"):
            parse_seeds(bad)


@pytest.mark.parametrize(("argv", "message"), [
    (["missing.toml"], "missing.toml"),
    ([str(LEVANT), "--seeds", "x"], "--seeds"),
    ([str(LEVANT), "--steps", "0"], "--steps"),
    ([str(LEVANT), "--steps", "100000"], "--steps"),  # beyond limits.MAX_STEPS
    ([str(LEVANT), "--catalogue", "nowhere.toml"], "nowhere.toml: file not found"),
])
def test_bad_command_line_exits_2_with_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_command_prints_the_fit_table(capsys):
    assert main([str(LEVANT), "--seeds", "1", "--steps", "3"]) == 0
    out = capsys.readouterr().out
    # three months reach only the patterns of early 2014 or none: the rest print n/a
    assert "south_iraq_isis_trace" in out and "n/a" in out and "patterns pass" in out


def test_pattern_distance_by_hand():
    table = pd.DataFrame({
        "kind": ["territory", "territory", "region_share", "share_change", "region_share", "fighters"],
        "low": [50_000.0, 50_000.0, 0.75, float("nan"), 0.0, 20_000.0],
        "high": [80_000.0, 80_000.0, 1.0, -0.05, 0.05, 30_000.0],
        "median": [200_000.0, 60_000.0, 0.45, 0.15, float("nan"), 1.0],
    })
    distance = pattern_distance(table).tolist()
    # 200,000 against the upper bound 80,000: log2(2.5) = 1.32 doublings; 60,000 is inside
    assert distance[0] == pytest.approx(math.log2(2.5)) and distance[1] == 0.0
    # a share 0.30 below its range, in sixths of a governorate: 0.30 / 0.15 = 2
    assert distance[2] == pytest.approx(2.0)
    # a change of +0.15 where at most -0.05 was seen: 0.20 / 0.1 = 2
    assert distance[3] == pytest.approx(2.0)
    # not reached: the cap (3); 1 fighter against 20,000: log2(20,000) = 14.3, capped at 3
    assert distance[4] == 3.0 and distance[5] == 3.0


def test_screen_ranks_design_points_by_their_pattern_loss(tmp_path):
    from bopsim.experiments.batch.overrides import value_at
    from bopsim.experiments.patterns.screen import main as screen

    experiment = tmp_path / "screen.toml"
    experiment.write_text(
        f'name = "s"\nroot_seed = 1\n[[scenario]]\nfile = "{LEVANT.as_posix()}"\n[design]\nkind = "lhs"\nsamples = 2\n'
        '[[factor]]\npath = "actor.isis.capability"\nlow = 10.0\nhigh = 20.0\n'
        '[[factor]]\npath = "actor.isis.strategy.offensive.fronts"\nvalues = [1, 2]\n', encoding="utf-8")
    out = tmp_path / "screen.csv"
    assert screen([str(experiment), "--seeds", "1", "--refine", "1", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    # 2 design points + 1 refinement step from each of the (at most) two best
    assert len(table) == 4 and table["loss"].is_monotonic_increasing
    assert table["actor.isis.capability"].between(10.0, 20.0).all()
    assert table["actor.isis.strategy.offensive.fronts"].isin([1, 2]).all()
    assert screen([str(experiment), "--seeds", "1", "--out", str(out)]) == 2, "an existing --out is refused"
    # --start: no hypercube; the two best rows of a previous table are judged again and refined
    again = tmp_path / "again.csv"
    assert screen([str(experiment), "--seeds", "1", "--refine", "1", "--start", str(out), "--out", str(again)]) == 0
    restarted = pd.read_csv(again)
    best = table.sort_values("loss").head(2)
    assert len(restarted) == 4
    assert set(best["actor.isis.capability"].round(6)) <= set(restarted["actor.isis.capability"].round(6))
    # --from-scenario: both chains start at the scenario's values (ISIS's capability and fronts in levant_2014.toml)
    current = tmp_path / "current.csv"
    assert screen([str(experiment), "--seeds", "1", "--refine", "1", "--from-scenario", "--out", str(current)]) == 0
    started = pd.read_csv(current)
    spec = load(LEVANT)
    now = (started["actor.isis.capability"] == value_at(spec, "actor.isis.capability")) & (
        started["actor.isis.strategy.offensive.fronts"] == value_at(spec, "actor.isis.strategy.offensive.fronts"))
    assert len(started) == 4 and now.sum() >= 2
    bad = tmp_path / "bad.csv"
    bad.write_text("loss\n0.1\n", encoding="utf-8")
    assert screen([str(experiment), "--start", str(bad), "--out", str(tmp_path / "x.csv")]) == 2


def test_choose_checks_the_best_screen_rows_at_their_written_values(tmp_path):
    from bopsim.experiments.patterns.choose import main as choose

    experiment = tmp_path / "screen.toml"
    experiment.write_text(
        f'name = "s"\nroot_seed = 1\n[[scenario]]\nfile = "{LEVANT.as_posix()}"\n[design]\nkind = "lhs"\nsamples = 2\n'
        '[[factor]]\npath = "actor.isis.capability"\nlow = 10.0\nhigh = 20.0\n', encoding="utf-8")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("actor.isis.capability,loss,passed\n12.3456,0.5,30\n19.87654,0.4,31\n17.0,0.9,20\n", encoding="utf-8")
    second.write_text("actor.isis.capability,loss,passed\n19.87654,0.4,31\n", encoding="utf-8")
    out = tmp_path / "chosen.csv"
    assert choose([str(experiment), str(first), str(second), "--top", "2", "--seeds", "1", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    # the two rows of lowest loss, the duplicate dropped, each at 3 significant digits, judged again and
    # ordered by the loss of that judgement (the choice rule: lowest loss first)
    assert sorted(table["actor.isis.capability"]) == [12.3, 19.9]
    assert list(table["loss"]) == sorted(table["loss"])
    # judged again: the loss and the patterns are the run's, not the table's
    assert set(table["loss"]).isdisjoint({0.4, 0.5}) and table["failed"].str.contains("_").all()
    assert choose([str(experiment), str(first), "--seeds", "1", "--out", str(out)]) == 2, "an existing --out is refused"
    bad = tmp_path / "bad.csv"
    bad.write_text("loss\n0.1\n", encoding="utf-8")
    assert choose([str(experiment), str(bad), "--out", str(tmp_path / "x.csv")]) == 2


def test_screen_rows_are_judged_as_the_scenario_file_keeps_them():
    from bopsim.experiments.batch.config import Factor
    from bopsim.experiments.patterns.choose import as_written

    fronts = as_written(Factor(path="f", values=[1, 2, 3]), 2.0)
    assert fronts == 2 and isinstance(fronts, int)
    assert as_written(Factor(path="m", values=[1, 2.5]), 2.4) == 2.5  # the nearest listed value
    assert as_written(Factor(path="n", low=1, high=9, integer=True), 4.6) == 5
    assert as_written(Factor(path="x", low=0.1, high=1.0), 0.123456) == 0.123


def _chosen(tmp_path, **values) -> Path:
    table = tmp_path / "chosen.csv"
    pd.DataFrame([{**values, "loss": 0.1, "passed": 3}]).to_csv(table, index=False)  # all numeric: no str column
    return table


def test_adopt_writes_the_chosen_row_into_the_scenario_keeping_its_comments(tmp_path, capsys):
    from bopsim.experiments.batch.overrides import value_at
    from bopsim.experiments.patterns.adopt import main as adopt

    scenario = tmp_path / "abstract.toml"
    scenario.write_text((ROOT / "scenarios" / "abstract.toml").read_text(encoding="utf-8"), encoding="utf-8")
    scenario.chmod(0o644)
    chosen = {"parameters.attrition": 0.0421, "actor.north.capability": 38.5,
              "actor.insurgents.strategy.offensive.ratio": 1.7, "actor.insurgents.strategy.offensive.fronts": 2}
    assert adopt([str(_chosen(tmp_path, **chosen)), str(scenario)]) == 0
    spec = load(scenario)
    assert {path: value_at(spec, path) for path in chosen} == chosen
    text = scenario.read_text(encoding="utf-8")
    assert "# north row: nX (Northland)" in text, "the file's comments are kept"
    assert re.search(r"fronts = 2(?![.\d])", text), "a whole number stays whole"
    assert "4 values written" in capsys.readouterr().out
    assert scenario.stat().st_mode & 0o777 == 0o644, "the file keeps its permissions"


def test_adopt_says_when_a_value_lives_in_the_file_a_variant_extends(tmp_path, capsys):
    from bopsim.experiments.patterns.adopt import main as adopt

    (tmp_path / "abstract.toml").write_bytes((ROOT / "scenarios" / "abstract.toml").read_bytes())
    variant = tmp_path / "variant.toml"
    variant.write_text('extends = "abstract.toml"\nname = "variant"\n', encoding="utf-8")
    assert adopt([str(_chosen(tmp_path, **{"parameters.attrition": 0.04})), str(variant)]) == 2
    assert "the file this one extends" in capsys.readouterr().err
    assert variant.read_text(encoding="utf-8") == 'extends = "abstract.toml"\nname = "variant"\n'


@pytest.mark.parametrize("values, message", [
    ({"parameters.nope": 1.0}, "unknown model parameter 'nope'"),
    ({"actor.nobody.capability": 1.0}, "no actor 'nobody'"),
    ({"parameters.attrition": -0.5}, "attrition"),  # the loader refuses a negative share
    ({"loss_only": 1.0}, "no column names a scenario value"),
])
def test_adopt_refuses_a_bad_row_and_leaves_the_file_as_it_was(tmp_path, capsys, values, message):
    from bopsim.experiments.patterns.adopt import main as adopt

    scenario = tmp_path / "abstract.toml"
    original = (ROOT / "scenarios" / "abstract.toml").read_bytes()
    scenario.write_bytes(original)
    assert adopt([str(_chosen(tmp_path, **values)), str(scenario)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adopt: error: {scenario}: ") and message in err and err.count("\n") == 1
    assert scenario.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abstract.toml", "chosen.csv"], "nothing staged is left"


def test_unit_coordinates_invert_the_factor_scales():
    from bopsim.experiments.batch.config import Factor
    from bopsim.experiments.batch.design import scale, unit_of

    factors = [Factor(path="a", low=2.0, high=6.0), Factor(path="b", low=0.1, high=10.0, distribution="loguniform"),
               Factor(path="c", values=[1, 2, 3])]
    # uniform 2..6: 5 is at u = 3/4; log-uniform 0.1..10: 1 is at the middle; listed 2: middle of [1/3, 2/3)
    assert [unit_of(f, v) for f, v in zip(factors, [5.0, 1.0, 2])] == pytest.approx([0.75, 0.5, 0.5])
    for f, u in zip(factors, [0.3, 0.8, 0.9]):
        assert scale(f, unit_of(f, scale(f, u))) == pytest.approx(scale(f, u))


# ----------------------------------------------------------------------------- the Levant scenario

@pytest.fixture(scope="module")
def levant_values() -> pd.DataFrame:
    spec = load(LEVANT)
    assert default_steps(spec) == 36
    return run_pattern_values(spec, CATALOGUE, SEEDS, 36)


NO_VACUUM = ("no rule makes a government give up Kirkuk, so ISIS holds none of it, and the Iraqi army never leaves "
             "Kirkuk or the Nineveh plains, so the Peshmerga have no vacuum to fill and no Sinjar to retake (group A)")
IRAQ_ARMY = ("the Iraqi side is above its documented size and retakes Nineveh years early: the army does not collapse at "
             "Mosul and holds about 62,900 at the end of 2014, 76,600 in mid-2015 and 92,000 in mid-2016 (x 0.162; the "
             "sources: at most 27,540, 57,672 and 20,736), the PMF 85,900 in mid-2015 (x 0.5; at most 62,500); ISIS keeps "
             "0.15 of Nineveh in February 2015 and 0.01 in November 2016 (at least 0.2 and 0.05) (group K)")
SYRIA_WEIGHT = ("ISIS's campaigns go where the people are, not to the desert: it holds most of Hama and of Homs's city "
                "and western districts in mid-2015 while the government keeps Tadmur's desert (ISIS 0.19 of Homs, at least "
                "0.2), none of Rif Dimashq, the government's Deir ez-Zor enclave falls, and Palmyra is not lost again in "
                "December 2016 (group B)")
REGIME_REBELS = ("the balance between the government and the opposition is off by place and year: the government holds "
                 "0.30-0.36 of Syria in 2015-2016 (at most 0.21-0.29; Tadmur's desert is a sixth of Syria), the "
                 "opposition takes all of Daraa by late 2015 and a hair too much of Rif Dimashq in 2016, and eastern "
                 "Aleppo does not change hands (group C)")
KURDS_SYRIA = ("ISIS never besieges Ayn al-Arab (the YPG holds all of it), so there is no Kobani to retake; Tall Abyad "
               "and Shaddadi do not change hands on time, and the YPG's share of Syria is a little off in 2015 (group D)")
ISIS_PEAK = ("ISIS holds too much ground at its peak and has too many fighters in early 2016 (group G)")
OPPOSITION_GROWTH = ("the opposition's force grows from 36 to about 56 units, over the ceiling (in December 2015 one "
                     "borrowed from the end of 2016), and it ends 2016 with 22% of Syria where ISW gives it 15% (group J)")
KNOWN_MISSES = {
    **dict.fromkeys(["nineveh_peshmerga_2014_07", "kirkuk_peshmerga_2014_07", "kirkuk_isis_2014_07", "kirkuk_isis_2016_11",
                     "sinjar_retaken_2015_11"], NO_VACUUM),
    **dict.fromkeys(["iraq_forces_2014_12", "iraq_forces_2015_07", "iraq_forces_2016_07", "pmf_fighters_2015_07",
                     "nineveh_isis_2015_02", "nineveh_isis_2016_11"], IRAQ_ARMY),
    **dict.fromkeys(["homs_isis_2015_06", "hama_isis_2015_06", "rif_dimashq_isis_2015_06", "deir_ez_zor_syria_enclave",
                     "palmyra_falls_again_2016_12"], SYRIA_WEIGHT),
    **dict.fromkeys(["syria_government_2015_01", "syria_government_2015_08", "syria_government_2015_12",
                     "syria_government_2016_12", "daraa_opposition_2015_11", "rif_dimashq_opposition_2016_10",
                     "aleppo_city_syria_2016_12", "aleppo_city_opposition_2016_12"], REGIME_REBELS),
    **dict.fromkeys(["kobani_ypg_holds", "kobani_retaken_2015_01", "tall_abyad_2015_06", "shaddadi_2016_02",
                     "syria_ypg_2015_06", "syria_ypg_2015_12"], KURDS_SYRIA),
    "aleppo_turkey_2016_11": "Euphrates Shield's small force takes too little of Aleppo: 0.016 of the governorate, at least 0.044 (group E)",
    **dict.fromkeys(["isis_territory_2015_02", "isis_fighters_2016_01", "isis_fighters_2016_02"], ISIS_PEAK),
    **dict.fromkeys(["syria_opposition_2016_12", "opposition_fighters_2015_12", "opposition_fighters_2016_12"],
                    OPPOSITION_GROWTH),
}
"""Patterns today's Levant scenario misses, with the reason (docs/calibration.md, "Known misses").

Each is a strict expected failure: a change that makes one pass fails the test until the pattern
is taken off this list, so the list always says exactly what the model does not reproduce.
"""


def _judged(pattern):
    reason = KNOWN_MISSES.get(pattern.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(pattern, id=pattern.id, marks=marks)


def test_known_misses_name_patterns_of_the_catalogue():
    assert set(KNOWN_MISSES) <= {p.id for p in CATALOGUE.pattern}


@pytest.mark.slow
@pytest.mark.parametrize("pattern", [_judged(p) for p in CATALOGUE.pattern])
def test_levant_matches_pattern(levant_values, pattern):
    """Median over seeds 1-10 inside the pattern's range (docs/patterns.md)."""
    values = levant_values[pattern.id].dropna()
    assert len(values) == len(SEEDS), f"{pattern.id}: the 36-month run does not reach the pattern's months"
    median = float(values.median())
    assert pattern.accepts(median), (
        f"{pattern.id}: median {median:.4g} over seeds 1-10 outside [{pattern.low}, {pattern.high}]; "
        f"source: {pattern.organisation} ({'; '.join(pattern.sources)}): {pattern.observed}")


def test_docs_describe_every_pattern_with_its_range():
    rows = {line.split("`")[1]: line for line in (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")}
    missing = [p.id for p in CATALOGUE.pattern if p.id not in rows]
    assert not missing, f"docs/patterns.md lacks {missing}"
    for p in CATALOGUE.pattern:
        assert f"| {_doc_bound(p, p.low)} .. {_doc_bound(p, p.high)} |" in rows[p.id], f"docs/patterns.md: range of {p.id}"


def _doc_bound(pattern, bound: float | None) -> str:
    """A bound as docs/patterns.md writes it: counts with separators, changes signed, shares to 3 digits."""
    if bound is None:
        return "–"
    if pattern.kind in COUNT_KINDS:
        return f"{bound:,.0f}"
    return f"{bound:+.2f}" if pattern.kind == "share_change" else f"{bound:.3g}"


# ----------------------------------------------------------------------------- deaths by warring pair

def test_ucdp_dyads_name_the_scenarios_actors():
    dyads = ucdp_dyads().set_index(["location", "side_b", "year"])
    # UCDP BRD v24.1, conflict 299 (Government of Syria v Syrian insurgents), 2014: 57,948 (best)
    syria = dyads.loc[("Syria", "opposition", 2014)]
    assert syria["side_a"] == ("syria",) and syria["bd_best"] == 57_948
    # from 2015 Iran and Russia are secondary warring parties on the government's side
    assert dyads.loc[("Syria", "opposition", 2015), "side_a"] == ("syria", "iran", "russia")
    # Iraq v IS, 2014: twelve coalition governments; those the scenario lacks stand for the coalition (us)
    assert dyads.loc[("Iraq", "isis", 2014), "side_a"] == ("iraq", "us", "jordan", "saudi_arabia")
    # the YPG is UCDP's PYD to 2015 and SDF in 2016 (Government of Syria v SDF: 152)
    assert dyads.loc[("Syria", "ypg", 2016), "bd_best"] == 152
    # Turkey's conflict with ISIS is located in Turkey: left out
    assert "turkey" not in {a for side in dyads["side_a"] for a in side}


def test_pair_deaths_sum_both_directions_over_a_side():
    # actors a, b, c, d; yearly[row, column] = deaths of row to column
    yearly = np.array([[0, 1, 2, 3], [4, 0, 5, 6], [7, 8, 0, 9], [10, 11, 12, 0]], dtype=float)
    index = {"a": 0, "b": 1, "c": 2, "d": 3}
    # side (a, b) against d: a's and b's losses to d (3 + 6) and d's to a and b (10 + 11)
    assert pair_deaths(yearly, index, ("a", "b", "absent"), "d") == 30.0
    assert pair_deaths(yearly, index, ("a",), "absent") == 0.0


def test_dyads_command(capsys):
    assert dyads_main([str(LEVANT), "--seeds", "1", "--steps", "12"]) == 0
    out = capsys.readouterr().out
    assert "Syria: syria v opposition" in out and "2014" in out and "2015" not in out
    assert dyads_main([str(ROOT / "scenarios" / "abstract.toml"), "--steps", "12"]) == 0  # none of UCDP's parties
    assert "no UCDP dyad-year" in capsys.readouterr().out
    assert dyads_main([str(LEVANT), "--steps", "11"]) == 2
    assert dyads_main([str(LEVANT), "--steps", "100000"]) == 2  # beyond limits.MAX_STEPS
    assert dyads_main(["missing.toml"]) == 2
    assert dyads_main([str(LEVANT), "--actor", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 4 and "--steps" in err and "missing.toml" in err and "--actor: no actor 'nobody'" in err


def test_an_actors_exchange_and_forces_add_up():
    # `--actor`: one actor's deaths by opponent and country; summed, they are its losses to
    # hostile fire (dyad losses) times deaths per unit, over the months of the complete years
    spec = load(LEVANT)
    runs = [country_years(spec, 1, 12)]
    table = actor_exchange(spec, runs, "iran")
    model, iran = RegionalModel(spec, rng=1), [a.id for a in spec.actor].index("iran")
    lost = inflicted = forces = 0.0
    for _ in range(12):
        model.step()
        lost += model.battle.dyad_losses[iran].sum() * model.params.deaths_per_unit
        inflicted += model.battle.dyad_losses[:, iran].sum() * model.params.deaths_per_unit
        forces += model.deployment[iran].sum() / 12
    assert lost > 0 and inflicted > 0
    assert table["lost"].sum() == pytest.approx(lost) and table["inflicted"].sum() == pytest.approx(inflicted)
    assert set(table["country"]) <= {r.country for r in spec.region}
    # its ground forces by country add up to all of them, the year's mean
    stationed = actor_forces(spec, runs, "iran")
    assert stationed["forces"].sum() == pytest.approx(forces)
    assert (stationed["country"] == "IRN").any() and (stationed["forces"] > 0).all()


def test_the_governments_strike_deaths_are_part_of_what_it_inflicts():
    # The actor table's strike_deaths in a Levant run: the Syrian government's air campaign kills
    # every month it strikes, never more than all the government inflicts (its column of the dyad
    # losses x deaths per unit); the actors that fly no strikes kill nobody from the air.
    model = RegionalModel(load(LEVANT), rng=1)
    s = model.actor_index["syria"]
    for _ in range(24):
        model.step()
        inflicted = model.battle.dyad_losses[:, s].sum() * model.params.deaths_per_unit
        deaths = model.actor_records[-1]
        by_actor = dict(zip(deaths["actor"], deaths["strike_deaths"]))
        assert by_actor["syria"] == pytest.approx(model.battle.strike_kills[s] * model.params.deaths_per_unit)
        assert 0 < by_actor["syria"] <= inflicted * (1 + 1e-9)
        assert all(by_actor[a] == 0 for a, power in zip(deaths["actor"], deaths["strike_power"]) if power == 0)


def test_sohr_side_ratio_is_the_growth_of_its_tallies():
    # SOHR, 31 Jan 2014: government side 32,936 + 20,231 + 271 + 338 = 53,776; opposition side
    # 21,218 + 2,247 + 8,164 = 31,629. 13 Dec 2016: 60,309 + 42,627 + 1,387 + 5,330 = 109,653 and
    # 50,606 + 2,602 + 54,951 = 108,159. Between them: 55,877 / 76,530 = 0.7301
    ratio, first, last = sohr_side_ratio()
    assert (first, last) == ("2014-01-31", "2016-12-13")
    assert ratio == pytest.approx(55_877 / 76_530) and round(ratio, 3) == 0.730


def test_a_sohr_tally_without_a_side_is_refused(tmp_path):
    tallies = tmp_path / "sohr.csv"
    tallies.write_text("date,quantity,side,value\n2014-01-31,deaths_cumulative,government,10\n"
                       "2014-01-31,deaths_cumulative,opposition,5\n2016-12-13,deaths_cumulative,government,30\n",
                       encoding="utf-8")
    with pytest.raises(ValueError, match="sohr.csv: no opposition deaths in the tally of 2016-12-13"):
        sohr_side_ratio(tallies)


def test_side_ratio_sums_each_sides_losses_to_anyone():
    from types import SimpleNamespace

    spec = SimpleNamespace(actor=[SimpleNamespace(id=i) for i in ("syria", "isis", "opposition", "turkey")])
    # deaths[row, column]: row lost to column's fire, in Syria in 2014
    deaths = np.array([[0, 2, 3, 0], [4, 0, 1, 5], [6, 7, 0, 0], [0, 9, 0, 0]], dtype=float)
    run = {(2014, "SYR"): CountryYear(deaths, np.zeros(4)), (2014, "TUR"): CountryYear(deaths * 100, np.zeros(4))}
    # the government side is syria: its losses 2 + 3 = 5; the opposition side is isis and the opposition:
    # 4 + 1 + 5 and 6 + 7, 23 in all; turkey is on neither side, and the ground of TUR is not Syria's
    assert side_ratio(spec, run) == pytest.approx(5 / 23)
    # years add up: 2015 as 2014, twice over: (5 + 10) / (23 + 46); a year outside 2014-2016 counts nothing
    run[2015, "SYR"] = CountryYear(deaths * 2, np.zeros(4))
    run[2017, "SYR"] = CountryYear(deaths * 1000, np.zeros(4))
    assert side_ratio(spec, run) == pytest.approx(15 / 69)
    # no complete year, or nobody on the opposition side lost anyone (its rows zeroed): no ratio
    assert math.isnan(side_ratio(spec, {}))
    only_syria_and_turkey_lost = deaths * np.array([[1], [0], [0], [1]])
    assert math.isnan(side_ratio(spec, {(2014, "SYR"): CountryYear(only_syria_and_turkey_lost, np.zeros(4))}))


@pytest.fixture(scope="module")
def levant_years() -> list[dict]:
    """`country_years` of the Levant scenario, seeds 1-10, 2014-2016."""
    return [country_years(load(LEVANT), seed, 36) for seed in SEEDS]


@pytest.mark.slow
def test_deaths_by_side_in_syria_within_a_factor_two_of_sohr(levant_years):
    # Not a calibration pattern: SOHR's tallies (scenarios/data/sohr_syria_2014_2016.csv) count who
    # died on each side from 31 Jan 2014 to 13 Dec 2016: 0.73 government-side deaths for each
    # rebel, jihadist or SDF fighter. Accepted within a factor of two, as the deaths patterns are
    # against UCDP. The bound was set when the model had 1.30 (before the government's air campaign,
    # which passes too: the test guards against a model far from SOHR's ratio); the model has 1.06
    # (0.77 at the point before the pattern on the deaths of the government's air strikes)
    observed, _, _ = sohr_side_ratio()
    median = float(np.median([side_ratio(load(LEVANT), run) for run in levant_years]))
    assert observed / 2 <= median <= observed * 2, f"model {median:.2f} against SOHR {observed:.2f}"


def test_clashes_between_the_government_and_the_ypg_stay_clashes(levant_years):
    # The relation of the Syrian government and the YPG is coded as clashes (-0.3 in
    # levant_2014.toml: a UCDP dyad of 25-999 deaths a year; UCDP BRD v24.1 has 52 in 2014 and 84 in
    # 2015). Fighting at that intensity stays below 1,000 deaths a year, the band's upper end; the
    # model has 611 and 138 (seeds 1-10); when hostility only divided fire, 1,602 and 880
    table = dyad_table(load(LEVANT), levant_years, ucdp_dyads()).set_index(["side_b", "year"])
    for year in (2014, 2015):
        deaths = table.loc[("ypg", year), "model_mean"]
        assert deaths < 1_000, f"government v YPG, {year}: {deaths:,.0f} deaths, a war's scale"
