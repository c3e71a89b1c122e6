"""Synthetic worlds of any size for the benchmarks: a planar grid of regions and a mix of actors.

Regions form a near-square grid; each cell borders its right and lower neighbours, and a
random 30 % of cells also border their lower-right neighbour (one diagonal per cell keeps the
graph planar, like a map). Actors: about half states (a capital and the cells around it),
40 % non-state groups (half of one cell each), 10 % external powers (basing in a state they
support). Relations are local: groups are hostile to the nearest states and to one external
power; states have friends and rivals among their neighbours. Strategies cycle through the
behaviours so that every rule of the monthly step is exercised.
"""

from __future__ import annotations

import math

import numpy as np

from bopsim.model.scenario import ScenarioSpec, parse

STATE_STRATEGIES = (
    [{"behaviour": "home_defence"}],
    [{"behaviour": "home_defence"}, {"behaviour": "forward_defence", "depth": 2, "share": 0.3}],
    [{"behaviour": "alliance_building"}, {"behaviour": "forward_defence", "depth": 1, "share": 0.2}],
    [{"behaviour": "balancing"}],
    [{"behaviour": "bandwagoning"}],
    [{"behaviour": "passive"}],
)
GROUP_STRATEGIES = (
    [{"behaviour": "offensive", "ratio": 1.3, "share": 0.6}],
    [{"behaviour": "offensive", "ratio": 1.5, "share": 0.5}, {"behaviour": "alliance_building"}],
)


def grid(regions: int, rng: np.random.Generator) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(cell coordinates, borders as index pairs) of a near-square grid with some diagonals."""
    cols = math.ceil(math.sqrt(regions))
    cells = [(i // cols, i % cols) for i in range(regions)]
    index = {cell: i for i, cell in enumerate(cells)}
    borders = []
    for i, (r, c) in enumerate(cells):
        for other in ((r, c + 1), (r + 1, c)):
            if other in index:
                borders.append((i, index[other]))
        if rng.random() < 0.3 and (r + 1, c + 1) in index:
            borders.append((i, index[(r + 1, c + 1)]))
    return cells, borders


def _counts(actors: int) -> tuple[int, int, int]:
    """(states, non-state groups, external powers) for `actors` actors."""
    externals = max(1, actors // 10)
    groups = max(1, round(0.4 * actors))
    return actors - groups - externals, groups, externals


def synthetic_raw(regions: int, actors: int, seed: int = 0) -> dict:
    """A valid abstract scenario dictionary with `regions` regions and `actors` actors."""
    rng = np.random.default_rng(seed)
    cells, borders = grid(regions, rng)
    coords = np.array(cells, dtype=float)
    states, groups, externals = _counts(actors)
    spots = rng.permutation(regions)
    capitals, group_cells = spots[:states], spots[states: states + groups]

    owner = np.full(regions, -1)
    for s, capital in enumerate(capitals):
        near = np.abs(coords - coords[capital]).max(axis=1) <= 1
        owner[near & (owner < 0)] = s
        owner[capital] = s
    region_list = [
        {"id": f"r{i}", "area_km2": float(rng.uniform(2_000, 50_000)), "population": float(rng.uniform(2e5, 3e6)),
         "terrain": str(rng.choice(["open", "open", "desert", "urban", "mountain"])),
         "identity": [float(rng.uniform(-1, 1)), 0.0]}
        for i in range(regions)
    ]
    actor_list, relations, ties = [], {}, []
    for s in range(states):
        actor_list.append({"id": f"s{s}", "kind": "state", "home": [f"r{i}" for i in np.flatnonzero(owner == s)],
                           "capability": float(rng.uniform(10, 60)), "identity": [float(rng.uniform(-1, 0)), 0.0],
                           "strategy": STATE_STRATEGIES[s % len(STATE_STRATEGIES)]})
    for g, cell in enumerate(group_cells):
        actor_list.append({"id": f"g{g}", "kind": "non_state", "home": [f"r{cell}"], "control": {f"r{cell}": 0.5},
                           "capability": float(rng.uniform(3, 15)), "mobilisation": 0.5,
                           "identity": [float(rng.uniform(0, 1)), 0.0],
                           "strategy": GROUP_STRATEGIES[g % len(GROUP_STRATEGIES)]})
        distance = np.abs(coords[capitals] - coords[cell]).sum(axis=1)
        for s in np.argsort(distance, kind="stable")[:3]:
            relations[(f"g{g}", f"s{s}")] = -float(rng.uniform(0.6, 1.0))
        if externals:
            relations[(f"g{g}", f"x{g % externals}")] = -1.0
    for x in range(externals):
        ally = int(rng.integers(states))
        actor_list.append({"id": f"x{x}", "kind": "external", "basing": [f"r{capitals[ally]}"],
                           "capability": float(rng.uniform(5, 20)),
                           "strategy": [{"behaviour": "expeditionary", "ally": f"s{ally}", "share": 0.3},
                                        {"behaviour": "air_campaign", "share": 0.5}]})
        relations[(f"x{x}", f"s{ally}")] = 0.6
        ties.append({"a": f"x{x}", "b": f"s{ally}", "strength": 0.6})
    for s, capital in enumerate(capitals):
        distance = np.abs(coords[capitals] - coords[capital]).sum(axis=1)
        for t in np.argsort(distance, kind="stable")[1:3]:
            key = tuple(sorted((f"s{s}", f"s{t}")))
            relations.setdefault(key, float(rng.choice([-0.5, 0.5])))
    return {
        "name": f"synthetic_{regions}x{actors}",
        "abstract": True,
        "steps": 36,
        "region": region_list,
        "border": [{"a": f"r{a}", "b": f"r{b}"} for a, b in borders],
        "actor": actor_list,
        "relation": [{"a": a, "b": b, "value": v} for (a, b), v in relations.items()],
        "tie": ties,
    }


def synthetic_world(regions: int, actors: int, seed: int = 0) -> ScenarioSpec:
    """`synthetic_raw` validated as a scenario file would be."""
    return parse(synthetic_raw(regions, actors, seed), f"<synthetic {regions} regions x {actors} actors>")
