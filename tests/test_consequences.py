"""The consequence measures (model/consequences.py) and the named outcomes read from them
(experiments/batch/consequences.py), on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from bopsim.experiments.batch.config import ConsequenceNames
from bopsim.experiments.batch.consequences import consequence_table
from bopsim.model.consequences import (
    approach_weights,
    home_distance,
    corridor,
    deterrence,
    home_held,
    hostile_control,
    nearest_hostile_hops,
    strategic_depth,
    within_reach,
)
from worlds import actor, build, line_world

LINE = np.abs(np.subtract.outer(np.arange(5), np.arange(5)))  # hops on the line r0-r1-r2-r3-r4
LINE_ADJACENT = (LINE == 1).astype(float)  # land neighbours on the line


def _from_line(mask: np.ndarray) -> np.ndarray:
    """Hops from the nearest region of `mask` on the line (as Geography.distance_from)."""
    return LINE[mask].min(axis=0)


def _line_adjacency(n: int) -> sparse.csr_array:
    rows = np.arange(n - 1)
    a = sparse.csr_array((np.ones(n - 1), (rows, rows + 1)), shape=(n, n))
    return (a + a.T).tocsr()


def test_approach_weights_fall_with_hops_and_stop_after_three():
    home = np.array([[True, False, False, False, False], [False] * 5])
    w = approach_weights(home_distance(_from_line, home))
    # 1, 1/2, 1/3 on r1..r3, over 1 + 1/2 + 1/3 = 11/6: 6/11, 3/11, 2/11; r4 is 4 hops away
    np.testing.assert_allclose(w[0], [0, 6 / 11, 3 / 11, 2 / 11, 0])
    assert not w[1].any(), "no home, no approaches"


def test_strategic_depth_is_the_weighted_share_of_approaches_not_hostile():
    home = np.array([[True, False, False, False, False], [False, False, False, False, True]])
    w = approach_weights(home_distance(_from_line, home))
    hostile = np.array([[0, 0, 0.5, 1.0, 1.0], [0] * 5])
    depth = strategic_depth(w, hostile, home.any(axis=1))
    # 6/11 x 1 + 3/11 x 0.5 + 2/11 x 0 = 7.5/11
    assert depth[0] == pytest.approx(7.5 / 11)
    assert depth[1] == pytest.approx(1.0), "nothing hostile in its approaches"
    assert np.isnan(strategic_depth(w, hostile, np.array([False, True]))[0]), "no home: undefined"


def test_depth_changes_when_the_war_moves_in_the_approaches_and_not_beyond():
    home = np.array([[True, False, False, False, False]])
    w = approach_weights(home_distance(_from_line, home))
    far = strategic_depth(w, np.array([[0, 0, 0, 0, 1.0]]), np.array([True]))
    near = strategic_depth(w, np.array([[0, 1.0, 0, 0, 0]]), np.array([True]))
    assert far[0] == pytest.approx(1.0) and near[0] == pytest.approx(5 / 11)  # 1 - 6/11


def test_hostile_control_sums_the_shares_of_enemies_only():
    hostility = np.array([[0, 0.5, 0], [0.5, 0, 0], [0, 0, 0]])
    control = np.array([[1.0, 0.2], [0.0, 0.5], [0.0, 0.3]])
    # actor 0's enemy is 1 only: shares 0 and 0.5; actor 2 has no enemy
    np.testing.assert_allclose(hostile_control(hostility, control), [[0, 0.5], [1.0, 0.2], [0, 0]])


def test_home_held_is_the_area_share_under_the_control_of_the_actor_and_its_allies():
    control = np.array([[1.0, 0.25, 0.0], [0.0, 0.25, 1.0], [0.0, 0.5, 0.0]])
    home = np.array([[True, True, False], [False] * 3, [False] * 3])
    area = np.array([10_000.0, 30_000.0, 5_000.0])
    alone = np.eye(3, dtype=bool)
    with_ally = alone | np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], bool)
    # alone: (10,000 x 1 + 30,000 x 0.25) / 40,000 = 0.4375; with ally 1: 30,000 x 0.5 -> 0.625
    assert home_held(control, home, area, alone)[0] == pytest.approx(0.4375)
    assert home_held(control, home, area, with_ally)[0] == pytest.approx(0.625)
    assert np.isnan(home_held(control, home, area, alone)[1]), "no home: undefined"


def test_deterrence_counts_the_side_forces_within_reach_of_the_challenger():
    # a (0) has 3 units in r1, next to b's home r2; a's ally c (2) has 2 units in r2; 4 units in r4
    force = np.array([[0, 3.0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 2.0, 0, 4.0]])
    side = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], bool)
    b_home = np.array([[False] * 5, [False, False, True, False, False], [False] * 5])
    exposed = within_reach(LINE_ADJACENT, b_home)
    allied = side & ~np.eye(3, dtype=bool)
    # r1..r3 are within one hop of r2: 3 + 2 = 5 (c's 4 units in r4 are two hops away)
    assert deterrence(force, side, allied, exposed)[0, 1] == 5.0
    assert deterrence(force, side, allied, exposed)[1, 0] == 0.0, "a has no ground b's forces could reach"
    # if c is allied to b as well, c's 2 units do not count against b: 3
    allied_to_b = allied | np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0]], bool)
    assert deterrence(force, side, allied_to_b, exposed)[0, 1] == 3.0


def test_nearest_hostile_hops_from_home():
    home = np.array([[True, False, False, False, False], [False] * 4 + [True]])
    footprint = np.array([[True, False, False, False, False], [False, False, False, True, True]])
    hostility = np.array([[0, 1.0], [1.0, 0]])
    # 0's enemy is at r3 (3 hops) and r4; 1's enemy is at r0 (4 hops from r4)
    distance, has_home = home_distance(_from_line, home), home.any(axis=1)
    np.testing.assert_array_equal(nearest_hostile_hops(distance, has_home, hostility, footprint, cap=5), [3, 4])
    assert nearest_hostile_hops(distance, has_home, np.zeros((2, 2)), footprint, cap=5)[0] == 5, "no enemy: the cap"
    assert np.isnan(nearest_hostile_hops(distance, np.array([True, False]), hostility, footprint, cap=5)[1])


def test_corridor_needs_contiguous_friendly_ground():
    adjacency = _line_adjacency(4)
    start = np.array([True, False, False, False])
    end = np.array([False, False, False, True])
    friends = np.array([True, True, False])
    # holders 0, 1, 1, 0: all friendly -> joined; one region held by the foe (2) cuts it;
    # ungoverned (holder index 3 = n) cuts it too
    assert corridor(adjacency, np.array([0, 1, 1, 0]), friends, start, end)
    assert not corridor(adjacency, np.array([0, 2, 1, 0]), friends, start, end)
    assert not corridor(adjacency, np.array([0, 1, 3, 0]), friends, start, end)


def test_the_named_consequences_of_a_world_at_its_start():
    # r0 - r1 - r2 - r3 - r4: a at home in r0, r1; its ally c in r2, r3; their enemy b in r4
    raw = line_world([f"r{i}" for i in range(5)],
                     [actor("a", home=["r0", "r1"]), actor("c", home=["r2", "r3"]), actor("b", home=["r4"])],
                     relations=(("a", "b", -0.8), ("c", "b", -0.8)), ties=(("a", "c", 0.6),))
    names = ConsequenceNames(actor="a", allies=["c"], corridor_to="c", partner="c", rivals=["b"])
    row = consequence_table(build(raw), names).iloc[0]
    # approaches of a: r2 (1 hop), r3 (2), r4 (3), weights 6/11, 3/11, 2/11; only r4 is hostile
    assert row["a.strategic_depth"] == pytest.approx(9 / 11)
    # three actors of capability 10: a's bloc {a, c} holds 2/3, b's 1/3
    assert row["a.bloc_share"] == pytest.approx(2 / 3)
    assert row["balance.bloc_minus_rivals"] == pytest.approx(1 / 3)
    assert row["axis.corridor"] == 1.0, "r0, r1 (a) and r2 (c) join a's home to c's"
    assert (row["c.alive"], row["c.home_held"], row["axis.allies_kept"]) == (1.0, 1.0, 1.0)
    assert row["a.tie.c"] == pytest.approx(0.6)
    assert row["a.nearest_hostile_hops"] == 3.0, "from r1 to b's r4"
    assert row["axis.home_lost_km2"] == 0.0


def test_a_batch_stores_each_consequence_once_beside_the_actor_metrics(tmp_path):
    from pathlib import Path

    import pandas as pd

    from bopsim.experiments.cli import main

    abstract = Path(__file__).resolve().parents[1] / "scenarios" / "abstract.toml"
    config = tmp_path / "exp.toml"
    config.write_text(f'name = "t"\nroot_seed = 1\nsteps = 3\n[[scenario]]\nfile = "{abstract}"\n'
                      '[outputs]\nactors = ["north"]\nactor_metrics = ["power_share", "strategic_depth"]\n'
                      '[outputs.consequences]\nactor = "north"\nallies = ["south"]\npartner = "south"\n'
                      'rivals = ["insurgents"]\n', encoding="utf-8")
    assert main(["batch", str(config), "--out", str(tmp_path / "out"), "--executor", "serial", "--no-progress"]) == 0
    outcomes = pd.read_parquet(tmp_path / "out" / "outcomes.parquet")
    assert not outcomes.duplicated(["run_id", "outcome"]).any(), "north.power_share.final once"
    names = set(outcomes["outcome"])
    assert {"north.strategic_depth.mean", "north.deterrence.insurgents.final", "north.tie.south.mean",
            "south.home_held.final", "balance.bloc_minus_rivals.mean"} <= names


def test_a_consequence_naming_an_unknown_actor_is_refused(tmp_path, capsys):
    from pathlib import Path

    from bopsim.experiments.cli import main

    abstract = Path(__file__).resolve().parents[1] / "scenarios" / "abstract.toml"
    config = tmp_path / "exp.toml"
    config.write_text(f'name = "t"\nroot_seed = 1\n[[scenario]]\nfile = "{abstract}"\n'
                      '[outputs.consequences]\nactor = "north"\nrivals = ["ghost"]\n', encoding="utf-8")
    assert main(["batch", str(config), "--out", str(tmp_path / "out"), "--executor", "serial", "--no-progress"]) == 2
    assert "outputs.consequences.rivals: no scenario has an actor 'ghost'" in capsys.readouterr().err
