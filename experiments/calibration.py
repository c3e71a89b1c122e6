"""The 2014-2016 observations of the Levant calibration, read from the copied data files in scenarios/data/.

- ISIS territory: the IHS Conflict Monitor series (isis_territory_2014_2016.csv, rows from IHS with
  a km2 value), each at the model month it is compared with (figure 2);
- battle deaths per year in Iraq and Syria: UCDP BRD v24.1 state-based totals
  (ucdp_deaths_country_year_2010_2016.csv, brd_bd_best; all state-based dyads, because the model
  also fights the Syrian government-opposition war);
- ISIS fighter strength: the published low-high estimates of 2014-2016
  (nonstate_forces_2013_2016.csv, see `observed_fighters`).

Only 2014-2016 is used; 2017-2019 is held out for validation, so every observation after 2016 is
refused. The pattern catalogue (scenarios/levant_patterns.toml, docs/patterns.md) holds these
observations as ranges with the others; `bopsim calibrate` and the pattern checks score runs
against the catalogue (experiments/patterns/evaluate.py).
"""

from __future__ import annotations

from pathlib import Path

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
