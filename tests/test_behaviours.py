"""Each behaviour's signature effect, in a minimal world built for it."""

from __future__ import annotations

import numpy as np
import pytest

from bopsim.model import RegionalModel
from bopsim.model.contract import Plan
from bopsim.model.scenario import ScenarioError, parse


def line_world(names: list[str], actors: list[dict], relations=(), ties=(), steps: int = 24, **params) -> dict:
    """Regions in a line (each borders the next), 10,000 km2 and 1 million people each."""
    return {
        "name": "minimal",
        "abstract": True,
        "steps": steps,
        "parameters": {"front_noise": 0.0, **params},
        "region": [{"id": r, "area_km2": 10_000, "population": 1e6} for r in names],
        "border": [{"a": a, "b": b} for a, b in zip(names, names[1:])],
        "actor": actors,
        "relation": [{"a": a, "b": b, "value": v} for a, b, v in relations],
        "tie": [{"a": a, "b": b, "strength": v} for a, b, v in ties],
    }


def run(raw: dict, months: int, seed: int = 1) -> RegionalModel:
    model = RegionalModel(parse(raw), rng=seed)
    model.run_for(months)
    return model


def strategy(*behaviours: dict) -> list[dict]:
    return list(behaviours)


# ----------------------------------------------------------------- forward defence vs passive


def _frontier(defender_strategy: list[dict]) -> dict:
    # home - b1 - b2 - b3: the state's home is 'home'; an insurgent holds b3 and expands.
    return line_world(
        ["home", "b1", "b2", "b3"],
        [
            {"id": "state", "kind": "state", "home": ["home"], "capability": 20, "strategy": defender_strategy},
            {"id": "rebels", "kind": "non_state", "home": ["b3"], "capability": 6, "control": {"b3": 1.0},
             "strategy": [{"behaviour": "offensive", "ratio": 1.2, "share": 0.8}]},
        ],
        relations=[("state", "rebels", -1.0)],
    )


def _fight(defender_strategy: list[dict], months: int = 12) -> tuple[RegionalModel, np.ndarray]:
    """Run the frontier world; return the model and the state's losses summed per region."""
    model = RegionalModel(parse(_frontier(defender_strategy)), rng=1)
    losses = np.zeros(model.geo.size)
    for _ in range(months):
        model.step()
        losses += model.battle.losses[0]
    return model, losses


def test_forward_defence_meets_the_threat_beyond_the_border_and_passive_does_not():
    forward, forward_losses = _fight(strategy({"behaviour": "forward_defence", "depth": 3, "share": 0.6}))
    passive, passive_losses = _fight(strategy({"behaviour": "passive"}))
    home = forward.geo.index["home"]
    abroad = np.arange(forward.geo.size) != home
    assert forward_losses[abroad].sum() > 0, "forward defence fights beyond the border"
    assert forward_losses[abroad].sum() > 5 * forward_losses[home], "most of its fighting is abroad"
    assert passive_losses[abroad].sum() == 0.0, "a passive state never fights abroad"
    assert passive.planned[0, abroad].sum() == 0.0, "and keeps all forces home"
    rebels = 1
    assert forward.territory_km2[rebels] < 0.6 * passive.territory_km2[rebels]
    b1 = passive.geo.index["b1"]
    assert passive.control[rebels, b1] > 0.5, "unopposed, the insurgent takes the buffer next to home"
    assert forward.control[rebels, b1] < 0.25


