"""A straightforward per-region loop version of `bopsim.model.combat.attrition`, as the baseline.

The loop states the rule one region and one firing actor at a time: actor b's fire in a region
is aimed at each enemy a present there in proportion to F[a] and delivered at intensity H[b, a];
a loses rate x the fire it receives, capped at its force; the losses a non-government takes from another make up the
region's non-state losses. The benchmark checks that both give the same numbers, then
times both on the same arrays taken from a running model.
"""

from __future__ import annotations

import time

import numpy as np

from bopsim.model import RegionalModel, combat


def attrition_loop(deployment, fire, hostility, rate, columns, government) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(losses (n, R), dyad losses (n, n), non-state losses (R,)): the rule of `combat.attrition`,
    region by region."""
    n, regions = deployment.shape
    losses = np.zeros((n, regions))
    dyads = np.zeros((n, n))
    nonstate = np.zeros(regions)
    for r in np.flatnonzero(columns):
        force, shots = deployment[:, r], fire[:, r]
        present = [a for a in range(n) if force[a] > 0]
        received = dict.fromkeys(present, 0.0)
        by = {a: {} for a in present}
        for b in range(n):
            if shots[b] <= 0:
                continue
            enemies = [a for a in present if hostility[b, a] > 0]
            total = sum(force[a] for a in enemies)
            for a in enemies:
                hit = rate * shots[b] * hostility[b, a] * force[a] / total
                received[a] += hit
                by[a][b] = by[a].get(b, 0.0) + hit
        for a in present:
            scale = min(1.0, force[a] / received[a]) if received[a] > 0 else 1.0
            losses[a, r] = received[a] * scale
            for b, hit in by[a].items():
                dyads[a, b] += hit * scale
                if not (government[a] or government[b]):
                    nonstate[r] += hit * scale
    return losses, dyads, nonstate


def battle_arrays(model: RegionalModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray, np.ndarray]:
    """(deployment, fire, hostility, rate, contested regions, governments) from a model after a month's step."""
    p = model.params
    fire = combat.effective_force(model.deployment, model.control, model.geo.defence) + p.strike_effect * model.strike
    return model.deployment, fire, model.hostility, p.attrition, model.battle.contested, model.government


def _best_of(function, args, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def attrition_ratio(model: RegionalModel, repeats: int = 5) -> dict:
    """Seconds of the loop and of the vectorised version (best of `repeats`), their ratio, and agreement."""
    args = battle_arrays(model)
    agree = all(np.allclose(a, b, rtol=1e-9, atol=1e-12)
                for a, b in zip(attrition_loop(*args), combat.attrition(*args)[:3], strict=True))
    loop = _best_of(attrition_loop, args, max(1, repeats // 2))
    fast = _best_of(combat.attrition, args, repeats)
    return {"contested": int(args[4].sum()), "loop_s": loop, "vectorised_s": fast, "ratio": loop / fast, "agree": agree}
