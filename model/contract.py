"""The monthly contract between the model and its behaviours.

Each month the model perceives the world once and hands every behaviour the same read-only
`View`; a behaviour writes only into its actor's `Plan`. The model then turns all plans into
next month's arrays (`RegionalModel.adopt`). Nothing in the model knows which behaviours exist,
and no behaviour reads the model itself: what a behaviour may read is exactly the fields below.

Shapes: n actors, R regions. Forces and capability in capability units (1 = 1,000
fighter-equivalents); control in shares of a region's area; relations in [-1, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from bopsim.model.combat import effective_force
from bopsim.model.linalg import SPARSE_FROM

if TYPE_CHECKING:
    from bopsim.model.geography import Geography
    from bopsim.model.scenario import Parameters


@dataclass(frozen=True)
class View:
    """What every actor perceives at the start of a month (arrays are read-only)."""

    params: Parameters
    geo: Geography
    active: np.ndarray
    """(n,) bool: the actor is in the theatre."""
    holds_ground: np.ndarray
    """(n,) bool: the actor's forces take and hold control (external powers do not)."""
    capability: np.ndarray
    """(n,) capability units."""
    control: np.ndarray
    """(n + 1, R) control shares; the last row is the ungoverned share."""
    deployment: np.ndarray
    """(n, R) ground forces deployed last month, capability units."""
    home: np.ndarray
    """(n, R) bool: the actor's sovereign (or base) regions."""
    home_distance: np.ndarray
    """(n, R) hops from the actor's home or basing regions."""
    proximity: np.ndarray
    """(n, R) exp(-home_distance / threat_range): the loss of strength with distance from home (Boulding 1962)."""
    sovereign: np.ndarray
    """(R,) index of the state whose home the region is, or -1."""
    state: np.ndarray
    """(n,) bool: the actor is sovereign somewhere (a state with a country); its domain is that country."""
    relations: np.ndarray
    """(n, n) relations in [-1, 1]."""
    ties: np.ndarray
    """(n, n) tie strengths in [0, 1]."""
    hostility: np.ndarray
    """(n, n) H[a, b] = -R[a, b] where below -hostility_threshold, else 0; 0 for inactive actors."""
    allied: np.ndarray
    """(n, n) bool: b is active and tied to a at or above the bloc threshold (the one definition of "allied")."""
    partnered: np.ndarray
    """(n, n) bool: a fights beside b (allied and not hostile, or a fought for b last month: the
    model's one definition of a partner, `RegionalModel._partnered`)."""
    threat: np.ndarray
    """(n, n) threat Theta[a, b] that b poses to a."""
    shared_threat: np.ndarray
    """(n, n) cosine of the threat profiles of a and b (common enemies)."""
    exposure: np.ndarray
    """(n, R) hostile force (hostility-weighted) in or next to each region, per actor."""
    actor_affinity: np.ndarray
    """(n, n) identity affinity exp(-(|id_a - id_b| / sigma)^2) between actors."""
    support: np.ndarray
    """(n, R) popular support factor in [0, 1] of each actor in each region (combat.support)."""
    access: np.ndarray
    """(n, R) bool: regions the actor may send forces into (combat-free neutral ground excluded)."""

    def __post_init__(self) -> None:
        """Hold every array through a read-only view: no copy, and no way to write into the model's arrays.

        The model never writes into the arrays it hands over while the month's plans are being
        made (it replaces them with new arrays), so the views show the perceived state throughout.
        """
        fields = vars(self)
        for name, value in fields.items():
            if type(value) is np.ndarray:
                value = value.view()
                value.setflags(write=False)
                fields[name] = value

    @property
    def n_actors(self) -> int:
        return self.capability.shape[0]

    def held(self, a: int | np.ndarray) -> np.ndarray:
        """Regions where actor(s) `a` hold at least the domain share of control (rows of `_holding`)."""
        return self._holding[a]

    @cached_property
    def domain(self) -> np.ndarray:
        """(n, R) regions each actor defends: its home, plus the ground it holds if it is not a state.

        States defend their own country; ground beyond a border is held only through a
        behaviour that sends forces there (forward defence, expeditionary support).
        """
        return self.home | (self._holding & ~self.state[:, None])

    @cached_property
    def near_domain(self) -> np.ndarray:
        """(n, R) bool: regions in or next to each actor's domain."""
        return self.geo.near(self.domain)

    @cached_property
    def strength(self) -> np.ndarray:
        """(n, R) ground strength each actor brings to each region: forces x terrain x support.

        The strength with which forces take ground (combat.effective_force x support), as the
        model computes it when the month's fighting is resolved. In large worlds it is computed
        only in the regions where someone has forces (zero elsewhere), where gathering those
        columns costs less than the work it saves.
        """
        if self.deployment.size < SPARSE_FROM:
            return effective_force(self.deployment, self.control, self.geo.defence) * self.support
        strength = np.zeros(self.deployment.shape)
        strength[:, self._forces] = self._strength_where_forces
        return strength

    def strength_of(self, actors: np.ndarray) -> np.ndarray:
        """(R,) the strength of the actors marked in `actors` ((n,) bool), summed region by region.

        In large worlds summed over the regions where someone has forces only: elsewhere every
        strength is zero, and each region's sum is the same sum of the same rows in the same order
        (with two regions or more, so that NumPy sums down the columns as it does over all regions).
        """
        if self.deployment.size < SPARSE_FROM or self._forces.size < 2:
            return self.strength[actors].sum(axis=0)
        total = np.zeros(self.deployment.shape[1])
        total[self._forces] = self._strength_where_forces[actors].sum(axis=0)
        return total

    def weakest_strength(self, actors: np.ndarray) -> np.ndarray:
        """(R,) the least strength among the `actors` (row indices) that hold at least the domain
        share of each region; inf where none of them does.

        In large worlds the minimum is taken over the regions where someone has forces only:
        elsewhere every strength is zero, so it is 0 wherever one of them holds ground.
        """
        holding = self._holding[actors]
        if self.deployment.size < SPARSE_FROM:
            return np.where(holding, self.strength[actors], np.inf).min(axis=0, initial=np.inf)
        weakest = np.where(holding.any(axis=0), 0.0, np.inf)
        forces = self._forces
        weakest[forces] = np.where(holding[:, forces], self._strength_where_forces[actors], np.inf).min(axis=0, initial=np.inf)
        return weakest

    @cached_property
    def enemies(self) -> np.ndarray:
        """(n, n) bool: b is hostile to a (hostility > 0)."""
        return self.hostility > 0

    @cached_property
    def open_ground(self) -> np.ndarray:
        """(R,) bool: regions whose ungoverned share is at least the domain share."""
        return self.control[-1] >= self.params.domain_share

    @cached_property
    def holds_ground_somewhere(self) -> np.ndarray:
        """(n,) bool: the actor holds at least the domain share of some region."""
        return self._holding.any(axis=1)

    @cached_property
    def _holding(self) -> np.ndarray:
        """(n, R) bool, read-only: the actor holds at least the domain share of the region."""
        holding = self.control[:-1] >= self.params.domain_share
        holding.flags.writeable = False
        return holding

    @cached_property
    def _forces(self) -> np.ndarray:
        """Regions where someone has ground forces."""
        return self.deployment.any(axis=0).nonzero()[0]

    @cached_property
    def _strength_where_forces(self) -> np.ndarray:
        """(n, F) `strength` in the regions `_forces`."""
        forces = self._forces
        return (effective_force(self.deployment[:, forces], self.control[:, forces], self.geo.defence[forces])
                * self.support[:, forces])


