"""What a month means for each actor: the consequences the Levant study names, as monthly arrays.

Pure functions of the model's arrays (n actors, R regions); `month_record` gathers them once a
month (`RegionalModel.collect`). Which actor, allies and rivals they are read for is the
experiment's choice (`ConsequenceNames`, experiments/batch/consequences.py); nothing here names
an actor. Definitions, units and sources: docs/ODD.md §7.10.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from weakref import WeakKeyDictionary

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from bopsim.model.alliances import fighting_together
from bopsim.model.linalg import SPARSE_FROM, actor_product

APPROACH_HOPS = 3
"""Regions 1..3 hops beyond home are an actor's approaches (forward defence reaches 2 by
default, §7.2; one hop more counts the ground from which a threat would come next)."""
REACH_HOPS = 1
"""Forces within reach of a region: those in it or in a land neighbour (the reach of the
model's exposure, §7.1)."""


def approach_weights(distance: np.ndarray, span: int = APPROACH_HOPS) -> np.ndarray:
    """(n, R) weights of the regions 1..`span` hops beyond each actor's home, w ∝ 1 / hops, rows
    summing to 1 (0 for an actor without home or without approaches).

    `distance` (n, R): hops from each actor's home (`home_distance`). Nearer ground counts more,
    but no region counts more than a ring-1 neighbour, so no single far region can dominate (cf.
    `strategic_depth`). Example: home {0} on the line 0-1-2-3-4 with span 3 gives 1, 1/2, 1/3 on
    regions 1..3, divided by 11/6: (0, 6/11, 3/11, 2/11, 0).
    """
    ring = (distance >= 1) & (distance <= span)
    raw = np.where(ring, 1.0 / np.maximum(distance, 1), 0.0)
    total = raw.sum(axis=1, keepdims=True)
    return np.divide(raw, total, out=np.zeros(raw.shape), where=total > 0)


def home_distance(distance_from, home: np.ndarray) -> np.ndarray:
    """(n, R) hops from the nearest home region of each actor to each region; `distance_from`
    maps an (R,) bool mask to the (R,) hops from it (Geography.distance_from: one search per
    actor, memory linear in the regions); a large number for an actor without home."""
    big = np.iinfo(np.int32).max
    return np.array([distance_from(row) if row.any() else np.full(home.shape[1], big) for row in home])


def strategic_depth(weights: np.ndarray, hostile_control: np.ndarray, has_home: np.ndarray) -> np.ndarray:
    """(n,) share of an actor's approaches not held by actors hostile to it, 0..1; NaN without home
    (1 for a home with no approaches: no ground in front of it can be lost).

    D_a = Σ_r w[a, r] (1 − H[a, r]), with w the `approach_weights` and H[a, r] the control share
    of region r held by actors hostile to a. 1: no hostile ground within three hops of home;
    0: all of it hostile. Example: weights (6/11, 3/11, 2/11) and hostile shares (0, 0.5, 1)
    give 6/11 + 1.5/11 + 0 = 0.682.
    """
    free = 1.0 - hostile_control.clip(0.0, 1.0)
    depth = np.where(weights.sum(axis=1) > 0, (weights * free).sum(axis=1), 1.0)
    return np.where(has_home, depth, np.nan)


def hostile_control(hostility: np.ndarray, control: np.ndarray) -> np.ndarray:
    """(n, R) control share of each region held by actors hostile to each actor (0..1).

    `hostility` (n, n), >0 where hostile; `control` (n, R) the actors' control shares."""
    return actor_product((hostility > 0).astype(float), control)


def home_held(control: np.ndarray, home: np.ndarray, area: np.ndarray, side: np.ndarray) -> np.ndarray:
    """(n,) share of an actor's home area (km²) controlled by the actor or its allies, 0..1; NaN without home.

    `side` (n, n) bool, the actor and its allies. Example: a home of 10,000 km² and 30,000 km²
    held at shares 1 and 0.5 by the actor and its allies: (10,000 + 15,000) / 40,000 = 0.625."""
    total = home @ area
    held = (actor_product(side.astype(float), control) * home) @ area
    return np.divide(held, total, out=np.full(len(total), np.nan), where=total > 0)


def hostile_home_km2(hostile: np.ndarray, home: np.ndarray, area: np.ndarray) -> np.ndarray:
    """(n,) km² of an actor's home held by actors hostile to it (`hostile` from `hostile_control`)."""
    return (hostile * home) @ area


def within_reach(adjacency, regions: np.ndarray, reach: int = REACH_HOPS) -> np.ndarray:
    """(n, R) bool: regions within `reach` hops of any region of each row of `regions` (n, R);
    `adjacency` (R, R, symmetric, sparse or dense) joins land neighbours (Geography.adjacency)."""
    mask = regions.astype(bool)
    for _ in range(reach):  # symmetric: (mask @ A) = (A @ mask.T).T, a sparse-times-dense product
        mask = mask | (np.asarray(adjacency @ mask.T.astype(float)).T > 0)
    return mask


def deterrence(force: np.ndarray, side: np.ndarray, allied: np.ndarray, exposed: np.ndarray) -> np.ndarray:
    """(n, n) retaliation each actor's side could inflict on each other actor, in capability units.

    T[a, b] = Σ_c side[a, c] (1 − allied[c, b]) Σ_r force[c, r] exposed[b, r]: the forces
    (ground and strike) of a and its allies, less those allied to b too, standing within reach of
    b's forces, held ground, home or bases — what b would have to expect to meet if it struck a
    or a's allies (deterrence by punishment and by denial both rest on forces able to reach the
    challenger: Snyder 1961; the local balance is what deters, Huth 1988). `force` (n, R) units,
    `side` (n, n) bool with the diagonal set, `allied` (n, n) bool, `exposed` (n, R) bool.
    Example: a with 3 units next to b's home and a's ally c with 2 units in b's region: T[a, b] = 5,
    or 3 if c is allied to b as well.
    """
    cols = np.flatnonzero(force.any(axis=0))  # forces stand in few regions
    within = force[:, cols] @ exposed[:, cols].T.astype(float)
    return side.astype(float) @ (within * ~allied)


def nearest_hostile_hops(home_distance: np.ndarray, has_home: np.ndarray, hostility: np.ndarray,
                         footprint: np.ndarray, cap: int) -> np.ndarray:
    """(n,) hops from an actor's home to the nearest region where a hostile actor has forces or
    holds ground (0: inside home); `cap` if none can be reached; NaN without home.

    `home_distance` (n, R): hops from each actor's home to each region (`_distance_from`)."""
    hostile_there = actor_product((hostility > 0).astype(float), footprint.astype(float)) > 0
    nearest = np.where(hostile_there, home_distance, cap).min(axis=1, initial=cap)
    return np.where(has_home, np.minimum(nearest, cap), np.nan)


def corridor(adjacency, holder: np.ndarray, friends: np.ndarray, start: np.ndarray, end: np.ndarray) -> bool:
    """Whether a land path of regions each held (majority) by one of `friends` joins `start` to `end`.

    `adjacency` (R, R) sparse, `holder` (R,) actor index of each region's majority holder,
    `friends` (n,) bool, `start` and `end` (R,) bool region sets (the path's end regions must be
    friendly-held too). Example: on the line 0-1-2 with regions held by friend, friend, foe, 0
    joins 1 but not 2.
    """
    held = np.zeros(len(holder), dtype=bool)
    inside = holder < len(friends)
    held[inside] = friends[holder[inside]]
    keep = np.flatnonzero(held)
    if not (held & start).any() or not (held & end).any():
        return False
    graph = adjacency[keep][:, keep]
    _, label = csgraph.connected_components(graph, directed=False)
    return bool(set(label[start[keep]]) & set(label[end[keep]]))


@dataclass(frozen=True)
class Sparse:
    """An (n, R) array kept by its non-zero entries (flat positions and values): most (actor,
    region) entries of forces and control are zero, so a month kept this way costs little memory.
    Arrays smaller than `SPARSE_FROM` entries are kept whole (`at` None), which costs less time."""

    shape: tuple[int, int]
    at: np.ndarray | None
    values: np.ndarray

    @classmethod
    def of(cls, array: np.ndarray) -> Sparse:
        if array.size < SPARSE_FROM:
            return cls(array.shape, None, array.copy())
        at = np.flatnonzero(array != 0)  # faster than on the floats themselves
        return cls(array.shape, at, array.reshape(-1)[at])

    def dense(self) -> np.ndarray:
        """The array (a new one at each call)."""
        if self.at is None:
            return self.values.copy()
        out = np.zeros(self.shape)
        out.reshape(-1)[self.at] = self.values
        return out


@dataclass(frozen=True)
class Fixed:
    """What does not change during a run: home distances, approach weights, ground near home."""

    home_distance: np.ndarray
    approach: np.ndarray
    has_home: np.ndarray
    base: np.ndarray
    near_home: np.ndarray
    home: np.ndarray
    area_km2: np.ndarray
    adjacency: sparse.csr_array
    cap: int
    """Hops reported when no hostile force or ground can be reached (the diameter + 1)."""
    presence: float
    domain_share: float

    @classmethod
    def of(cls, model) -> Fixed:
        distance = home_distance(model.geo.distance_from, model.home)
        base = model.home | model.basing
        return cls(home_distance=distance, approach=approach_weights(distance), has_home=model.home.any(axis=1),
                   base=base, near_home=within_reach(model.geo.adjacency, base), home=model.home,
                   area_km2=model.geo.area_km2, adjacency=model.geo.adjacency, cap=model.diameter + 1,
                   presence=model.params.presence, domain_share=model.params.domain_share)


@dataclass(frozen=True)
class ConsequenceRecord:
    """One month's consequence arrays (n actors; pairs (n, n)).

    depth: strategic depth (share of approaches not hostile-held, 0..1);
    home_held: share of home area the actor and its allies hold (0..1); hostile_home_km2: home km² held by
    hostile actors; nearest_hostile: hops from home to the nearest hostile force or ground;
    hostile_near_home: hostile capability (units) within reach of home; deterrence (n, n) units;
    ties (n, n) 0..1; joint (n, n) bool, fighting side by side this month; bloc: bloc label
    (-1 none); power_share; territory_km2; active; forces_abroad: capability (ground + strike)
    outside home, units; aid_given: capability sent to allies this month, units.

    Strategic depth (read every month by the actor records) is computed at collection; the
    other measures when first read, from the month's arrays kept with the record (control and
    forces by their non-zero entries). They are the same numbers as if computed at collection;
    a run whose consequences no experiment reads never computes them.
    """

    depth: np.ndarray
    ties: np.ndarray
    bloc: np.ndarray
    power_share: np.ndarray
    territory_km2: np.ndarray
    active: np.ndarray
    aid_given: np.ndarray
    holder: np.ndarray
    fixed: Fixed
    control: Sparse
    """(n, R) the actors' control shares."""
    deployment: Sparse
    strike: Sparse
    hostility: np.ndarray
    allied: np.ndarray
    contested: np.ndarray

    @cached_property
    def _present(self) -> np.ndarray:
        """(n, R) bool: ground forces or strike power above `presence` (active actors)."""
        p = self.fixed.presence
        return ((self.deployment.dense() > p) | (self.strike.dense() > p)) & self.active[:, None]

    @cached_property
    def _side(self) -> np.ndarray:
        return self.allied | np.eye(len(self.active), dtype=bool)

    @cached_property
    def _hostile(self) -> np.ndarray:
        return hostile_control(self.hostility, self.control.dense())

    @cached_property
    def home_held(self) -> np.ndarray:
        return home_held(self.control.dense(), self.fixed.home, self.fixed.area_km2, self._side)

    @cached_property
    def hostile_home_km2(self) -> np.ndarray:
        return hostile_home_km2(self._hostile, self.fixed.home, self.fixed.area_km2)

    @cached_property
    def nearest_hostile(self) -> np.ndarray:
        f = self.fixed
        held = (self.control.dense() >= f.domain_share) & self.active[:, None]
        return nearest_hostile_hops(f.home_distance, f.has_home, self.hostility, self._present | held, f.cap)

    @cached_property
    def hostile_near_home(self) -> np.ndarray:
        hostile_force = actor_product((self.hostility > 0).astype(float), self.deployment.dense())
        return (hostile_force * self.fixed.near_home).sum(axis=1)

    @cached_property
    def deterrence(self) -> np.ndarray:
        f = self.fixed
        held = (self.control.dense() >= f.domain_share) & self.active[:, None]
        force = (self.deployment.dense() + self.strike.dense()) * self.active[:, None]
        return deterrence(force, self._side, self.allied, within_reach(f.adjacency, self._present | held | f.base))

    @cached_property
    def joint(self) -> np.ndarray:
        return fighting_together(self._present, self.contested, self.hostility > 0, 1.0) > 0

    @cached_property
    def forces_abroad(self) -> np.ndarray:
        force = self.deployment.dense() + self.strike.dense()
        return (force * ~self.fixed.home).sum(axis=1) * self.active


_FIXED: WeakKeyDictionary = WeakKeyDictionary()
"""Fixed arrays per live model, computed at its first record."""


def month_record(model, allied: np.ndarray) -> ConsequenceRecord:
    """The consequence record of the model's current month (called by `RegionalModel.collect` with
    the month's alliances, `RegionalModel._allied`)."""
    fixed = _FIXED.get(model)
    if fixed is None:
        fixed = _FIXED[model] = Fixed.of(model)
    control = model.control[:-1]
    hostility = model.hostility
    aid = getattr(model, "aid", None)
    active = model.active.copy()
    return ConsequenceRecord(
        depth=strategic_depth(fixed.approach, hostile_control(hostility, control), fixed.has_home),
        ties=model.ties.copy(),
        bloc=model.bloc,  # a kept result, read-only
        power_share=model.shares.copy(),
        territory_km2=model.territory_km2.copy(),
        active=active,
        aid_given=np.zeros(len(active)) if aid is None else aid.sum(axis=1),
        holder=model.majority_holder.copy(),
        fixed=fixed,
        control=Sparse.of(control),
        deployment=Sparse.of(model.deployment),
        strike=Sparse.of(model.strike),
        hostility=hostility,  # a kept result, read-only
        allied=allied,
        contested=model.battle.contested.copy(),
    )
