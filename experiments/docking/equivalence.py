"""Equivalence statistics for docking (Axtell, Axelrod, Epstein & Cohen 1996).

Failing to reject a difference is not equivalence, so every comparison has two parts:
- a test of difference on the distribution: Mann–Whitney U and two-sample Kolmogorov–Smirnov
  against another implementation's runs, or the Wilcoxon signed-rank test of the runs against
  a single published value (for a share of runs, 0/1 values: the exact binomial test, and TOST by
  two one-sided binomial tests);
- an equivalence test on the mean: two one-sided t-tests (TOST, Schuirmann 1987; statsmodels)
  that the mean lies within ± `margin` of the reference, the margin fixed before the runs
  (`experiments/docking/targets.py`).

Verdicts at level `ALPHA`: "equivalent" when TOST rejects non-equivalence; otherwise "not
equivalent" when the difference test rejects, else "inconclusive" (too few runs to tell). A
directional claim ("fighting declines") is "reproduced" when a one-sided test rejects its
negation, else "not reproduced".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW, ttost_ind

ALPHA = 0.05
LEVEL = 0.95


@dataclass(frozen=True)
class Comparison:
    """One docking comparison: the sample, its 95% interval, the tests and the verdict."""

    n: int
    mean: float
    ci_low: float
    ci_high: float
    test: str
    p_difference: float
    p_equivalence: float
    verdict: str


def mean_interval(sample: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95% t interval (NaN interval for fewer than 2 values or a constant sample)."""
    x = np.asarray(sample, dtype=float)
    mean = float(x.mean())
    if x.size < 2 or np.ptp(x) == 0:
        return mean, mean, mean
    low, high = DescrStatsW(x).tconfint_mean(alpha=1 - LEVEL)
    return mean, float(low), float(high)


def _verdict(p_difference: float, p_equivalence: float) -> str:
    if p_equivalence < ALPHA:
        return "equivalent"
    return "not equivalent" if p_difference < ALPHA else "inconclusive"


def against_value(sample: np.ndarray, published: float, margin: float) -> Comparison:
    """Runs against one published value: Wilcoxon signed-rank, and TOST on |mean − published| < margin."""
    x = _finite(sample)
    mean, low, high = mean_interval(x)
    deviation = x - published
    p_difference = float(stats.wilcoxon(deviation).pvalue) if np.any(deviation != 0) else 1.0
    p_equivalence = _tost_one(x, published - margin, published + margin)
    return Comparison(x.size, mean, low, high, "Wilcoxon signed-rank; TOST", p_difference, p_equivalence,
                      _verdict(p_difference, p_equivalence))


def against_share(sample: np.ndarray, published: float, margin: float) -> Comparison:
    """A share of runs (0/1 values) against a published share: exact binomial test, and exact TOST (two
    one-sided binomial tests at published ± margin; a bound beyond [0, 1] is met trivially);
    Clopper–Pearson 95% interval."""
    x = _finite(sample)
    k, n = int(x.sum()), x.size
    test = stats.binomtest(k, n, published)
    interval = test.proportion_ci(confidence_level=LEVEL)
    low, high = published - margin, published + margin
    p_low = stats.binomtest(k, n, low, alternative="greater").pvalue if low > 0 else 0.0
    p_high = stats.binomtest(k, n, high, alternative="less").pvalue if high < 1 else 0.0
    p_equivalence = float(max(p_low, p_high))
    return Comparison(n, k / n, float(interval.low), float(interval.high), "binomial; exact TOST",
                      float(test.pvalue), p_equivalence, _verdict(float(test.pvalue), p_equivalence))


def against_sample(sample: np.ndarray, reference: np.ndarray, margin: float) -> Comparison:
    """Runs against another implementation's (or setting's) runs: Mann–Whitney, KS and TOST on the means.

    `p_difference` is the smaller of the Mann–Whitney and KS p-values (either test detecting a
    difference counts).
    """
    x, y = _finite(sample), _finite(reference)
    mean, low, high = mean_interval(x)
    if np.ptp(np.concatenate([x, y])) == 0:
        return Comparison(x.size, mean, low, high, "Mann–Whitney, KS; TOST", 1.0, 0.0, "equivalent")
    p_mw = float(stats.mannwhitneyu(x, y).pvalue)
    p_ks = float(stats.ks_2samp(x, y).pvalue)
    p_equivalence = float(ttost_ind(x, y, -margin, margin, usevar="unequal")[0])
    p_difference = min(p_mw, p_ks)
    return Comparison(x.size, mean, low, high, "Mann–Whitney, KS; TOST", p_difference, p_equivalence,
                      _verdict(p_difference, p_equivalence))


def directional(sample: np.ndarray, bound: float, above: bool) -> Comparison:
    """A published direction: the runs' values lie above (or below) `bound` (one-sided Wilcoxon)."""
    x = _finite(sample)
    mean, low, high = mean_interval(x)
    deviation = x - bound
    if np.all(deviation == 0):
        p = 1.0
    else:
        p = float(stats.wilcoxon(deviation, alternative="greater" if above else "less").pvalue)
    verdict = "reproduced" if p < ALPHA else "not reproduced"
    return Comparison(x.size, mean, low, high, f"one-sided Wilcoxon ({'>' if above else '<'} {bound:g})",
                      p, float("nan"), verdict)


def _tost_one(x: np.ndarray, low: float, high: float) -> float:
    """TOST p-value that the mean of `x` lies in (low, high); a constant sample is judged by its value."""
    if x.size < 2 or np.ptp(x) == 0:
        return 0.0 if low < x.mean() < high else 1.0
    return float(DescrStatsW(x).ttost_mean(low, high)[0])


def _finite(sample: np.ndarray) -> np.ndarray:
    x = np.asarray(sample, dtype=float)
    return x[np.isfinite(x)]
