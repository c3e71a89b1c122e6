"""Power-balance metrics computed each month from the model's arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.linalg import actor_product, grouped_min, matching_entries


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


def bloc_balance(capability: np.ndarray, bloc: np.ndarray) -> tuple[float, float, float]:
    """(strongest bloc's power share, second's, strongest / second); NaN ratio with under two blocs."""
    members = bloc >= 0
    if not members.any():
        return 0.0, 0.0, float("nan")
    power = np.bincount(bloc[members], weights=capability[members])
    total = power.sum()
    top = np.sort(power)[::-1]
    if top.size < 2 or top[1] <= 0 or total <= 0:
        return (float(top[0] / total) if total > 0 else 0.0), 0.0, float("nan")
    return float(top[0] / total), float(top[1] / total), float(top[0] / top[1])


def strategic_depth(hops: np.ndarray, home: np.ndarray, hostile_held: np.ndarray, area: np.ndarray, cap: int) -> np.ndarray:
    """Area-weighted mean hops from each home region to the nearest hostile-held region.

    `home` and `hostile_held` are (n, R) boolean; the distance is capped at `cap` (the
    theatre's diameter + 1, meaning "no hostile ground reachable"). NaN for actors with no home.
    Computed over the (actor, home region, region hostile to that actor) triples only.
    """
    actor, region = np.nonzero(home)
    owner, target = np.nonzero(hostile_held)
    pair, entry, start, count = matching_entries(actor, owner)
    nearest = np.minimum(grouped_min(hops[region[pair], target[entry]], start, count, cap), cap)
    n = home.shape[0]
    total = np.bincount(actor, weights=area[region], minlength=n)
    summed = np.bincount(actor, weights=nearest * area[region], minlength=n)
    return np.divide(summed, total, out=np.full(n, np.nan), where=total > 0)


def forward_presence(present_or_held: np.ndarray, allied: np.ndarray, home: np.ndarray) -> np.ndarray:
    """Regions beyond an actor's home where it or its allies have forces or hold ground.

    The allies' reach is added for the actors that have allies only.
    """
    reach = present_or_held.copy()
    rows = allied.any(axis=1).nonzero()[0]
    reach[rows] |= actor_product(allied[rows].astype(float), present_or_held.astype(float)) > 0
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
        ended_list = [(int(a), int(b), int(self.start[a, b]), float(self.size[a, b])) for a, b in zip(*np.nonzero(ended))]
        self.ongoing = fighting
        return [(int(a), int(b)) for a, b in zip(*np.nonzero(started))], ended_list

    @property
    def count(self) -> int:
        return int(self.ongoing.sum())
