"""Realpolitik (model/classic/realpolitik.py) on micro-worlds computed by hand, and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.classic.realpolitik import RealpolitikModel, RealpolitikParameters


def world(powers: list[float], borders: list[tuple[int, int]], **parameters) -> RealpolitikModel:
    """States with these powers and borders, perceiving each other without error."""
    model = RealpolitikModel(RealpolitikParameters(states=len(powers), misperception=0.0, **parameters), rng=0)
    model.power[:] = powers
    model.self_estimate[:] = powers
    model.border = {k: set() for k in range(len(powers))}
    for a, b in borders:
        model.border[a].add(b)
        model.border[b].add(a)
    return model


def test_minimal_winning_coalition_is_the_weakest_that_outweighs_the_other_side():
    model = world([10, 12, 3, 5, 1], [(0, 1), (1, 2), (1, 3), (1, 4)])
    # 0 (10) against 1 (12); candidates: 1's neighbours 2 (3), 3 (5), 4 (1).
    # coalition powers: {} 10, {2} 13, {3} 15, {4} 11, {2,3} 18, {2,4} 14, {3,4} 16, {2,3,4} 19;
    # the weakest above 12 is {2}: 13
    assert model.minimal_winning(0, 1, {0: [0], 1: [1]}) == [0, 2]


def test_a_threatened_target_recruits_an_ally_and_the_protagonist_backs_down():
    model = world([10, 5, 6], [(0, 1), (0, 2), (1, 2)])
    # 0's weakest neighbour: 1 (gap 5 > gap 4 to 2). 1 (5) fears 0 (10): it seeks the weakest
    # coalition above 10 among 0's neighbours: {2} -> 5 + 6 = 11; 2 joins since 5 + 6 > 10.
    # 0 estimates 1's side at 11 >= its own 10 and finds no ally of its own (1 has no other
    # neighbours), so it compares 10 with 11 and backs down: no war.
    assert model.weakest_neighbour(0) == 1
    sides = {0: [0], 1: [1]}
    model.recruit(1, 0, sides)
    assert sides[1] == [1, 2]
    assert model.confront(0) and model.wars == 0


def test_an_isolated_weaker_target_is_attacked():
    model = world([10, 6, 5], [(0, 1), (1, 2)])
    # 1 (6) fears 0 (10) but 0 has no other neighbour to recruit; 0 sees 6 < 10: war
    model.confront(0)
    assert model.wars == 1


def test_victory_probability_and_statesims_constant():
    model = world([1, 1], [(0, 1)])
    # ln(e) / 1 = 1: (1 + erf(1)) / 2
    assert model.victory_probability(math.e, 1.0) == pytest.approx((1 + math.erf(1)) / 2)
    assert model.victory_probability(1.0, 1.0) == pytest.approx(0.5)
    # statesim normalises by 1/sqrt(pi sigma): with sigma = 4 equal sides win with 0.5 x 2 = 1
    defective = world([1, 1], [(0, 1)], victory_sigma=4.0, statesim_defects=True)
    assert defective.victory_probability(1.0, 1.0) == 1.0


def test_versailles_transfer_goes_from_the_losing_leader_except_in_statesim():
    book = world([10, 8], [(0, 1)])
    book._versailles(0, 1, offence_wins=False, lv=0.75)
    # the defender won: the protagonist gives up 1 - LV = 25% of its 10
    assert book.power.tolist() == [7.5, 10.5]
    statesim = world([10, 8], [(0, 1)], statesim_defects=True)
    statesim._versailles(0, 1, offence_wins=False, lv=0.75)
    # statesim takes 25% of the victorious defender's 8 and gives it to the loser
    assert statesim.power.tolist() == [12, 6]


def test_a_dead_states_borders_pass_to_its_conqueror():
    model = world([10, 0.5, 6, 7], [(0, 1), (1, 2), (1, 3)])
    model.conqueror[1] = 0
    model._die(1)
    assert model.border[0] == {2, 3} and 0 in model.border[2] and 1 not in model.alive


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), statesim=st.booleans(), turns=st.integers(1, 150))
def test_borders_stay_symmetric_among_living_states_and_power_stays_at_least_1(seed, statesim, turns):
    parameters = RealpolitikParameters(states=30, map="random_regular" if statesim else "hex", degree=4,
                                       statesim_defects=statesim, growth="cauchy" if statesim else "normal")
    model = RealpolitikModel(parameters, rng=seed)
    model.run(turns)
    assert set(model.border) == model.alive
    for k, neighbours in model.border.items():
        assert neighbours <= model.alive and k not in neighbours
        assert all(k in model.border[j] for j in neighbours)
    assert np.all(model.power[sorted(model.alive)] >= 1.0)
    assert len(model.alive) + np.isfinite(model.death_turn).sum() == 30


def test_same_seed_same_run_and_outcomes_named_as_in_the_protocol():
    runs = []
    for seed in (5, 5):
        model = RealpolitikModel(rng=seed)
        model.run(300)
        runs.append(model)
    assert runs[0].series().equals(runs[1].series())
    assert [name for name, _, _ in runs[0].outcomes()] == ["empire", "empire.turn", "states.final", "deaths.median_turn"]
    empire, turn = runs[0].outcomes()[0][1], runs[0].outcomes()[1]
    assert turn[2] == (empire == 0)  # censored exactly when no empire formed
