"""The ABC distance of one run: the mean over patterns of each pattern's scaled distance outside its
accepted range — the loss of the pattern screen (`bopsim.experiments.patterns.fit.pattern_distance`), so the
screen and the calibration judge a run alike.

Each statistic is scaled by its own kind of range, not by the spread of the simulations, so the
scale states the sources' uncertainty and stays the same from one generation to the next: 0 inside
the range; outside it, for counts (battle deaths, fighters, km²) the doublings beyond the nearest
bound, for control shares the distance over 0.15 (a sixth of a governorate), for changes of hands
the distance over 0.1; a pattern the run cannot give, and any larger distance, counts 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bopsim.experiments.patterns.catalogue import Catalogue
from bopsim.experiments.patterns.fit import COUNT_KINDS, pattern_distance


@dataclass(frozen=True)
class Scales:
    """The accepted ranges of a catalogue's patterns, in catalogue order (NaN for an open bound)."""

    ids: tuple[str, ...]
    kind: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, catalogue: Catalogue) -> Scales:
        patterns = catalogue.pattern
        return cls(ids=tuple(p.id for p in patterns), kind=tuple(p.kind for p in patterns),
                   low=np.array([np.nan if p.low is None else p.low for p in patterns], dtype=float),
                   high=np.array([np.nan if p.high is None else p.high for p in patterns], dtype=float))

    def observed(self) -> dict[str, float]:
        """What stands for the observation of each pattern: the centre of its range (geometric for
        counts), or its bound if one-sided (stored with the posterior; the predictive check's target)."""
        counts = np.isin(self.kind, COUNT_KINDS)
        centre = np.where(counts, np.sqrt(np.abs(self.low * self.high)), (self.low + self.high) / 2)
        centre = np.where(np.isnan(self.low), self.high, np.where(np.isnan(self.high), self.low, centre))
        return dict(zip(self.ids, centre.tolist()))


def deviations(values: dict[str, float], scales: Scales) -> np.ndarray:
    """Each pattern's scaled distance outside its range for one run's `values` (by pattern id).

    Example: a share of 0.8 against 0.3-0.76 gives (0.8 − 0.76) / 0.15 = 0.267; a change of 0.1
    against "at least 0.2" gives 0.1 / 0.1 = 1; 160,000 deaths against 20,000-80,000 gives one
    doubling, 1; a missing value 3.
    """
    table = pd.DataFrame({"kind": scales.kind, "low": scales.low, "high": scales.high,
                          "median": [values.get(i, np.nan) for i in scales.ids]})
    return pattern_distance(table).to_numpy()


def distance(values: dict[str, float], scales: Scales) -> float:
    """Mean of the scaled distances over the patterns (0: every pattern inside its range)."""
    return float(deviations(values, scales).mean())
