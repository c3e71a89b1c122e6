"""Design points and the run plan: factor values, scenarios x points x replications, seeds.

Sampling designs (Latin hypercube, Sobol, Morris; SALib) are drawn on the unit hypercube and
mapped to each factor's distribution by its quantile function, so one sample serves every
distribution and the unit coordinates are kept for the sensitivity analysis.

Seeds: the run of design point p, replication r gets
`SeedSequence(root_seed).spawn(P)[p].spawn(R)[r]` (as a 63-bit integer). A run's seed depends on
its index only (never on the worker or the executor), adding replications leaves the earlier
runs' seeds unchanged, and every scenario of the experiment uses the same seed for the same
(p, r): common random numbers across variants.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bopsim.experiments.batch.config import Experiment, Factor, LoadedExperiment


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run (picklable, small)."""

    index: int
    run_id: str
    scenario: str
    scenario_file: str
    point: int
    replication: int
    seed: int
    steps: int | None
    overrides: tuple[tuple[str, Any], ...]
    model: str = "regional"
    """The model family (`model/classic`; "regional" is the regional model)."""


def salib_problem(names: list[str]) -> dict[str, Any]:
    """The SALib problem of the factors `names` on the unit hypercube (values are mapped by `scale`)."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def unit_sample(spec: Experiment) -> np.ndarray:
    """Design points on the unit hypercube, one row per point, one column per varied factor."""
    factors, design = spec.varied, spec.design
    if not factors:
        return np.zeros((1, 0))
    problem = salib_problem([f.path for f in factors])
    if design.kind == "lhs":
        from SALib.sample import latin
        return latin.sample(problem, design.samples, seed=spec.root_seed)
    if design.kind == "sobol":
        from SALib.sample import sobol
        return sobol.sample(problem, design.samples, calc_second_order=design.second_order, seed=spec.root_seed)
    if design.kind == "morris":
        from SALib.sample import morris
        return morris.sample(problem, design.samples, num_levels=design.morris_levels, seed=spec.root_seed)
    return _factorial_grid(factors)


def _factorial_grid(factors: list[Factor]) -> np.ndarray:
    """All combinations of each factor's level indices, as unit coordinates (i / (levels - 1))."""
    counts = [len(f.values) if f.values is not None else f.levels for f in factors]
    grid = itertools.product(*(range(n) for n in counts))
    return np.array([[i / max(n - 1, 1) for i, n in zip(cell, counts)] for cell in grid])


def scale(factor: Factor, u: float) -> Any:
    """The factor's value at unit coordinate `u` in [0, 1] (its quantile; lists pick an item)."""
    if factor.values is not None:
        return factor.values[min(int(u * len(factor.values)), len(factor.values) - 1)]
    if factor.dist == "uniform":
        value = factor.low + u * (factor.high - factor.low)
    elif factor.dist == "loguniform":
        value = float(np.exp(np.log(factor.low) + u * (np.log(factor.high) - np.log(factor.low))))
    elif factor.dist == "triangular":
        c = (factor.mode - factor.low) / (factor.high - factor.low)
        value = float(stats.triang.ppf(u, c, loc=factor.low, scale=factor.high - factor.low))
    else:
        value = float(stats.norm.ppf(np.clip(u, 1e-9, 1 - 1e-9), loc=factor.mean, scale=factor.sd))
    return round(value) if factor.integer else float(value)


def unit_of(factor: Factor, value: Any) -> float:
    """The unit coordinate of a factor's value, the inverse of `scale` (a listed value: the middle
    of its interval of u; a whole number: the quantile of the number itself)."""
    if factor.values is not None:
        return (list(factor.values).index(value) + 0.5) / len(factor.values)
    v = float(value)
    if factor.dist == "uniform":
        u = (v - factor.low) / (factor.high - factor.low)
    elif factor.dist == "loguniform":
        u = np.log(v / factor.low) / np.log(factor.high / factor.low)
    elif factor.dist == "triangular":
        c = (factor.mode - factor.low) / (factor.high - factor.low)
        u = stats.triang.cdf(v, c, loc=factor.low, scale=factor.high - factor.low)
    else:
        u = stats.norm.cdf(v, loc=factor.mean, scale=factor.sd)
    return float(np.clip(u, 0.0, 1.0))


