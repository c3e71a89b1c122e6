"""Battle deaths by warring pair, against UCDP's dyadic series (a diagnostic, not a calibration target).

python -m bopsim.experiments.patterns.dyads SCENARIO [--seeds 1-10] [--steps 36] [--actor ID]

The deaths patterns compare each country's state-based battle deaths with UCDP's; this table
splits them the way UCDP does, by conflict: for each UCDP dyad-year of the conflicts located in
Iraq and Syria in 2014-2016 (`scenarios/data/ucdp_brd_dyadic_2010_2016.csv`: a government, the
governments UCDP lists as its secondary warring parties that year, against one opponent), the
model's deaths between those actors in that calendar year in the countries UCDP gives as the
dyad's battle locations (Iraq's conflict with ISIS was fought in Iraq and Syria; the Syrian
government's in Syria). Conflicts located elsewhere are left out, Turkey's with ISIS among them
(located in Turkey, fought mostly in Syria).
Pro-government forces that are not governments (the PMF, Hezbollah) are on no UCDP side, as
they are on no side of the deaths patterns (ODD 7.4). Model deaths of a pair are
both sides' losses to each other there (`Battle.dyad_losses_in`) x `deaths_per_unit`; shown are the mean
and the 10-90% range over the seeds. `--actor ID` adds that actor's deaths and the deaths it
inflicted, by opponent, country and year (where its forces fought, and at what exchange), and its
ground forces by country and year (a state's home country included). The last line sets the
deaths of the two sides of the Syrian Observatory for Human Rights' tallies in Syria (the
government's side; the rebels, jihadists and SDF) against each other, beside SOHR's ratio between
its tallies of 31 January 2014 and 13 December 2016 (`scenarios/data/sohr_syria_2014_2016.csv`;
SOHR counts who died on each side, not who killed them). Exit 0 when it printed, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from bopsim.model.scenario import ScenarioSpec

DYADIC_FILE = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "ucdp_brd_dyadic_2010_2016.csv"
SOHR_FILE = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "sohr_syria_2014_2016.csv"

SOHR_SIDES = {"government": ("syria", "hezbollah", "iran", "russia"), "opposition": ("opposition", "isis", "ypg")}
"""The Syrian Observatory's two sides of its death tallies -> the scenario's actors: regime soldiers,
pro-regime militias, Hezbollah and non-Syrian pro-regime fighters; rebel and Islamic factions with
the SDF (the YPG), defected soldiers and the non-Syrian fighters of ISIS, al-Nusra and others."""

UCDP_ACTORS = {
    "Government of Iraq": "iraq", "Government of Syria": "syria", "Government of Iran": "iran",
    "Government of Russia (Soviet Union)": "russia", "Government of Turkey": "turkey",
    "Government of Saudi Arabia": "saudi_arabia", "Government of Jordan": "jordan",
    "Government of Israel": "israel", "Government of Lebanon": "lebanon",
    "Government of United States of America": "us", "IS": "isis", "Syrian insurgents": "opposition", "PYD": "ypg",
    "SDF": "ypg",
}
"""UCDP party names -> the Levant scenario's actors."""

COALITION = "us"
"""The scenario's actor for the US-led coalition: other governments UCDP lists beside the US stand for it."""

COUNTRY_CODES = {"Iraq": "IRQ", "Syria": "SYR", "Lebanon": "LBN", "Jordan": "JOR", "Turkey": "TUR", "Iran": "IRN",
                 "Israel": "ISR", "Saudi Arabia": "SAU", "Kuwait": "KWT"}
"""UCDP battle-location names -> the region table's country codes (ISO3); others lie off the map."""