def _depth(partner_tie: float, raiders: float = 2.0, rebels: float = 10.0) -> RegionalModel:
    # far - west - home - east: rebels hold east, raiders hold far; a partner state has west and
    # east as its home and holds all of west and a fifth of east, with forces in both. Hostile
    # forces threaten west (the raiders next to it) and east (the rebels in it).
    raw = line_world(
        ["far", "west", "home", "east"],
        [
            {"id": "state", "kind": "state", "home": ["home"], "capability": 20,
             "strategy": [{"behaviour": "forward_defence", "depth": 2, "share": 0.5}]},
            {"id": "partner", "kind": "state", "home": ["west", "east"], "capability": 6,
             "control": {"east": 0.2}},
            {"id": "rebels", "kind": "non_state", "home": ["east"], "capability": rebels, "control": {"east": 0.8}},
            {"id": "raiders", "kind": "non_state", "home": ["far"], "capability": raiders, "control": {"far": 1.0}},
        ],
        relations=[("state", "rebels", -1.0), ("state", "raiders", -1.0), ("partner", "raiders", -1.0),
                   ("partner", "rebels", -1.0), ("state", "partner", 0.8)],
        ties=[("state", "partner", partner_tie)],
    )
    model = RegionalModel(parse(raw), rng=1)
    model.step()
    model.perceive()
    return model


def _forward_weights(model: RegionalModel) -> np.ndarray:
    """The state's forward-defence weights of this month's view (its only ground commitment)."""
    plan = Plan()
    model.agents_by_index[0].strategy[0].act(0, model.view, plan)
    [(share, weights)] = plan.ground
    assert share == 0.5
    return weights


def test_forward_defence_goes_beside_partners_where_they_are_threatened():
    allied, alone = _depth(0.8), _depth(0.0)
    far, west, east = (allied.geo.index[r] for r in ("far", "west", "east"))
    assert allied.view.partnered[0, 1] and not alone.view.partnered[0, 1]
    E, F = allied.view.exposure[0], allied.view.deployment[1]
    # hops from home: west and east 1 (factor exp(0) = 1), far 2 (exp(-1)); the partner's forces
    # last month: far 0, west 4.0, east 1.89; hostile force in or next to: far and west 2 (the
    # raiders), home and east 9.54 (the rebels after a month's fighting); so
    # w = [0, 2 x 4.0, 0, 9.54 x 1.89] / 26.04 = [0, 0.307, 0, 0.693]
    assert F[far] == 0.0 and F[west] > 0 and F[east] > 0
    assert E[east] > E[west] > 0, "the rebels are the larger threat, the raiders the nearer one to the partner"
    beside = np.array([0.0, E[west] * F[west], 0.0, E[east] * F[east]])
    np.testing.assert_allclose(_forward_weights(allied), beside / beside.sum())
    np.testing.assert_allclose(_forward_weights(allied), [0, 0.307, 0, 0.693], atol=1e-3)
    # without the tie the partner is a neutral and its west is closed (accessible_regions); the
    # forces meet the threat where it is: [E_far x exp(-1), 0, 0, E_east]
    E = alone.view.exposure[0]
    assert not alone.view.access[0, west]
    threat = np.array([E[far] * np.exp(-1.0), 0.0, 0.0, E[east]])
    np.testing.assert_allclose(_forward_weights(alone), threat / threat.sum())


def test_forward_defence_meets_the_threat_where_no_partner_stands_under_it():
    # the partner's forces stand only where nothing hostile is in or next to them (no raiders, no
    # rebels): the weight falls back to the threat where it is, which is nowhere, so nothing goes
    # forward; with rebels but no raiders the partner's east is threatened and gets it all
    quiet = _depth(0.8, raiders=0.0, rebels=0.0)
    assert quiet.view.partnered[0, 1] and quiet.view.exposure[0].sum() == 0.0
    plan = Plan()
    quiet.agents_by_index[0].strategy[0].act(0, quiet.view, plan)
    assert plan.ground == []
    east_only = _depth(0.8, raiders=0.0)
    np.testing.assert_allclose(_forward_weights(east_only), [0.0, 0.0, 0.0, 1.0])


def test_an_actor_fighting_for_another_counts_it_a_partner_without_a_tie():
    # View.partnered: the model's one definition (allied and not hostile, or fought for last month)
    raw = line_world(["r0", "r1"], [
        {"id": "patron", "kind": "external", "basing": ["r0"], "capability": 5,
         "strategy": [{"behaviour": "expeditionary", "ally": "client", "share": 0.5}]},
        {"id": "client", "kind": "state", "home": ["r1"], "capability": 5},
    ])
    model = RegionalModel(parse(raw), rng=1)
    model.step()
    model.perceive()
    assert not model.view.allied[0, 1]
    assert model.view.partnered[0, 1] and not model.view.partnered[1, 0]


