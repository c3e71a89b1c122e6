"""Properties that hold after every month of any world: random graphs, actors, strategies, seeds.

Worlds: 3-15 regions on a random graph (possibly disconnected), 2-6 actors of the three kinds,
random relations, ties, strategies drawn from the behaviour registry with random parameters,
late entries and relation events, random model parameters and seeds.
"""

from __future__ import annotations

from typing import Literal, get_args, get_origin

import annotated_types as at
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from worlds import actor, build, region, world

from bopsim.model.limits import MIN_MAGNITUDE
from bopsim.model.strategies import REGISTRY, Behaviour

MONTHS = 8
KINDS = ("state", "non_state", "external")
COUNTRIES = ("A", "B")
"""Country codes of the generated worlds: the first two regions carry them, the others any or none."""
ALWAYS_REGIONS = ("r0", "r1", "r2")
"""Regions every generated world has (at least three regions)."""


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats that a file may hold: 0, or at least limits.MIN_MAGNITUDE in size (a force of
    1e-320 units overflows fire ratios, so validation refuses such numbers)."""
    return st.floats(low, high, allow_subnormal=False).map(lambda x: 0.0 if abs(x) < MIN_MAGNITUDE else x)


def _number(draw, field) -> float | int:
    """A random value inside a behaviour parameter's declared bounds."""
    low, high = 0.0, 3.0
    for bound in field.metadata:
        if isinstance(bound, at.Ge):
            low = float(bound.ge)
        elif isinstance(bound, at.Gt):
            low = float(bound.gt) + 1e-3
        elif isinstance(bound, at.Le):
            high = float(bound.le)
        elif isinstance(bound, at.Lt):
            high = float(bound.lt) - 1e-3
    if field.annotation is int:
        return draw(st.integers(int(low), int(low) + 3))
    return draw(_floats(low, max(low, high)))


def _behaviour(draw, cls: type[Behaviour], me: str, others: list[str]) -> dict:
    spec = {"behaviour": cls.name}
    for name, field in cls.Params.model_fields.items():
        if name in cls.actor_refs:
            if field.annotation is str:
                if not others:
                    return {}
                spec[name] = draw(st.sampled_from(others))
            else:
                spec[name] = draw(st.lists(st.sampled_from(others), unique=True)) if others else []
        elif draw(st.booleans()):
            spec[name] = _value(draw, name, field)
    return spec


def _value(draw, name, field):
    """A random value of a behaviour parameter: a choice, a list of region ids or country codes, or a number."""
    origin = get_origin(field.annotation)
    if origin is Literal:
        return draw(st.sampled_from(get_args(field.annotation)))
    if origin is list:
        return draw(st.lists(st.sampled_from(ALWAYS_REGIONS if name in ("regions", "first") else COUNTRIES), unique=True))
    return _number(draw, field)


def _strategy(draw, me: str, others: list[str]) -> list[dict]:
    if draw(st.integers(0, 5)) == 0:
        return [{"behaviour": "passive"}]
    names = draw(st.lists(st.sampled_from(sorted(n for n in REGISTRY if n != "passive")), min_size=1, max_size=4, unique=True))
    behaviours = [_behaviour(draw, REGISTRY[n], me, others) for n in names]
    return [b for b in behaviours if b] or [{"behaviour": "home_defence"}]


