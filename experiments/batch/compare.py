"""Comparison of outcomes across scenarios/variants, with bootstrap intervals and effect sizes.

For each outcome and group (a scenario label, and the values of the varied factors if any):
- n (runs with a value), mean, median;
- a 95% percentile bootstrap interval of the mean (B resamples of the runs, with replacement);
- the difference of means from the baseline group with the same factor values, its 95%
  percentile bootstrap interval (the two groups resampled independently), and Cohen's d
  (difference over the pooled standard deviation with n - 1 denominators; undefined when both
  groups are constant up to rounding);
- P(sign): the share of paired runs (the same design point and replication, hence the same
  parameter set and seed: common random numbers) whose difference from the baseline has the sign
  of the difference of means, ties counting half (`sign_probability`); over a posterior design,
  the probability that the sign holds given the parameter and stochastic uncertainty;
- the share of right-censored values (times to events that did not happen before the horizon;
  their values are the horizon, so the mean is the restricted mean time to event).

The bootstrap generator of each row is seeded from `seed` and the row's own name, so the output
is the same on every call and does not depend on which other outcomes are compared.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

LEVEL = 0.95
CONSTANT = 1e-9
"""A pooled sd below this times the larger |mean| (or 1) is rounding noise: the groups are constant."""
STAT_COLUMNS = ("n", "mean", "median", "ci_low", "ci_high", "diff", "diff_low", "diff_high", "effect_size", "p_sign",
                "censored")
PAIR_KEYS = ("point", "replication")
"""Columns that pair a variant's run with the baseline's run of the same parameters and seed."""


def bootstrap_means(values: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """Means of `resamples` resamples of `values` with replacement."""
    picks = rng.integers(0, len(values), size=(resamples, len(values)))
    return values[picks].mean(axis=1)


def percentile_interval(draws: np.ndarray) -> tuple[float, float]:
    """The central 95% interval of bootstrap draws (percentile method)."""
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def cohens_d(values: np.ndarray, baseline: np.ndarray) -> float:
    """(mean - baseline mean) / pooled sd; NaN if fewer than 3 values or both groups constant."""
    n1, n0 = len(values), len(baseline)
    if n1 + n0 < 3:
        return float("nan")
    pooled = np.sqrt(((n1 - 1) * _var(values) + (n0 - 1) * _var(baseline)) / (n1 + n0 - 2))
    scale = max(abs(values.mean()), abs(baseline.mean()), 1.0)
    if pooled <= CONSTANT * scale:
        return float("nan")
    return float((values.mean() - baseline.mean()) / pooled)


def _var(values: np.ndarray) -> float:
    return float(values.var(ddof=1)) if len(values) > 1 else 0.0


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def compare(outcomes: pd.DataFrame, baseline: str, factors: list[str] | None = None, seed: int = 0,
            resamples: int = 2000) -> pd.DataFrame:
    """One row per outcome x group with the statistics above (see the module docstring).

    `outcomes` is the long table of the result store (scenario, factor columns, outcome, value,
    censored); `factors` are the columns that split groups besides the scenario.
    """
    keys = ["scenario", *(factors or [])]
    data = outcomes.dropna(subset=["value"])
    order = list(dict.fromkeys(outcomes["scenario"]))
    rows = []
    for outcome, frame in data.groupby("outcome", sort=False):
        groups = {_key(k): g for k, g in frame.groupby(keys, sort=False, dropna=False)}
        for key, group in groups.items():
            reference = groups.get((baseline, *key[1:]))
            rows.append({"outcome": outcome, **dict(zip(keys, key)),
                         **_stats(group, reference, key[0] == baseline, f"{outcome}|{key}", seed, resamples)})
    table = pd.DataFrame(rows, columns=["outcome", *keys, *STAT_COLUMNS])
    table["_order"] = table["scenario"].map({s: i for i, s in enumerate(order)})
    return table.sort_values(["outcome", "_order", *keys[1:]], kind="stable").drop(columns="_order").reset_index(drop=True)


def degenerate(outcomes: pd.DataFrame) -> dict[str, str]:
    """Outcomes that carry no comparison, with the reason: censored in every run, or one value in every run.

    A time to event censored in every run is the horizon everywhere (the event never
    happened); an outcome with one value (up to CONSTANT) in every run has no spread to compare.
    """
    reasons = {}
    for outcome, frame in outcomes.dropna(subset=["value"]).groupby("outcome", sort=False):
        values = frame["value"].to_numpy(dtype=float)
        if frame["censored"].astype(bool).all():
            reasons[outcome] = "censored in every run (the event did not happen before the horizon)"
        elif np.ptp(values) <= CONSTANT * max(float(np.abs(values).max()), 1.0):
            reasons[outcome] = f"one value in every run ({values[0]:,.6g})"
    return reasons


def _key(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _stats(group: pd.DataFrame, reference: pd.DataFrame | None, is_baseline: bool, name: str, seed: int,
           resamples: int) -> dict[str, float]:
    values = group["value"].to_numpy(dtype=float)
    rng = _rng(seed, name)
    low, high = percentile_interval(bootstrap_means(values, rng, resamples))
    stats = {"n": len(values), "mean": float(values.mean()), "median": float(np.median(values)),
             "ci_low": low, "ci_high": high, "diff": np.nan, "diff_low": np.nan, "diff_high": np.nan,
             "effect_size": np.nan, "p_sign": np.nan, "censored": float(group["censored"].mean())}
    if reference is not None and not is_baseline:
        base = reference["value"].to_numpy(dtype=float)
        draws = bootstrap_means(values, rng, resamples) - bootstrap_means(base, rng, resamples)
        stats["diff"] = float(values.mean() - base.mean())
        stats["diff_low"], stats["diff_high"] = percentile_interval(draws)
        stats["effect_size"] = cohens_d(values, base)
        stats["p_sign"] = sign_probability(group, reference, stats["diff"])
    return stats


def sign_probability(group: pd.DataFrame, reference: pd.DataFrame, diff: float) -> float:
    """Share of runs paired on PAIR_KEYS whose difference (group − reference) has the sign of
    `diff`, ties counting half; NaN if `diff` is 0 or no run pairs (no PAIR_KEYS columns).

    Example: paired differences (+2, +1, 0, −1) and diff = +0.5: (2 + 0.5) / 4 = 0.625.
    """
    if diff == 0 or np.isnan(diff) or not set(PAIR_KEYS) <= set(group.columns) & set(reference.columns):
        return float("nan")
    keys = list(PAIR_KEYS)
    paired = group[[*keys, "value"]].merge(reference[[*keys, "value"]], on=keys, suffixes=("", "_base"))
    if paired.empty:
        return float("nan")
    signs = np.sign(paired["value"] - paired["value_base"]) * np.sign(diff)
    return float(((signs > 0) + 0.5 * (signs == 0)).mean())