@dataclass
class Plan:
    """What one actor intends this month: the only thing a behaviour writes."""

    ground: list[tuple[float, np.ndarray]] = field(default_factory=list)
    strike: list[tuple[float, np.ndarray]] = field(default_factory=list)
    tie_wish: np.ndarray | None = None
    """Tie targets towards each actor in [0, 1]; None = no wish."""
    aid_share: float = 0.0
    relation_shift: dict[int, float] = field(default_factory=dict)
    fights_for: int | None = None
    training: dict[int, float] = field(default_factory=dict)
    """Capability units of each partner's forces trained this month."""
    garrison: float = 0.5
    """Share of the forces left at home spread evenly over the domain (the rest by threat)."""

    def deploy(self, share: float, weights: np.ndarray) -> None:
        """Commit `share` of capability to ground forces spread by `weights` (ignored if all zero)."""
        total = weights.sum()
        if share > 0 and total > 0:
            self.ground.append((share, weights / total))

    def air_strike(self, share: float, weights: np.ndarray) -> None:
        """Commit `share` of capability to strike power spread by `weights` (ignored if all zero)."""
        total = weights.sum()
        if share > 0 and total > 0:
            self.strike.append((share, weights / total))

    def wish_ties(self, strengths: np.ndarray) -> None:
        """Raise tie targets towards other actors (values in [0, 1]); keeps the larger wish."""
        self.tie_wish = strengths.copy() if self.tie_wish is None else np.maximum(self.tie_wish, strengths)
