"""Each pattern's simulated value in one run, from the run's tables (`bopsim.model.tables`).

Pure functions of DataFrames: `control` (step, date, region, actor, share; non-zero shares only,
so an absent actor holds 0), `regions` (step, date, region, losses, battle_deaths,
state_based_deaths, ...), `actors` (date, actor, capability, territory_km2, settled_km2, ...). Dates are model months
'YYYY-MM', the state at the start of the month; the row dated D holds the fighting of the month
before D. A value the run cannot give (a month it does not reach, a year it does not cover
completely) is NaN, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bopsim.experiments.calibration import FIGHTERS_PER_UNIT
from bopsim.experiments.patterns.catalogue import Catalogue, Pattern
from bopsim.model.calendar import add_months


@dataclass(frozen=True)
class Geography:
    """What the evaluator needs of a scenario: region areas (km2), region countries (ISO3), and
    the regions a region of the sources is drawn as (`part_of`: Aleppo and Homs governorates as their districts)."""

    area_km2: dict[str, float]
    country: dict[str, str]
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, spec) -> Geography:
        parts: dict[str, list[str]] = {}
        for r in spec.region:
            if r.part_of:
                parts.setdefault(r.part_of, []).append(r.id)
        return cls(area_km2={r.id: float(r.area_km2) for r in spec.region},
                   country={r.id: r.country for r in spec.region},
                   parts={name: tuple(ids) for name, ids in parts.items()})

    def regions_of(self, country: str) -> list[str]:
        return [r for r, c in self.country.items() if c == country]

    def drawn_as(self, region: str) -> tuple[str, ...]:
        """The regions of the map that `region` (of the map, or of the sources) covers."""
        return self.parts.get(region, (region,))


@dataclass(frozen=True)
class Run:
    """One run's tables, indexed for the evaluator: control shares by (date, region, actor),
    actor rows by (date, actor), and the region table as it is (for deaths)."""

    dates: frozenset[str]
    shares: dict[tuple[str, str, str], float]
    actors: pd.DataFrame
    regions: pd.DataFrame

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> Run:
        """From the tables of `bopsim.model.tables` (control, regions, actors)."""
        control = tables["control"].groupby(["date", "region", "actor"])["share"].sum()
        return cls(dates=frozenset(tables["regions"]["date"]), shares=dict(zip(control.index, control.to_numpy())),
                   actors=tables["actors"].set_index(["date", "actor"]), regions=tables["regions"])

    def share(self, date: str, region: str, actors: tuple[str, ...]) -> float:
        """Summed control share of `actors` in `region` at `date` (0 for an actor holding nothing)."""
        return float(sum(self.shares.get((date, region, a), 0.0) for a in actors))

    def held(self, date: str, regions: tuple[str, ...], actors: tuple[str, ...], geo: Geography) -> float:
        """Share of `actors` over `regions` of the map at `date`, weighted by area:
        sum_r s_r A_r / sum_r A_r (A_r in km2); the share itself for one region."""
        if len(regions) == 1:
            return self.share(date, regions[0], actors)
        return sum(self.share(date, r, actors) * geo.area_km2[r] for r in regions) / sum(geo.area_km2[r] for r in regions)

    def actor_sum(self, date: str, actors: tuple[str, ...], column: str) -> float:
        """Sum of an actor-table column over `actors` at `date` (0 for an absent actor)."""
        rows = [(date, a) for a in actors if (date, a) in self.actors.index]
        return float(self.actors.loc[rows, column].sum()) if rows else 0.0


def deaths_by_year(regions: pd.DataFrame, region_ids: list[str]) -> pd.Series:
    """State-based battle deaths in `region_ids` per calendar year (the region table's
    `state_based_deaths`: UCDP's battle-related deaths count only fighting with a government on a
    side), for the years whose twelve months the run simulated (the row dated D counts for the month
    before D; the first row holds no fighting)."""
    months = sorted(regions["date"].unique())[1:]
    local = regions[regions["region"].isin(region_ids)]
    per_month = local["state_based_deaths"].groupby(local["date"]).sum().reindex(months, fill_value=0.0)
    years = pd.Series([int(add_months(d, -1)[:4]) for d in months], index=months)
    complete = years.value_counts()
    totals = per_month.groupby(years).sum()
    return totals[complete.reindex(totals.index) == 12]


def value(pattern: Pattern, catalogue: Catalogue, run: Run, geo: Geography) -> float:
    """The simulated value of `pattern` in one run (NaN if the run does not reach its months)."""
    actors = catalogue.actor_ids(pattern)
    kind = pattern.kind
    if kind == "battle_deaths":
        deaths = deaths_by_year(run.regions, geo.regions_of(pattern.country))
        return float(deaths.get(pattern.year, np.nan))
    months = pattern.months()
    if not set(months) <= run.dates:
        return np.nan
    if kind == "fighters":
        return run.actor_sum(pattern.date, actors, "capability") * FIGHTERS_PER_UNIT
    if kind == "territory":  # ground outside desert, as IHS counts territory (docs/patterns.md)
        return run.actor_sum(pattern.date, actors, "settled_km2")
    if kind == "strike_deaths":
        if months[0] == min(run.dates):  # the run's first row holds no fighting: the first month was not simulated
            return np.nan
        return sum(run.actor_sum(month, actors, "strike_deaths") for month in months)
    if kind == "country_share":
        return run.held(pattern.date, tuple(geo.regions_of(pattern.country)), actors, geo)
    region = geo.drawn_as(pattern.regions[0])
    if kind == "region_share":
        return run.held(pattern.date, region, actors, geo)
    if kind == "share_change":
        return run.held(pattern.after, region, actors, geo) - run.held(pattern.before, region, actors, geo)
    shares = [run.held(m, geo.drawn_as(r), actors, geo) for m in months for r in pattern.regions]
    return max(shares) if pattern.statistic == "max" else min(shares)


def run_values(catalogue: Catalogue, tables: dict[str, pd.DataFrame], geo: Geography) -> dict[str, float]:
    """Every pattern's simulated value in one run (tables of `bopsim.model.tables`), by pattern id."""
    run = Run.of(tables)
    return {p.id: value(p, catalogue, run, geo) for p in catalogue.pattern}


def summarise(catalogue: Catalogue, values: pd.DataFrame) -> pd.DataFrame:
    """The fit table over runs: `values` has one row per run and one column per pattern id.

    One row per pattern: id, kind, low, high (the accepted range), median, q10, q90 (over the
    runs that give a value), runs (how many do), passed (the median lies in [low, high]; False
    if no run gives a value), organisation.
    """
    rows = []
    for p in catalogue.pattern:
        column = values[p.id].dropna() if p.id in values else pd.Series(dtype=float)
        median = float(column.median()) if len(column) else np.nan
        rows.append({
            "id": p.id, "kind": p.kind, "low": p.low, "high": p.high, "median": median,
            "q10": float(column.quantile(0.1)) if len(column) else np.nan,
            "q90": float(column.quantile(0.9)) if len(column) else np.nan,
            "runs": len(column), "passed": bool(len(column)) and p.accepts(median),
            "organisation": p.organisation,
        })
    return pd.DataFrame(rows)
