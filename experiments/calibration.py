"""Fit of Levant runs to the 2014-2016 observations (pattern-oriented calibration).

Three patterns, all read from the copied data files in scenarios/data/ (never typed in):
- ISIS territory against the IHS Conflict Monitor series (isis_territory_2014_2016.csv, rows
  from IHS with a km2 value): relative error (simulated - observed) / observed at each date;
- battle deaths per year in Iraq and Syria against UCDP BRD v24.1 state-based totals
  (ucdp_deaths_country_year_2010_2016.csv, brd_bd_best of Iraq + Syria; all state-based dyads,
  not only those against IS, because the model also fights the Syrian government-opposition
  war): log ratio ln(simulated / observed) per year;
- ISIS fighter strength against the published low-high estimates of 2014-2016
  (nonstate_forces_2013_2016.csv, see `observed_fighters`): 0 inside the range, else the log
  distance ln(simulated / nearest bound).

Only 2014-2016 is used; 2017-2019 is held out for validation, so every observation after 2016 is
refused. Functions take the tidy tables of `bopsim.model.tables` (one run, or several stacked with a
`run` column) and return tidy DataFrames of errors.

The calibration of parameters is `bopsim calibrate` (experiments/calibrate/, ABC-SMC against the
pattern catalogue, which holds these three patterns among others); the functions here read the
observations and score runs against them (the territory figure, tests/test_levant.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bopsim.model.calendar import add_months

DATA = Path(__file__).resolve().parent.parent / "scenarios" / "data"
TERRITORY_FILE = DATA / "isis_territory_2014_2016.csv"
DEATHS_FILE = DATA / "ucdp_deaths_country_year_2010_2016.csv"
FORCES_FILE = DATA / "nonstate_forces_2013_2016.csv"
FIGHTERS_PER_UNIT = 1000.0
"""Fighters per capability unit of a non-state actor (the Levant scenario counts thousands of fighters)."""
LAST_CALIBRATION_YEAR = 2016
"""Observations after this year are held out (validation), never used for fitting."""
DEATH_COUNTRIES = ("Iraq", "Syria")
"""UCDP locations whose state-based battle deaths are compared (region countries IRQ, SYR)."""


# ------------------------------------------------------------------------- observations


def observed_territory(path: Path = TERRITORY_FILE) -> pd.DataFrame:
    """The IHS km2 series: one row per observation with `date` (YYYY-MM-DD or YYYY-MM), `km2`
    and `model_date`, the month boundary it is compared at (see `comparison_month`)."""
    table = pd.read_csv(path, dtype=str)
    ihs = table[table["source_org"].str.contains("IHS", na=False) & table["km2"].notna()]
    out = pd.DataFrame({"date": ihs["date"], "km2": ihs["km2"].astype(float)})
    out["model_date"] = out["date"].map(comparison_month)
    _check_window(out["date"].str[:4].astype(int), path)
    return out.reset_index(drop=True)


def observed_deaths(path: Path = DEATHS_FILE, countries: tuple[str, ...] = DEATH_COUNTRIES,
                    years: tuple[int, ...] = (2014, 2015, 2016)) -> pd.DataFrame:
    """UCDP state-based battle deaths (best estimate) summed over `countries`, one row per year."""
    _check_window(pd.Series(years), path)
    table = pd.read_csv(path)
    rows = table[table["location"].isin(countries) & table["year"].isin(years)]
    totals = rows.groupby("year")["brd_bd_best"].sum()
    missing = set(years) - set(totals.index)
    if missing:
        raise ValueError(f"{path}: no battle deaths for {sorted(missing)}")
    return pd.DataFrame({"year": totals.index.astype(int), "deaths": totals.to_numpy(dtype=float)})


def observed_fighters(path: Path = FORCES_FILE, actor: str = "ISIS") -> pd.DataFrame:
    """Published low-high estimates of `actor`'s fighters, 2014-2016, one row per estimate.

    Kept: rows dated to the day with both a low and a high bound, counting fighters or members.
    Left out: rows the file marks as outliers, one-sided or point figures, and estimates of a
    subset ("core fighters", dated only to a quarter). Columns: date, low, high (fighters),
    model_date (see `comparison_month`).
    """
    table = pd.read_csv(path, dtype=str)
    rows = table[(table["actor"] == actor) & (table["date_precision"] == "day")
                 & table["estimate_low"].notna() & table["estimate_high"].notna()
                 & table["unit"].isin(["fighters", "members"])
                 & ~table["note"].fillna("").str.startswith("outlier")]
    rows = rows[rows["date"].str[:4].astype(int) >= 2014]
    _check_window(rows["date"].str[:4].astype(int), path)
    out = pd.DataFrame({"date": rows["date"], "low": rows["estimate_low"].astype(float),
                        "high": rows["estimate_high"].astype(float)})
    out["model_date"] = out["date"].map(comparison_month)
    return out.reset_index(drop=True)


def comparison_month(date: str) -> str:
    """The model date ('YYYY-MM', state at the start of that month) an observation is compared with.

    A whole month ('YYYY-MM') is compared with its end (the start of the next month); a day
    ('YYYY-MM-DD') with the nearest month boundary (its month's start up to the 15th, else the
    next month's start).
    """
    month = date[:7]
    if len(date) == 7 or int(date[8:10]) > 15:
        return add_months(month, 1)
    return month


def _check_window(years: pd.Series, path: Path) -> None:
    late = years[years > LAST_CALIBRATION_YEAR]
    if not late.empty:
        raise ValueError(f"{path}: observations after {LAST_CALIBRATION_YEAR} are held out for validation, got {sorted(set(late))}")


# ------------------------------------------------------------------------- errors


def _runs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if "run" in frame.columns else frame.assign(run=0)


def territory_errors(actors: pd.DataFrame, observed: pd.DataFrame, actor: str = "isis") -> pd.DataFrame:
    """Relative error of `actor`'s territory at each observation: (simulated - observed) / observed.

    `actors` is the actor table (columns run (optional), date, actor, territory_km2); an actor
    absent at a date (it left) counts as 0 km2. Returns run, date, model_date, observed_km2,
    simulated_km2, relative_error.
    """
    rows = [{"run": run, "date": obs.date, "model_date": obs.model_date, "observed_km2": obs.km2,
             "simulated_km2": simulated, "relative_error": (simulated - obs.km2) / obs.km2}
            for run, obs, simulated in _at_observations(actors, observed, actor, "territory_km2")]
    return pd.DataFrame(rows)


def _at_observations(actors: pd.DataFrame, observed: pd.DataFrame, actor: str, column: str):
    """(run, observation, value of `column` for `actor` at the observation's model date) for every
    run and observation; 0 where the actor is absent (it left). ValueError if a run is too short."""
    for run, table in _runs(actors).groupby("run", sort=True):
        values = table[table["actor"] == actor].set_index("date")[column]
        dates = set(table["date"])
        for obs in observed.itertuples(index=False):
            if obs.model_date not in dates:
                raise ValueError(f"run {run}: no model state at {obs.model_date} (the run is too short)")
            yield run, obs, float(values.get(obs.model_date, 0.0))


def fighter_errors(actors: pd.DataFrame, observed: pd.DataFrame, actor: str = "isis") -> pd.DataFrame:
    """Log distance of `actor`'s fighters to each published range: 0 inside [low, high], else
    ln(simulated / nearest bound) (negative below the range, -inf if the actor is gone).

    `actors` is the actor table (columns run (optional), date, actor, capability); fighters =
    capability x FIGHTERS_PER_UNIT. Returns run, date, model_date, low, high, simulated, log_distance.
    """
    rows = []
    for run, obs, capability in _at_observations(actors, observed, actor, "capability"):
        simulated = capability * FIGHTERS_PER_UNIT
        rows.append({"run": run, "date": obs.date, "model_date": obs.model_date, "low": obs.low, "high": obs.high,
                     "simulated": simulated, "log_distance": _log_distance(simulated, obs.low, obs.high)})
    return pd.DataFrame(rows)


def _log_distance(value: float, low: float, high: float) -> float:
    """0 if low <= value <= high, else ln(value / nearest bound); -inf for a value of 0."""
    if low <= value <= high:
        return 0.0
    return float(np.log(value / high)) if value > high else (float(np.log(value / low)) if value > 0 else -np.inf)


def simulated_deaths(model: pd.DataFrame, regions: pd.DataFrame, region_ids: set[str]) -> pd.DataFrame:
    """Battle deaths per run and calendar year in `region_ids`.

    Deaths of a month = losses (capability units) in those regions x deaths per unit, the ratio
    battle_deaths / battle_losses of the model table. The row dated D holds the fighting of the
    month before D (step k simulates month k), so it counts for that month's year.
    """
    model, regions = _runs(model), _runs(regions)
    local = regions[regions["region"].isin(region_ids)].groupby(["run", "date"])["losses"].sum()
    frame = model.set_index(["run", "date"])[["battle_deaths", "battle_losses"]].join(local.rename("local"))
    per_unit = np.divide(frame["battle_deaths"], frame["battle_losses"],
                         out=np.zeros(len(frame)), where=frame["battle_losses"].to_numpy() > 0)
    frame = frame.assign(deaths=frame["local"].fillna(0.0) * per_unit).reset_index()
    frame["year"] = frame["date"].map(lambda d: int(add_months(d, -1)[:4]))
    frame = frame[frame["date"] != frame.groupby("run")["date"].transform("min")]
    return frame.groupby(["run", "year"], as_index=False)["deaths"].sum()


def death_errors(model: pd.DataFrame, regions: pd.DataFrame, region_ids: set[str], observed: pd.DataFrame) -> pd.DataFrame:
    """Log ratio ln(simulated / observed) of battle deaths per year; -inf if none simulated.

    Returns run, year, observed_deaths, simulated_deaths, log_ratio. Years the run does not
    cover completely are left out.
    """
    simulated = simulated_deaths(model, regions, region_ids)
    complete = _complete_years(_runs(model))
    merged = simulated.merge(observed, on="year").merge(complete, on=["run", "year"])
    with np.errstate(divide="ignore"):
        ratio = np.log(merged["deaths_x"] / merged["deaths_y"])
    return pd.DataFrame({"run": merged["run"], "year": merged["year"], "observed_deaths": merged["deaths_y"],
                         "simulated_deaths": merged["deaths_x"], "log_ratio": ratio})


def _complete_years(model: pd.DataFrame) -> pd.DataFrame:
    """(run, year) pairs whose twelve months were all simulated."""
    months = model.assign(month=model["date"].map(lambda d: add_months(d, -1)))
    months = months[months["date"] != months.groupby("run")["date"].transform("min")]
    counts = months.groupby(["run", months["month"].str[:4].astype(int).rename("year")]).size()
    return counts[counts == 12].reset_index()[["run", "year"]]


def fit_table(territory: pd.DataFrame, deaths: pd.DataFrame, fighters: pd.DataFrame | None = None) -> pd.DataFrame:
    """Median over runs of each error: one row per pattern and date or year.

    Columns: pattern, when, observed, simulated (median), error (median), error_kind; for the
    fighter ranges (`fighter_errors`, optional) `observed` is the low bound and `high` the high one.
    """
    t = territory.groupby(["date"], sort=True).agg(observed=("observed_km2", "first"),
                                                    simulated=("simulated_km2", "median"),
                                                    error=("relative_error", "median")).reset_index()
    d = deaths.groupby(["year"], sort=True).agg(observed=("observed_deaths", "first"),
                                                 simulated=("simulated_deaths", "median"),
                                                 error=("log_ratio", "median")).reset_index()
    return pd.concat([
        pd.DataFrame({"pattern": "isis_territory_km2", "when": t["date"], "observed": t["observed"],
                      "simulated": t["simulated"], "error": t["error"], "error_kind": "relative"}),
        pd.DataFrame({"pattern": "battle_deaths_iraq_syria", "when": d["year"].astype(str), "observed": d["observed"],
                      "simulated": d["simulated"], "error": d["error"], "error_kind": "log_ratio"}),
        *([] if fighters is None else [_fighter_rows(fighters)]),
    ], ignore_index=True)


def _fighter_rows(fighters: pd.DataFrame) -> pd.DataFrame:
    """Fit-table rows of the fighter ranges (median over runs)."""
    f = fighters.groupby(["date"], sort=True).agg(low=("low", "first"), high=("high", "first"),
                                                   simulated=("simulated", "median"),
                                                   error=("log_distance", "median")).reset_index()
    return pd.DataFrame({"pattern": "isis_fighters", "when": f["date"], "observed": f["low"], "high": f["high"],
                         "simulated": f["simulated"], "error": f["error"], "error_kind": "log_outside_range"})