def ucdp_dyads(path: Path = DYADIC_FILE, countries=("Iraq", "Syria"), years=range(2014, 2017)) -> pd.DataFrame:
    """UCDP dyad-years located in `countries`: year, location, side_a (actor ids, the government
    first), side_b (one actor id), fought (the ISO3 codes of its battle locations), bd_low,
    bd_best, bd_high. Parties the scenario does not have are left out; coalition governments map
    to `COALITION`."""
    table = pd.read_csv(path)
    table = table[table["location_inc"].isin(countries) & table["year"].isin(years)]
    rows = []
    for row in table.itertuples():
        secondary = [] if pd.isna(row.side_a_2nd) else [_actor(name.strip()) for name in row.side_a_2nd.split(",")]
        side_a, side_b = [_actor(row.side_a), *secondary], _actor(row.side_b)
        if side_a[0] is None or side_b is None:
            continue
        fought = tuple(COUNTRY_CODES[c.strip()] for c in row.battle_location.split(",") if c.strip() in COUNTRY_CODES)
        rows.append({"year": row.year, "location": row.location_inc, "side_a": tuple(dict.fromkeys(a for a in side_a if a)),
                     "side_b": side_b, "fought": fought, "bd_low": row.bd_low, "bd_best": row.bd_best,
                     "bd_high": row.bd_high})
    return pd.DataFrame(rows)


def _actor(name: str) -> str | None:
    """The scenario's actor for a UCDP party name: `UCDP_ACTORS`, else `COALITION` for any other
    government, else None (a party the scenario does not have)."""
    if name in UCDP_ACTORS:
        return UCDP_ACTORS[name]
    return COALITION if name.startswith("Government of ") else None


def pair_deaths(yearly: np.ndarray, index: dict[str, int], side_a: tuple[str, ...], side_b: str) -> float:
    """Deaths between `side_a` and `side_b` in a (n, n) matrix of a year's deaths (row lost to
    column), both directions; actors the scenario lacks count nothing."""
    b = index.get(side_b)
    if b is None:
        return 0.0
    rows = [index[a] for a in side_a if a in index]
    return float(yearly[rows, b].sum() + yearly[b, rows].sum())


class CountryYear(NamedTuple):
    """What one run did in one country in one calendar year."""

    deaths: np.ndarray
    """(n, n) battle deaths of row actor to column actor in the country's regions."""
    forces: np.ndarray
    """(n,) each actor's ground forces there, mean over the year's months, capability units."""


def country_years(spec, seed: int, steps: int) -> dict[tuple[int, str], CountryYear]:
    """{(calendar year, country code): CountryYear} of one run (complete years only)."""
    from bopsim.model import RegionalModel
    from bopsim.model.calendar import add_months

    model = RegionalModel(spec, rng=seed)
    country = np.array([r.country for r in spec.region])
    masks = {code: country == code for code in sorted(set(country))}
    years: dict[tuple[int, str], list[CountryYear]] = {}
    for step in range(steps):
        model.step()
        year = int(add_months(spec.start, step)[:4])  # step s holds the fighting of month s
        for code, mask in masks.items():
            years.setdefault((year, code), []).append(CountryYear(
                model.battle.dyad_losses_in(mask) * model.params.deaths_per_unit, model.deployment[:, mask].sum(axis=1)))
    return {key: CountryYear(sum(m.deaths for m in months), sum(m.forces for m in months) / 12)
            for key, months in years.items() if len(months) == 12}


def sohr_side_ratio(path: Path = SOHR_FILE) -> tuple[float, str, str]:
    """(government-side deaths / opposition-side deaths between the first and the last of SOHR's
    cumulative tallies, a dimensionless ratio; the first tally's date; the last's): each side's
    count at the last tally less its count at the first (`SOHR_SIDES` lists what each side
    holds). ValueError if a tally lacks a side."""
    table = pd.read_csv(path)
    tallies = table[table["quantity"] == "deaths_cumulative"].groupby(["date", "side"])["value"].sum()
    dates = sorted(tallies.index.get_level_values("date").unique())
    first, last = dates[0], dates[-1]
    missing = [(date, side) for date in (first, last) for side in SOHR_SIDES if (date, side) not in tallies.index]
    if missing:
        raise ValueError(f"{path.name}: no {missing[0][1]} deaths in the tally of {missing[0][0]}")
    grown = {side: tallies[last, side] - tallies[first, side] for side in SOHR_SIDES}
    return grown["government"] / grown["opposition"], first, last


