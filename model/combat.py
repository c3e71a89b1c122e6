"""Attrition and the contest for control in regions where hostile forces meet (vectorised).

Shapes: n actors, R regions. `control` has n + 1 rows, the last being the ungoverned share.
Forces and losses are in capability units (1 = 1,000 fighter-equivalents) per month.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from bopsim.model.linalg import connects

TINY = 1e-12
"""Forces or strengths below this are treated as none when dividing (no overflow from 1e-308)."""


@dataclass(frozen=True)
class Battle:
    """Outcome of one month of fighting."""

    losses: np.ndarray
    """(n, R) capability lost by each actor in each region."""
    dyad_losses: np.ndarray
    """(n, n) capability lost by row actor to column actor."""
    contested: np.ndarray
    """(R,) regions where hostile actors met."""
    deserted: np.ndarray
    """(n, R) capability that left the ranks after a defeat (`desertion`); not battle deaths."""
    nonstate: np.ndarray
    """(R,) capability lost in fighting where neither side is a government (`Attrition.nonstate`)."""
    fought: np.ndarray
    """(C,) indices of the regions where attrition was computed (`exposed` and `aimed` columns)."""
    exposed: np.ndarray
    """(n, C) force exposed to fire there (`Attrition.exposed`)."""
    aimed: np.ndarray
    """(n, C) fire per unit of enemy force there (`Attrition.aimed`)."""
    hostility: np.ndarray
    """(n, n) the month's hostility, which set the intensity of fire."""
    rate: float
    """The attrition rate of the month (`parameters.attrition`)."""
    strike_kills: np.ndarray
    """(n,) capability of enemy forces each actor's strike power destroyed this month (`Attrition.strike_kills`)."""

    def dyad_losses_in(self, regions: np.ndarray) -> np.ndarray:
        """(n, n) capability lost by row actor to column actor in the regions marked by `regions`
        ((R,) bool): `dyad_losses` restricted to them (the two agree where every region is marked)."""
        keep = regions[self.fought]
        return self.rate * self.hostility.T * (self.exposed[:, keep] @ self.aimed[:, keep].T)

    @cached_property
    def actor_deserted(self) -> np.ndarray:
        """(n,) capability each actor lost to desertion this month."""
        return self.deserted.sum(axis=1)

    @cached_property
    def actor_losses(self) -> np.ndarray:
        """(n,) capability each actor lost this month (summed once; read by the update and the records)."""
        return self.losses.sum(axis=1)

    @cached_property
    def total(self) -> float:
        """Capability lost by all actors this month."""
        return float(self.losses.sum())


