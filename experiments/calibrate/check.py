"""Posterior-predictive check: every pattern's 90% band over runs drawn from the posterior, and
the forecast of the calibration file's `[forecast]` quantities from the same runs.

Parameter sets are drawn by weight from the last generation (`bopsim.experiments.batch.design.posterior_draws`),
one run each, seeds from `SeedSequence(root_seed, spawn_key=(2**32 - 2,))` (a stream apart from the
calibration's); a pattern's observation counts as inside when the centre of its accepted range
(its bound, if one-sided) lies in the band of its simulated values [5%, 95%]. With a `[forecast]`
each run lasts its `steps` months (the months up to the data's end are the same run as the
calibration's shorter one would be) and also gives every forecast quantity.
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

    spec = calibration.spec
    table = posterior_draws(values, weights, draws, spec.root_seed)
    seeds = np.random.SeedSequence(spec.root_seed, spawn_key=(CHECK_STREAM,)).generate_state(draws)
    steps, quantities = (spec.forecast.steps, spec.forecast.quantity) if spec.forecast else (spec.steps, ())
    jobs = [(str(calibration.scenario_file), str(calibration.patterns_file), steps, quantities,
             tuple((path, float(row[path])) for path in values.columns), int(seed))
            for (_, row), seed in zip(table.iterrows(), seeds)]
    return pd.DataFrame(list(map_(_one_run, jobs)))


def _one_run(job: tuple) -> dict[str, float]:
    """Every pattern's and forecast quantity's value in one run, by id."""
    from bopsim.experiments.batch.overrides import scenario_with
    from bopsim.experiments.calibrate.run import catalogue_at
    from bopsim.experiments.patterns.evaluate import Geography, Run, value
    from bopsim.experiments.patterns.fit import run_tables

    scenario, patterns, steps, quantities, overrides, seed = job
    spec, catalogue = scenario_with(scenario, overrides), catalogue_at(patterns)
    run, geo = Run.of(run_tables(spec, seed, steps)), Geography.of(spec)
    return {p.id: value(p, catalogue, run, geo) for p in (*catalogue.pattern, *quantities)}


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
