"""Ties between actors, blocs, and aid between allies.

Ties A (n x n, symmetric, in [0, 1]) are a commitment that grows with common purpose and decays
without it, like commitment in Axelrod's tribute model (Axelrod 1995).
"""

from __future__ import annotations

import numpy as np


def tie_targets(wishes: np.ndarray, hostility: np.ndarray, fighting_together: np.ndarray, allied: np.ndarray) -> np.ndarray:
    """The level each tie moves towards this month.

    A tie is wanted when one side wishes it and the other is not hostile (one-sided offers
    accepted by non-hostile partners), or when the two fight side by side against a common
    enemy. Hostile pairs have target 0, and so do pairs where one is allied to the other's
    enemy: no tie forms with an ally's enemy (structural balance: Heider 1946; Cartwright &
    Harary 1956), so co-belligerents against a common enemy do not merge into one bloc when
    one of them fights the other's ally.
    """
    enemies = hostility > 0
    accepts = ~enemies
    offered = np.maximum(wishes * accepts.T, wishes.T * accepts)
    target = np.maximum(offered, fighting_together)
    np.fill_diagonal(target, 0.0)
    return np.where(enemies | unbalanced(allied, enemies), 0.0, target)


def unbalanced(allied: np.ndarray, enemies: np.ndarray) -> np.ndarray:
    """(n, n) bool: a tie a-b would close an unbalanced triad (a allied to an enemy of b, or b to one of a's).

    For `allied` A and `enemies` E (boolean, hostility > 0): (A @ E) [a, b] counts the c with
    a-c allied and c-b hostile.
    """
    through = (allied.astype(float) @ enemies.astype(float)) > 0
    return through | through.T


def relation_targets(relations: np.ndarray, latent: np.ndarray, shared_threat: np.ndarray, lift: float,
                     rate: float) -> np.ndarray:
    """Next month's relations: towards the latent level lifted by common enemies.

    R <- R + rate x (latent + lift x cos(Theta_a, Theta_b) - R), clipped to [-1, 1]. The cosine of the two threat profiles measures how much a pair shares enemies
    (model.contract.View.shared_threat): while a common enemy threatens both, their relation
    stands above its latent level; as the enemy recedes, latent rivalries return (Walt 1987:
    alliances against a threat dissolve when it passes; Snyder 1997 on alliance politics).
    Deliberate shifts (bandwagoning) move the latent level itself (RegionalModel.update).
    """
    moved = relations + rate * (latent + lift * shared_threat - relations)
    np.fill_diagonal(moved, 0.0)
    return moved.clip(-1.0, 1.0)


def update_ties(ties: np.ndarray, target: np.ndarray, rate: float, decay: float, enemies: np.ndarray) -> np.ndarray:
    """Ties rise towards their target at `rate` and fall towards it at `decay` (at `rate` between
    `enemies`, (n, n) bool: hostility > 0)."""
    down = np.where(enemies, rate, decay)
    step = np.where(target > ties, rate, down)
    return (ties + step * (target - ties)).clip(0.0, 1.0)


def fighting_together(present: np.ndarray, contested: np.ndarray, enemies: np.ndarray, strength: float) -> np.ndarray:
    """`strength` for pairs present in a common contested region and sharing an enemy there
    (`enemies` (n, n) bool: hostility > 0), themselves not enemies."""
    p = present[:, contested].astype(float)
    together = (p @ p.T) > 0
    e = enemies.astype(float)
    common_enemy = (e @ e.T) > 0
    out = np.where(together & common_enemy & ~enemies, strength, 0.0)
    np.fill_diagonal(out, 0.0)
    return out


def blocs(ties: np.ndarray, threshold: float, active: np.ndarray) -> np.ndarray:
    """Bloc label per actor: connected components of ties >= threshold among active actors.

    Labels are the smallest actor index in the bloc (stable across steps); inactive actors -1.
    Computed by propagating the minimum label along ties until nothing changes.
    """
    n = len(active)
    linked = (ties >= threshold) & active[:, None] & active[None, :]
    np.fill_diagonal(linked, True)
    labels = np.arange(n)
    while True:
        reached = np.where(linked, labels[None, :], n).min(axis=1)
        if np.array_equal(reached, labels):
            break
        labels = reached
    return np.where(active, labels, -1)


def aid_transfers(
    income: np.ndarray,
    aid_share: np.ndarray,
    ties: np.ndarray,
    threshold: float,
    need: np.ndarray,
) -> np.ndarray:
    """(n, n) capability sent from row to column this month.

    Each donor gives aid_share x income, split over allies (tie >= threshold) in proportion to
    tie x need, where need is the threat an ally faces per unit of its own capability.
    """
    weight = np.where(ties >= threshold, ties, 0.0) * need[None, :]
    np.fill_diagonal(weight, 0.0)
    total = weight.sum(axis=1, keepdims=True)
    split = np.divide(weight, total, out=np.zeros(weight.shape), where=total > 0)
    return (aid_share * income)[:, None] * split
