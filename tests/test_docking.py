"""Docking machinery: classic model families in the batch tools, and the equivalence statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bopsim.experiments.batch.batch import run_batch
from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.docking.equivalence import against_sample, against_share, against_value, directional
from bopsim.model.classic.tribute import TributeModel, TributeParameters

ROOT = Path(__file__).resolve().parent.parent
WORLD = ROOT / "scenarios" / "classic" / "tribute.toml"


def _experiment(tmp_path: Path, body: str = "", keep: str = '["model"]') -> Path:
    path = tmp_path / "tribute.toml"
    path.write_text(f'''name = "t"
model = "tribute"
root_seed = 1
replications = 2
steps = 30
[[scenario]]
file = "{WORLD}"
label = "axelrod"
[[scenario]]
file = "{WORLD}"
label = "inverted"
set = {{ "parameters.payment_rule" = "inverted" }}
{body}
[outputs]
keep = {keep}
every = 10
''')
    return path


# ----------------------------------------------------------------- families in the batch tools


def test_a_tribute_experiment_runs_through_batch_store_and_compare(tmp_path, bopsim):
    config = _experiment(tmp_path)
    assert bopsim("batch", config, "--out", tmp_path / "s", "--executor", "serial", "--no-progress").code == 0
    outcomes = pd.read_parquet(tmp_path / "s" / "outcomes.parquet")
    assert set(outcomes["scenario"]) == {"axelrod", "inverted"}
    assert "wealth.gini.final" in set(outcomes["outcome"])
    series = pd.read_parquet(tmp_path / "s" / "model.parquet")
    assert sorted(series["step"].unique()) == [10, 20, 30]
    # the variant's override reached its runs: the same seeds give other results
    gini = outcomes.query("outcome == 'wealth.gini.final'").pivot(index="replication", columns="scenario", values="value")
    assert not np.allclose(gini["axelrod"], gini["inverted"])
    compared = bopsim("compare", tmp_path / "s", "--outcome", "wealth.gini.final")
    assert compared.code == 0 and "inverted" in compared.out


def test_process_pool_gives_the_serial_tables_for_a_classic_family(tmp_path):
    config = load_experiment(_experiment(tmp_path))
    run_batch(config, tmp_path / "s", "serial", progress=False)
    run_batch(config, tmp_path / "p", "process", workers=2, progress=False)
    for table in ("outcomes.parquet", "model.parquet"):
        serial, pooled = (pd.read_parquet(tmp_path / d / table) for d in ("s", "p"))
        pd.testing.assert_frame_equal(serial, pooled)


@pytest.mark.parametrize(("body", "keep", "message"), [
    ('[[factor]]\npath = "parameters.income"\nvalue = -5', '["model"]', "factor[parameters.income]: -5"),
    ('[[factor]]\npath = "parameters.nonsense"\nvalue = 1', '["model"]', "unknown parameter"),
    ('[[factor]]\npath = "actor.a.capability"\nvalue = 1', '["model"]', "path must be parameters.<name>"),
    ("", '["actors"]', "outputs.keep: 'actors' is not a table of the tribute model"),
])
def test_bad_classic_experiment_is_one_line_and_exit_2(tmp_path, bopsim, body, keep, message):
    result = bopsim("batch", _experiment(tmp_path, body, keep), "--out", tmp_path / "o", "--no-progress")
    assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_unknown_model_family_is_named(tmp_path, bopsim):
    config = _experiment(tmp_path)
    config.write_text(config.read_text().replace('model = "tribute"', 'model = "risk"'))
    result = bopsim("batch", config, "--out", tmp_path / "o", "--no-progress")
    assert result.code == 2 and "model" in result.err and "tribute" in result.err


# ----------------------------------------------------------------- equivalence statistics


def test_equivalence_within_the_margin_and_not_outside_it():
    rng = np.random.default_rng(0)
    sample = rng.normal(10.0, 1.0, 200)
    assert against_value(sample, 10.0, margin=0.5).verdict == "equivalent"
    assert against_value(sample, 12.0, margin=0.5).verdict == "not equivalent"
    # too few runs for a margin this narrow: no equivalence shown, no difference either
    assert against_value(sample[:5], 10.0, margin=0.05).verdict == "inconclusive"


def test_a_share_of_runs_is_tested_with_exact_binomial_tests():
    runs = np.array([1.0] * 50 + [0.0] * 50)
    # 50 of 100 against 0.5 within 0.15: both one-sided tests at 0.35 and 0.65 reject (p about 0.001)
    assert against_share(runs, 0.5, margin=0.15).verdict == "equivalent"
    assert against_share(runs, 0.8, margin=0.05).verdict == "not equivalent"
    every = np.ones(120)
    # 120 of 120 against 0.988: P(120 | 0.988) = 0.988^120 = 0.235 (plus the lower tail's outcomes
    # no more likely, two-sided): no difference; the lower bound 0.938 gives 0.938^120 < 0.001 and
    # the upper bound is beyond 1: equivalent
    result = against_share(every, 0.988, margin=0.05)
    assert result.p_difference > 0.988**120 and result.verdict == "equivalent"
    assert result.p_equivalence == pytest.approx(0.938**120)


def test_directional_claims():
    rng = np.random.default_rng(1)
    assert directional(rng.normal(1.0, 1.0, 50), 0.0, above=True).verdict == "reproduced"
    assert directional(rng.normal(-1.0, 1.0, 50), 0.0, above=True).verdict == "not reproduced"


def _tribute_sample(seeds, rule: str, years: int = 100) -> np.ndarray:
    fights = []
    for seed in seeds:
        model = TributeModel(TributeParameters(payment_rule=rule), rng=seed)
        model.run(years)
        fights.append(model.series()["fights"].sum())
    return np.array(fights, dtype=float)


def test_negative_control_the_inverted_payment_rule_fails_the_equivalence_test():
    # margin fixed in advance: 15 fights in the first 100 years (experiments/docking/targets.py)
    reference = _tribute_sample(range(100, 130), "cheaper")
    same_rule = _tribute_sample(range(200, 230), "cheaper")
    inverted = _tribute_sample(range(200, 230), "inverted")
    assert against_sample(same_rule, reference, margin=15).verdict == "equivalent"
    assert against_sample(inverted, reference, margin=15).verdict == "not equivalent"


def test_report_tables_come_from_the_result_folders(tmp_path):
    from bopsim.experiments.docking.report import write_report

    config = load_experiment(ROOT / "experiments" / "configs" / "docking" / "tribute.toml", replications=3, steps=120)
    run_batch(config, tmp_path / "results" / "tribute", "serial", progress=False)
    path = write_report(tmp_path / "results", tmp_path / "docs", {"tribute": 1.0}, None)
    text = path.read_text()
    # 120 years: fights in years 1-100 exist, years 901-1000 do not, so the decline cannot be computed
    assert "| axelrod | `wealth.gini.final` | 0.5 |" in text
    assert "not computable" in text and "| tribute | 6 | 1 |" in text
    assert "geosim" not in text.split("## Time")[0]