def side_ratio(spec: ScenarioSpec, run: dict[tuple[int, str], CountryYear], country: str = "SYR",
               years: range = range(2014, 2017)) -> float:
    """Deaths of the actors of SOHR's government side in `country` over those of its opposition
    side (dimensionless), summed over those of `years` that `run` holds complete
    (`country_years`); actors the scenario lacks count nothing. NaN if the opposition side lost
    nobody there. Each side's deaths are its actors' losses to anyone's fire in `country`."""
    index = {a.id: i for i, a in enumerate(spec.actor)}
    lost = np.zeros(len(index))
    for year in years:
        if (year, country) in run:
            lost += run[year, country].deaths.sum(axis=1)
    deaths = {side: sum(lost[index[a]] for a in actors if a in index) for side, actors in SOHR_SIDES.items()}
    return deaths["government"] / deaths["opposition"] if deaths["opposition"] > 0 else float("nan")


def format_sides(spec: ScenarioSpec, runs: list[dict[tuple[int, str], CountryYear]]) -> str:
    """The model's `side_ratio` in Syria (median and 10-90% over the runs) beside SOHR's."""
    ratios = np.array([side_ratio(spec, run) for run in runs])
    observed, first, last = sohr_side_ratio()
    if np.isnan(ratios).all():
        return "no deaths on SOHR's opposition side in Syria in a complete simulated year of 2014-2016"
    low, median, high = np.nanquantile(ratios, [0.1, 0.5, 0.9])
    return (f"deaths of the government side / of the rebels, jihadists and SDF in Syria, the complete years of "
            f"2014-2016 simulated: model median {median:.2f} (10-90% {low:.2f} .. {high:.2f}); SOHR {observed:.2f} "
            f"(tallies of {first} and {last})")


def dyad_table(spec, runs: list, ucdp: pd.DataFrame) -> pd.DataFrame:
    """UCDP's dyad-years beside the model's deaths for the same pairs (mean, q10, q90 over the
    `runs`, each the `country_years` of one seed)."""
    index = {aid: i for i, aid in enumerate(a.id for a in spec.actor)}
    rows = []
    for dyad in ucdp.itertuples():
        if dyad.side_b not in index or not any(a in index for a in dyad.side_a):
            continue  # a conflict the scenario does not have
        values = [sum(pair_deaths(run[dyad.year, code].deaths, index, dyad.side_a, dyad.side_b)
                      for code in dyad.fought if (dyad.year, code) in run)
                  for run in runs if any(year == dyad.year for year, _ in run)]
        if values:
            rows.append({"year": dyad.year, "location": dyad.location, "side_a": "+".join(dyad.side_a),
                         "side_b": dyad.side_b, "ucdp_low": dyad.bd_low, "ucdp_best": dyad.bd_best,
                         "ucdp_high": dyad.bd_high, "model_mean": np.mean(values),
                         "model_q10": np.quantile(values, 0.1), "model_q90": np.quantile(values, 0.9)})
    columns = ["year", "location", "side_a", "side_b", "ucdp_low", "ucdp_best", "ucdp_high", "model_mean", "model_q10", "model_q90"]
    return pd.DataFrame(rows, columns=columns).sort_values(["location", "side_b", "year"]).reset_index(drop=True)


def actor_exchange(spec, runs: list, actor: str) -> pd.DataFrame:
    """One actor's battle deaths by opponent, country and year, mean over the runs
    (`country_years`): `lost`, the actor's deaths to that opponent; `inflicted`, the
    opponent's deaths to the actor. Pairs with no deaths in any run are left out."""
    ids = [a.id for a in spec.actor]
    a = ids.index(actor)
    rows = []
    for key in sorted(runs[0]):
        lost = np.mean([run[key].deaths[a] for run in runs], axis=0)
        inflicted = np.mean([run[key].deaths[:, a] for run in runs], axis=0)
        for b in (lost + inflicted).nonzero()[0]:
            rows.append({"year": key[0], "country": key[1], "opponent": ids[b],
                         "lost": lost[b], "inflicted": inflicted[b]})
    return pd.DataFrame(rows, columns=["year", "country", "opponent", "lost", "inflicted"])


