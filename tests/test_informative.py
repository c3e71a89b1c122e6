"""Which factors of a pattern screen move its loss (`bopsim.experiments.calibrate.informative`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bopsim.experiments.calibrate.informative import DUMMY, informative_table, main


def _screen(points: int = 400) -> pd.DataFrame:
    """A synthetic screen: the loss falls with `a` (strongly), rises with `b` (weakly, but clearly
    over 400 points), and ignores `c`; plus noise."""
    rng = np.random.default_rng(3)
    a, b, c = rng.random(points), rng.random(points), rng.random(points)
    return pd.DataFrame({"a": a, "b": b, "c": c, "loss": 1.0 - 0.5 * a + 0.1 * b + rng.normal(0, 0.05, points)})


def test_factors_that_move_the_loss_are_informative_and_noise_is_not():
    table = informative_table(_screen(), ["a", "b", "c"]).set_index("factor")
    assert table.loc["a", "informative"] and table.loc["b", "informative"]
    assert not table.loc["c", "informative"] and not table.loc[DUMMY, "informative"]
    # the sign says which way: more of `a` brings the loss down, more of `b` up
    assert table.loc["a", "rho"] < -0.8 and table.loc["b", "rho"] > 0
    assert table.index[0] == "a", "the strongest factor comes first"


def test_a_screen_of_another_experiment_is_refused(tmp_path, capsys):
    screen = tmp_path / "screen.csv"
    _screen().to_csv(screen, index=False)
    config = Path(__file__).resolve().parents[1] / "experiments" / "configs" / "levant_pattern_screen.toml"
    assert main([str(config), str(screen)]) == 2
    assert "column 'actor.isis.mobilisation' missing" in capsys.readouterr().err
