"""Pattern screen: a Latin hypercube over an experiment's factors, each point judged on the patterns.

python -m experiments.patterns.screen EXPERIMENT [--seeds 1,2] [--workers N] --out FILE.csv

The experiment file gives the scenario (its first), the factors with their ranges and the design
size (`[design] samples`, Latin hypercube from `root_seed`). Each point runs over the seeds for
the months up to the end of 2016; its loss is the mean `fit.pattern_distance` over the patterns;
the CSV has one row per point (factor values, loss, patterns passed), best first. The screen
ranks points; the scenario's values are chosen from its best points and checked over seeds 1-10
(docs/calibration.md).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd


def judge(task: tuple[str, tuple, list[int]]) -> dict:
    """Loss and patterns passed of one design point: (scenario file, overrides, seeds) -> row."""
    from experiments.batch.overrides import scenario_with
    from experiments.patterns.fit import pattern_distance, pattern_fit

    scenario, overrides, seeds = task
    table = pattern_fit(scenario_with(scenario, overrides), seeds)
    return {**dict(overrides), "loss": float(pattern_distance(table).mean()), "passed": int(table["passed"].sum()),
            "failed": " ".join(table.loc[~table["passed"], "id"])}


def screen(experiment: Path, seeds: list[int], workers: int) -> pd.DataFrame:
    """The screen's table, best point first."""
    from experiments.batch.config import load_experiment
    from experiments.batch.design import design_table

    loaded = load_experiment(experiment)
    design = design_table(loaded.spec)
    paths = [f.path for f in loaded.spec.varied]
    fixed = tuple((f.path, f.value) for f in loaded.spec.factor if f.is_fixed)
    points = design[paths].astype(object).to_dict("records")  # keeps an integer factor an int
    tasks = [(str(loaded.scenario_files[0]), fixed + tuple((p, _plain(row[p])) for p in paths), seeds) for row in points]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            rows = list(pool.map(judge, tasks, chunksize=4))
    else:
        rows = [judge(t) for t in tasks]
    return pd.DataFrame(rows).sort_values("loss", kind="stable").reset_index(drop=True)


def _plain(value):
    """A numpy scalar as the Python value (int stays int), anything else unchanged."""
    return value.item() if hasattr(value, "item") else value


def main(argv: list[str] | None = None) -> int:
    from experiments.cli import UsageError
    from experiments.patterns.__main__ import parse_seeds
    from model.scenario import ScenarioError

    parser = argparse.ArgumentParser(prog="python -m experiments.patterns.screen", description=__doc__.splitlines()[0])
    parser.add_argument("experiment", type=Path)
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write (must not exist)")
    args = parser.parse_args(argv)
    try:
        if args.out.exists():
            raise UsageError(f"--out: {args.out} exists")
        table = screen(args.experiment, parse_seeds(args.seeds), max(args.workers, 1))
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"screen: error: {exc}", file=sys.stderr)
        return 2
    table.to_csv(args.out, index=False)
    print(table.drop(columns="failed").head(10).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
