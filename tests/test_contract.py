"""The View a behaviour reads: read-only, and unchanged while the month's plans are made and resolved."""

from __future__ import annotations

import numpy as np
import pytest
from worlds import actor, build, line_world


def _two_sides():
    return build(line_world(
        ["r0", "r1", "r2"],
        [actor("A", home=["r0"], capability=20, strategy=[{"behaviour": "forward_defence", "depth": 2, "share": 0.5}]),
         actor("B", "non_state", capability=8, home=["r2"], control={"r2": 1.0},
               strategy=[{"behaviour": "offensive", "ratio": 1.0, "share": 0.5}])],
        relations=(("A", "B", -0.9),),
    ))


def test_a_behaviour_cannot_write_into_what_it_perceives():
    model = _two_sides()
    model.step()
    view = model.view
    for name in ("control", "deployment", "capability", "relations", "home", "support", "exposure"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(view, name)[...] = 0.0
    # the model's own arrays stay writeable (events such as an exit write into them)
    assert model.control.flags.writeable and model.deployment.flags.writeable and model.home.flags.writeable


def test_the_view_shows_the_perceived_month_until_the_fighting_is_resolved():
    model = _two_sides()
    model.step()
    model.perceive()
    control, deployment = model.control.copy(), model.deployment.copy()
    model.agents.do("decide")
    model.station_reserves()
    np.testing.assert_array_equal(model.view.control, control)
    np.testing.assert_array_equal(model.view.deployment, deployment)
    model.resolve()
    # resolving replaces the model's arrays; the month's View still shows what was perceived
    np.testing.assert_array_equal(model.view.control, control)
    np.testing.assert_array_equal(model.view.deployment, deployment)