def contested_regions(enemies: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Regions where two hostile actors are both present (forces or held ground).

    `present` (n, R) is boolean; a region is contested if some a and b with enemies[a, b]
    (hostility > 0, (n, n) bool) are both present in it. Only regions where at least two actors
    are present are computed.
    """
    contested = np.zeros(present.shape[1], dtype=bool)
    cols = (present.sum(axis=0) >= 2).nonzero()[0]
    p = present[:, cols]
    contested[cols] = (connects(enemies, p) & p).any(axis=0)
    return contested


def effective_force(deployment: np.ndarray, control: np.ndarray, defence: np.ndarray) -> np.ndarray:
    """Ground force with the defender's terrain advantage: F x (1 + (delta - 1) x C).

    The holder of a share C of the region fights with that share of the terrain multiplier
    delta >= 1 (a continuous form of the defender advantage in Lanchester models).
    """
    return deployment * (1.0 + (defence - 1.0) * control[:-1])


class Attrition(NamedTuple):
    """One month's losses to fire (`attrition`)."""

    losses: np.ndarray
    """(n, R) capability lost by each actor in each region."""
    dyads: np.ndarray
    """(n, n) capability lost by row actor to column actor."""
    nonstate: np.ndarray
    """(R,) capability lost in each region in fighting where neither side is a government (UCDP's
    non-state conflicts: not battle-related deaths of its state-based data)."""
    exposed: np.ndarray
    """(n, C) force exposed to fire in each computed column, after the cap (F x scale)."""
    aimed: np.ndarray
    """(n, C) each actor's fire per unit of enemy force it is aimed at, in each computed column."""
    strike_kills: np.ndarray
    """(n,) capability of enemy forces each actor's strike power destroyed: its part of the losses
    it inflicted, in the ratio of its strike fire to its whole fire in each region."""


def attrition(
    deployment: np.ndarray,
    fire: np.ndarray,
    hostility: np.ndarray,
    rate: float,
    columns: np.ndarray,
    government: np.ndarray,
    strike_fire: np.ndarray | None = None,
) -> Attrition:
    """Lanchester-style losses: each actor's fire is split over its enemies by their force.

    Actor b's fire in a region is aimed at each enemy a (H[b, a] > 0) in proportion to F[a],
    and delivered at the intensity of b's hostility towards it, H[b, a] (1 = war; the relations
    are coded from UCDP's intensity levels, so clashes do not cost a war's losses); the loss of
    a is rate x the fire it receives, capped at its force there (Lanchester 1916, aimed fire:
    losses of one side proportional to the effective force of the other). Only the
    `columns` (contested regions) are computed. `government` (n,) marks the actors that are the
    government of a state (UCDP's state-based conflicts have one on a side at least): the losses
    a non-government takes from the fire of another make up `nonstate`.

    `strike_fire` (n, R), the part of `fire` delivered by strike power (none if not given), splits
    what each actor b inflicts: its strike kills are
    rate x sum_c (strike fire of b in c / T[b, c]) x sum_a H[b, a] x exposed[a, c], T[b, c] the
    enemies' force its fire is spread over — the column sums of `dyads` with strike fire in
    place of the whole fire.
    """
    n, regions = deployment.shape
    losses, nonstate = np.zeros((n, regions)), np.zeros(regions)
    if not columns.any():
        empty = np.zeros((n, 0))
        return Attrition(losses, np.zeros((n, n)), nonstate, empty, empty, np.zeros(n))
    f = deployment[:, columns]
    targets = (hostility > 0) @ f  # the enemies' force that b's fire is spread over
    aimable = targets > TINY
    per_target = np.divide(fire[:, columns], targets, out=np.zeros(f.shape), where=aimable)
    received = rate * f * (hostility.T @ per_target)
    taken = np.minimum(received, f)
    scale = np.divide(taken, received, out=np.ones(f.shape), where=received > 0)
    exposed = f * scale
    dyads = rate * hostility.T * (exposed @ per_target.T)
    losses[:, columns] = taken
    others = (~government).nonzero()[0]
    among = hostility[np.ix_(others, others)].T @ per_target[others]
    nonstate[columns] = (rate * exposed[others] * among).sum(axis=0)
    strike_kills = np.zeros(n)
    if strike_fire is not None:
        strike_per_target = np.divide(strike_fire[:, columns], targets, out=np.zeros(f.shape), where=aimable)
        strike_kills = rate * (strike_per_target * (hostility @ exposed)).sum(axis=1)
    return Attrition(losses, dyads, nonstate, exposed, per_target, strike_kills)


def credit_external(strength: np.ndarray, fights_for: np.ndarray, holds_ground: np.ndarray, allied: np.ndarray) -> np.ndarray:
    """Move the contest strength of actors that hold no ground to the partners they fight for.

    An external power's strength in a region goes to its partners there (the ally it fights
    for, and tied actors that hold ground) in proportion to their own strength; with no partner
    present it takes no ground. `fights_for` (n,) holds an actor index or -1; `allied` (n, n)
    is boolean.
    """
    own = strength * holds_ground[:, None]
    return own + passed_to_partners(strength, own, fights_for, holds_ground, allied)


def passed_to_partners(amount: np.ndarray, own: np.ndarray, fights_for: np.ndarray, holds_ground: np.ndarray,
                       allied: np.ndarray) -> np.ndarray:
    """(n, C) what the actors that hold no ground pass of `amount` (n, C) to their partners present,
    in proportion to the partners' `own` strength (n, C, zero for actors that hold no ground)."""
    outside = (~holds_ground).nonzero()[0]
    if outside.size == 0:
        return np.zeros(own.shape)
    partners = allied[outside] * holds_ground[None, :].astype(float)
    ally = fights_for[outside]
    partners[(ally >= 0).nonzero()[0], ally[ally >= 0]] = 1.0
    weight = partners @ own
    share = np.divide(amount[outside], weight, out=np.zeros(weight.shape), where=weight > TINY)
    return own * (partners.T @ share)


def air_supported(strength: np.ndarray, strike_fire: np.ndarray, share: float, support: np.ndarray,
                  fights_for: np.ndarray, holds_ground: np.ndarray, allied: np.ndarray) -> np.ndarray:
    """(n, C) contest strength with air support: x = S + share x s x A.

    S (n, C) is the ground strength after `credit_external`; A the strike fire flown for the
    actor: its own (a government flying for its army) plus what the external powers striking
    there pass to it (`passed_to_partners`, in proportion to S); s (n, C) its popular support
    there (`support`). Air power alone takes no ground (Pape 1996); flown for a partner on the
    ground it lets the partner take what it could not take alone (Andres, Wills & Griffith
    2005; Biddle 2005). What is taken must still be held among the people, so the air power a
    force exploits counts at that force's support, as its own troops do (§7.1). share = 0 turns
    the rule off.
    """
    if share <= 0.0:
        return strength
    flown = strike_fire * holds_ground[:, None] + passed_to_partners(strike_fire, strength, fights_for, holds_ground, allied)
    return strength + share * support * flown


def standing_support(capital_hops: np.ndarray, sovereign_support: float, capital_reach: float) -> np.ndarray:
    """(R,) support that the standing of a region's state gives there, in [sovereign_support, 1].

        s_state[r] = s_0 + (1 - s_0) x exp(-h[r] / lambda_c)
    with h[r] the hops from the capital of r's state (`capital_hops`; very large where the state
    has no capital in the scenario) and lambda_c = `capital_reach` (0: s_0 everywhere). A state's
    authority is strongest at its seat and weakens with distance from it, as its power to
    reward and coerce does (Boulding 1962, the loss-of-strength gradient; Herbst 2000 on state
    power radiating from the capital; Buhaug, Gates & Lujala 2009: rebels fare better the farther
    they fight from the capital).
    """
    if capital_reach <= 0:
        return np.full(capital_hops.shape, sovereign_support)
    return sovereign_support + (1.0 - sovereign_support) * np.exp(-capital_hops / capital_reach)


def support(region_affinity: np.ndarray, sovereign: np.ndarray, standing: np.ndarray, state_support: np.ndarray) -> np.ndarray:
    """(n, R) popular support factor of each actor in each region, in [0, 1].

    s[a, r] is the larger of the identity affinity of the region's population to the actor,
    exp(-(|id_a - id_r| / sigma)^2), and `state_support[r]` (`standing_support`) where the
    actor has the standing of the region's state (`standing[a, s(r)]`: it is that state, or
    fights beside it). An armed force fights at a disadvantage among a population hostile to
    its identity (Kalyvas 2006 on control and collaboration; the identity threat of the seed
    study) unless it carries the state's standing: a militia cannot hold another community's
    ground without a sovereign partner, and a government army among an alienated population
    fights at the state's level only (the collapse of the Iraqi army in Sunni Nineveh, June 2014).
    """
    n, r = region_affinity.shape
    with_state = np.zeros((n, r), dtype=bool)
    has = sovereign >= 0
    with_state[:, has] = standing[:, sovereign[has]]
    return np.maximum(region_affinity, np.where(with_state, state_support[None, :], 0.0))


def contest(
    control: np.ndarray,
    strength: np.ndarray,
    enemies: np.ndarray,
    columns: np.ndarray,
    speed: np.ndarray,
    front_width: float,
) -> np.ndarray:
    """(n, R) control share each actor takes this month from its enemies (difference form).

    In region r the enemies of b bring strength E[b] = sum_a e[a, b] S[a] (`enemies` e is
    boolean and symmetric). b loses the share
        L[b] = kappa_r x C[b] x tanh(max(0, E[b] - S[b]) / w)
    of its control, which goes to its enemies in proportion to their strength:
        G[a] = S[a] x sum_b e[a, b] L[b] / E[b].
    The contest success function is Hirshleifer's (1989) difference form: what moves a front
    is the absolute superiority brought to bear, so a concentrated force breaks through while
    thin, balanced fronts barely move (Biddle 2004 on force employment). Ground held with no
    force behind it (S[b] = 0) is lost to any enemy present. Actors that are not enemies never
    take ground from each other, whatever their ties (co-belligerents are not one side).
    Only the `columns` are computed; returns the gains minus the losses (zero elsewhere).
    """
    n = strength.shape[0]
    change = np.zeros((n, control.shape[1]))
    cols = columns.nonzero()[0]
    if cols.size == 0:
        return change
    s = strength[:, cols]
    e = enemies.astype(float)
    facing = e.T @ s
    pressure = np.tanh(np.maximum(facing - s, 0.0) / front_width)
    lost = speed[cols] * control[:-1, cols] * pressure
    per_unit = np.divide(lost, facing, out=np.zeros(lost.shape), where=facing > TINY)
    change[:, cols] = s * (e @ per_unit) - lost
    return change


def desertion(deployment: np.ndarray, held: np.ndarray, change: np.ndarray, support: np.ndarray, rate: float) -> np.ndarray:
    """(n, C) capability that deserts after losing ground: D = F x min(1, rate x (l / C) x (1 - s)).

    l = max(0, -change) is the net control share the actor lost in the region this month, C
    (`held`) the share it held before, s its popular support there and F its force there. A
    force that is beaten among a population that does not support it breaks: soldiers far from
    their community leave rather than fight on, and each defeat thins the ranks that must hold
    the next line, so defeat feeds on itself (McLauchlin 2015 on desertion in civil wars;
    Lyall 2020 on the battlefield collapse of armies divided from the people they fight among;
    Biddle 2004 on cohesion as part of force employment). A force at full support (s = 1) does
    not desert, however badly it is beaten; nor does one that lost no ground. rate = 0 turns
    the rule off.
    """
    if rate <= 0.0:
        return np.zeros_like(deployment)
    lost = np.maximum(-change, 0.0)
    beaten = np.divide(lost, held, out=np.zeros(lost.shape), where=held > TINY)
    return deployment * np.minimum(1.0, rate * beaten * (1.0 - support))


def credit_sovereign(change: np.ndarray, sovereign: np.ndarray, restoring: np.ndarray) -> np.ndarray:
    """Move gains made in an allied state's country to that state (a copy of `change`).

    A gain by actor a in region r is credited to its sovereign s(r) where a restores s's control
    (`restoring[a, s]`, a != s; `RegionalModel._restoring`: a state fighting beside s abroad, or
    an actor fighting for s): forces fighting for a sovereign ally restore the ally's control
    rather than taking the ground for themselves. Losses stay with whoever held the ground.
    """
    out = change.copy()
    has = (sovereign >= 0).nonzero()[0]
    owner = sovereign[has]
    gains = np.where(change[:, has] > 0, change[:, has], 0.0)
    moved = gains * restoring[:, owner]
    out[:, has] -= moved
    out[owner, has] += moved.sum(axis=0)
    return out


def abandon(control: np.ndarray, forceless: np.ndarray, rate: float) -> np.ndarray:
    """Ground held with no force behind it drifts to the ungoverned share (in place).

    `forceless` (n, R) marks shares whose holder has no force in the region, at home or not;
    `rate` of each such share becomes ungoverned each month (a government whose garrison has
    fled or been destroyed leaves a vacuum that others fill: Kirkuk and Mosul, June 2014).
    """
    lost = rate * control[:-1] * forceless
    control[:-1] -= lost
    control[-1] += lost.sum(axis=0)
    return control


def absorb_ungoverned(control: np.ndarray, strength: np.ndarray, columns: np.ndarray, rate: float) -> np.ndarray:
    """(n, R) ungoverned share taken this month by the forces present in the `columns`.

    Forces present take `rate` of the ungoverned share per month, split between them in
    proportion to their strength (support included, so a force takes little among a hostile
    population).
    """
    gains = np.zeros(strength.shape)
    total = strength.sum(axis=0)
    cols = (columns & (total > TINY) & (control[-1] > 0)).nonzero()[0]
    if cols.size:
        gains[:, cols] = rate * control[-1, cols] * strength[:, cols] / total[cols]
    return gains