@st.composite
def worlds(draw) -> dict:
    """A random valid scenario dictionary."""
    n_regions = draw(st.integers(3, 15))
    names = [f"r{i}" for i in range(n_regions)]
    regions = [
        region(r, area_km2=draw(_floats(100, 50_000)), population=draw(_floats(0, 5e6)),
               terrain=draw(st.sampled_from(["open", "desert", "urban", "mountain"])),
               country=COUNTRIES[i] if i < len(COUNTRIES) else draw(st.sampled_from(["", *COUNTRIES])),
               identity=[draw(_floats(-1, 1)), draw(_floats(-1, 1))])
        for i, r in enumerate(names)
    ]
    tree = [(names[i], names[draw(st.integers(0, i - 1))]) for i in range(1, n_regions) if draw(st.integers(0, 9))]
    extra = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda e: e[0] != e[1]), max_size=n_regions))
    borders = list(dict.fromkeys(tuple(sorted(e)) for e in tree + extra))

    ids = [f"a{i}" for i in range(draw(st.integers(2, 6)))]
    claimed = dict.fromkeys(names, 0.0)
    actors = []
    for aid in ids:
        kind = draw(st.sampled_from(KINDS))
        others = [x for x in ids if x != aid]
        place = st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)
        fields = {"strategy": _strategy(draw, aid, others), "identity": [draw(_floats(-1, 1)), draw(_floats(-1, 1))]}
        if kind == "external":
            fields["basing"] = draw(place) if draw(st.booleans()) else []
        else:
            fields["home"] = draw(place)
            fields["mobilisation"] = draw(_floats(0, 2))
            if kind == "state" and draw(st.booleans()):
                fields["capital"] = draw(st.sampled_from(fields["home"]))
        if draw(st.integers(0, 4)) == 0:
            fields["enters"] = f"2014-{draw(st.integers(2, MONTHS)):02d}"
        elif kind == "non_state":
            control = {}
            for r in draw(place):
                share = draw(_floats(0, 1)) * (1.0 - claimed[r])
                share = 0.0 if share < MIN_MAGNITUDE else share  # a file holds no share nearer to 0
                claimed[r] += share
                control[r] = share
            fields["control"] = control
        if draw(st.integers(0, 4)) == 0:
            fields["income"] = draw(_floats(0, 5))
        actors.append(actor(aid, kind, capability=draw(_floats(0, 100)), **fields))

    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    relations = tuple((a, b, draw(_floats(-1, 1))) for a, b in pairs if draw(st.booleans()))
    ties = tuple((a, b, draw(_floats(0, 1))) for a, b in pairs if draw(st.integers(0, 2)) == 0)
    events = tuple(
        {"date": f"2014-{draw(st.integers(1, MONTHS)):02d}", "kind": "relation", "actor": a, "other": b,
         "value": draw(_floats(-1, 1))}
        for a, b in pairs if draw(st.integers(0, 5)) == 0
    )
    parameters = {
        "front_noise": draw(_floats(0, 1)),
        "front_speed": draw(_floats(0, 1)),
        "attrition": draw(_floats(0, 0.5)),
        "front_width": draw(_floats(0.1, 10)),
        "abandonment": draw(_floats(0, 1)),
        "redeployment": draw(_floats(0, 1)),
        "sovereign_support": draw(_floats(0, 1)),
        "capital_reach": draw(_floats(0, 3)),
        "common_enemy_lift": draw(_floats(0, 2)),
        "relation_rate": draw(_floats(0, 1)),
        "threat_exponent": draw(_floats(0.3, 2)),
        "absorption": draw(_floats(0, 1)),
        "upkeep": draw(_floats(0, 0.2)),
    }
    return world(regions, borders, actors, relations=relations, ties=ties, events=events, steps=MONTHS, **parameters)


def _check(model) -> None:
    """Every invariant of the state arrays, after one month."""
    n, total_area = model.n_actors, model.geo.area_km2.sum()
    for name in ("capability", "deployment", "strike", "control", "ties", "relations", "threat", "shares", "territory_km2"):
        assert np.isfinite(getattr(model, name)).all(), f"{name} has NaN or inf"
    control = model.control
    assert control.shape == (n + 1, model.geo.size)
    np.testing.assert_allclose(control.sum(axis=0), 1.0, atol=1e-9, err_msg="control columns sum to one")
    assert control.min() >= 0.0 and control.max() <= 1.0 + 1e-12
    for name in ("capability", "deployment", "strike"):
        assert getattr(model, name).min() >= 0.0, f"{name} is negative"
    active = model.active
    if model.capability[active].sum() > 0:
        assert model.shares[active].sum() == np.float64(1.0) or abs(model.shares[active].sum() - 1.0) < 1e-12
    assert not model.shares[~active].any(), "absent actors have no power share"
    territory = model.territory_km2.sum() + model.ungoverned_km2
    assert abs(territory - total_area) <= 1e-9 * total_area, "territory adds up to the total area"
    ties = model.ties
    assert ties.min() >= 0.0 and ties.max() <= 1.0
    np.testing.assert_array_equal(ties, ties.T)
    assert model.relations.min() >= -1.0 and model.relations.max() <= 1.0
    np.testing.assert_array_equal(model.relations, model.relations.T)
    battle, others = model.battle, ~model.government
    # the losses between non-governments, summed per region by attrition, are those the dyads hold
    among = battle.dyad_losses[np.ix_(others, others)].sum()
    assert abs(battle.nonstate.sum() - among) <= 1e-9 * max(1.0, battle.total)
    assert (battle.nonstate >= 0).all() and (battle.nonstate <= battle.losses.sum(axis=0) + 1e-12).all()
    # the dyad losses of a partition of the regions add up to the month's dyad losses
    half = np.arange(model.geo.size) % 2 == 0
    parts = battle.dyad_losses_in(half) + battle.dyad_losses_in(~half)
    np.testing.assert_allclose(parts, battle.dyad_losses, rtol=1e-9, atol=1e-12)
    homeless = ~model.home.any(axis=1)
    assert np.isnan(model.depth[homeless]).all()
    depth = model.depth[~homeless]
    assert ((depth >= -1e-12) & (depth <= 1 + 1e-12)).all(), "depth is a share of the approaches"


@given(raw=worlds(), seed=st.integers(0, 2**32 - 1))
def test_state_stays_consistent_every_month(raw, seed):
    model = build(raw, seed=seed)
    _check(model)
    for _ in range(MONTHS):
        model.step()
        _check(model)