# ----------------------------------------------------------------- balancing vs bandwagoning


def _alignment(behaviour: dict) -> RegionalModel:
    # 'giant' threatens both 'small' and 'other'; 'small' chooses a side.
    raw = line_world(
        ["r1", "r2", "r3"],
        [
            {"id": "small", "kind": "state", "home": ["r1"], "capability": 5, "strategy": [behaviour]},
            {"id": "other", "kind": "state", "home": ["r3"], "capability": 10},
            {"id": "giant", "kind": "state", "home": ["r2"], "capability": 50},
        ],
        relations=[("small", "giant", -0.3), ("other", "giant", -0.8)],
    )
    return run(raw, 18)


def test_balancing_and_bandwagoning_pick_opposite_sides():
    small, other, giant = 0, 1, 2
    balancer = _alignment({"behaviour": "balancing"})
    bandwagoner = _alignment({"behaviour": "bandwagoning"})
    threshold = balancer.params.bloc_threshold
    assert balancer.ties[small, other] >= threshold and balancer.ties[small, giant] == 0.0
    assert bandwagoner.ties[small, giant] >= threshold and bandwagoner.ties[small, other] < threshold
    assert bandwagoner.relations[small, giant] > 0 > balancer.relations[small, giant]


# ----------------------------------------------------------------- air campaign


def _air(with_strikes: bool) -> RegionalModel:
    patron = {"id": "patron", "kind": "external", "basing": ["r1"], "capability": 10,
              "strategy": [{"behaviour": "air_campaign", "share": 1.0 if with_strikes else 0.0,
                            "targets": ["rebels"]}]}
    raw = line_world(
        ["r1", "r2", "r3"],
        [
            {"id": "state", "kind": "state", "home": ["r1", "r2"], "capability": 10,
             "strategy": [{"behaviour": "forward_defence", "depth": 2, "share": 0.5}]},
            {"id": "rebels", "kind": "non_state", "home": ["r3"], "capability": 10, "control": {"r3": 1.0}},
            patron,
        ],
        relations=[("state", "rebels", -1.0), ("patron", "rebels", -1.0), ("patron", "state", 0.6)],
        ties=[("patron", "state", 0.8)],
    )
    return run(raw, 12)


def test_air_campaign_wears_a_force_down_without_taking_ground():
    struck, spared = _air(True), _air(False)
    rebels, patron = 1, 2
    assert struck.capability[rebels] < 0.8 * spared.capability[rebels]
    assert struck.strike[patron].sum() > 0
    assert struck.control[patron].sum() == 0.0, "an air campaign never holds ground"


# ----------------------------------------------------------------- expeditionary support


def _capital(supported: bool) -> RegionalModel:
    """A weak state's capital under insurgent attack; `enabled = false` removes the patron."""
    actors = [
        {"id": "state", "kind": "state", "home": ["capital", "march"], "capability": 4},
        {"id": "rebels", "kind": "non_state", "home": ["desert"], "capability": 12, "control": {"desert": 1.0},
         "strategy": [{"behaviour": "offensive", "ratio": 1.0, "share": 0.9}]},
        {"id": "patron", "kind": "external", "basing": ["capital"], "capability": 20, "enabled": supported,
         "strategy": [{"behaviour": "expeditionary", "ally": "state", "share": 0.9}]},
    ]
    raw = line_world(
        ["capital", "march", "desert"],
        actors,
        relations=[("state", "rebels", -1.0), ("patron", "rebels", -1.0), ("patron", "state", 0.6)],
        ties=[("patron", "state", 0.8)],
        upkeep=0.0,
    )
    return run(raw, 24)


def test_expeditionary_support_keeps_an_allys_capital():
    alone, helped = _capital(False), _capital(True)
    capital = alone.geo.index["capital"]
    state, patron = 0, 2
    assert alone.majority_holder[capital] != state, "without support the capital falls"
    assert helped.majority_holder[capital] == state, "with support the ally keeps its capital"
    assert helped.control[patron].sum() == 0.0, "ground won by the external power goes to its ally"


