"""Axelrod's tribute model (model/classic/tribute.py) on micro-worlds computed by hand.

Each test states its arithmetic in comments; the numbers are small enough to check on paper.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.classic.tribute import TributeModel, TributeParameters


def world(wealth: list[float], **parameters) -> TributeModel:
    """A ring of len(wealth) actors with these wealths and no commitment to others."""
    model = TributeModel(TributeParameters(actors=len(wealth), **parameters), rng=0)
    model.wealth[:] = wealth
    return model


def test_demand_goes_to_the_target_of_highest_payment_times_vulnerability_and_a_tie_pays():
    model = world([400, 100, 300, 50])
    # actor 0 looks left first: actor 3 alone against 0 alone:
    #   value = min(250, 50) x (400 - 50) / 400 = 43.75; no commitment of 3 to 0, so stop looking left
    # then right: actor 1: min(250, 100) x (400 - 100) / 400 = 75 -> the target is 1
    target, alliance = model.choose_target(0)
    assert target == 1 and (alliance.w_att, alliance.w_def) == (400, 100)
    assert model.demand_value(3, model.alliance(0, 3, -1, 1)) == pytest.approx(43.75)
    # fighting would cost 1: min(0.25 x 400 x 100 / 100, 100) = 100 = the payment of min(250, 100):
    # rule B4 pays on a tie
    assert model.fight_cost(1, alliance) == pytest.approx(100)
    model.activate(0)
    assert model.wealth.tolist() == [500, 0, 300, 50]
    assert model.commitment[0, 1] == model.commitment[1, 0] == 10
    assert model.fights_this_year == 0 and model.paid == 100


def test_target_fights_when_fighting_costs_it_less_than_paying():
    model = world([400, 100, 300, 200])
    # left: actor 3: min(250, 200) x (400 - 200) / 400 = 100; right: actor 1: 100 x 300 / 400 = 75 -> 3
    target, alliance = model.choose_target(0)
    assert target == 3
    # cost of fighting to 3: min(0.25 x 400 x 200 / 200, 200) = 100 < payment 200 -> fight
    assert not model.pays(3, alliance)
    model.activate(0)
    # attacker destroys min(0.25 x 400, 200) = 100 of 3; 3 destroys min(0.25 x 200, 400) = 50 of 0
    assert model.wealth.tolist() == [350, 100, 300, 100]
    assert model.destroyed == 150 and model.fights_this_year == 1


def test_no_demand_when_no_target_is_weaker_than_the_attackers_side():
    model = world([100, 400, 300, 500])
    # both neighbours are richer than actor 0: every value is negative
    assert model.choose_target(0) is None


def test_fight_between_alliances_shares_losses_by_commitment_and_wealth_and_updates_commitments():
    model = world([400, 300, 200, 100, 250])
    c = model.commitment
    c[0, 1] = c[1, 0] = 50   # 1 is committed 50% to 0 (and 0 to 1)
    c[1, 2] = 20             # 1 is less committed to 2 than to 0: 0 can reach 2 through 1
    c[3, 2] = 30             # 3, beyond 2, is committed to 2: it joins the defence
    c[0, 3] = 20
    alliance = model.alliance(0, 2, +1, 2)
    # attack: 0 and 1 (50 > 20); defence: 2 and 3 (0 < 30), then 4 (0 >= 0) stops it;
    # behind 0, actor 4 is not more committed to 0 than to 2: the attack stops there
    assert alliance.attackers == (0, 1) and alliance.defenders == (2, 3)
    # W_att = 400 + 50% x 300 = 550; W_def = 200 + 30% x 100 = 230
    assert (alliance.w_att, alliance.w_def) == (pytest.approx(550), pytest.approx(230))
    model.fight(0, 2, alliance)
    # attack destroys min(0.25 x 550, 230) = 137.5, defence destroys min(0.25 x 230, 550) = 57.5;
    # shares: 0 loses 57.5 x 400/550, 1 loses 57.5 x (0.5 x 300)/550; 2 loses 137.5 x 200/230,
    # 3 loses 137.5 x (0.3 x 100)/230
    expected = [400 - 57.5 * 400 / 550, 300 - 57.5 * 150 / 550, 200 - 137.5 * 200 / 230,
                100 - 137.5 * 30 / 230, 250]
    assert model.wealth == pytest.approx(expected)
    assert model.destroyed == pytest.approx(137.5 + 57.5)
    # same side: +10 (0-1: 60, 2-3 and 3-2: 10 and 40); opposite sides: -10, not below 0 (1-2: 10, 0-3: 10)
    assert (c[0, 1], c[1, 0], c[2, 3], c[3, 2]) == (60, 60, 10, 40)
    assert (c[1, 2], c[0, 3], c[2, 0]) == (10, 10, 0)
    assert np.all(np.diag(c) == 100)


def test_unreachable_target_behind_an_uncommitted_neighbour():
    model = world([400, 300, 200, 100])
    # 1 is no more committed to 0 than to 2: 2 is out of reach from 0 going right
    assert model.alliance(0, 2, +1, 2) is None


def test_inverted_payment_rule_fights_exactly_when_the_published_rule_pays():
    published, inverted = world([400, 100, 300, 50]), world([400, 100, 300, 50], payment_rule="inverted")
    _, alliance = published.choose_target(0)
    assert published.pays(1, alliance) and not inverted.pays(1, alliance)


@given(seed=st.integers(0, 2**32 - 1), actors=st.integers(3, 12), years=st.integers(1, 60))
def test_wealth_is_accounted_for_and_commitments_stay_in_range(seed, actors, years):
    model = TributeModel(TributeParameters(actors=actors), rng=seed)
    initial = model.initial_wealth
    model.run(years)
    # every actor produces 20 a year; tribute only moves wealth; fights destroy it
    assert model.wealth.sum() == pytest.approx(initial + 20 * actors * years - model.destroyed, rel=1e-9)
    assert np.all(model.wealth >= -1e-9)
    c = model.commitment
    assert np.all((c >= 0) & (c <= 100) & (c % 10 == 0)) and np.all(np.diag(c) == 100)


def test_same_seed_same_run_and_another_seed_another_run():
    runs = []
    for seed in (7, 7, 8):
        model = TributeModel(rng=seed)
        model.run(200)
        runs.append((model.outcomes(), model.series()))
    assert str(runs[0][0]) == str(runs[1][0])  # same values, NaN included
    assert runs[0][1].equals(runs[1][1])
    assert not runs[0][1].equals(runs[2][1])


def test_outcomes_are_named_as_in_the_docking_protocol():
    model = TributeModel(rng=3)
    model.run(1000)
    names = [name for name, _, _ in model.outcomes()]
    assert names == ["fights.years_1_100", "fights.years_901_1000", "wealth.gini.final",
                     "wealth.top_share.final", "wealth.total.final", "clusters.largest.final"]
    values = dict((name, value) for name, value, _ in model.outcomes())
    assert values["fights.years_1_100"] == model.series()["fights"][:100].sum()
    assert values["wealth.total.final"] == pytest.approx(model.wealth.sum())
    assert 1 <= values["clusters.largest.final"] <= 10


def test_largest_cluster_is_the_largest_mutually_committed_set():
    model = world([400] * 6)
    c = model.commitment
    for i, j in [(0, 1), (1, 2), (0, 2), (3, 4)]:
        c[i, j] = c[j, i] = 50
    c[4, 5] = 90  # one-sided: 5 is not committed to 4, so 4-5 is no cluster
    assert model.largest_cluster() == 3
