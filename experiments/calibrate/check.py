"""Posterior-predictive check: every pattern's 90% band over runs drawn from the posterior.

Parameter sets are drawn by weight from the last generation (`bopsim.experiments.batch.design.posterior_draws`),
one run each, seeds from `SeedSequence(root_seed, spawn_key=(2**32 - 2,))` (a stream apart from the
calibration's); a pattern's observation counts as inside when the centre of its accepted range
(its bound, if one-sided) lies in the band of its simulated values [5%, 95%].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bopsim.experiments.calibrate.config import LoadedCalibration
from bopsim.experiments.calibrate.distance import Scales

CHECK_STREAM = 2**32 - 2
"""spawn_key of the check's seeds (the posterior draws of a batch design use 2**32 - 1)."""


def check_runs(calibration: LoadedCalibration, values: pd.DataFrame, weights: np.ndarray, draws: int, map_=map) -> pd.DataFrame:
    """Pattern values of `draws` runs from the posterior (one row per run, one column per pattern id)."""
    from bopsim.experiments.batch.design import posterior_draws

    table = posterior_draws(values, weights, draws, calibration.spec.root_seed)
    seeds = np.random.SeedSequence(calibration.spec.root_seed, spawn_key=(CHECK_STREAM,)).generate_state(draws)
    jobs = [(str(calibration.scenario_file), str(calibration.patterns_file), calibration.spec.steps,
             tuple((path, float(row[path])) for path in values.columns), int(seed))
            for (_, row), seed in zip(table.iterrows(), seeds)]
    return pd.DataFrame(list(map_(_one_run, jobs)))


def _one_run(job: tuple) -> dict[str, float]:
    from bopsim.experiments.batch.overrides import scenario_with
    from bopsim.experiments.calibrate.run import catalogue_at
    from bopsim.experiments.patterns.fit import pattern_values

    scenario, patterns, steps, overrides, seed = job
    return pattern_values(scenario_with(scenario, overrides), catalogue_at(patterns), seed, steps)


def band_table(runs: pd.DataFrame, scales: Scales) -> pd.DataFrame:
    """Per pattern: observed (range centre or bound), the simulated 5%, 50% and 95% and whether the
    observation lies inside the band (NaN runs left out; no value: not inside)."""
    observed = scales.observed()
    rows = []
    for pattern in scales.ids:
        column = runs[pattern].dropna() if pattern in runs else pd.Series(dtype=float)
        q05, q50, q95 = (column.quantile([0.05, 0.5, 0.95]).tolist() if len(column) else [np.nan] * 3)
        rows.append({"pattern": pattern, "observed": observed[pattern], "q05": q05, "median": q50, "q95": q95,
                     "inside": bool(len(column)) and q05 <= observed[pattern] <= q95})
    return pd.DataFrame(rows)
