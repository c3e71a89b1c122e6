"""Large scenarios: memory linear in regions + borders, and the same results without the hop matrix."""

from __future__ import annotations

import numpy as np
from worlds import actor, region, world

from model import geography
from model.model import RegionalModel
from model.scenario import parse


def _grid(side: int) -> dict:
    """A side x side grid of regions; two states on opposite edges and insurgents in the middle."""
    names = [f"r{i}_{j}" for i in range(side) for j in range(side)]
    borders = [(f"r{i}_{j}", f"r{i}_{j + 1}") for i in range(side) for j in range(side - 1)]
    borders += [(f"r{i}_{j}", f"r{i + 1}_{j}") for i in range(side - 1) for j in range(side)]
    middle = names[len(names) // 2]
    actors = [actor("north", home=names[:side], capability=50), actor("south", home=names[-side:], capability=50),
              actor("rebels", "non_state", capability=10, home=[middle], control={middle: 0.9},
                    strategy=[{"behaviour": "offensive"}])]
    return world([region(r) for r in names], borders, actors,
                 relations=(("north", "rebels", -1.0), ("south", "rebels", -1.0)), steps=6)


def test_without_the_hop_matrix_the_run_is_the_same(monkeypatch):
    spec = parse(_grid(12))
    with_matrix = RegionalModel(spec, rng=3)
    with_matrix.run_for(6)
    monkeypatch.setattr(geography, "HOPS_DENSE_LIMIT", 0)
    searched = RegionalModel(spec, rng=3)
    searched.run_for(6)
    assert with_matrix.geo.hops is not None and searched.geo.hops is None
    # a 12 x 12 grid: the longest shortest path joins opposite corners, 11 + 11 = 22 hops
    assert with_matrix.diameter == searched.diameter == 22
    np.testing.assert_array_equal(with_matrix.depth, searched.depth)
    np.testing.assert_array_equal(with_matrix.control, searched.control)


def test_a_scenario_past_the_matrix_limit_keeps_no_region_by_region_array():
    spec = parse(_grid(50))  # 2,500 regions > HOPS_DENSE_LIMIT
    model = RegionalModel(spec, rng=1)
    model.run_for(2)
    assert model.geo.hops is None and model.diameter == 98
    region_pairs = model.geo.size ** 2
    assert all(np.asarray(v).size < region_pairs for v in vars(model).values() if isinstance(v, np.ndarray))
