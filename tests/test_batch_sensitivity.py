"""Sensitivity indices: known answers on a synthetic outcome, and the command on a Morris batch."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bopsim.experiments.batch.batch import run_batch
from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.batch.design import design_table
from bopsim.experiments.batch.sensitivity import indices
from bopsim.experiments.cli import main

DATA = Path(__file__).parent / "data"
ABSTRACT = Path(__file__).resolve().parents[1] / "scenarios" / "abstract.toml"


def test_sobol_indices_find_the_only_factor_that_matters(tmp_path):
    config = tmp_path / "s.toml"
    config.write_text(f'name = "s"\nroot_seed = 3\nscenario = [{{ file = "{ABSTRACT}" }}]\n'
                      '[[factor]]\npath = "parameters.attrition"\nlow = 0.01\nhigh = 0.1\n'
                      '[[factor]]\npath = "parameters.front_speed"\nlow = 0.1\nhigh = 0.5\n'
                      '[design]\nkind = "sobol"\nsamples = 256\n')
    spec = load_experiment(config).spec
    design = design_table(spec)
    outcomes = pd.DataFrame({"scenario": "s", "point": design["point"], "outcome": "y",
                             "value": 5 * design["parameters.attrition"] ** 2})
    manifest = {"design": spec.design.model_dump(), "factors": [f.model_dump(exclude_none=True) for f in spec.factor]}
    table = indices(design, manifest, outcomes, ["y"]).set_index(["factor", "index"])["value"]
    assert table["parameters.attrition", "ST"] == pytest.approx(1.0, abs=0.05)
    assert table["parameters.front_speed", "ST"] == pytest.approx(0.0, abs=0.02)


def test_morris_command_ranks_the_insurgents_strength_above_a_factor_without_effect(tmp_path, capsys):
    out = tmp_path / "m"
    run_batch(load_experiment(DATA / "batch_morris.toml"), out, "serial", progress=False)
    assert main(["sensitivity", str(out), "--outcome", "insurgents.territory_km2.final", "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out)).query("index == 'mu_star'").set_index("factor")
    # each design point has its own seed, so the factor without effect shows the noise level only
    assert table.loc["actor.insurgents.capability", "value"] > 5 * table.loc["parameters.war_threshold", "value"]


def test_sensitivity_of_a_factorial_batch_is_refused(tmp_path, capsys):
    out = tmp_path / "f"
    run_batch(load_experiment(DATA / "batch_small.toml", replications=1), out, "serial", progress=False)
    assert main(["sensitivity", str(out), "--outcome", "*"]) == 2
    assert "needs a sobol or morris design" in capsys.readouterr().err
