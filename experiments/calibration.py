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
refused. Functions take the tidy tables of `model.tables` (one run, or several stacked with a
`run` column) and return tidy DataFrames of errors.

Calibration of parameters (docs/calibration.md): the runs of a Latin-hypercube experiment
(experiments/configs/levant_calibration.toml, run by the batch runner) are scored with
`run_losses`, the design points ranked by their median loss over seeds, and the best few
re-scored over more seeds, not those of the screen, before one is chosen.

Command line:
  python -m experiments.calibration SCENARIO --seeds N [--actor isis]
      prints the fit table (median over seeds 1..N);
  python -m experiments.calibration --variants SCENARIO... [--seeds N]
      prints what each scenario does over its full length (median over seeds 1..N; a report of
      the variants at the calibrated point, never used in the loss);
  python -m experiments.calibration --experiment CONFIG [--out DIR] [--top K] [--seeds N]
      runs the calibration experiment (process executor, resumable), prints the ranking and the
      values of the chosen point.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from model.calendar import add_months

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


# ------------------------------------------------------------------------- runs


def run_tables(spec, seeds: list[int]) -> dict[str, pd.DataFrame]:
    """Simulate `spec` once per seed; the model, actor and region tables stacked with a `run` column."""
    from experiments.single import simulate
    from model.tables import actor_table, model_table, region_table

    stacked: dict[str, list[pd.DataFrame]] = {"model": [], "actors": [], "regions": []}
    for seed in seeds:
        model = simulate(spec, seed=seed)
        for name, table in (("model", model_table), ("actors", actor_table), ("regions", region_table)):
            stacked[name].append(table(model).assign(run=seed))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in stacked.items()}


def scenario_fit(spec, seeds: list[int], actor: str = "isis") -> pd.DataFrame:
    """The fit table of a scenario over `seeds` (median over runs)."""
    frames = run_tables(spec, seeds)
    region_ids = {r.id for r in spec.region if r.country in ("IRQ", "SYR")}
    territory = territory_errors(frames["actors"], observed_territory(), actor)
    deaths = death_errors(frames["model"], frames["regions"], region_ids, observed_deaths())
    return fit_table(territory, deaths, fighter_errors(frames["actors"], observed_fighters(), actor))


VARIANT_DATES = ("2016-12", "2019-12")
"""Whole months whose end (model dates 2017-01 and 2020-01) the variants table reports."""


def variant_outcomes(spec, seeds: list[int], actor: str = "isis", observer: str = "iran") -> dict[str, float]:
    """What a scenario does over its full length, median over `seeds` (a report, never a loss):
    `actor`'s territory (km2) at the end of each VARIANT_DATES month and `observer`'s power share
    at the last date (0 if it is gone)."""
    from experiments.single import simulate
    from model.tables import actor_table

    rows = []
    for seed in seeds:
        table = actor_table(simulate(spec, seed=seed))
        held = table[table["actor"] == actor].set_index("date")["territory_km2"]
        last = table[table["date"] == table["date"].max()].set_index("actor")["power_share"]
        row = {f"{actor}_km2_{month}": float(held.get(comparison_month(month), 0.0)) for month in VARIANT_DATES}
        rows.append(row | {f"{observer}_power_share_end": float(last.get(observer, 0.0))})
    return pd.DataFrame(rows).median().to_dict()


def format_fit(table: pd.DataFrame) -> str:
    """The fit table as aligned text."""
    lines = [f"{'pattern':<26}{'when':<12}{'observed':>12}{'simulated':>12}{'error':>9}  kind"]
    for row in table.itertuples(index=False):
        high = getattr(row, "high", float("nan"))
        observed = f"{row.observed:,.0f}" if pd.isna(high) else f"{row.observed / 1e3:.0f}k-{high / 1e3:.1f}k"
        lines.append(f"{row.pattern:<26}{row.when:<12}{observed:>12}{row.simulated:>12,.0f}"
                     f"{row.error:>+9.2f}  {row.error_kind}")
    return "\n".join(lines)


# ------------------------------------------------------------------------- loss and choice of a point

DEATH_WEIGHT = 0.5
"""Weight of the deaths term in the loss (territory is the primary pattern; see `run_losses`)."""
FIGHTER_WEIGHT = 0.5
"""Weight of the fighter-range term: a log error like the deaths term, from coarse estimates (a
factor ~1.5-2 between low and high), so secondary to territory; it is the only pattern that
measures ISIS's size directly, and so binds `mobilisation` and `mobilisation_ceiling`."""
SCREEN_SEEDS_NOTE = "screen: the experiment's seeds; re-score: seeds 101.. (neither is used for the reported fit, seeds 1..)"
RESCORE_FIRST_SEED = 101
"""Re-scoring uses seeds 101, 102, ...: distinct from the screen and from the reported fit (1..N)."""
SURVIVOR = "syria"
"""The state whose survival through 2016 is a pattern: a run in which it holds no ground fails.
Admissibility uses the historical runs only; counterfactual variants never enter the loss or
the admissibility rule (that would tune the parameters on the counterfactuals)."""