# ----------------------------------------------------------------- alliance building


def _common_enemy(builder: bool) -> RegionalModel:
    a_strategy = [{"behaviour": "alliance_building", "threshold": 0.3, "aid_share": 0.5}] if builder else []
    raw = line_world(
        ["a", "c", "b"],
        [
            {"id": "donor", "kind": "state", "home": ["a"], "capability": 20, "strategy": a_strategy or [{"behaviour": "passive"}]},
            {"id": "enemy", "kind": "state", "home": ["c"], "capability": 20},
            {"id": "frontline", "kind": "state", "home": ["b"], "capability": 5},
        ],
        relations=[("donor", "enemy", -0.8), ("frontline", "enemy", -0.8)],
    )
    return run(raw, 12)


def test_alliance_building_forms_ties_and_moves_aid_against_a_common_enemy():
    built, none = _common_enemy(True), _common_enemy(False)
    donor, frontline = 0, 2
    assert built.ties[donor, frontline] >= built.params.bloc_threshold
    assert none.ties[donor, frontline] == 0.0
    assert built.aid[donor, frontline] > 0
    assert built.capability[frontline] > none.capability[frontline]
    assert built.bloc[donor] == built.bloc[frontline]


# ----------------------------------------------------------------- offensives and home defence


def test_an_offensive_takes_weakly_held_adjacent_ground():
    raw = line_world(
        ["base", "open1", "open2"],
        [{"id": "rebels", "kind": "non_state", "home": ["base"], "capability": 5, "control": {"base": 1.0},
          "strategy": [{"behaviour": "offensive"}]}],
    )
    model = run(raw, 12)
    assert model.control[0, model.geo.index["open1"]] > 0.5
    assert model.territory_km2[0] > 10_000


def _campaign_world(state_capability: float, duration: int = 3) -> dict:
    # w1 - base - e1: rebels at base; the state holds w1 (2 million people) and e1 (1 million).
    raw = line_world(
        ["w1", "base", "e1"],
        [{"id": "rebels", "kind": "non_state", "home": ["base"], "capability": 10, "control": {"base": 1.0},
          "strategy": [{"behaviour": "offensive", "share": 0.8, "ratio": 1.5, "duration": duration}]},
         {"id": "state", "kind": "state", "home": ["w1", "e1"], "capability": state_capability,
          "strategy": [{"behaviour": "home_defence", "garrison": 1.0}]}],
        relations=[("rebels", "state", -1.0)],
    )
    raw["region"][0]["population"] = 2e6
    return raw


def _first_month(raw: dict) -> tuple[RegionalModel, int, int]:
    """The campaign world after one month, with the indices of w1 and e1."""
    model = RegionalModel(parse(raw), rng=1)
    model.step()
    return model, model.geo.index["w1"], model.geo.index["e1"]


def test_an_offensive_masses_on_the_most_valuable_feasible_objective_and_keeps_it():
    model, w1, e1 = _first_month(_campaign_world(1.5))
    # the state's garrison follows population: 1.0 in w1, 0.5 in e1. Mass 0.8 x 10 = 8 >= 1.5 x 1.0:
    # both are feasible; w1 has more people (2 million not held) -> all 8 units go to w1
    assert model.planned[0, w1] == pytest.approx(8.0)
    assert model.planned[0, e1] == 0.0
    offensive = model.agents_by_index[0].strategy[-1]
    # chosen at set-up (the model decides once before the first month) and kept: 3 - 2 months left
    assert list(offensive.objectives) == [w1] and offensive.months_left == 1


def test_an_offensive_skips_objectives_it_cannot_win():
    model, w1, e1 = _first_month(_campaign_world(12.0, duration=1))
    # a new objective each month; in month 1 the state's garrison stands 8 in w1 and 4 in e1 (by
    # population, 2 : 1): mass 8 < 1.5 x 8 but 8 >= 1.5 x 4 -> the smaller prize e1
    assert model.planned[0, e1] == pytest.approx(8.0)
    assert model.planned[0, w1] == 0.0