def actor_forces(spec, runs: list, actor: str) -> pd.DataFrame:
    """One actor's ground forces by country and year (capability units, mean over the year's
    months and the runs, `country_years`); countries where it never stands are left out."""
    a = [x.id for x in spec.actor].index(actor)
    rows = [{"year": key[0], "country": key[1], "forces": np.mean([run[key].forces[a] for run in runs])}
            for key in sorted(runs[0])]
    return pd.DataFrame([r for r in rows if r["forces"] > 0], columns=["year", "country", "forces"])


def format_forces(table: pd.DataFrame, actor: str) -> str:
    """`actor_forces` as printed: one line per country and year."""
    lines = [f"{actor}'s ground forces by country (capability units, 1 = 1,000 fighter-equivalents; mean over the "
             f"year's months and the seeds)", f"{'year':>4}  {'country':<8}{'forces':>10}"]
    lines += [f"{r.year:>4}  {r.country:<8}{r.forces:>10.2f}" for r in table.itertuples()]
    return "\n".join(lines)


def format_exchange(table: pd.DataFrame, actor: str) -> str:
    """`actor_exchange` as printed: one line per opponent, country and year."""
    lines = [f"{actor}'s battle deaths by opponent (mean over seeds; lost = {actor}'s deaths, inflicted = the opponent's)",
             f"{'year':>4}  {'country':<8}{'opponent':<16}{'lost':>10}{'inflicted':>11}"]
    for r in table.itertuples():
        lines.append(f"{r.year:>4}  {r.country:<8}{r.opponent:<16}{r.lost:>10,.0f}{r.inflicted:>11,.0f}")
    return "\n".join(lines)


def format_dyads(table: pd.DataFrame) -> str:
    """`dyad_table` as printed: one line per dyad-year, deaths per year, ratio = model mean / UCDP best."""
    lines = [f"{'conflict (UCDP sides)':<46}{'year':>6}{'UCDP best':>11}{'model mean':>12}{'model 10-90%':>20}{'ratio':>7}"]
    for r in table.itertuples():
        ratio = r.model_mean / r.ucdp_best if r.ucdp_best else float("nan")
        lines.append(f"{r.location + ': ' + r.side_a + ' v ' + r.side_b:<46}{r.year:>6}{r.ucdp_best:>11,.0f}"
                     f"{r.model_mean:>12,.0f}{f'{r.model_q10:,.0f} .. {r.model_q90:,.0f}':>20}{ratio:>7.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from bopsim.experiments.patterns.__main__ import check_steps, parse_seeds
    from bopsim.model.errors import UsageError
    from bopsim.model.scenario import ScenarioError, load

    parser = argparse.ArgumentParser(prog="python -m bopsim.experiments.patterns.dyads",
                                     description="Battle deaths by warring pair against UCDP's dyads, Iraq and Syria 2014-2016.")
    parser.add_argument("scenario", type=Path, help="scenario file (TOML)")
    parser.add_argument("--seeds", default="1-10", help="seeds, e.g. 1-10 or 1,4,7 (default 1-10)")
    parser.add_argument("--steps", type=int, default=36, help="months to simulate from the scenario's start (default 36)")
    parser.add_argument("--actor", default=None, help="also list this actor's deaths by opponent, and its ground forces, by country and year")
    args = parser.parse_args(argv)
    try:
        seeds = parse_seeds(args.seeds)
        check_steps(args.steps, least=12)  # a calendar year at the least
        spec = load(args.scenario)
        if args.actor is not None and args.actor not in {a.id for a in spec.actor}:
            raise UsageError(f"--actor: no actor '{args.actor}' in {args.scenario}")
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"dyads: error: {exc}", file=sys.stderr)
        return 2
    runs = [country_years(spec, seed, args.steps) for seed in seeds]
    table = dyad_table(spec, runs, ucdp_dyads())
    print(f"{args.scenario}: {len(seeds)} seeds ({args.seeds}), {args.steps} months from {spec.start}")
    print(format_dyads(table) if len(table) else "no UCDP dyad-year of Iraq or Syria between the scenario's actors in a complete simulated year")
    print()
    print(format_sides(spec, runs))
    if args.actor is not None:
        print()
        print(format_exchange(actor_exchange(spec, runs, args.actor), args.actor))
        print()
        print(format_forces(actor_forces(spec, runs, args.actor), args.actor))
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
