"""The ABC distance: each pattern's deviation from its accepted range, scaled by that range.

Every pattern of the catalogue is one summary statistic with an accepted range [low, high]
(docs/patterns.md says how each range was drawn from its sources). A statistic is scaled by its
own range, not by the spread of the simulations, so the scale states the sources' uncertainty and
does not change from one generation to the next:

- two-sided range: z = (x − centre) / half-width, so z = ±1 at the bounds; counts whose ranges are
  multiplicative (battle deaths: a factor of two; fighters: published low-high estimates; ISIS
  territory: IHS ± 20 %) are compared on the log scale (x, low and high replaced by their logs,
  values below 1 raised to 1);
- one-sided range (a share at least or at most a bound, a change of hands by at least a bound):
  z = the shortfall beyond the bound / ONE_SIDED_SCALE, 0 inside;
- a statistic the run cannot give (NaN) counts as z = MISSING.

The distance is the root mean square of the z over the statistics, so a run whose every statistic
lies inside its range has distance at most 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.patterns.catalogue import Catalogue

LOG_KINDS = frozenset({"battle_deaths", "fighters", "territory"})
"""Patterns whose ranges are multiplicative; compared on the log scale."""
ONE_SIDED_SCALE = 0.15
"""Scale (share of a region) of a one-sided range's shortfall: the half-width the catalogue gives a
share stated as a number (s ± 0.15, docs/patterns.md)."""
MISSING = 10.0
"""Scaled deviation of a statistic the run cannot give (ten half-widths: far outside any range)."""


@dataclass(frozen=True)
class Scales:
    """Per statistic (in catalogue order): id, lower and upper bound (on the compared scale; NaN if
    open) and whether it is compared on the log scale."""

    ids: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    log: np.ndarray

    @classmethod
    def of(cls, catalogue: Catalogue) -> Scales:
        patterns = catalogue.pattern
        log = np.array([p.kind in LOG_KINDS for p in patterns])
        low = np.array([np.nan if p.low is None else p.low for p in patterns], dtype=float)
        high = np.array([np.nan if p.high is None else p.high for p in patterns], dtype=float)
        return cls(ids=tuple(p.id for p in patterns), low=_compared(low, log), high=_compared(high, log), log=log)

    def observed(self) -> dict[str, float]:
        """What is stored as the observed data: each range's centre, or its bound if one-sided."""
        centre = np.where(np.isnan(self.low), self.high, np.where(np.isnan(self.high), self.low, (self.low + self.high) / 2))
        return dict(zip(self.ids, np.where(self.log, np.exp(centre), centre).tolist()))


def _compared(values: np.ndarray, log: np.ndarray) -> np.ndarray:
    """Values on the scale they are compared on: logs (of at least 1) where `log`, else as they are."""
    return np.where(log, np.log(np.maximum(values, 1.0)), values)


def deviations(values: dict[str, float], scales: Scales) -> np.ndarray:
    """Scaled deviation z of each statistic from its range (see the module docstring).

    Example: a share of 0.8 against 0.3-0.76 gives (0.8 − 0.53) / 0.23 = 1.17; 0.1 against "at
    least 0.2" gives 0.1 / 0.15 = 0.67; 40,000 deaths against 20,000-80,000 gives 0 (the log
    centre is 40,000).
    """
    x = _compared(np.array([values.get(i, np.nan) for i in scales.ids], dtype=float), scales.log)
    two_sided = ~np.isnan(scales.low) & ~np.isnan(scales.high)
    centre = (scales.low + scales.high) / 2
    half = (scales.high - scales.low) / 2
    shortfall = np.fmax(np.nan_to_num(scales.low - x, nan=0.0), np.nan_to_num(x - scales.high, nan=0.0))
    z = np.where(two_sided, np.abs(x - centre) / np.where(half > 0, half, 1.0),
                 np.maximum(shortfall, 0.0) / ONE_SIDED_SCALE)
    return np.where(np.isnan(x), MISSING, z)


def distance(values: dict[str, float], scales: Scales) -> float:
    """Root mean square of the scaled deviations (0: every statistic at its range's centre)."""
    z = deviations(values, scales)
    return float(np.sqrt(np.mean(z ** 2)))
