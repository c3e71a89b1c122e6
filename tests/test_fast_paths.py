"""The core's fast paths give exactly what their plain formulas give, on random inputs.

Each speed-up of the monthly step (lookups, results kept while their inputs are unchanged,
work restricted to the rows or regions where something can be non-zero) is compared here with
the formula it replaces, written out plainly. Equality is exact (`array_equal`): the
simulation must stay bit-for-bit the same for a seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from worlds import actor, build, region, world

from bopsim.model import RegionalModel, contract
from bopsim.model.combat import effective_force
from bopsim.model.geography import UNREACHABLE
from bopsim.model import consequences, linalg
from bopsim.model.consequences import Sparse
from bopsim.model.linalg import SPARSE_FROM, connects, nonzero_2d
from bopsim.model.memo import LastResult, LastRows
from bopsim.model.metrics import forward_presence
from bopsim.model.model import _nearest_presence
from bopsim.model.scenario import load
from bopsim.model.strategies import enemy_strength, weakest_holder_strength

ROOT = Path(__file__).resolve().parent.parent

SIZES = st.tuples(st.integers(1, 7), st.integers(1, 12))
"""(actors, regions) of the random inputs."""


def _bools(shape) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(bool, shape)


def _line(regions: int):
    """A model on a line of regions r0 - r1 - ... (one actor; only its geography is used)."""
    names = [f"r{i}" for i in range(regions)]
    spec = world([region(r) for r in names], list(zip(names, names[1:])), [actor("a", home=names[:1])])
    return build(spec)


@pytest.mark.parametrize("sparse_from", [0, SPARSE_FROM])
def test_weakest_enemy_holder_is_the_plain_minimum_over_enemies_holding_ground(sparse_from, monkeypatch):
    """weakest_holder_strength equals the minimum of View.strength over the enemies holding the domain share
    (all enemies' strength where none holds), also where the minimum is taken over the regions with forces only."""
    monkeypatch.setattr(contract, "SPARSE_FROM", sparse_from)
    model = RegionalModel(load(ROOT / "scenarios" / "levant_2014.toml"), rng=3)
    model.run_for(6)
    view = model.view
    for a in range(view.n_actors):
        enemies = view.hostility[a] > 0
        holding = enemies[:, None] & (view.control[:-1] >= view.params.domain_share)
        weakest = np.where(holding, view.strength, np.inf).min(axis=0, initial=np.inf)
        plain = np.where(np.isfinite(weakest), weakest, view.strength[enemies].sum(axis=0))
        assert np.array_equal(weakest_holder_strength(view, a, enemy_strength(view, a)), plain)


@given(st.integers(2, 9).flatmap(lambda r: st.lists(_bools((3, r)), min_size=1, max_size=5)))
def test_near_reuses_unchanged_rows_without_changing_the_answer(masks):
    """A sequence of (3, R) masks, rows often repeated: each answer is the neighbourhood product."""
    geo = _line(masks[0].shape[1]).geo
    neighbourhood = np.asarray(geo.neighbourhood.todense()) if hasattr(geo.neighbourhood, "todense") else geo.neighbourhood
    previous = masks[0]
    for mask in masks:
        mask = np.where(np.arange(3)[:, None] == 1, previous, mask)  # row 1 unchanged from the last call
        plain = (neighbourhood @ mask.T.astype(float)).T > 0
        assert np.array_equal(geo.near(mask), plain)
        previous = mask


def test_near_on_a_line_by_hand():
    """r0 - r1 - r2 - r3: near {r0} = {r0, r1}; near {r2} = {r1, r2, r3}."""
    geo = _line(4).geo
    assert geo.near(np.array([[True, False, False, False]])).tolist() == [[True, True, False, False]]
    assert geo.near(np.array([[False, False, True, False]])).tolist() == [[False, True, True, True]]


def test_kept_result_is_recomputed_only_when_an_input_changes():
    calls = []

    def compute(x):
        calls.append(1)
        return x * 2.0

    kept, x = LastResult(), np.array([1.0, 2.0])
    first = kept.get(lambda: compute(x), x)
    again = kept.get(lambda: compute(x.copy()), x.copy())
    assert again is first and len(calls) == 1 and not first.flags.writeable
    y = np.array([1.0, 3.0])
    assert kept.get(lambda: compute(y), y).tolist() == [2.0, 6.0] and len(calls) == 2
    assert kept.get(lambda: compute(y), y.astype(np.float32)) is not None and len(calls) == 3  # dtype is part of the key


@pytest.mark.parametrize("sparse_from", [0, SPARSE_FROM])
def test_view_strength_is_force_times_terrain_times_support_everywhere(sparse_from, monkeypatch):
    """View.strength equals the formula over all regions, also where it is computed only where someone has forces."""
    monkeypatch.setattr(contract, "SPARSE_FROM", sparse_from)
    model = RegionalModel(load(ROOT / "scenarios" / "levant_2014.toml"), rng=3)
    model.run_for(6)
    view = model.view
    assert not view.deployment.any(axis=0).all()  # some regions without forces, where the shortcut applies
    plain = effective_force(view.deployment, view.control, view.geo.defence) * view.support
    assert np.array_equal(view.strength, plain)


@given(st.integers(2, 9).flatmap(lambda r: st.tuples(
    hnp.arrays(np.int32, (4, r), elements=st.integers(0, 20)), st.lists(_bools((4, r)), min_size=1, max_size=5))))
def test_rows_recomputed_only_where_changed_give_the_full_computation(inputs):
    """Distances to each actor's footprint through LastRows (rows 0 and 2 often unchanged) equal a fresh computation."""
    home_distance, sequence = inputs
    kept, previous = LastRows(), sequence[0]
    for footprint in sequence:
        footprint = np.where(np.isin(np.arange(4), [0, 2])[:, None], previous, footprint)
        rows = kept.get(lambda rows: _nearest_presence(home_distance, footprint[rows]), footprint)
        assert np.array_equal(rows, _nearest_presence(home_distance, footprint))
        assert not rows.flags.writeable
        previous = footprint


@given(SIZES.flatmap(lambda s: st.tuples(_bools(s), _bools((s[0], s[0])), _bools(s))))
def test_forward_presence_adds_allies_reach_only_where_there_are_allies(inputs):
    """Regions beyond home reached by the actor or by any ally, against (own + allied @ own) > 0."""
    present, allied, home = inputs
    own = present.astype(float)
    plain = (((own + allied.astype(float) @ own) > 0) & ~home).sum(axis=1)
    assert np.array_equal(forward_presence(present, allied, home), plain)


@given(SIZES.flatmap(lambda s: st.tuples(
    hnp.arrays(np.int32, s, elements=st.integers(0, 20)), _bools(s))))
def test_nearest_presence_is_the_minimum_hop_distance_over_the_footprint(inputs):
    """d[b, a] = min of a's hop distances over the regions where b is present; UNREACHABLE where b is nowhere."""
    home_distance, footprint = inputs
    plain = np.array([[home_distance[a, footprint[b]].min() if footprint[b].any() else UNREACHABLE
                       for a in range(home_distance.shape[0])] for b in range(footprint.shape[0])], dtype=float)
    assert np.array_equal(_nearest_presence(home_distance, footprint), plain)


@pytest.mark.parametrize("sparse_from", [0, SPARSE_FROM])
@given(SIZES.flatmap(lambda s: st.tuples(_bools((s[0], s[0])), _bools(s))))
def test_boolean_product_through_either_route_is_the_dense_product(sparse_from, inputs):
    """connects(left, right) == (left @ right > 0), through the sparse route (sparse_from 0) and the dense one."""
    left, right = inputs
    plain = (left.astype(float) @ right.astype(float)) > 0
    original = linalg.SPARSE_FROM
    linalg.SPARSE_FROM = sparse_from
    try:
        fast = connects(left, right)
    finally:
        linalg.SPARSE_FROM = original
    assert fast.dtype == bool and fast.flags.c_contiguous and np.array_equal(fast, plain)


@given(SIZES.flatmap(lambda s: hnp.arrays(float, s, elements=st.sampled_from([0.0, 0.25, 1.0, 3.5]))))
def test_nonzero_pairs_and_kept_arrays_are_those_of_numpy(array):
    """nonzero_2d gives np.nonzero's pairs in its order; an array kept by its non-zero entries comes back the same."""
    assert all(np.array_equal(a, b) for a, b in zip(nonzero_2d(array), np.nonzero(array), strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(nonzero_2d(array > 1), np.nonzero(array > 1), strict=True))
    assert np.array_equal(Sparse.of(array).dense(), array)  # small: kept whole
    original = consequences.SPARSE_FROM
    consequences.SPARSE_FROM = 0
    try:
        assert np.array_equal(Sparse.of(array).dense(), array)  # by its non-zero entries
    finally:
        consequences.SPARSE_FROM = original