def test_the_first_campaign_is_chosen_against_the_forces_already_standing():
    model = RegionalModel(parse(_campaign_world(12.0, duration=3)), rng=1)
    w1, e1 = model.geo.index["w1"], model.geo.index["e1"]
    # at set-up the state's 12 units stand at home by population, 8 in w1 and 4 in e1, before
    # anyone decides; mass 8 < 1.5 x 8 but 8 >= 1.5 x 4: the campaign of the first three months
    # goes to e1 (chosen against no standing force it went to the larger prize, w1, and stayed)
    assert model.view.strength[1, w1] == pytest.approx(8.0)
    offensive = model.agents_by_index[0].strategy[-1]
    assert list(offensive.objectives) == [e1]
    assert model.deployment[0, e1] == pytest.approx(8.0)


def test_a_campaign_under_way_at_the_start_is_kept_for_its_duration():
    raw = _campaign_world(12.0, duration=3)
    raw["actor"][0]["strategy"][0]["first"] = ["w1"]
    model = RegionalModel(parse(raw), rng=1)
    w1 = model.geo.index["w1"]
    # w1 is not feasible by the rule (8 < 1.5 x 8, above), but the campaign there is a fact of the
    # initial state: all 8 units go to w1, for 3 months (2 left after the set-up decision)
    offensive = model.agents_by_index[0].strategy[-1]
    assert list(offensive.objectives) == [w1] and offensive.months_left == 2
    assert model.deployment[0, w1] == pytest.approx(8.0)


def test_an_offensive_counts_the_allies_already_on_the_objective():
    raw = _campaign_world(12.0, duration=1)
    raw["actor"].append({"id": "ally", "kind": "non_state", "home": ["w1"], "capability": 5,
                         "strategy": [{"behaviour": "home_defence"}]})
    raw["relation"].append({"a": "ally", "b": "state", "value": -1.0})
    raw["tie"] = [{"a": "rebels", "b": "ally", "strength": 0.6}]
    model, w1, e1 = _first_month(raw)
    # as above the state stands 8 in w1 and 4 in e1; the ally's 5 units stand in its home w1
    # (strength 5 x support 1, it holds no ground there: terrain factor 1). Rebels' mass 8 + 5 =
    # 13 >= 1.5 x 8 = 12 -> w1 is feasible now, and it has the larger prize
    assert model.planned[0, w1] == pytest.approx(8.0)
    assert model.planned[0, e1] == 0.0


def test_an_offensive_can_aim_at_the_weakest_enemy_holding_ground_there():
    raw = _campaign_world(12.0, duration=1)
    raw["actor"].append({"id": "militia", "kind": "non_state", "home": ["w1"], "capability": 2,
                         "control": {"w1": 0.2}, "strategy": [{"behaviour": "home_defence"}]})
    raw["relation"].append({"a": "militia", "b": "rebels", "value": -1.0})
    model, w1, e1 = _first_month(raw)
    state = model.view.strength[1]
    # the state's garrison (more than 7 of its 12 units) and the militia (2) stand in w1: against
    # both, the rebels' mass of 8 would fall short of 1.5 x 9; but the contest takes the
    # militia's 0.2 by superiority over the militia alone, 8 >= 1.5 x 2 -> the larger prize w1
    assert state[w1] > 7.0
    assert model.planned[0, w1] == pytest.approx(8.0)
    assert model.planned[0, e1] == 0.0


