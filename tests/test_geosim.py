"""GeoSim (model/classic/geosim.py): Cederman's (2003) rules on micro-worlds computed by hand, and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from bopsim.model.classic.geosim import GeoSimModel, GeoSimParameters, war_size_fit


def small(**parameters) -> GeoSimModel:
    defaults = dict(nx=6, ny=6, init_polarity=6, init_period=5, duration=100)
    return GeoSimModel(GeoSimParameters(**(defaults | parameters)), rng=0)


def test_allocation_reproduces_the_appendix_example():
    # Cederman (2003), Appendix: 50 mobile units, five neighbours allocating 10, 15, 20, 25 and 30
    # against the state, at war last period with the 2nd and 4th: 15/40 x 50 = 18.75, 25/40 x 50 = 31.25,
    # and 10/50 x 50 = 10, 20/60 x 50 = 20 (printed as 20/(15 + 25 + 10)), 30/70 x 50 = 30 (printed likewise)
    model = small()
    cells = model.cells
    model.res[0] = 100.0  # propMobile 0.5: 50 mobile, 50 fixed = 10 a front
    fronts = np.array(sorted([[0, k] for k in range(1, 6)] + [[k, 0] for k in range(1, 6)]))
    model.allocation = {k * cells + 0: float(v) for k, v in zip(range(1, 6), (10, 15, 20, 25, 30))}
    model.fought = {0 * cells + 2, 0 * cells + 4}
    alloc = model.allocate(fronts)
    mobile = [alloc[0 * cells + k] - 10 for k in range(1, 6)]
    # the printed example uses enemyRes + res(j, i) for each quiet front: 10/50, 20/60, 30/70 of 50
    assert mobile == pytest.approx([50 * 10 / 50, 18.75, 50 * 20 / 60, 31.25, 50 * 30 / 70])


def test_a_state_not_under_attack_puts_all_mobile_resources_behind_every_front():
    model = small()
    model.res[0] = 100.0
    alloc = model.allocate(np.array([[0, 1], [0, 2], [1, 0], [2, 0]]))
    # fixed 50 / 2 fronts + all 50 mobile on each
    assert alloc[0 * model.cells + 1] == alloc[0 * model.cells + 2] == pytest.approx(75.0)


def test_extraction_is_one_at_the_capital_half_way_at_the_threshold_and_the_offset_far_away():
    model = small()
    thresh = np.array([2.0, 2.0, 2.0])
    rate = model.extraction(np.array([0.0, 2.0, 1e6]), thresh)
    # 0.1 + 0.9 / (1 + 0) = 1; 0.1 + 0.9 / 2 = 0.55; 0.1 + 0.9 / (1 + huge) = 0.1
    assert rate == pytest.approx([1.0, 0.55, 0.1])


def test_attack_and_victory_criteria_are_even_at_three_to_one_and_the_defender_needs_one_to_three():
    # 1 / (1 + (3/3)^-20) = 0.5; the defender's curve at 1/bal with threshold 1/3 is even at bal = 3 too
    assert GeoSimModel.logistic(3.0, 3.0, 20.0) == pytest.approx(0.5)
    assert GeoSimModel.logistic(1 / 3.0, 1 / 3.0, 20.0) == pytest.approx(0.5)
    assert GeoSimModel.logistic(1.5, 3.0, 20.0) < 1e-6  # far below 3:1: (1/2)^-20 = 2^20
    assert GeoSimModel.logistic(1 / 1.5, 1 / 3.0, 20.0) > 1 - 1e-6


def _line_world() -> GeoSimModel:
    # a 6 x 6 grid: state 6 holds row 1 (cells 6..11) with its capital at 6; everything else is state 0
    model = small()
    model.owner[:] = 0
    model.owner[6:12] = 6
    return model


def test_losing_a_province_frees_the_provinces_cut_off_from_the_capital():
    model = _line_world()
    model.conquer([(0, 6, 8)])
    # cell 8 goes to 0; 9, 10, 11 are no longer connected to capital 6: each becomes sovereign
    assert model.owner[8] == 0
    assert model.owner[6:8].tolist() == [6, 6]
    assert model.owner[9:12].tolist() == [9, 10, 11]


def test_the_fall_of_a_capital_collapses_the_state():
    model = _line_world()
    model.conquer([(0, 6, 6)])
    assert model.owner[6] == 0
    assert model.owner[7:12].tolist() == [7, 8, 9, 10, 11]


def test_claims_on_a_state_already_changed_this_step_wait():
    model = _line_world()
    model.conquer([(0, 6, 11), (0, 6, 10)])
    assert sorted(model.owner[10:12].tolist()).count(0) == 1  # one conquest; the second claim is locked


def test_wars_merge_through_a_state_that_fights_both_and_end_after_the_war_shadow():
    model = small(war_shadow=2, init_period=0)
    model.owner[:] = np.arange(model.cells)  # every cell a state
    model.count_wars([(1, 2, 5.0)], t=1)
    model.count_wars([(3, 4, 7.0)], t=2)  # 3 and 4 fight each other only: a second war
    assert sorted(size for size, _ in model.wars.values()) == [5.0, 7.0]
    model.count_wars([(2, 3, 1.0)], t=3)  # 2 (first war, still active) fights 3 (second war): one war of 5 + 7 + 1
    assert len(model.wars) == 1 and next(iter(model.wars.values()))[0] == pytest.approx(13.0)
    for t in (4, 5):  # 2 and 3 last fought at 3: active while t - 2 <= 3
        model.count_wars([], t=t)
    assert model.war_sizes == []
    model.count_wars([], t=6)
    assert model.war_sizes == [pytest.approx(13.0)] and not model.wars


def test_neighbours_fighting_others_make_separate_wars():
    # 1-2 and 3-4 fight; 2 and 3 are neighbours, both active, but do not fight each other (Cederman
    # 2003, p. 141: a cluster is bound together by "conflictual interaction", not by a common border)
    model = small(war_shadow=2, init_period=0)
    model.owner[:] = np.arange(model.cells)
    model.count_wars([(1, 2, 5.0)], t=1)
    model.count_wars([(3, 4, 7.0)], t=2)
    for t in range(3, 6):
        model.count_wars([], t=t)
    assert sorted(model.war_sizes) == [5.0, 7.0]


def _two_states() -> GeoSimModel:
    # 6 x 6 grid, cell = 6 row + column: state 0 holds columns 0-2 (capital cell 0), state 5 columns 3-5
    # (capital cell 5)
    model = small()
    model.owner[:] = np.where(np.arange(model.cells) % 6 < 3, 0, 5)
    return model


def test_a_conquest_keeps_the_front_at_war_along_a_new_path_until_the_defender_prevails():
    model = _two_states()
    cells = model.cells
    model.allocation = {0 * cells + 5: 100.0, 5 * cells + 0: 1.0}
    model.battles = {(0, 5): (2, 3)}  # agent cell 2 (column 2), target cell 3 (column 3), row 0
    claims, combat = model.interact()
    # d(0 -> 3) = 3, d(5 -> 3) = 2: dist = 0.1 + 0.9 / (1 + 1.5^3) = 0.30571 and 0.1 + 0.9 / 2 = 0.55;
    # bal = 0.30571 x 100 / (0.55 x 1) = 55.6: q = 1 / (1 + (55.6 / 3)^-20) = 1 to 25 decimals; the
    # defender's 1 / (1 + ((1 / 55.6) / (1 / 3))^-20) is 0 to 25 decimals
    assert claims == [(0, 5, 3)]
    assert combat == [(0, 5, pytest.approx(0.1 * 100 + 0.1 * 1))]  # propDamage of each allocation
    assert (0, 5) in model.battles  # grim trigger: the attacker's victory does not end the fighting
    model.conquer(claims)
    model.continue_battles(model.borders())
    agent, target = model.battles[(0, 5)]
    assert model.owner[agent] == 0 and model.owner[target] == 5
    assert abs(agent - target) in (1, 6)  # a new battle path across the moved border
    model.allocation = {0 * cells + 5: 1.0, 5 * cells + 0: 100.0}  # now 1:55 the other way
    claims, _ = model.interact()
    assert claims == [] and model.battles == {}  # the defender prevails: all action is discontinued


def _three_states() -> GeoSimModel:
    # 6 x 6 grid: state 0 holds rows 0-4 (capital cell 0), state 30 cells 30-34 of row 5 (capital 30),
    # and the unit 35 (row 5, column 5) is sovereign; 0 borders both, 30 borders both
    model = small()
    model.owner[:] = 0
    model.owner[30:35] = 30
    model.owner[35] = 35
    model.res[[0, 30, 35]] = [1e6, 1.0, 1.0]
    model.alerted[:] = False
    model.campaign[:] = -1
    model.campaign[0] = 35
    return model


@pytest.mark.parametrize("at_war, launched", [(False, True), (True, False)])
def test_a_state_at_war_on_any_front_opens_no_new_front(at_war, launched):
    # Appendix, "Decision Rule of State i": an unprovoked attack only "if there is no action on any front"
    model = _three_states()
    border = model.borders()
    codes = np.unique(border[:, 2] * model.cells + border[:, 3])
    fronts = np.column_stack(np.divmod(codes, model.cells))
    model.allocation = model.allocate(fronts)
    if at_war:
        model.battles = {(30, 0): (30, 24)}  # 30 attacks 0 along column 0 (agent cell 30, target cell 24)
    model.decide(fronts, border)
    # 0 campaigns against 35: target cell 35, d(0 -> 35) = 5 sqrt 2 = 7.07, dist = 0.1 + 0.9 / (1 + 3.54^3)
    # = 0.12; res(0, 35) = 1e6 (0.5 / 2 + 0.5) = 7.5e5 against res(35, 0) = 1 (0.5 / 2 + 0.5) = 0.75 at
    # its capital (dist 1): bal = 1.2e5, p = 1 to 25 decimals; the defender of a battle under way
    # tries nothing
    assert ((0, 35) in model.battles) == launched
    assert ((30, 0) in model.battles) == at_war


def test_resources_are_counted_in_units_of_a_site_s_steady_state_yield():
    model = small(resource_unit=100.0)
    model.owner[:] = np.arange(model.cells)  # 36 unitary states
    # a unitary state's 1 + tax is its capital's dist(0) = 1 site: 100 units
    assert model.metabolism() == pytest.approx(np.full(model.cells, 100.0))
    model.res[:] = 100.0
    model.damage[7] = 50.0
    model.update_resources(np.array([7, 8]))
    # 0.99 x 100 + 0.01 x (100 - 50) = 99.5; without damage the steady state 100 stays
    assert model.res[[7, 8]] == pytest.approx([99.5, 100.0])


def test_war_size_fit_recovers_an_exact_power_law():
    n = 200
    k = np.arange(n)
    sizes = 10**2.5 * (n / (n - k)) ** 2  # P(S >= s_k) = (n - k)/n = (s_k / 10^2.5)^-0.5
    fit = war_size_fit(np.concatenate([sizes, [10.0, 100.0]]))  # wars below 10^2.5 are left out
    assert fit["count"] == n
    assert fit["slope"] == pytest.approx(-0.5) and fit["r2"] == pytest.approx(1.0)
    assert fit["range_orders"] == pytest.approx(2 * np.log10(n))


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_state_is_connected_and_holds_its_capital(seed):
    model = GeoSimModel(GeoSimParameters(nx=16, ny=16, init_polarity=20, init_period=10, duration=100,
                                         sup_thresh=1.5, vict_thresh=1.5, shock_size=40.0, p_shock=0.05), rng=seed)
    model.run(120)
    grid = model.owner.reshape(16, 16)
    for state in model.states():
        labels, count = ndimage.label(grid == state)
        assert count == 1 and model.owner[state] == state
    assert set(np.unique(model.owner)) == set(model.states())


def test_same_seed_same_run_and_outcomes_named_as_in_the_protocol():
    runs = []
    for _ in range(2):
        model = small()
        model.run(60)
        runs.append(model)
    assert runs[0].series().equals(runs[1].series()) and (runs[0].owner == runs[1].owner).all()
    assert [name for name, _, _ in runs[0].outcomes()] == [
        "wars.count", "wars.slope", "wars.r2", "wars.range_orders", "wars.alpha_mle", "states.t500", "states.final"]


def test_the_unit_of_resources_scales_war_sizes_and_changes_nothing_else():
    # every rule uses ratios of resources (balances, allocation shares) or is linear in them
    # (damage, the resource equation), so counting a site as 100 instead of 1 multiplies resources,
    # damage and war sizes by 100 and leaves the run otherwise the same, draw for draw
    runs = []
    for unit in (1.0, 100.0):
        model = GeoSimModel(GeoSimParameters(nx=16, ny=16, init_polarity=20, init_period=10, duration=300,
                                             shock_size=40.0, p_shock=0.02, resource_unit=unit), rng=7)
        model.run(310)
        runs.append(model)
    assert (runs[0].owner == runs[1].owner).all() and len(runs[0].war_sizes) > 0
    assert np.array(runs[1].war_sizes) == pytest.approx(100 * np.array(runs[0].war_sizes))
    assert runs[1].res == pytest.approx(100 * runs[0].res)


@pytest.mark.parametrize("context_activation, kept",
                         [(True, [True, True, True, False]), (False, [False, False, False, False])])
def test_fighting_around_keeps_a_state_alert_only_with_context_activation(context_activation, kept):
    # states 0, 1, 2, 3 in a row, all alerted; 0 fights 1. With context activation 0 and 1 (in combat)
    # and 2 (bordering 1) stay alert and 3 (no combat around) drops it with pDeactivate = 1; without
    # it every alert is dropped whatever the fighting (Cederman 2003, Table 1 line 4)
    model = small(p_deactivate=1.0, context_activation=context_activation)
    model.alerted[[0, 1, 2, 3]] = True
    model.alert(_fronts((0, 1), (1, 2), (2, 3)), [(0, 1, 1.0)])
    assert model.alerted[[0, 1, 2, 3]].tolist() == kept


def _fronts(*pairs: tuple[int, int]) -> np.ndarray:
    return np.array(sorted({(a, b) for a, b in pairs} | {(b, a) for a, b in pairs}))
