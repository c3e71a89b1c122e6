"""Which of a pattern screen's factors move its loss: the parameters worth calibrating.

python -m bopsim.experiments.calibrate.informative EXPERIMENT SCREEN.csv

Reads the screen's table (`bopsim.experiments.patterns.screen`: one row per point, each factor's
value and the loss) and, for each factor of the screen's experiment file, reports
- Spearman's rank correlation of the factor with the loss (its sign: whether more of it brings the
  run closer to the patterns) and its p-value;
- Borgonovo's moment-independent delta (SALib's `delta`, Plischke et al. 2013), the expected shift
  of the loss's whole distribution when the factor is known, which also catches effects that are
  not monotone, with its 95% bootstrap interval.
A factor is marked `informative` if its delta interval lies above those of NOISE_COLUMNS dummy
factors (columns of noise, whose deltas are what finite-sample noise alone gives; the highest of
them is the floor, reported as the dummy's row) or its rank correlation is significant at 5% after
Bonferroni's correction for the number of factors: the patterns can say something about it. One
noise column is not enough: on the 800-point Levant screen ten of them gave deltas of 0.047 to
0.089, and a single one drawn at 0.031 marked 26 of 34 factors (docs/calibration.md). The rest
leave the loss as they found it and are held at the scenario's values in the calibration
(docs/calibration.md, "Bayesian calibration").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

ALPHA = 0.05
"""Family-wise level of the rank-correlation test (Bonferroni: each factor at ALPHA / factors)."""
DUMMY = "dummy (noise)"
"""Name of the row of the noise column whose delta is the floor an informative factor must clear."""
NOISE_COLUMNS = 10
"""Dummy factors drawn: the floor is the highest delta + half-interval among them."""


def informative_table(screen: pd.DataFrame, factors: list[str], seed: int = 1) -> pd.DataFrame:
    """One row per factor (and the dummy), most influential first: rho, p, delta, its interval, informative."""
    from SALib.analyze import delta

    rng = np.random.default_rng(seed)
    X = screen[factors].to_numpy(dtype=float)
    X = np.column_stack([X, rng.random((len(X), NOISE_COLUMNS))])
    names = [*factors, *(f"{DUMMY} {i}" for i in range(NOISE_COLUMNS))]
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[float(c.min()), float(c.max())] for c in X.T]}
    y = screen["loss"].to_numpy(dtype=float)
    result = delta.analyze(problem, X, y, seed=seed, method="delta")
    rows = []
    for i, name in enumerate(names):
        rho, p = spearmanr(X[:, i], y)
        rows.append({"factor": name, "rho": rho, "p": p, "delta": result["delta_raw"][i],
                     "delta_conf": result["delta_raw_conf"][i]})
    table = pd.DataFrame(rows)
    noise = table["factor"].str.startswith(DUMMY)
    tops = table["delta"] + table["delta_conf"]
    floor = tops[noise].max()
    table = pd.concat([table[~noise], table[noise].loc[[tops[noise].idxmax()]].assign(factor=DUMMY)])
    moves = (table["delta"] - table["delta_conf"] > floor) | (table["p"] < ALPHA / len(factors))
    table["informative"] = moves & (table["factor"] != DUMMY)
    return table.sort_values("delta", ascending=False, kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    from bopsim.experiments.batch.config import load_experiment
    from bopsim.model.errors import UsageError

    parser = argparse.ArgumentParser(prog="python -m bopsim.experiments.calibrate.informative",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("experiment", type=Path, help="the screen's experiment file (its factors)")
    parser.add_argument("screen", type=Path, help="the screen's CSV (bopsim.experiments.patterns.screen --out)")
    args = parser.parse_args(argv)
    try:
        factors = [f.path for f in load_experiment(args.experiment).spec.varied]
        if not args.screen.is_file():
            raise UsageError(f"{args.screen}: file not found")
        screen = pd.read_csv(args.screen)
        missing = [c for c in (*factors, "loss") if c not in screen.columns]
        if missing:
            raise UsageError(f"{args.screen}: column {missing[0]!r} missing (a screen of another experiment?)")
    except UsageError as exc:
        print(f"informative: error: {exc}", file=sys.stderr)
        return 2
    table = informative_table(screen, factors)
    print(f"{len(screen)} screen points, loss {screen['loss'].min():.3f}-{screen['loss'].max():.3f}")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
