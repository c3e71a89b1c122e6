"""Power-balance metrics computed each month from the model's arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bopsim.model.linalg import connects


def power_shares(capability: np.ndarray, active: np.ndarray) -> np.ndarray:
    """s_a = K_a / sum K over active actors (external powers count with their theatre capability)."""
    k = np.where(active, capability, 0.0)
    total = k.sum()
    return k / total if total > 0 else k


def effective_poles(shares: np.ndarray) -> float:
    """Effective number of poles 1 / sum s^2 (Laakso & Taagepera 1979)."""
    hhi = concentration(shares)
    return 1.0 / hhi if hhi > 0 else 0.0


def concentration(shares: np.ndarray) -> float:
    """Herfindahl-Hirschman concentration sum s^2 (Ray & Singer 1973 use a normalised form)."""
    return float(np.square(shares).sum())


BLOC_BALANCE_CAP = 100.0
"""Largest bloc balance: a second bloc under 1% of the strongest's power counts as 1% of it.

Without a cap the ratio is infinite (NaN in the tables) whenever fewer than two blocs hold
power, one bloc holding it all; 100 reads as "one bloc, no counterweight" and keeps means and
intervals across runs finite.
"""


def bloc_balance(capability: np.ndarray, bloc: np.ndarray) -> tuple[float, float, float]:
    """(strongest bloc's power share, second's, strongest / second), the ratio at most BLOC_BALANCE_CAP.

    With no bloc holding power the shares are 0 and the ratio is 1 (nothing to balance); with
    one bloc, or a second without power, the ratio is the cap.
    """
    members = bloc >= 0
    power = np.bincount(bloc[members], weights=capability[members]) if members.any() else np.zeros(0)
    total = power.sum()
    if total <= 0:
        return 0.0, 0.0, 1.0
    power.sort()  # a new array from bincount
    top = power[::-1]
    first, second = float(top[0] / total), float(top[1] / total) if top.size > 1 else 0.0
    return first, second, min(first / second, BLOC_BALANCE_CAP) if second > 0 else BLOC_BALANCE_CAP


def forward_presence(present_or_held: np.ndarray, allied: np.ndarray, home: np.ndarray) -> np.ndarray:
    """Regions beyond an actor's home where it or its allies have forces or hold ground.

    The allies' reach is added for the actors that have allies only.
    """
    reach = present_or_held.copy()
    rows = allied.any(axis=1).nonzero()[0]
    reach[rows] |= connects(allied[rows], present_or_held)
    return (reach & ~home).sum(axis=1)


@dataclass
class WarEpisodes:
    """Dyadic war episodes: runs of months in which a pair's losses exceed a threshold.

    An episode starts in the first month a hostile pair's mutual losses exceed `threshold`
    and ends in the first month they do not; its size is the total loss in capability units
    (cf. war-size distributions in Cederman 2003).
    """

    n: int
    threshold: float
    ongoing: np.ndarray = field(init=False)
    size: np.ndarray = field(init=False)
    start: np.ndarray = field(init=False)
    upper: np.ndarray = field(init=False)
    """(n, n) bool: the pairs a < b."""

    def __post_init__(self) -> None:
        self.upper = np.triu(np.ones((self.n, self.n), dtype=bool), 1)
        self.ongoing = np.zeros((self.n, self.n), dtype=bool)
        self.size = np.zeros((self.n, self.n))
        self.start = np.zeros((self.n, self.n), dtype=int)

    def update(self, dyad_losses: np.ndarray, step: int) -> tuple[list[tuple[int, int]], list[tuple[int, int, int, float]]]:
        """Advance one month; return (started pairs, ended pairs with start step and size)."""
        mutual = np.where(self.upper, dyad_losses + dyad_losses.T, 0.0)
        fighting = mutual > self.threshold
        started = fighting & ~self.ongoing
        ended = self.ongoing & ~fighting
        self.start[started] = step
        self.size[started] = 0.0
        self.size[fighting] += mutual[fighting]
        ended_list = [(int(a), int(b), int(self.start[a, b]), float(self.size[a, b])) for a, b in zip(*ended.nonzero())]
        self.ongoing = fighting
        return [(int(a), int(b)) for a, b in zip(*started.nonzero())], ended_list

    @property
    def count(self) -> int:
        return int(self.ongoing.sum())
