"""Attrition and the contest for control in regions where hostile forces meet (vectorised).

Shapes: n actors, R regions. `control` has n + 1 rows, the last being the ungoverned share.
Forces and losses are in capability units (1 = 1,000 fighter-equivalents) per month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.linalg import actor_product

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


def contested_regions(hostility: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Regions where two hostile actors are both present (forces or held ground).

    `present` (n, R) is boolean; a region is contested if some a and b with hostility > 0 are
    both present in it.
    """
    p = present.astype(float)
    return (actor_product((hostility > 0).astype(float), p) * p).sum(axis=0) > 0


def effective_force(deployment: np.ndarray, control: np.ndarray, defence: np.ndarray) -> np.ndarray:
    """Ground force with the defender's terrain advantage: F x (1 + (delta - 1) x C).

    The holder of a share C of the region fights with that share of the terrain multiplier
    delta >= 1 (a continuous form of the defender advantage in Lanchester models).
    """
    return deployment * (1.0 + (defence - 1.0) * control[:-1])


def attrition(
    deployment: np.ndarray,
    fire: np.ndarray,
    hostility: np.ndarray,
    rate: float,
    columns: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Lanchester-style losses: each actor's fire is split over its enemies by their force.

    Actor b's fire in a region goes to each enemy a in proportion to H[b, a] x F[a]; the loss
    of a is rate x the fire it receives, capped at its force there (Lanchester 1916, aimed
    fire: losses of one side proportional to the effective force of the other). Only the
    `columns` (contested regions) are computed. Returns (losses (n, R), dyad losses (n, n)).
    """
    n, regions = deployment.shape
    losses = np.zeros((n, regions))
    if not columns.any():
        return losses, np.zeros((n, n))
    f = deployment[:, columns]
    targets = hostility @ f
    per_target = np.divide(fire[:, columns], targets, out=np.zeros_like(f), where=targets > TINY)
    received = rate * f * (hostility.T @ per_target)
    taken = np.minimum(received, f)
    scale = np.divide(taken, received, out=np.ones_like(f), where=received > 0)
    dyads = rate * hostility.T * ((f * scale) @ per_target.T)
    losses[:, columns] = taken
    return losses, dyads


def credit_external(strength: np.ndarray, fights_for: np.ndarray, holds_ground: np.ndarray, allied: np.ndarray) -> np.ndarray:
    """Move the contest strength of actors that hold no ground to the partners they fight for.

    An external power's strength in a region goes to its partners there (the ally it fights
    for, and tied actors that hold ground) in proportion to their own strength; with no partner
    present it takes no ground. `fights_for` (n,) holds an actor index or -1; `allied` (n, n)
    is boolean.
    """
    own = strength * holds_ground[:, None]
    outside = np.flatnonzero(~holds_ground)
    if outside.size == 0:
        return own
    partners = allied[outside] * holds_ground[None, :].astype(float)
    ally = fights_for[outside]
    partners[np.flatnonzero(ally >= 0), ally[ally >= 0]] = 1.0
    weight = partners @ own
    share = np.divide(strength[outside], weight, out=np.zeros_like(weight), where=weight > TINY)
    return own + own * (partners.T @ share)


def contest(
    control: np.ndarray,
    strength: np.ndarray,
    columns: np.ndarray,
    decisiveness: float,
    speed: np.ndarray,
    sides: np.ndarray | None = None,
) -> np.ndarray:
    """Control moves towards the Tullock contest outcome in contested regions (in place).

    Allies fight as one side: with `sides` (n,) labels (blocs), a side's strength is the sum of
    its members' (credited) effective force x, and its expected share is
    p_s = X_s^m / sum_t X_t^m (Tullock 1980; Hirshleifer 1989, ratio form of the contest
    success function; m the decisiveness). The side's share moves by speed_r x (p_s - C_s);
    a gain is split between members by their strength, a loss by their current shares, so
    allies do not take ground from each other. The ungoverned share has no force and goes
    towards zero where anybody fights; a region where no side has force keeps its control.
    Without `sides` every actor is its own side. Updates `control` in place and returns it.
    """
    n = strength.shape[0]
    labels, side_of = np.unique(np.arange(n) if sides is None else sides, return_inverse=True)
    member = (side_of[None, :] == np.arange(labels.size)[:, None]).astype(float)
    cols = np.flatnonzero(columns)
    side_force = member @ strength[:, cols]
    x = side_force**decisiveness
    total = x.sum(axis=0)
    fought = total > TINY
    if not fought.any():
        return control
    cols, x, total, side_force = cols[fought], x[:, fought], total[fought], side_force[:, fought]
    held = control[:-1, cols]
    side_held = member @ held
    rate = speed[cols]
    change = (rate * (x / total - side_held))[side_of]
    gain_split = np.divide(strength[:, cols], side_force[side_of], out=np.zeros_like(held), where=side_force[side_of] > TINY)
    loss_split = np.divide(held, side_held[side_of], out=np.zeros_like(held), where=side_held[side_of] > 0)
    control[:-1, cols] += change * np.where(change > 0, gain_split, loss_split)
    control[-1, cols] -= rate * control[-1, cols]
    return control


def absorb_ungoverned(control: np.ndarray, strength: np.ndarray, columns: np.ndarray, rate: float) -> np.ndarray:
    """In uncontested regions, forces present take `rate` of the ungoverned share per month.

    The share taken is split between the actors present in proportion to their strength.
    Updates `control` in place and returns it.
    """
    total = strength.sum(axis=0)
    cols = np.flatnonzero(columns & (total > TINY) & (control[-1] > 0))
    if cols.size == 0:
        return control
    taken = rate * control[-1, cols]
    control[:-1, cols] += taken * strength[:, cols] / total[cols]
    control[-1, cols] -= taken
    return control