def test_an_offensive_weighs_the_odds_against_all_the_enemies_there():
    raw = _campaign_world(1.5, duration=1)
    raw["actor"].append({"id": "militia", "kind": "non_state", "home": ["w1"], "capability": 10,
                         "strategy": [{"behaviour": "home_defence"}]})
    raw["relation"].append({"a": "militia", "b": "rebels", "value": -1.0})
    model, w1, e1 = _first_month(raw)
    # the state's garrison stands 1.0 in w1 and 0.5 in e1; the militia's 10 units stand in its home
    # w1 and hold nothing. Both objectives are feasible (8 >= 1.5 x the state's 1.0 and 0.5).
    # Odds 8 / (8 + 1 + 10) = 0.42 in w1 and 8 / (8 + 0.5) = 0.94 in e1: the prizes weighed by
    # them are 2 million x 0.42 = 0.84 million and 1 million x 0.94 = 0.94 million -> e1
    assert model.planned[0, e1] == pytest.approx(8.0)
    assert model.planned[0, w1] == 0.0


@pytest.mark.parametrize(("economy", "objective"), [(0.0, "w1"), (0.5, "w1"), (1.0, "e1")])
def test_an_offensive_weighs_its_prizes_by_the_force_superiority_needs(economy, objective):
    raw = _campaign_world(1.5, duration=1)
    raw.setdefault("parameters", {})["campaign_economy"] = economy
    model, w1, e1 = _first_month(raw)
    # the state's garrison stands 1.0 in w1 and 0.5 in e1 (by people); superiority needs 1.5 x
    # those, 1.5 and 0.75. Prize x odds: 2 million x 8 / 9 = 1.78 million in w1, 1 million x 8 / 8.5
    # = 0.94 million in e1. Divided by the need^epsilon: epsilon 0.5 -> 1.78 / 1.22 = 1.45 against
    # 0.94 / 0.87 = 1.09 (w1); epsilon 1 -> 1.78 / 1.5 = 1.19 against 0.94 / 0.75 = 1.25 (e1)
    assert model.planned[0, model.geo.index[objective]] == pytest.approx(8.0)
    assert model.planned[0, w1 if objective == "e1" else e1] == 0.0


def test_an_offensive_counts_only_the_ground_it_could_take():
    raw = _campaign_world(1.5, duration=1)
    raw["actor"].append({"id": "neutral", "kind": "non_state", "home": ["w1"], "capability": 1,
                         "control": {"w1": 0.6}, "strategy": [{"behaviour": "home_defence"}]})
    model, w1, e1 = _first_month(raw)
    # the neutral holds 0.6 of w1 and is nobody's enemy: only the state's 0.4 of w1 is a prize,
    # 2 million x 0.4 = 0.8 million people against e1's 1 million (the odds, 0.92 in w1 and 0.91 in
    # e1 with the state's garrison 0.67 and 0.83 by people held, do not change the order) -> e1
    assert model.planned[0, e1] == pytest.approx(8.0)
    assert model.planned[0, w1] == 0.0


def test_an_offensive_stays_in_the_regions_it_names():
    raw = _campaign_world(1.5)
    raw["actor"][0]["strategy"][0]["regions"] = ["e1"]
    model, w1, e1 = _first_month(raw)
    # w1 is the larger prize (see above) but outside the named regions: all 8 units go to e1
    assert model.planned[0, e1] == pytest.approx(8.0)
    assert model.planned[0, w1] == 0.0


def test_a_state_defends_its_country_not_the_ground_it_took_abroad():
    raw = line_world(
        ["home", "abroad"],
        [{"id": "state", "kind": "state", "home": ["home"], "capability": 10, "control": {"abroad": 0.5}},
         {"id": "group", "kind": "non_state", "home": ["abroad"], "capability": 10, "control": {"abroad": 0.5}}],
    )
    model = RegionalModel(parse(raw), rng=1)
    model.step()
    abroad = model.geo.index["abroad"]
    assert model.planned[0, abroad] == 0.0, "no behaviour sends the state abroad"
    assert model.planned[1, abroad] == pytest.approx(10.0), "an armed group defends what it holds"


def test_garrisons_follow_the_population_held():
    raw = line_world(
        ["city", "desert"],
        [{"id": "state", "kind": "state", "home": ["city", "desert"], "capability": 10}],
    )
    raw["region"][0]["population"] = 4e6
    model = RegionalModel(parse(raw), rng=1)
    model.step()
    # nothing threatens: all by people held, 4 : 1
    np.testing.assert_allclose(model.planned[0], [8.0, 2.0])