def run_losses(territory: pd.DataFrame, deaths: pd.DataFrame, actors: pd.DataFrame,
               fighters: pd.DataFrame | None = None, weight: float = DEATH_WEIGHT,
               fighter_weight: float = FIGHTER_WEIGHT) -> pd.DataFrame:
    """Loss of each run: mean squared relative territory error + `weight` x mean squared log ratio
    of deaths + `fighter_weight` x mean squared log distance to the fighter ranges (if given).

    `territory`, `deaths` and `fighters` are the error tables of `territory_errors`,
    `death_errors` and `fighter_errors`; `actors` the actor table, from which `survives`
    (SURVIVOR holds ground at the last date) is read. Returns run, territory_mse, deaths_msl,
    fighters_msl (0 without `fighters`), loss, survives (one row per run).
    """
    actors = _runs(actors)
    t = territory.groupby("run")["relative_error"].apply(lambda e: float((e ** 2).mean())).rename("territory_mse")
    d = deaths.groupby("run")["log_ratio"].apply(lambda e: float((e ** 2).mean())).rename("deaths_msl")
    parts = [t, d]
    if fighters is not None:
        parts.append(fighters.groupby("run")["log_distance"].apply(lambda e: float((e ** 2).mean())).rename("fighters_msl"))
    last = actors[actors["date"] == actors.groupby("run")["date"].transform("max")]
    held = last[last["actor"] == SURVIVOR].set_index("run")["territory_km2"]
    table = pd.concat(parts, axis=1).reset_index().rename(columns={"index": "run"})
    if "fighters_msl" not in table:
        table["fighters_msl"] = 0.0
    table["loss"] = table["territory_mse"] + weight * table["deaths_msl"] + fighter_weight * table["fighters_msl"]
    table["survives"] = table["run"].map(held).fillna(0.0).to_numpy() > 0
    return table


def rank_points(losses: pd.DataFrame) -> pd.DataFrame:
    """Design points by median loss over their runs (`losses` needs a `point` column), best first.

    A point at which SURVIVOR lost all ground in any run is not admissible and ranks last.
    Returns point, loss (median), runs, admissible.
    """
    ranked = losses.groupby("point").agg(loss=("loss", "median"), runs=("loss", "size"),
                                         admissible=("survives", "all")).reset_index()
    return ranked.sort_values(["admissible", "loss", "point"], ascending=[False, True, True]).reset_index(drop=True)


def scored_runs(frames: dict[str, pd.DataFrame], region_ids: set[str], actor: str = "isis") -> pd.DataFrame:
    """`run_losses` of stacked run tables (model, actors, regions; a `run` column)."""
    territory = territory_errors(frames["actors"], observed_territory(), actor)
    deaths = death_errors(frames["model"], frames["regions"], region_ids, observed_deaths())
    fighters = fighter_errors(frames["actors"], observed_fighters(), actor)
    return run_losses(territory, deaths, frames["actors"], fighters)


def store_frames(root: Path) -> dict[str, pd.DataFrame]:
    """The model, actor and region tables of a batch result store, with `run` = run_id."""
    return {name: pd.read_parquet(Path(root) / f"{name}.parquet").rename(columns={"run_id": "run"})
            for name in ("model", "actors", "regions")}


