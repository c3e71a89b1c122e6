"""Check the best rows of pattern screens over more seeds, as the scenario file would hold them.

python -m bopsim.experiments.patterns.choose EXPERIMENT TABLE [TABLE ...] [--top 40] [--seeds 1-10]
    [--workers N] --out FILE.csv

The screen ranks its points on a few seeds, and a point's fit can turn on the fourth digit of a
value. So the `--top` rows of lowest loss in the screen tables (duplicates dropped) are judged again
over `--seeds`, each value rounded to the 3 significant digits the scenario file keeps. The CSV
has one row per point: the rounded values, the loss and the patterns passed on those seeds, and
the patterns failed; lowest loss first, then most patterns passed (the choice rule of
docs/calibration.md: the loss is what the screen's refinement and the Bayesian calibration
minimise; a count of patterns passed treats a miss by a hair as a miss by a mile).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd


def as_written(factor, value):
    """A factor's value as the scenario file keeps it: the listed value nearest to it (a table may
    hold fronts = 2 as 2.0), a whole number for an integer factor, else 3 significant digits."""
    if factor.values:
        numbers = all(isinstance(listed, (int, float)) for listed in factor.values)
        return min(factor.values, key=lambda listed: abs(listed - value)) if numbers else value
    if factor.integer:
        return int(round(value))
    return float(f"{float(value):.3g}")


def check(experiment: Path, tables: list[pd.DataFrame], top: int, seeds: list[int], workers: int) -> pd.DataFrame:
    """The `top` points of lowest loss in `tables` as the scenario file would hold them (rows that
    round to the same point count once), judged over `seeds`, lowest loss first."""
    from bopsim.experiments.batch.config import load_experiment
    from bopsim.experiments.patterns.screen import _plain, judge

    loaded = load_experiment(experiment)
    scenario = str(loaded.scenario_files[0])
    fixed = tuple((f.path, f.value) for f in loaded.spec.factor if f.is_fixed)
    varied = loaded.spec.varied
    paths = [f.path for f in varied]
    rows = pd.concat([t[paths + ["loss"]] for t in tables]).sort_values("loss", kind="stable")
    written = [tuple((f.path, as_written(f, _plain(row[f.path]))) for f in varied) for _, row in rows.iterrows()]
    best = list(dict.fromkeys(written))[:top]  # the lowest loss of each point as written
    tasks = [(scenario, fixed + point, seeds) for point in best]
    with ProcessPoolExecutor(workers) as pool:
        judged = list(pool.map(judge, tasks))
    table = pd.DataFrame(judged)
    return table.sort_values(["loss", "passed"], ascending=[True, False], kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    from bopsim.model.errors import UsageError
    from bopsim.experiments.patterns.__main__ import parse_seeds
    from bopsim.experiments.patterns.screen import screen_table
    from bopsim.model.scenario import ScenarioError

    parser = argparse.ArgumentParser(prog="python -m bopsim.experiments.patterns.choose", description=__doc__.splitlines()[0])
    parser.add_argument("experiment", type=Path)
    parser.add_argument("tables", type=Path, nargs="+", help="screen tables (CSV) whose best rows are checked")
    parser.add_argument("--top", type=int, default=40, help="rows of lowest loss to check (default 40)")
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write (must not exist)")
    args = parser.parse_args(argv)
    try:
        if args.out.exists():
            raise UsageError(f"--out: {args.out} exists")
        if args.top < 1:
            raise UsageError(f"--top: must be >= 1, got {args.top}")
        tables = [screen_table(path, args.experiment, "TABLE") for path in args.tables]
        table = check(args.experiment, tables, args.top, parse_seeds(args.seeds), max(args.workers, 1))
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"choose: error: {exc}", file=sys.stderr)
        return 2
    table.to_csv(args.out, index=False)
    print(table[["loss", "passed"]].head(10).to_string())
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