def test_an_air_campaign_strikes_only_in_its_theatre():
    raw = line_world(
        ["x0", "x1", "y0", "y1"],
        [{"id": "ally", "kind": "state", "home": ["x0", "y0"], "capability": 10},
         {"id": "rebels", "kind": "non_state", "home": ["x1"], "capability": 6, "control": {"x1": 1.0, "y1": 1.0}},
         {"id": "air", "kind": "external", "basing": ["x0"], "capability": 10,
          "strategy": [{"behaviour": "air_campaign", "share": 1.0, "partners": ["ally"], "theatre": ["Y"]}]}],
        relations=[("ally", "rebels", -1.0), ("air", "rebels", -1.0)],
    )
    for r, country in zip(raw["region"], "XXYY"):
        r["country"] = country
    model = RegionalModel(parse(raw), rng=1)
    model.step()
    x1, y1 = model.geo.index["x1"], model.geo.index["y1"]
    assert model.strike[2, x1] == 0.0
    assert model.strike[2].sum() == pytest.approx(10.0) and model.strike[2, y1] > 0


def test_home_defence_puts_forces_where_the_threat_is():
    raw = line_world(
        ["quiet", "front", "enemy_home"],
        [
            {"id": "state", "kind": "state", "home": ["quiet", "front"], "capability": 10,
             "strategy": [{"behaviour": "home_defence", "garrison": 0.2}]},
            {"id": "enemy", "kind": "state", "home": ["enemy_home"], "capability": 10, "strategy": [{"behaviour": "passive"}]},
        ],
        relations=[("state", "enemy", -0.5)],
    )
    model = run(raw, 2)
    quiet, front = model.geo.index["quiet"], model.geo.index["front"]
    # 20 % garrison spread evenly (1 unit each); 80 % to 'front', the only region next to the enemy
    assert model.deployment[0, front] == pytest.approx(10 * (0.1 + 0.8), rel=1e-6)
    assert model.deployment[0, quiet] == pytest.approx(10 * 0.1, rel=1e-6)


# ----------------------------------------------------------------- composition rules


def test_passive_cannot_be_combined_with_force_commitments():
    raw = line_world(["r1", "r2"], [{"id": "s", "kind": "state", "home": ["r1"], "capability": 1,
                                       "strategy": [{"behaviour": "passive"}, {"behaviour": "forward_defence"}]}])
    with pytest.raises(ScenarioError, match="passive"):
        parse(raw)


def test_shares_over_one_are_scaled_down():
    raw = line_world(
        ["home", "b1"],
        [
            {"id": "state", "kind": "state", "home": ["home"], "capability": 10,
             "strategy": [{"behaviour": "forward_defence", "share": 0.8}, {"behaviour": "forward_defence", "depth": 1, "share": 0.8}]},
            {"id": "rebels", "kind": "non_state", "home": ["b1"], "capability": 1, "control": {"b1": 1.0}},
        ],
        relations=[("state", "rebels", -1.0)],
    )
    model = RegionalModel(parse(raw), rng=1)
    capability = model.capability[0]
    model.step()
    home = model.geo.index["home"]
    # claims of 0.8 + 0.8 are scaled to 1: everything goes forward, nothing stays home
    assert model.planned[0, home] == 0.0
    assert model.planned[0].sum() == pytest.approx(capability)


def test_an_unmodelled_states_region_is_outside_the_game():
    raw = line_world(
        ["base", "open1", "kuwait"],
        [{"id": "rebels", "kind": "non_state", "home": ["base"], "capability": 5, "control": {"base": 1.0},
          "strategy": [{"behaviour": "offensive"}]}],
    )
    raw["region"][2]["country"] = "KWT"  # a country no actor of the scenario has as home
    model = run(raw, 24)
    kuwait = model.geo.index["kuwait"]
    assert model.control[0, model.geo.index["open1"]] > 0.5, "ungoverned land with no country is taken"
    assert model.control[0, kuwait] == 0.0 and model.deployment[0, kuwait] == 0.0
