"""Batch experiments over a stored posterior: `[design] kind = "posterior"`."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

import pandas as pd
import pytest

from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.batch.design import design_table, plan
from bopsim.experiments.cli import main

ROOT = Path(__file__).resolve().parents[1]
ABSTRACT = ROOT / "scenarios" / "abstract.toml"


def _posterior(folder: Path) -> Path:
    """A posterior folder as `bopsim calibrate` writes it: generation 0 (ignored) and generation 1,
    whose third particle has weight 0 and so can never be drawn."""
    folder.mkdir()
    pd.DataFrame({"generation": [0, 1, 1, 1], "particle": [0, 0, 1, 2], "weight": [1.0, 3.0, 1.0, 0.0],
                  "parameters.attrition": [0.5, 0.03, 0.07, 0.9]}).to_csv(folder / "particles.csv", index=False)
    return folder


def _experiment(tmp_path: Path, design: str, factors: str = "") -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(f'name = "t"\nroot_seed = 5\nreplications = 2\nsteps = 2\n'
                    f'[[scenario]]\nfile = "{ABSTRACT}"\nlabel = "base"\n'
                    f'[[scenario]]\nfile = "{ABSTRACT}"\nlabel = "variant"\nset = {{ "actor.north.capability" = 60 }}\n'
                    f"{factors}[design]\n{design}\n", encoding="utf-8")
    return path


def test_draws_come_from_the_last_generation_by_weight(tmp_path):
    _posterior(tmp_path / "post")
    experiment = load_experiment(_experiment(tmp_path, 'kind = "posterior"\nsamples = 200\nposterior = "post"'))
    table = design_table(experiment.spec, experiment.posterior())
    assert len(table) == 200 and table["point"].tolist() == list(range(200))
    # generation 1 only, never the weight-0 particle: attrition 0.03 (weight 3/4) or 0.07 (1/4)
    assert set(table["parameters.attrition"]) == {0.03, 0.07}
    assert 0.6 < (table["parameters.attrition"] == 0.03).mean() < 0.9
    again = design_table(experiment.spec, experiment.posterior())
    pd.testing.assert_frame_equal(table, again)


def test_every_variant_runs_the_same_draws_with_the_same_seeds(tmp_path):
    _posterior(tmp_path / "post")
    experiment = load_experiment(_experiment(tmp_path, 'kind = "posterior"\nsamples = 3\nposterior = "post"'))
    tasks = plan(experiment, design_table(experiment.spec, experiment.posterior()))
    base = [(t.point, t.replication, t.seed, t.overrides) for t in tasks if t.scenario == "base"]
    variant = [(t.point, t.replication, t.seed, t.overrides[1:]) for t in tasks if t.scenario == "variant"]
    assert len(base) == 6 and base == variant, "same draw and seed for each (point, replication)"
    assert len({seed for _, _, seed, _ in base}) == 6


@pytest.mark.parametrize(("design", "factors", "message"), [
    ('kind = "posterior"\nsamples = 3', "", "design.posterior: missing"),
    ('kind = "posterior"\nsamples = 3\nposterior = "nowhere"', "", "design.posterior: no particles.csv"),
    ('kind = "lhs"\nposterior = "post"', "", "only a posterior design takes a posterior"),
    ('kind = "posterior"\nposterior = "post"', '[[factor]]\npath = "parameters.front_speed"\nlow = 0.1\nhigh = 0.2\n',
     "factor[parameters.front_speed]: a posterior design takes fixed factors only"),
])
def test_bad_posterior_designs_exit_2(tmp_path, capsys, design, factors, message):
    _posterior(tmp_path / "post")
    code = main(["batch", str(_experiment(tmp_path, design, factors)), "--out", str(tmp_path / "out"),
                 "--executor", "serial", "--no-progress"])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_posterior_batch_runs_and_records_its_draws(tmp_path, capsys):
    _posterior(tmp_path / "post")
    path = _experiment(tmp_path, 'kind = "posterior"\nsamples = 2\nposterior = "post"')
    assert main(["batch", str(path), "--out", str(tmp_path / "out"), "--executor", "serial", "--no-progress"]) == 0
    design = pd.read_parquet(tmp_path / "out" / "design.parquet")
    assert design.columns.tolist() == ["point", "particle", "parameters.attrition"]
    outcomes = pd.read_parquet(tmp_path / "out" / "outcomes.parquet")
    assert outcomes["run_id"].nunique() == 2 * 2 * 2  # 2 scenarios x 2 draws x 2 replications


def test_sign_probability_pairs_runs_by_point_and_replication():
    from bopsim.experiments.batch.compare import sign_probability

    variant = pd.DataFrame({"point": [0, 0, 1, 1], "replication": [0, 1, 0, 1], "value": [5.0, 4.0, 3.0, 1.0]})
    base = pd.DataFrame({"point": [1, 1, 0, 0], "replication": [1, 0, 1, 0], "value": [2.0, 3.0, 3.0, 3.0]})
    # pairs (0,0): 5-3 = +2, (0,1): 4-3 = +1, (1,0): 3-3 = 0, (1,1): 1-2 = -1; diff of means +0.5
    # -> (1 + 1 + 0.5 + 0) / 4 = 0.625
    assert sign_probability(variant, base, 0.5) == 0.625
    assert sign_probability(variant, base, -0.5) == 0.375
    assert np.isnan(sign_probability(variant.drop(columns="point"), base, 0.5)), "no pairing keys"


def test_compare_reports_p_sign_for_a_posterior_batch(tmp_path, capsys):
    _posterior(tmp_path / "post")
    path = _experiment(tmp_path, 'kind = "posterior"\nsamples = 2\nposterior = "post"')
    main(["batch", str(path), "--out", str(tmp_path / "out"), "--executor", "serial", "--no-progress"])
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "out"), "--format", "csv", "--outcome", "north.capability.final"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    variant = table[table["scenario"] == "variant"].iloc[0]
    # north starts with 60 instead of its default in the variant: larger in every paired run
    assert variant["diff"] > 0 and variant["p_sign"] == 1.0
    # the table (not the CSV) says how many draws and replications its intervals rest on: 2 x 2
    assert main(["compare", str(tmp_path / "out"), "--outcome", "north.capability.final"]) == 0
    assert "over the posterior: 2 parameter sets drawn from post x 2 replications = 4 runs per variant" in capsys.readouterr().out