def screen(experiment, out: Path, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run (or resume) the calibration experiment into `out` and rank its design points.

    Returns the ranking (`rank_points`) and the design table (point, factor values).
    """
    from experiments.batch.batch import run_batch
    from model.scenario import load

    run_batch(experiment, out, "process", workers, progress=False)
    frames = store_frames(out)
    losses = scored_runs(frames, _war_regions(load(experiment.scenario_files[0])))
    points = frames["model"].drop_duplicates("run").set_index("run")["point"]
    ranked = rank_points(losses.assign(point=losses["run"].map(points)))
    return ranked, pd.read_parquet(Path(out) / "design.parquet")


def rescore(experiment, design: pd.DataFrame, points: list[int], seeds: int, workers: int | None = None) -> pd.DataFrame:
    """Median loss of each design point over `seeds` new seeds (RESCORE_FIRST_SEED, ...), process executor."""
    from experiments.batch.design import RunTask
    from experiments.batch.executors import run_tasks
    from model.scenario import load

    spec = experiment.spec
    file = experiment.scenario_files[0]
    paths = [f.path for f in spec.varied]
    tasks = []
    for point in points:
        overrides = tuple((path, float(design.loc[design["point"] == point, path].iloc[0])) for path in paths)
        for k in range(seeds):
            tasks.append(RunTask(index=len(tasks), run_id=f"p{point:05d}-s{k}", scenario=spec.labels[0],
                                 scenario_file=str(file), point=point, replication=k, seed=RESCORE_FIRST_SEED + k,
                                 steps=spec.steps, overrides=overrides))
    frames: dict[str, list[pd.DataFrame]] = {"model": [], "actors": [], "regions": []}
    outputs = spec.outputs.model_copy(update={"keep": ["model", "actors", "regions"], "every": 1})
    for result in run_tasks(tasks, outputs, "process", workers):
        if not result.ok:
            raise RuntimeError(f"re-scoring run {result.task.run_id} failed: {result.error}")
        for name in frames:
            frames[name].append(result.tables[name].assign(run=result.task.run_id, point=result.task.point))
    stacked = {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
    losses = scored_runs(stacked, _war_regions(load(file)))
    by_run = stacked["model"].drop_duplicates("run").set_index("run")["point"]
    return rank_points(losses.assign(point=losses["run"].map(by_run)))


def _war_regions(spec) -> set[str]:
    """Regions whose battle deaths are compared with UCDP's Iraq + Syria totals."""
    return {r.id for r in spec.region if r.country in ("IRQ", "SYR")}


def format_choice(screened: pd.DataFrame, rescored: pd.DataFrame, design: pd.DataFrame) -> str:
    """The re-scored candidates (screen and re-score losses) and the chosen point's values."""
    merged = rescored.merge(screened[["point", "loss"]], on="point", suffixes=("", "_screen"))
    lines = [f"{'point':>6}{'screen loss':>13}{'re-score loss':>15}  admissible"]
    lines += [f"{r.point:>6}{r.loss_screen:>13.4f}{r.loss:>15.4f}  {r.admissible}" for r in merged.itertuples()]
    best = design.loc[design["point"] == rescored["point"].iloc[0]].iloc[0]
    lines += ["", f"chosen: point {int(best['point'])}"]
    lines += [f"  {c} = {best[c]:.4g}" for c in design.columns if c != "point" and not c.startswith("u:")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from model.errors import UsageError
    from model.scenario import ScenarioError

    parser = argparse.ArgumentParser(prog="python -m experiments.calibration",
                                     description="Fit of a Levant scenario to 2014-2016 (median over seeds), "
                                                 "or a calibration experiment (--experiment).")
    parser.add_argument("scenario", type=Path, nargs="?", help="scenario file (TOML) whose fit is printed")
    parser.add_argument("--experiment", type=Path, help="calibration experiment file (TOML) to run and rank")
    parser.add_argument("--variants", type=Path, nargs="+", help="scenario files whose full-length outcomes are printed")
    parser.add_argument("--out", type=Path, help="result folder of the experiment (default results/<name>)")
    parser.add_argument("--top", type=int, default=8, help="design points re-scored after the screen (default 8)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds of the fit or of the re-score (default 10)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--actor", default="isis", help="actor whose territory is compared (default isis)")
    args = parser.parse_args(argv)
    try:
        if args.seeds < 1 or args.top < 1:
            raise UsageError(f"--seeds and --top: must be >= 1, got {args.seeds} and {args.top}")
        if sum(x is not None for x in (args.scenario, args.experiment, args.variants)) != 1:
            raise UsageError("give one of SCENARIO, --experiment CONFIG or --variants SCENARIO...")
        if args.experiment:
            text = _experiment_report(args)
        else:
            text = _variants_report(args) if args.variants else _scenario_report(args)
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"calibration: error: {exc}", file=sys.stderr)
        return 2
    print(text)
    return 0


def _scenario_report(args: argparse.Namespace) -> str:
    from model.errors import UsageError
    from model.scenario import load

    spec = load(args.scenario)
    if args.actor not in {a.id for a in spec.actor}:
        raise UsageError(f"--actor: {args.scenario} has no actor {args.actor!r}")
    table = scenario_fit(spec, list(range(1, args.seeds + 1)), args.actor)
    return f"{args.scenario}: fit to 2014-2016, median over {args.seeds} seeds\n{format_fit(table)}"


def _variants_report(args: argparse.Namespace) -> str:
    from model.scenario import load

    seeds = list(range(1, args.seeds + 1))
    rows = [(path.stem, variant_outcomes(load(path), seeds, args.actor)) for path in args.variants]
    columns = list(rows[0][1])
    lines = [f"median over seeds 1-{args.seeds}, full length of each scenario", f"{'scenario':<36}" + "".join(f"{c:>24}" for c in columns)]
    lines += [f"{name:<36}" + "".join(f"{v:>24,.3f}" if "share" in c else f"{v:>24,.0f}" for c, v in row.items())
              for name, row in rows]
    return "\n".join(lines)


def _experiment_report(args: argparse.Namespace) -> str:
    from experiments.batch.config import load_experiment

    experiment = load_experiment(args.experiment)
    out = args.out or Path("results") / experiment.spec.name
    screened, design = screen(experiment, out, args.workers)
    top = screened[screened["admissible"]].head(args.top)["point"].tolist()
    rescored = rescore(experiment, design, top, args.seeds, args.workers)
    head = (f"{experiment.spec.name}: {len(design)} points x {experiment.spec.replications} seeds in {out}/; "
            f"{int(screened['admissible'].sum())} admissible; top {len(top)} re-scored over {args.seeds} seeds "
            f"({SCREEN_SEEDS_NOTE})")
    return f"{head}\n{format_choice(screened, rescored, design)}"


if __name__ == "__main__":
    sys.exit(main())
