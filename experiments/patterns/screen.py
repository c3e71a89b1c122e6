"""Pattern screen: a Latin hypercube over an experiment's factors, each point judged on the patterns.

python -m bopsim.experiments.patterns.screen EXPERIMENT [--seeds 1,2] [--workers N] [--refine STEPS]
    [--start FILE.csv | --from-scenario] --out FILE.csv

The experiment file gives the scenario (its first), the factors with their ranges and the design
size (`[design] samples`, Latin hypercube from `root_seed`). Each point runs over the seeds for
the months up to the end of 2016; its loss is the mean `fit.pattern_distance` over the patterns;
the CSV has one row per point (factor values, loss, patterns passed), best first. `--refine`
adds a local search from the two best points (`_refine`); `--start` takes them from a previous
table, `--from-scenario` starts both from the scenario's current values (a recalibration after a
rule change). The screen
ranks points; the scenario's values are chosen from its best points and checked over seeds 1-10
(docs/calibration.md).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd


def judge(task: tuple[str, tuple, list[int]]) -> dict:
    """Loss and patterns passed of one design point: (scenario file, overrides, seeds) -> row."""
    from bopsim.experiments.batch.overrides import scenario_with
    from bopsim.experiments.patterns.fit import pattern_distance, pattern_fit

    scenario, overrides, seeds = task
    table = pattern_fit(scenario_with(scenario, overrides), seeds)
    return {**dict(overrides), "loss": float(pattern_distance(table).mean()), "passed": int(table["passed"].sum()),
            "failed": " ".join(table.loc[~table["passed"], "id"])}


def screen(experiment: Path, seeds: list[int], workers: int, refine: int = 0,
           start: pd.DataFrame | None = None) -> pd.DataFrame:
    """The screen's table, best point first; `refine` steps of local search from its two best points.

    With `start` (a previous screen's table, possibly filtered) the Latin hypercube is skipped:
    the two best rows of `start` are judged again on `seeds` and refined.
    """
    from bopsim.experiments.batch.config import load_experiment
    from bopsim.experiments.batch.design import unit_of, unit_sample

    loaded = load_experiment(experiment)
    spec = loaded.spec
    scenario = str(loaded.scenario_files[0])
    fixed = tuple((f.path, f.value) for f in spec.factor if f.is_fixed)
    if start is None:
        unit = unit_sample(spec)
    else:
        best = start.sort_values("loss", kind="stable").head(2)
        unit = np.array([[unit_of(f, _plain(row[f.path])) for f in spec.varied] for _, row in best.iterrows()])
    with ProcessPoolExecutor(workers) as pool:
        def evaluate(coords) -> list[dict]:
            return list(pool.map(judge, [_task(scenario, fixed, spec.varied, u, seeds) for u in coords]))

        rows = evaluate(unit)
        for row, u in zip(rows, unit):
            row["unit"] = u
        rows += _refine(rows, evaluate, refine, np.random.default_rng(spec.root_seed))
    table = pd.DataFrame(rows).drop(columns="unit")
    return table.sort_values("loss", kind="stable").reset_index(drop=True)


def _task(scenario: str, fixed: tuple, varied: list, u: np.ndarray, seeds: list[int]) -> tuple:
    """The judge's task at unit coordinates `u` (each factor's quantile, design.scale)."""
    from bopsim.experiments.batch.design import scale

    return scenario, fixed + tuple((f.path, _plain(scale(f, float(x)))) for f, x in zip(varied, u)), seeds


def _refine(rows: list[dict], evaluate, steps: int, rng: np.random.Generator, sigma: float = 0.08) -> list[dict]:
    """(1+1) local search from the two best points: each step perturbs about 30% of a parent's unit
    coordinates by N(0, sigma), clipped to [0, 1]; a child with a lower loss replaces its parent.
    The screen's loss is a median over few seeds, so small gains may be noise: the chosen point
    is checked over seeds 1-10 (docs/calibration.md)."""
    parents = sorted(rows, key=lambda r: r["loss"])[:2]
    tried = []
    for _ in range(steps):
        children = []
        for parent in parents:
            move = rng.random(parent["unit"].size) < 0.3
            children.append(np.clip(parent["unit"] + move * rng.normal(0.0, sigma, parent["unit"].size), 0.0, 1.0))
        for j, (row, u) in enumerate(zip(evaluate(children), children)):
            row["unit"] = u
            tried.append(row)
            if row["loss"] < parents[j]["loss"]:
                parents[j] = row
    return tried


def screen_table(path: Path, experiment: Path, option: str = "--start") -> pd.DataFrame:
    """A previous screen's table, checked to have a loss and a column for every varied factor;
    errors name the command-line `option` that gave the file."""
    from bopsim.model.errors import UsageError
    from bopsim.experiments.batch.config import load_experiment

    if not path.is_file():
        raise UsageError(f"{option}: {path} is not a file")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UsageError(f"{option}: {path} is not a CSV table ({exc})") from None
    needed = ["loss"] + [f.path for f in load_experiment(experiment).spec.varied]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise UsageError(f"{option}: {path} has no column {missing[0]!r} (a screen table of {experiment.name} is needed)")
    if table.empty:
        raise UsageError(f"{option}: {path} has no rows")
    return table


def _scenario_start(experiment: Path) -> pd.DataFrame:
    """A start table of two rows, both the scenario's current value of every varied factor (loss unknown)."""
    from bopsim.experiments.batch.config import load_experiment
    from bopsim.experiments.batch.overrides import base_scenario, value_at

    loaded = load_experiment(experiment)
    spec = base_scenario(str(loaded.scenario_files[0]))
    row = {f.path: value_at(spec, f.path) for f in loaded.spec.varied}
    return pd.DataFrame([{**row, "loss": np.nan}] * 2)


def _plain(value):
    """A numpy scalar as the Python value (int stays int), anything else unchanged."""
    return value.item() if hasattr(value, "item") else value


def main(argv: list[str] | None = None) -> int:
    from bopsim.model.errors import UsageError
    from bopsim.experiments.patterns.__main__ import parse_seeds
    from bopsim.model.scenario import ScenarioError

    parser = argparse.ArgumentParser(prog="python -m bopsim.experiments.patterns.screen", description=__doc__.splitlines()[0])
    parser.add_argument("experiment", type=Path)
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--refine", type=int, default=0, help="steps of local search from the two best points (default 0)")
    starts = parser.add_mutually_exclusive_group()
    starts.add_argument("--start", type=Path, help="a previous screen's CSV: refine from its two best rows instead of a new hypercube")
    starts.add_argument("--from-scenario", action="store_true", help="refine from the scenario's current values instead of a new hypercube")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write (must not exist)")
    args = parser.parse_args(argv)
    try:
        if args.out.exists():
            raise UsageError(f"--out: {args.out} exists")
        if args.refine < 0:
            raise UsageError(f"--refine: must be >= 0, got {args.refine}")
        start = screen_table(args.start, args.experiment) if args.start else (
            _scenario_start(args.experiment) if args.from_scenario else None)
        table = screen(args.experiment, parse_seeds(args.seeds), max(args.workers, 1), args.refine, start)
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"screen: error: {exc}", file=sys.stderr)
        return 2
    table.to_csv(args.out, index=False)
    print(table.drop(columns="failed").head(10).to_string())
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
