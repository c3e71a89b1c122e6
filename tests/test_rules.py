"""The model's rules (DESIGN.md section 4) against expectations computed by hand.

Each test states its arithmetic in comments; the numbers are small enough to check on paper.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from worlds import actor, build, line_world, region, world

from bopsim.model import combat
from bopsim.model.geography import UNREACHABLE
from bopsim.model.alliances import aid_transfers, blocs, relation_targets, tie_targets
from bopsim.model.metrics import (
    BLOC_BALANCE_CAP,
    WarEpisodes,
    bloc_balance,
    concentration,
    effective_poles,
    forward_presence,
    power_shares,
)

# ----------------------------------------------------------------- perceive: threat


def _threat_world(relation: float = -0.5) -> dict:
    # r0 - r1 - r2; A (state) at home in r0 with K = 10; B (non-state) holds r2 with K = 8.
    return line_world(
        ["r0", "r1", "r2"],
        [actor("A", home=["r0"], capability=10),
         actor("B", "non_state", capability=8, home=["r2"], control={"r2": 1.0})],
        relations=(("A", "B", relation),),
        threat_exponent=2.0,
        threat_range=2.0,
    )


def test_threat_is_intent_times_power_times_proximity():
    model = build(_threat_world())
    model.perceive()
    # Theta[A,B] = max(0, 0.5) * 8**2 * exp(-2 hops / 2) = 32 / e; B holds r2, two hops from r0
    assert model.threat[0, 1] == pytest.approx(32 / math.e)
    # Theta[B,A] = 0.5 * 10**2 * exp(-2 / 2) = 50 / e; A holds r0, two hops from r2
    assert model.threat[1, 0] == pytest.approx(50 / math.e)
    assert model.threat[0, 0] == model.threat[1, 1] == 0.0


def test_threat_distance_is_to_the_nearest_region_where_the_other_has_forces():
    model = build(_threat_world())
    model.deployment[1] = [0.0, 8.0, 0.0]  # B's forces move to r1, one hop from A's home
    model.perceive()
    # 0.5 * 64 * exp(-1 / 2) = 32 / sqrt(e)
    assert model.threat[0, 1] == pytest.approx(32 * math.exp(-0.5))


def test_forces_below_the_presence_threshold_do_not_bring_a_threat_closer():
    model = build(_threat_world())
    model.deployment[1] = [0.005, 0.0, 7.995]  # 0.005 < presence 0.01 in r0
    model.perceive()
    assert model.threat[0, 1] == pytest.approx(32 / math.e)


@pytest.mark.parametrize("relation", [0.0, 0.5])
def test_no_threat_without_hostile_intent(relation):
    model = build(_threat_world(relation))
    model.perceive()
    assert not model.threat.any()


# ----------------------------------------------------------------- resolve: attrition

YES = np.array([True])


def governments(n: int) -> np.ndarray:
    """Every one of n actors a government: no non-state losses."""
    return np.ones(n, dtype=bool)


def test_attrition_is_proportional_to_the_enemys_force():
    force = np.array([[10.0], [5.0]])
    hostile = np.array([[0.0, 1.0], [1.0, 0.0]])
    losses, dyads, *_ = combat.attrition(force, force, hostile, 0.1, YES, governments(2))
    # A loses 0.1 x B's fire 5 = 0.5; B loses 0.1 x A's fire 10 = 1.0
    np.testing.assert_allclose(losses, [[0.5], [1.0]])
    # dyads[a, b] = what a lost to b
    np.testing.assert_allclose(dyads, [[0.0, 0.5], [1.0, 0.0]])


def test_fire_is_aimed_by_force_and_delivered_at_the_hostility():
    # A fights B (H 1, war) and C (H 0.5, clashes); B and C are not enemies of each other
    force = np.array([[10.0], [6.0], [4.0]])
    hostile = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]])
    losses, dyads, *_ = combat.attrition(force, force, hostile, 0.1, YES, governments(3))
    # A's fire 10 is aimed by force, 6:4 of the enemies' 10; to B 10 x 1 x 6 / 10 = 6, to C
    # 10 x 0.5 x 4 / 10 = 2: losses B = 0.1 x 6 = 0.6, C = 0.1 x 2 = 0.2
    # A receives B's fire 6 at intensity 1 and C's fire 4 at 0.5: 0.1 x (6 + 2) = 0.8
    np.testing.assert_allclose(losses[:, 0], [0.8, 0.6, 0.2])
    np.testing.assert_allclose(dyads[0], [0.0, 0.6, 0.2])


def test_clashes_alone_cost_the_hostilitys_share_of_a_war():
    # two actors at H 0.3 (clashes) alone in a region fight at 0.3 of a war's intensity
    force = np.array([[10.0], [5.0]])
    war = combat.attrition(force, force, np.array([[0.0, 1.0], [1.0, 0.0]]), 0.1, YES, governments(2))
    clashes = combat.attrition(force, force, np.array([[0.0, 0.3], [0.3, 0.0]]), 0.1, YES, governments(2))
    np.testing.assert_allclose(clashes.losses, 0.3 * war.losses)  # A 0.3 x 0.5, B 0.3 x 1.0


def test_losses_are_capped_at_the_force_present_and_dyads_scaled_alike():
    # A (1 unit) against B and C (50 each): received 0.1 x (50 + 50) = 10 > 1, so A loses its 1
    force = np.array([[1.0], [50.0], [50.0]])
    hostile = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    losses, dyads, *_ = combat.attrition(force, force, hostile, 0.1, YES, governments(3))
    assert losses[0, 0] == pytest.approx(1.0)
    np.testing.assert_allclose(dyads[0], [0.0, 0.5, 0.5])  # the cap scales both causes
    # A's fire 1 is split evenly: B and C each lose 0.1 x 0.5 = 0.05
    np.testing.assert_allclose(losses[1:, 0], [0.05, 0.05])


def test_only_contested_columns_take_losses_and_fire_includes_strikes():
    force = np.array([[10.0, 10.0], [5.0, 5.0]])
    fire = force + np.array([[0.0, 0.0], [3.0, 3.0]])  # B adds 3 units of strike fire everywhere
    hostile = np.array([[0.0, 1.0], [1.0, 0.0]])
    losses, *_ = combat.attrition(force, fire, hostile, 0.1, np.array([True, False]), governments(2))
    # region 0: A loses 0.1 x (5 + 3) = 0.8; region 1 is not contested
    np.testing.assert_allclose(losses, [[0.8, 0.0], [1.0, 0.0]])


def test_strike_kills_are_the_strike_part_of_what_each_actor_inflicts():
    # A (ground 10, of which fire 10 + strike fire 6 = 16) fights B (6) and C (4); B and C fight A only
    force = np.array([[10.0], [6.0], [4.0]])
    strike = np.array([[6.0], [0.0], [1.0]])  # C adds 1 unit of strike fire
    hostile = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    result = combat.attrition(force, force + strike, hostile, 0.1, YES, governments(3), strike)
    # A's fire 16 is spread over B and C by force (10 units of enemies): B takes 0.1 x 16 x 6 / 10 = 0.96,
    # C 0.1 x 16 x 4 / 10 = 0.64; 6 of the 16 is strike fire: 6/16 of the 1.6 A inflicts = 0.6.
    # C's fire 5, of which 1 strike, all on A: A takes 0.1 x 5 = 0.5, 0.1 from strikes.
    np.testing.assert_allclose(result.strike_kills, [0.6, 0.0, 0.1])
    # the strike kills are part of the column sums of the dyads (what each actor inflicted)
    np.testing.assert_allclose(result.dyads.sum(axis=0), [1.6, 0.6, 0.5])
    # without strike fire given, nobody's strikes kill
    assert not combat.attrition(force, force + strike, hostile, 0.1, YES, governments(3)).strike_kills.any()


def test_strike_kills_are_scaled_by_the_cap_like_the_losses():
    # A (1 unit) against B's 50 of strike fire alone: received 0.1 x 50 = 5 > 1, so A loses its 1, all to strikes
    force = np.array([[1.0], [0.0]])
    strike = np.array([[0.0], [50.0]])
    hostile = np.array([[0.0, 1.0], [1.0, 0.0]])
    result = combat.attrition(force, strike, hostile, 0.1, YES, governments(2), strike)
    np.testing.assert_allclose(result.strike_kills, [0.0, 1.0])


def test_nonstate_losses_are_those_between_two_non_governments():
    # A (a government, 10) and non-governments B (6) and C (4), all three at war with each other
    force = np.array([[10.0], [6.0], [4.0]])
    hostile = 1.0 - np.eye(3)
    losses, _, nonstate, *_ = combat.attrition(force, force, hostile, 0.1, YES, np.array([True, False, False]))
    # every unit of fire lands: 0.1 x (10 + 6 + 4) = 2.0 lost in all
    assert losses.sum() == pytest.approx(2.0)
    # B's fire 6 is split A:C = 10:4, so C takes 6 x 4 / 14; C's fire 4 is split A:B = 10:6, so B
    # takes 4 x 6 / 16 = 1.5; between the two: 0.1 x (12 / 7 + 1.5) = 0.3214...
    np.testing.assert_allclose(nonstate, [0.1 * (12 / 7 + 1.5)])
    # with A a non-government too, every loss is non-state
    assert combat.attrition(force, force, hostile, 0.1, YES, np.zeros(3, bool)).nonstate[0] == pytest.approx(2.0)


def _militias(government: bool | None) -> dict:
    # two non-state actors at war, each holding part of both regions; `government` set on the
    # first, or left to its kind
    first = actor("M", "non_state", capability=10, home=["r0"], control={"r0": 0.7, "r1": 0.3})
    if government is not None:
        first["government"] = government
    return line_world(["r0", "r1"], [first, actor("N", "non_state", capability=10, home=["r1"], control={"r0": 0.3, "r1": 0.7})],
                      relations=(("M", "N", -1.0),))


def test_an_actor_may_count_as_a_government_whatever_its_kind():
    # by kind, two militias fight a non-state conflict: none of their deaths are state-based; read
    # as a government's side (the PMF under the Iraqi state, say), all of them are
    for government, share in ((None, 0.0), (False, 0.0), (True, 1.0)):
        model = build(_militias(government))
        model.run_for(3)
        deaths = sum(record.battle_deaths.sum() for record in model.history)
        state_based = sum(record.state_based_deaths.sum() for record in model.history)
        assert deaths > 0
        assert state_based == pytest.approx(share * deaths)


def test_effective_force_gives_the_holder_its_share_of_the_terrain_multiplier():
    deployment = np.array([[10.0], [10.0]])
    control = np.array([[0.5], [0.0], [0.5]])  # A holds half; the rest is ungoverned
    # delta = 1.8 (mountain): A fights with 10 x (1 + 0.8 x 0.5) = 14, B with 10 x (1 + 0) = 10
    np.testing.assert_allclose(combat.effective_force(deployment, control, np.array([1.8])), [[14.0], [10.0]])


# ----------------------------------------------------------------- resolve: contest for control


ENEMIES_AB = np.array([[False, True], [True, False]])


def test_contest_difference_form_takes_ground_from_the_weaker_enemy():
    control = np.array([[0.5], [0.3], [0.2]])
    strength = np.array([[3.0], [1.0]])
    change = combat.contest(control, strength, ENEMIES_AB, YES, np.array([0.5]), front_width=2.0)
    # B faces E = 3: pressure tanh((3 - 1) / 2) = tanh(1) = 0.761594; B loses 0.5 x 0.3 x 0.761594 = 0.114239
    # A faces E = 1 < 3: no pressure. A gains S_A x lost_B / E_B = 3 x 0.114239 / 3
    lost = 0.5 * 0.3 * math.tanh(1.0)
    np.testing.assert_allclose(change[:, 0], [lost, -lost])


def test_balanced_fronts_stand_still_and_superiority_breaks_through():
    control = np.array([[0.5], [0.5], [0.0]])
    even = combat.contest(control, np.array([[2.0], [2.0]]), ENEMIES_AB, YES, np.array([0.5]), front_width=2.0)
    np.testing.assert_allclose(even, 0.0)
    # the difference form depends on the gap, not the ratio: 12 v 10 moves less than 10 v 2
    # tanh(2 / 2) = 0.7616 < tanh(8 / 2) = 0.9993
    thin = combat.contest(control, np.array([[12.0], [10.0]]), ENEMIES_AB, YES, np.array([1.0]), front_width=2.0)
    massed = combat.contest(control, np.array([[10.0], [2.0]]), ENEMIES_AB, YES, np.array([1.0]), front_width=2.0)
    assert thin[1, 0] == pytest.approx(-0.5 * math.tanh(1.0))
    assert massed[1, 0] == pytest.approx(-0.5 * math.tanh(4.0))


def test_ground_held_without_force_is_lost_to_any_enemy_present_however_small_the_share():
    control = np.array([[0.0], [0.002], [0.998]])
    change = combat.contest(control, np.array([[2.0], [0.0]]), ENEMIES_AB, YES, np.array([0.25]), front_width=2.0)
    # B has no force: pressure tanh(2 / 2); it loses 0.25 x 0.002 x 0.761594 even of a 0.2% share
    assert change[1, 0] == pytest.approx(-0.25 * 0.002 * math.tanh(1.0))


def test_co_belligerents_never_take_ground_from_each_other():
    # A (4) and B (2) are not enemies; C (3) is the enemy of both. speed 0.2, w = 2
    enemies = np.array([[False, False, True], [False, False, True], [True, True, False]])
    control = np.array([[0.3], [0.3], [0.4], [0.0]])
    change = combat.contest(control, np.array([[4.0], [2.0], [3.0]]), enemies, YES, np.array([0.2]), front_width=2.0)
    # E_A = 3 < 4: A loses nothing. E_B = 3: B loses 0.2 x 0.3 x tanh(0.5) = 0.0277272
    # E_C = 4 + 2 = 6: C loses 0.2 x 0.4 x tanh(1.5) = 0.0724118, to A 4/6 and to B 2/6
    lost_b = 0.2 * 0.3 * math.tanh(0.5)
    lost_c = 0.2 * 0.4 * math.tanh(1.5)
    np.testing.assert_allclose(change[:, 0], [lost_c * 4 / 6, lost_c * 2 / 6 - lost_b, lost_b - lost_c])
    assert change.sum() == pytest.approx(0.0)


def test_uncontested_columns_do_not_move():
    control = np.array([[0.5], [0.5], [0.0]])
    change = combat.contest(control, np.array([[9.0], [0.0]]), ENEMIES_AB, np.array([False]), np.array([1.0]), 2.0)
    np.testing.assert_allclose(change, 0.0)


def test_gains_in_a_partner_states_country_go_to_that_state():
    # r0 is the home of state S (0); E (1) fights beside S; G (2) does not; H (3) loses ground
    change = np.array([[0.0, 0.0], [0.1, 0.1], [0.05, 0.0], [-0.15, -0.1]])
    partnered = np.zeros((4, 4), bool)
    partnered[1, 0] = True
    credited = combat.credit_sovereign(change, np.array([0, -1]), partnered)
    # r0: E's 0.1 goes to S; G keeps its 0.05; H's loss stays. r1 has no sovereign: E keeps 0.1
    np.testing.assert_allclose(credited, [[0.1, 0.0], [0.0, 0.1], [0.05, 0.0], [-0.15, -0.1]])


def _beside_the_state(partner_kind: str, fights_for_the_state: bool = False) -> np.ndarray:
    # r0 - r1: state S holds half of r0 (its home) with 4 units; I, its enemy, the other half with
    # 2; P (a non-state actor, or a state, at home in r1), tied to S and at war with I, brings 6
    # into r0. Support 1, delta 1, speed 0.25, w = 2, no attrition.
    raw = line_world(
        ["r0", "r1"],
        [actor("S", home=["r0"], capability=4, control={"r0": 0.5}),
         actor("I", "non_state", capability=2, home=["r1"], control={"r0": 0.5}),
         actor("P", partner_kind, capability=6, home=["r1"])],
        relations=(("S", "I", -1.0), ("P", "I", -1.0)),
        ties=(("P", "S", 0.8),),
        attrition=0.0,
    )
    model = build(raw)
    model.perceive()
    if fights_for_the_state:
        model.fights_for[2] = 0
    model.planned = np.array([[4.0, 0.0], [2.0, 0.0], [6.0, 0.0]])
    model.planned_strike = np.zeros((3, 2))
    model.resolve()
    return model.control[:3, 0]


def test_an_allied_militia_keeps_what_it_takes_and_an_allied_state_restores_the_sovereign():
    # I faces 4 + 6 = 10 against its 2 and loses L = 0.25 x 0.5 x tanh(8 / 2), split 4 : 6 by strength
    lost = 0.25 * 0.5 * math.tanh(4.0)
    # a non-state partner keeps its 0.6 L: an alliance from a common enemy does not hand its ground over
    np.testing.assert_allclose(_beside_the_state("non_state"), [0.5 + 0.4 * lost, 0.5 - lost, 0.6 * lost])
    # a state fighting beside S in S's country restores S's control: S gets the whole L
    np.testing.assert_allclose(_beside_the_state("state"), [0.5 + lost, 0.5 - lost, 0.0])
    # so does a militia fighting for S (expeditionary support, the PMF for Iraq)
    np.testing.assert_allclose(_beside_the_state("non_state", fights_for_the_state=True), [0.5 + lost, 0.5 - lost, 0.0])


def test_ground_held_with_no_force_in_it_drifts_to_ungoverned():
    control = np.array([[0.4, 0.4], [0.6, 0.6], [0.0, 0.0]])
    forceless = np.array([[True, False], [False, False]])
    combat.abandon(control, forceless, 0.1)
    # A has no force in r0: 0.1 x 0.4 = 0.04 becomes ungoverned; r1 unchanged
    np.testing.assert_allclose(control, [[0.36, 0.4], [0.6, 0.6], [0.04, 0.0]])


def test_a_force_beaten_among_a_hostile_population_deserts_in_proportion_to_its_defeat():
    # A holds 0.8 of r0 and loses 0.2 of it (a quarter of its ground) at support 0.4 with 10 units:
    # D = 10 x min(1, 2 x 0.25 x (1 - 0.4)) = 10 x 0.3 = 3. B lost 0.1 of 0.1 (all of it) at
    # support 0.2 with 5 units: 2 x 1 x 0.8 = 1.6 -> capped at 1, all 5 units leave.
    deployment = np.array([[10.0], [5.0]])
    held = np.array([[0.8], [0.1]])
    change = np.array([[-0.2], [-0.1]])
    deserted = combat.desertion(deployment, held, change, np.array([[0.4], [0.2]]), rate=2.0)
    np.testing.assert_allclose(deserted, [[3.0], [5.0]])


def test_no_desertion_at_full_support_without_a_loss_or_with_the_rule_off():
    deployment = np.array([[10.0], [10.0], [10.0]])
    held = np.array([[0.5], [0.5], [0.0]])
    change = np.array([[-0.5], [0.2], [0.0]])
    support = np.array([[1.0], [0.1], [0.1]])
    # A lost all its ground but fights among its own people (s = 1); B gained; C held nothing
    np.testing.assert_allclose(combat.desertion(deployment, held, change, support, rate=5.0), 0.0)
    np.testing.assert_allclose(combat.desertion(deployment, held, -held, np.full((3, 1), 0.1), rate=0.0), 0.0)


def test_deserters_leave_the_force_and_the_capability_but_are_not_battle_deaths():
    # r0: the state (10 units, support = sovereign 0.3 among a population of the rebels' identity)
    # holds 0.9; the rebels hold 0.1 with 20 units. Desertion 2, front speed 0.5, no noise.
    raw = line_world(["r0"], [
        {"id": "state", "kind": "state", "home": ["r0"], "capability": 10, "identity": [-1.0, 0.0],
         "control": {"r0": 0.9}},
        {"id": "rebels", "kind": "non_state", "home": ["r0"], "capability": 20, "identity": [1.0, 0.0],
         "control": {"r0": 0.1}}],
        relations=[("state", "rebels", -1.0)], desertion=2.0, sovereign_support=0.3, front_speed=0.5, upkeep=0.0)
    raw["region"][0]["identity"] = [1.0, 0.0]
    model = build(raw)
    model.step()
    battle = model.battle
    assert battle.deserted[0, 0] > 0.0 and battle.deserted[1, 0] == 0.0
    # the deserters are gone from the region, not counted as losses or battle deaths
    assert model.deployment[0, 0] == pytest.approx(10.0 - battle.losses[0, 0] - battle.deserted[0, 0])
    assert model.battle_deaths == pytest.approx(battle.losses.sum() * model.params.deaths_per_unit)
    # and from the capability: the same month with the rule off ends with exactly that much more
    raw["parameters"]["desertion"] = 0.0
    loyal = build(raw)
    loyal.step()
    assert loyal.battle.losses == pytest.approx(battle.losses)
    assert loyal.capability[0] - model.capability[0] == pytest.approx(battle.actor_deserted[0])


def test_support_is_identity_affinity_or_the_sovereign_standing():
    affinity = np.array([[1.0, 0.1, 0.02], [0.02, 0.9, 0.1]])
    standing = np.array([[True, False], [True, True]])  # B (1) fights beside state A (0)
    support = combat.support(affinity, np.array([0, 0, -1]), standing, np.full(3, 0.3))
    # r0, r1 are A's country: A max(1, 0.3) and max(0.1, 0.3); B beside A: max(0.02, 0.3), max(0.9, 0.3)
    # r2 has no state: affinity only
    np.testing.assert_allclose(support, [[1.0, 0.3, 0.02], [0.3, 0.9, 0.1]])


def test_a_states_standing_is_full_in_its_capital_and_falls_with_hops_from_it():
    hops = np.array([0, 1, 2, UNREACHABLE])  # the capital, its neighbour, two hops, a region without a capital
    level = combat.standing_support(hops, 0.25, 0.5)
    # 0.25 + 0.75 exp(-h / 0.5): h 0 -> 1; h 1 -> 0.25 + 0.75 x 0.1353 = 0.3515; h 2 -> 0.25 + 0.75 x 0.0183 = 0.2637
    np.testing.assert_allclose(level, [1.0, 0.3515, 0.2637, 0.25], atol=1e-4)
    np.testing.assert_allclose(combat.standing_support(hops, 0.25, 0.0), 0.25)  # the rule off: the floor everywhere


def test_the_capital_lets_the_government_hold_what_the_rebels_take_elsewhere():
    # one state and a hostile rebel force of the same size, each holding half of two regions
    # whose people share the rebels' identity: the rebels fight at support 1 there, the state
    # at its standing only (sovereign_support 0.3; identity affinity exp(-(2 / 1)^2) = 0.018)
    raw = line_world(["cap", "far"], [
        {"id": "state", "kind": "state", "home": ["cap", "far"], "capability": 8, "identity": [-1.0, 0.0]},
        {"id": "rebels", "kind": "non_state", "home": ["cap", "far"], "capability": 8, "identity": [1.0, 0.0],
         "control": {"cap": 0.5, "far": 0.5}}],
        relations=[("state", "rebels", -1.0)], sovereign_support=0.3, upkeep=0.0)
    for r in raw["region"]:
        r["identity"] = [1.0, 0.0]
    plain = build(raw)
    raw["actor"][0]["capital"] = "cap"
    raw["parameters"]["capital_reach"] = 0.5
    seated = build(raw)
    # standing in cap: 0.3 + 0.7 x exp(0) = 1; in far (1 hop): 0.3 + 0.7 x exp(-1 / 0.5) = 0.3947
    np.testing.assert_allclose(seated.state_support, [1.0, 0.3 + 0.7 * math.exp(-2.0)])
    np.testing.assert_allclose(plain.state_support, [0.3, 0.3])
    plain.step()
    seated.step()
    # without a capital the rebels (support 1 against 0.3) take ground in both regions; with one,
    # the state holds its seat at equal support and loses less of the region beside it
    assert plain.control[0, 0] < 0.5 and plain.control[0, 1] < 0.5
    assert seated.control[0, 0] > plain.control[0, 0] and seated.control[0, 1] >= plain.control[0, 1]


def test_credit_external_moves_strength_to_the_partners_present():
    strength = np.array([[4.0], [2.0], [3.0]])  # A, B hold ground; E is an external power
    holds_ground = np.array([True, True, False])
    allied = np.zeros((3, 3), bool)
    allied[2, 1] = allied[1, 2] = True  # E is tied to B and fights for A
    credited = combat.credit_external(strength, np.array([-1, -1, 0]), holds_ground, allied)
    # E's 3 goes to A and B in proportion to their own 4 : 2 -> A 4 + 2 = 6, B 2 + 1 = 3, E 0
    np.testing.assert_allclose(credited[:, 0], [6.0, 3.0, 0.0])


def test_credit_external_without_a_partner_present_takes_no_ground():
    strength = np.array([[0.0], [0.0], [3.0]])
    credited = combat.credit_external(strength, np.array([-1, -1, 0]), np.array([True, True, False]), np.zeros((3, 3), bool))
    np.testing.assert_allclose(credited, 0.0)


def test_forces_present_absorb_ungoverned_ground_by_strength():
    control = np.array([[0.5], [0.0], [0.5]])
    gains = combat.absorb_ungoverned(control, np.array([[3.0], [1.0]]), YES, 0.1)
    # taken = 0.1 x 0.5 = 0.05, split 3 : 1 -> A + 0.0375, B + 0.0125
    np.testing.assert_allclose(gains[:, 0], [0.0375, 0.0125])


def test_air_strikes_wear_down_the_enemy_forces_they_are_aimed_at():
    # r0 - r1 - r2: S at home in r0 (allied to E), I holds half of r1 and all of r2.
    # E strikes I in r1 (next to its partner's ground, as air_campaign aims): 10 units of strike
    # power against I's forces there should cost I something (air_support 0, the default: attrition only).
    raw = line_world(
        ["r0", "r1", "r2"],
        [actor("S", home=["r0"], capability=10),
         actor("I", "non_state", capability=5, home=["r2"], control={"r2": 1.0, "r1": 0.5}),
         actor("E", "external", capability=10, basing=["r0"], strategy=[{"behaviour": "air_campaign", "share": 1.0}])],
        relations=(("S", "I", -1.0), ("E", "I", -1.0)),
        ties=(("E", "S", 0.8),),
    )
    model = build(raw)
    model.step()
    r1 = model.geo.index["r1"]
    assert model.strike[2, r1] == pytest.approx(10.0), "the strike is aimed at r1"
    assert model.battle.losses[1, r1] > 0


def _air_support_world(air_support: float):
    # one region r0, held half by state S (4 units there) and half by I (6 units), its enemy; E,
    # an external power tied to S, has 8 units of strike power there (strike effect 1). Identities
    # and terrain are neutral (support 1, delta 1); speed 0.25, w = 2, no attrition.
    raw = line_world(
        ["r0"],
        [actor("S", home=["r0"], capability=4, control={"r0": 0.5}),
         actor("I", "non_state", capability=6, home=["r0"], control={"r0": 0.5}),
         actor("E", "external", capability=8, basing=["r0"])],
        relations=(("S", "I", -1.0), ("E", "I", -1.0)),
        ties=(("E", "S", 0.8),),
        air_support=air_support, attrition=0.0,
    )
    model = build(raw)
    model.perceive()
    model.planned = np.array([[4.0], [6.0], [0.0]])
    model.planned_strike = np.array([[0.0], [0.0], [8.0]])
    model.resolve()
    return model.control[:2, 0]


def test_air_support_lets_the_partner_on_the_ground_take_what_it_could_not_alone():
    # air_support 0: S brings 4 against I's 6 and loses 0.25 x 0.5 x tanh((6 - 4) / 2); the strikes
    # only wear I down. E's 8 of strike fire is flown for S, its one partner there (support 1):
    # air_support 0.25 adds 0.25 x 8 = 2 and the front stands (6 against 6); air_support 0.5 adds 4,
    # S brings 8 against 6 and I loses 0.25 x 0.5 x tanh((8 - 6) / 2).
    moved = 0.25 * 0.5 * math.tanh(1.0)
    np.testing.assert_allclose(_air_support_world(0.0), [0.5 - moved, 0.5 + moved])
    np.testing.assert_allclose(_air_support_world(0.25), [0.5, 0.5])
    np.testing.assert_allclose(_air_support_world(0.5), [0.5 + moved, 0.5 - moved])


def test_air_support_goes_to_the_partners_present_and_counts_at_their_support():
    # regions c0, c1. A holds ground (strength 2, 1; support 0.5, 1), B holds ground (3 in c0 only),
    # E holds none and fights for A, tied to B; A flies 1 of its own strike fire in c1; E flies 6 in
    # c0 and 4 in c1. share 1.
    strength = np.array([[2.0, 1.0], [3.0, 0.0], [0.0, 0.0]])
    strike_fire = np.array([[0.0, 1.0], [0.0, 0.0], [6.0, 4.0]])
    support = np.array([[0.5, 1.0], [1.0, 1.0], [1.0, 1.0]])
    allied = np.zeros((3, 3), bool)
    allied[1, 2] = allied[2, 1] = True
    x = combat.air_supported(strength, strike_fire, 1.0, support, np.array([-1, -1, 0]),
                             np.array([True, True, False]), allied)
    # c0: E's 6 goes to A and B by strength 2 : 3 -> 2.4 and 3.6; A adds 0.5 x 2.4 = 1.2 -> 3.2, B 6.6
    # c1: A's own 1 + E's 4 (B has no strength there to exploit it) -> A 1 + 5 = 6; E takes no ground
    np.testing.assert_allclose(x, [[3.2, 6.0], [6.6, 0.0], [0.0, 0.0]])


# ----------------------------------------------------------------- update: income, recruitment, upkeep


def _economy(income: float | None = None, mobilisation: float = 0.0) -> dict:
    # one state alone, home r0 (resources 0.3/month) and r1 (0.1/month), one million people each,
    # identity equal to its regions' (affinity 1); upkeep 0.02 per month, K0 = 50; a recruitable
    # pool of 50 units per million people
    return world(
        [region("r0", resources=0.3), region("r1", resources=0.1)],
        [("r0", "r1")],
        [actor("A", home=["r0", "r1"], capability=50, mobilisation=mobilisation, income=income)],
        upkeep=0.02,
        mobilisation_ceiling=50.0,
    )


def test_only_the_redeployment_share_of_forces_moves_in_a_month():
    # r0 - r1: A (capability 10, upkeep 0, no enemies) keeps its forces home in r0; from month 1 a
    # strategy sends all of them to r1. With redeployment 0.25, month 1's deployment is
    # 0.25 x plan (10 in r1) + 0.75 x last month's (10 in r0): 2.5 in r1 and 7.5 in r0; month 2
    # (income from the held regions has raised K a little, and last month's deployment is
    # rescaled to it): 0.25 x 1 + 0.75 x 0.25 = 0.4375 of K in r1.
    raw = line_world(["r0", "r1"], [actor("A", home=["r0", "r1"], capability=10)], redeployment=0.25, upkeep=0.0)
    raw["actor"][0]["control"] = {"r0": 1.0, "r1": 1.0}
    model = build(raw)
    r0, r1 = model.geo.index["r0"], model.geo.index["r1"]
    model.deployment[:] = 0.0
    model.deployment[0, r0] = 10.0
    model.agents_by_index[0].strategy = [_SendAll(r1)]
    model.step()
    assert model.deployment[0, r1] == pytest.approx(2.5) and model.deployment[0, r0] == pytest.approx(7.5)
    model.step()
    assert model.deployment[0, r1] == pytest.approx(0.4375 * model.deployment[0].sum())


class _SendAll:
    """A stand-in behaviour: every force to one region."""

    name = "send_all"
    claims_forces = True

    def __init__(self, region: int) -> None:
        self.region = region

    def act(self, a, view, plan) -> None:
        weights = np.zeros(view.geo.size)
        weights[self.region] = 1.0
        plan.deploy(1.0, weights)


def test_base_income_makes_a_states_initial_capability_a_steady_state():
    model = build(_economy())
    # upkeep x K0 = 0.02 x 50 = 1.0 = base + held income (0.3 + 0.1) -> base = 0.6
    assert model.base_income[0] == pytest.approx(0.6)
    model.run_for(24)
    assert model.capability[0] == pytest.approx(50.0, rel=1e-12)
    assert model.income[0] == pytest.approx(1.0)


def test_a_state_whose_ground_pays_more_than_its_upkeep_spends_the_start_share_of_it():
    raw = _economy()
    raw["actor"][0]["capability"] = 10.0
    model = build(raw)
    # upkeep x K0 = 0.02 x 10 = 0.2 < held income 0.3 + 0.1 = 0.4: no base income, revenue share 0.2 / 0.4 = 0.5
    assert (model.base_income[0], model.revenue_share[0]) == (0.0, pytest.approx(0.5))
    model.run_for(24)
    assert model.capability[0] == pytest.approx(10.0, rel=1e-12)  # a steady state, not a force growing to 0.4 / 0.02 = 20
    model.control[:, 0] = [0.0, 1.0]  # r0 left ungoverned: income 0.5 x 0.1 = 0.05, so K1 = 10 x 0.98 + 0.05 = 9.85
    model.step()
    assert model.capability[0] == pytest.approx(9.85)


def test_a_non_state_actor_lives_off_the_ground_it_holds():
    raw = world([region("r0", resources=0.4)], [],
                [actor("G", "non_state", capability=10, home=["r0"], control={"r0": 0.5})], absorption=0.0)
    model = build(raw)
    # no base income: 0 unless given; held income 0.5 x 0.4 = 0.2
    assert model.base_income[0] == 0.0
    model.step()
    assert model.capability[0] == pytest.approx(10 * 0.98 + 0.2)


def test_recruits_come_from_a_pool_that_depletes():
    model = build(_economy(income=1.0, mobilisation=0.2))
    model.step()
    # recruits = mobilisation x people x share held x affinity x pool left = 0.2 x 1 x 1 x 1 x 1 per region = 0.4
    # K1 = 50 x 0.98 + base 1.0 + held 0.4 + recruits 0.4 = 50.8; pool per region 50 - 0.2 = 49.8
    assert model.recruitment[0] == pytest.approx(0.4)
    assert model.capability[0] == pytest.approx(50.8)
    np.testing.assert_allclose(model.pool, [49.8, 49.8])
    model.step()
    # the rate falls with the pool: 0.4 x 49.8 / 50
    assert model.recruitment[0] == pytest.approx(0.4 * 49.8 / 50)


def test_recruitment_scales_with_held_share_and_identity_affinity():
    # a group holds half of r0 (identity (1, 0), 2 million people); its own identity is (0, 0),
    # sigma = 1, so affinity = exp(-1); r0 is not its home
    raw = world(
        [region("r0", resources=0.0, population=2e6, identity=[1.0, 0.0]), region("r1")], [("r0", "r1")],
        [actor("G", "non_state", capability=10, home=["r1"], control={"r0": 0.5, "r1": 1.0}, mobilisation=1.0,
               identity=[0.0, 0.0])],
        absorption=0.0, abandonment=0.0, mobilisation_ceiling=100.0,
    )
    model = build(raw)
    recruits, drawn = model._recruits(np.ones(1))
    # r0: 1.0 x 2 x 0.5 x exp(-1) = exp(-1); r1 (identity (0, 0), 1 million, all held): 1.0 x 1 x 1 x 1 = 1
    np.testing.assert_allclose(drawn[0], [math.exp(-1), 1.0])
    assert recruits[0] == pytest.approx(math.exp(-1) + 1.0)
    _, drawn = model._recruits(np.array([0.25]))
    # momentum 1/4 (a quarter of its peak territory): r0 is ruled, not home -> exp(-1) / 4;
    # r1 is its home community, which it recruits from whatever its fortunes -> 1
    np.testing.assert_allclose(drawn[0], [math.exp(-1) / 4, 1.0])


def test_settled_territory_leaves_out_the_desert():
    # G holds r0 (10,000 km2, 70% desert) and half of r1 (10,000 km2, no desert)
    raw = world([region("r0", desert_share=0.7), region("r1")], [("r0", "r1")],
                [actor("G", "non_state", capability=10, home=["r0"], control={"r0": 1.0, "r1": 0.5})],
                absorption=0.0, abandonment=0.0)
    model = build(raw)
    record = model.actor_records[-1]
    # full area 10,000 + 5,000; outside desert 3,000 + 5,000
    assert record["territory_km2"][0] == pytest.approx(15_000.0)
    assert record["settled_km2"][0] == pytest.approx(8_000.0)


def test_momentum_is_territory_over_the_peak_so_far():
    # G holds r0 (10,000 km2) and half of r1 (5,000 km2): territory 15,000, the peak
    raw = world([region("r0"), region("r1")], [("r0", "r1")],
                [actor("G", "non_state", capability=10, home=["r0"], control={"r0": 1.0, "r1": 0.5})],
                absorption=0.0, abandonment=0.0)
    model = build(raw)
    np.testing.assert_allclose(model._momentum(), [1.0])
    model.control[0, 1], model.control[-1, 1] = 0.0, 1.0
    # 10,000 of the peak 15,000; the peak stays
    np.testing.assert_allclose(model._momentum(), [2.0 / 3.0])
    assert model.peak_territory[0] == pytest.approx(15_000.0)


def test_a_militia_recruits_in_its_home_community_under_a_partner_government():
    # state S holds r0 (its country); militia M has r0 as home but holds none of it
    raw = world([region("r0")], [],
                [actor("S", home=["r0"], capability=10),
                 actor("M", "non_state", capability=5, home=["r0"], mobilisation=1.0,
                       strategy=[{"behaviour": "home_defence"}, {"behaviour": "expeditionary", "ally": "S", "share": 0.5}])],
                ties=(("S", "M", 0.8),))
    model = build(raw)
    recruits, _ = model._recruits(np.zeros(2))
    # momentum does not matter at home; base for M in r0 = max(own 0, home x (own + partner S's 1.0)) = 1 -> 1.0 x 1 million x 1 x 1
    assert recruits[1] == pytest.approx(1.0)


def test_foreign_fighters_need_the_crossings_and_momentum():
    # T (transit country) borders r1; G holds r1 (the crossing) and half of r2
    raw = world(
        [region("t0", country="T"), region("r1", country="X"), region("r2", country="X")],
        [("t0", "r1"), ("r1", "r2")],
        [actor("G", "non_state", capability=10, home=["r1"], control={"r1": 1.0, "r2": 0.5},
               foreign_fighters=2.0, transit_country="T")],
        absorption=0.0, abandonment=0.0,
    )
    model = build(raw)
    # access: G holds all of r1, the only region next to T outside T -> 1; momentum: territory at its peak -> 1
    np.testing.assert_allclose(model._foreign_fighters(model._momentum()), [2.0])
    model.control[0, 1] = 0.5
    model.control[-1, 1] = 0.5
    # half the crossing (access 0.5); territory 10,000 of a peak 15,000 (momentum 2/3): 2 x 0.5 x 2/3
    np.testing.assert_allclose(model._foreign_fighters(model._momentum()), [2.0 / 3.0])


def test_upkeep_applies_to_what_is_left_after_the_months_losses():
    # A and B both hold part of r0 and are hostile: they fight there every month
    raw = world(
        [region("r0")], [],
        [actor("A", home=["r0"], capability=10),
         actor("B", "non_state", capability=8, home=["r0"], control={"r0": 0.3})],
        relations=(("A", "B", -1.0),),
    )
    model = build(raw)
    before = model.capability.copy()
    model.step()
    losses = model.battle.losses.sum(axis=1)
    assert losses.min() > 0, "the two sides fight"
    expected = (before - losses) * (1 - model.params.upkeep) + model.income + model.recruitment
    np.testing.assert_allclose(model.capability, expected)


def test_no_tie_forms_with_an_allys_enemy():
    # A allied to B; B and C are enemies. A and C fight side by side against D, and wish a tie
    allied = np.zeros((4, 4), bool)
    allied[0, 1] = allied[1, 0] = True
    hostility = np.zeros((4, 4))
    hostility[1, 2] = hostility[2, 1] = 1.0
    hostility[[0, 2], 3] = hostility[3, [0, 2]] = 1.0
    together = np.zeros((4, 4))
    together[0, 2] = together[2, 0] = 0.5
    wishes = np.zeros((4, 4))
    target = tie_targets(wishes, hostility, together, allied)
    # A-C would close the triad A+B, B-C, A?C with one negative edge: unbalanced (Heider 1946)
    assert target[0, 2] == 0.0 and target[2, 0] == 0.0
    # without the A-B alliance, fighting together against D makes the A-C tie a target
    assert tie_targets(wishes, hostility, together, np.zeros((4, 4), bool))[0, 2] == 0.5


def test_relations_return_to_their_latent_level_as_the_common_enemy_recedes():
    relations = np.array([[0.0, 0.2], [0.2, 0.0]])
    latent = np.array([[0.0, -0.4], [-0.4, 0.0]])
    shared = np.array([[1.0, 1.0], [1.0, 1.0]])  # identical threat profiles
    moved = relation_targets(relations, latent, shared, lift=0.6, rate=0.5)
    # target = -0.4 + 0.6 x 1 = 0.2 = R: no change while the enemy is shared
    np.testing.assert_allclose(moved, relations)
    # the enemy gone (cosine 0): R -> 0.2 + 0.5 x (-0.4 - 0.2) = -0.1
    np.testing.assert_allclose(relation_targets(relations, latent, np.zeros((2, 2)), 0.6, 0.5), [[0.0, -0.1], [-0.1, 0.0]])


def test_aid_is_split_over_allies_by_tie_times_need():
    ties = np.array([[0.0, 0.5, 0.8], [0.5, 0.0, 0.0], [0.8, 0.0, 0.0]])
    aid = aid_transfers(np.array([10.0, 0.0, 0.0]), np.array([0.1, 0.0, 0.0]), ties, 0.4, np.array([0.0, 1.0, 0.5]))
    # A gives 0.1 x 10 = 1.0; weights B 0.5 x 1 = 0.5, C 0.8 x 0.5 = 0.4 -> 5/9 and 4/9
    np.testing.assert_allclose(aid[0], [0.0, 5 / 9, 4 / 9])
    assert not aid[1:].any()


# ----------------------------------------------------------------- metrics


def test_forward_presence_counts_regions_beyond_home_held_or_reached_by_allies():
    present = np.array([[1, 0, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 0, 0, 1]], bool)
    allied = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], bool)
    home = np.array([[1, 0, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0]], bool)
    # A: own r2 + ally's r3 (r0 is home) = 2; B: own r0 + ally's r2 (r3 home) = 2; C: r4 = 1
    np.testing.assert_array_equal(forward_presence(present, allied, home), [2, 2, 1])


def test_power_shares_poles_and_concentration():
    shares = power_shares(np.array([10.0, 30.0, 60.0]), np.array([True, True, False]))
    np.testing.assert_allclose(shares, [0.25, 0.75, 0.0])  # the inactive actor does not count
    # HHI = 0.5^2 + 0.3^2 + 0.2^2 = 0.38; poles = 1 / 0.38
    assert concentration(np.array([0.5, 0.3, 0.2])) == pytest.approx(0.38)
    assert effective_poles(np.array([0.5, 0.3, 0.2])) == pytest.approx(1 / 0.38)
    assert effective_poles(np.full(4, 0.25)) == pytest.approx(4.0)


def test_blocs_are_components_of_strong_ties_among_active_actors():
    ties = np.zeros((5, 5))
    for a, b, t in [(0, 1, 0.5), (1, 2, 0.5), (3, 4, 0.3), (2, 4, 0.6)]:
        ties[a, b] = ties[b, a] = t
    active = np.ones(5, bool)
    # A-B-C chained at 0.5 and C-E at 0.6 >= 0.4; D-E at 0.3 is below the threshold
    np.testing.assert_array_equal(blocs(ties, 0.4, active), [0, 0, 0, 3, 0])
    active[1] = False  # without B the chain A-B-C breaks
    np.testing.assert_array_equal(blocs(ties, 0.4, active), [0, -1, 2, 3, 2])


def test_bloc_balance_is_the_strongest_bloc_over_the_second():
    capability = np.array([10.0, 5.0, 3.0, 2.0, 99.0])
    bloc = np.array([0, 0, 2, 3, -1])  # the last actor is inactive
    top, second, ratio = bloc_balance(capability, bloc)
    # blocs: 15, 3, 2 of 20 -> 0.75, 0.15, ratio 15 / 3 = 5
    assert (top, second, ratio) == pytest.approx((0.75, 0.15, 5.0))
    top, second, ratio = bloc_balance(capability[:2], np.array([0, 0]))
    assert (top, second, ratio) == (1.0, 0.0, BLOC_BALANCE_CAP), "one bloc: no counterweight, the cap"
    # a second bloc of 0.05 beside 10: 200 > 100 -> the cap; nobody with power: nothing to balance, 1
    assert bloc_balance(np.array([10.0, 0.05]), np.array([0, 1]))[2] == BLOC_BALANCE_CAP
    assert bloc_balance(np.zeros(2), np.array([0, 1])) == (0.0, 0.0, 1.0)
    assert bloc_balance(capability, np.full(5, -1)) == (0.0, 0.0, 1.0)


def test_war_episodes_start_accumulate_and_end():
    wars = WarEpisodes(2, threshold=0.05)
    # month 1: mutual losses 0.03 + 0.04 = 0.07 > 0.05 -> a war starts
    assert wars.update(np.array([[0.0, 0.03], [0.04, 0.0]]), step=1) == ([(0, 1)], [])
    assert wars.count == 1
    # month 2: 0.1 + 0.1 = 0.2 -> goes on
    assert wars.update(np.array([[0.0, 0.1], [0.1, 0.0]]), step=2) == ([], [])
    # month 3: 0.01 <= 0.05 -> ends; size = 0.07 + 0.2 = 0.27, started in step 1
    started, ended = wars.update(np.array([[0.0, 0.01], [0.0, 0.0]]), step=3)
    assert started == [] and len(ended) == 1
    a, b, start, size = ended[0]
    assert (a, b, start) == (0, 1, 1) and size == pytest.approx(0.27)
    assert wars.count == 0


# ----------------------------------------------------------------- scheduled events


def _scheduled() -> dict:
    # the insurgent enters in April; the state turns hostile in February and goes forward in March
    return line_world(
        ["r0", "r1", "r2"],
        [actor("S", home=["r0"], capability=10),
         actor("I", "non_state", capability=5, home=["r2"], enters="2014-04")],
        events=(
            {"id": "forward", "date": "2014-03", "kind": "strategy", "actor": "S",
             "strategy": [{"behaviour": "forward_defence", "depth": 2, "share": 0.5}]},
            {"id": "hostile", "date": "2014-02", "kind": "relation", "actor": "S", "other": "I", "value": -1.0},
        ),
    )


def test_events_take_effect_in_the_month_they_name():
    # step k simulates month k counting from January = 1; its state is dated the month after
    model = build(_scheduled())
    model.step()  # January
    assert model.relations[0, 1] == 0.0
    model.step()  # February: the relation event applies to this month's perception
    assert model.relations[0, 1] == -1.0
    assert model.agents_by_index[0].strategy_name == "home_defence"
    model.step()  # March
    assert model.agents_by_index[0].strategy_name == "forward_defence"
    assert not model.active[1]
    model.step()  # April: the insurgent is in and deploys this month
    assert model.active[1]
    assert model.deployment[1].sum() > 0
    logged = {(e["kind"], e["date"]) for e in model.log}
    assert {("relation", "2014-02"), ("strategy", "2014-03"), ("entry", "2014-04")} <= logged


def test_an_actor_entering_later_is_absent_from_the_tables_until_then():
    model = build(_scheduled())
    model.run_for(4)
    present = [set(record["actor"]) for record in model.actor_records]
    assert present[3] == {"S"} and present[4] == {"S", "I"}


def test_events_dated_at_the_start_apply_before_the_first_month():
    raw = _scheduled()
    raw["event"][1]["date"] = "2014-01"
    model = build(raw)
    assert model.relations[0, 1] == -1.0