def design_table(spec: Experiment, posterior: tuple[pd.DataFrame, np.ndarray] | None = None) -> pd.DataFrame:
    """One row per design point: `point`, each varied factor's value and its unit coordinate (`u:<path>`);
    for a posterior design, `point` and the values of one posterior draw (see `posterior_draws`)."""
    if spec.design.kind == "posterior":
        return posterior_draws(*posterior, spec.design.samples, spec.root_seed)
    unit = unit_sample(spec)
    rows = []
    for p, coords in enumerate(unit):
        row: dict[str, Any] = {"point": p}
        for factor, u in zip(spec.varied, coords):
            row[factor.path] = _factorial_value(factor, u) if spec.design.kind == "factorial" else scale(factor, u)
        rows.append(row)
    table = pd.DataFrame(rows)
    for factor, column in zip(spec.varied, unit.T):
        table[f"u:{factor.path}"] = column
    return table


def posterior_draws(values: pd.DataFrame, weights: np.ndarray, samples: int, root_seed: int) -> pd.DataFrame:
    """`samples` parameter sets drawn with replacement from a weighted posterior sample, one per point.

    `values` has one column per parameter path and one row per particle, `weights` (particles,)
    need not sum to 1. The draws depend on `root_seed` only (SeedSequence(root_seed, spawn_key=(-1,)),
    a stream apart from the runs' seeds); every scenario of the experiment runs the same draws with
    the same seeds (common random numbers over parameters and seeds).
    """
    rng = np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(2**32 - 1,)))
    chosen = rng.choice(len(values), size=samples, replace=True, p=weights / weights.sum())
    table = values.iloc[chosen].reset_index(drop=True)
    return pd.concat([pd.DataFrame({"point": range(samples), "particle": chosen}), table], axis=1)


def _factorial_value(factor: Factor, u: float) -> Any:
    """Level i of n at u = i / (n - 1): the listed value, or evenly spaced on the (log) range."""
    if factor.values is not None:
        return factor.values[round(u * (len(factor.values) - 1))]
    return scale(factor, u)


def run_seed(root_seed: int, point: int, replication: int) -> int:
    """The seed of (design point, replication): SeedSequence(root).spawn(...)[point].spawn(...)[replication]."""
    child = np.random.SeedSequence(root_seed, spawn_key=(point, replication))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def plan(experiment: LoadedExperiment, design: pd.DataFrame) -> list[RunTask]:
    """All runs, scenario-major, then design point, then replication; `index` is the position."""
    spec = experiment.spec
    fixed = tuple((f.path, f.value) for f in spec.factor if f.is_fixed)
    varied = [c for c in design.columns if c not in ("point", "particle") and not c.startswith("u:")]
    tasks = []
    for entry, label, file in zip(spec.scenario, spec.labels, experiment.scenario_files):
        for row in design.itertuples(index=False):
            values = dict(zip(design.columns, row))
            overrides = tuple(entry.set.items()) + fixed + tuple((path, _plain(values[path])) for path in varied)
            for r in range(spec.replications):
                p = int(values["point"])
                tasks.append(RunTask(
                    index=len(tasks), run_id=f"{label}-p{p:05d}-r{r:04d}", scenario=label, scenario_file=str(file),
                    point=p, replication=r, seed=run_seed(spec.root_seed, p, r), steps=spec.steps, overrides=overrides,
                    model=spec.model,
                ))
    return tasks


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (stable hashing, pickling and TOML-like overrides)."""
    return value.item() if isinstance(value, np.generic) else value
