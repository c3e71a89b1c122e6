"""Experiment files: clear exit-2 errors for bad files; overrides, designs and seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.batch.design import design_table, plan, run_seed
from bopsim.experiments.batch.overrides import OverrideError, base_scenario, scenario_with, value_at
from bopsim.experiments.cli import main

ROOT = Path(__file__).resolve().parents[1]
ABSTRACT = ROOT / "scenarios" / "abstract.toml"
HEAD = f'name = "t"\nroot_seed = 1\nscenario = [{{ file = "{ABSTRACT}" }}]\n'


def _batch(tmp_path, text: str, capsys) -> tuple[int, str]:
    config = tmp_path / "exp.toml"
    config.write_text(text)
    code = main(["batch", str(config), "--out", str(tmp_path / "out"), "--executor", "serial", "--no-progress"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ('name = "t"\n[[scenario]]\nfile = "x.toml"\n', "root_seed: missing"),
    (HEAD + "colour = 3\n", "colour: unknown field"),
    (HEAD + "replications = 0\n", "replications: Input should be greater than or equal to 1"),
    ('name = "t"\nroot_seed = 1\n[[scenario]]\nfile = "missing.toml"\n', "scenario[0].file: file not found"),
    (HEAD + "[[factor]]\npath = \"parameters.nope\"\nvalue = 1\n", "factor[parameters.nope]: 1 in scenario 'abstract': unknown model parameter 'nope'"),
    (HEAD + "[[factor]]\npath = \"actor.ghost.capability\"\nvalue = 1\n", "no actor 'ghost' in the scenario"),
    (HEAD + "[[factor]]\npath = \"parameters.front_speed\"\nvalues = [0.2, 3.0]\n", "parameters.front_speed: Input should be less than or equal to 1"),
    (HEAD + "[[factor]]\npath = \"actor.north.strategy.offensive.ratio\"\nvalue = 2\n", "actor 'north' never uses behaviour 'offensive'"),
    (HEAD + "[[factor]]\npath = \"parameters.attrition\"\nlow = 0.2\nhigh = 0.1\n", "low (0.2) must be below high (0.1)"),
    (HEAD + "[[factor]]\npath = \"parameters.attrition\"\nlow = 0.1\nhigh = 0.2\n", "a factorial design needs values, or a uniform/loguniform range with levels"),
    (HEAD + "[design]\nkind = \"sobol\"\n", "design.kind: a sobol design needs at least one varied factor"),
    (HEAD + "[design]\nkind = \"grid\"\n", "design.kind: Input should be"),
    (HEAD + "[outputs]\nkeep = [\"maps\"]\n", "outputs.keep.0: Input should be"),
    ("name = 't'\nroot_seed = [\n", "not valid TOML"),
    # strict types and documented limits (model/limits.py)
    (HEAD + "steps = \"36\"\n", "steps: Input should be a valid integer (got '36')"),
    (HEAD + "replications = 1000000000\n", "replications: Input should be less than or equal to 100000"),
    (HEAD + "steps = 1000000000\n", "steps: Input should be less than or equal to 20000"),
    (HEAD + "steps = 1201\n", "steps: at most 1200 months for the regional model (got 1201)"),
    (HEAD + "[[factor]]\npath = \"parameters.attrition\"\nlow = 0.1\nhigh = 0.2\n[design]\nkind = \"lhs\"\nsamples = 1000000000\n",
     "design.samples: Input should be less than or equal to 100000"),
    # 2 factors, Sobol with second order: 20,000 x (2 x 2 + 2) = 120,000 points x 2 replications = 240,000 runs
    (HEAD + "replications = 2\n[[factor]]\npath = \"parameters.attrition\"\nlow = 0.1\nhigh = 0.2\n"
            "[[factor]]\npath = \"parameters.front_speed\"\nlow = 0.1\nhigh = 0.2\n"
            "[design]\nkind = \"sobol\"\nsamples = 20000\nsecond_order = true\n",
     "replications: 1 scenarios x 120,000 design points x 2 replications = 240,000 runs, more than the limit of 200,000"),
    # the same with 100,000 samples: 600,000 points
    (HEAD + "[[factor]]\npath = \"parameters.attrition\"\nlow = 0.1\nhigh = 0.2\n"
            "[[factor]]\npath = \"parameters.front_speed\"\nlow = 0.1\nhigh = 0.2\n"
            "[design]\nkind = \"sobol\"\nsamples = 100000\nsecond_order = true\n",
     "design: 600,000 design points, more than the limit of 200,000"),
    (HEAD + "[outputs]\nactors = [\"russsia\"]\n", "outputs.actors: 'russsia' is an actor of none of the scenarios"),
    (HEAD.replace('"t"', '"../../x"'), "name: String should match pattern"),
    (HEAD.replace('"t"', '"/tmp/x"'), "name: String should match pattern"),
    ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 16 deep"),
    (ABSTRACT.read_text(encoding="utf-8"), "a scenario file, not an experiment file"),
])
def test_bad_experiment_files_exit_2_with_one_clear_line(tmp_path, capsys, text, message):
    code, err = _batch(tmp_path, text, capsys)
    assert code == 2
    assert err.startswith(f"bopsim: error: {tmp_path / 'exp.toml'}: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_result_folder_of_another_experiment_is_refused(tmp_path, capsys):
    assert _batch(tmp_path, HEAD + "steps = 2\n", capsys)[0] == 0
    code, err = _batch(tmp_path, HEAD + "steps = 3\n", capsys)
    assert code == 2 and "holds results of another experiment" in err


def test_the_fingerprint_names_the_folder_a_batch_is_made_for(tmp_path, capsys, monkeypatch):
    """`--fingerprint` prints the hash the result folder records, and runs nothing."""
    monkeypatch.chdir(tmp_path)  # where a batch without --out would write (results/t)
    config = tmp_path / "exp.toml"
    config.write_text(HEAD + "steps = 2\n")
    assert main(["batch", str(config), "--fingerprint"]) == 0
    printed = capsys.readouterr().out.strip()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"], "nothing run, nothing written"
    assert _batch(tmp_path, HEAD + "steps = 2\n", capsys)[0] == 0
    assert (tmp_path / "out" / "fingerprint.txt").read_text().strip() == printed
    config.write_text(HEAD + "steps = 3\n")
    main(["batch", str(config), "--fingerprint"])
    assert capsys.readouterr().out.strip() != printed


def test_the_fingerprint_changes_with_the_simulation_code(tmp_path, monkeypatch):
    """A result folder made by other code is refused, not resumed: the code is in the hash."""
    from bopsim.experiments.batch import config as batch_config

    path = tmp_path / "exp.toml"
    path.write_text(HEAD)
    experiment = batch_config.load_experiment(path)
    today = experiment.fingerprint()
    assert experiment.fingerprint() == today
    monkeypatch.setattr(batch_config, "code_digest", lambda: "another version of the model")
    assert experiment.fingerprint() != today


def test_the_source_digest_follows_every_file_of_the_code(tmp_path):
    from bopsim.experiments.batch.config import source_digest
    from bopsim.model.errors import UsageError

    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "rules.py").write_text("RATE = 0.05\n")
    first = source_digest(tmp_path, ("model",))
    (tmp_path / "model" / "rules.py").write_text("RATE = 0.06\n")
    changed = source_digest(tmp_path, ("model",))
    (tmp_path / "model" / "more.py").write_text("")
    assert len({first, changed, source_digest(tmp_path, ("model",))}) == 3
    with pytest.raises(UsageError, match="no Python source"):
        source_digest(tmp_path, ("experiments",))


def test_strategy_override_reaches_scheduled_strategy_changes():
    spec = scenario_with(str(ABSTRACT), (("actor.north.strategy.forward_defence.depth", 3),))
    event = next(e for e in spec.event if e.kind == "strategy")
    assert [b.params.get("depth") for b in event.strategy if b.behaviour == "forward_defence"] == [3]


def test_value_at_reads_what_an_override_sets():
    path = ("parameters.attrition", "actor.north.capability", "actor.north.strategy.home_defence.garrison")
    spec = scenario_with(str(ABSTRACT), tuple(zip(path, (0.07, 33.0, 0.6))))
    assert [value_at(spec, p) for p in path] == [0.07, 33.0, 0.6]
    # a behaviour parameter the scenario leaves out reads as the behaviour's default
    base = base_scenario(str(ABSTRACT))
    assert value_at(base, "actor.north.strategy.home_defence.garrison") == 0.5
    # north goes forward only by a scheduled event: its initial strategy has no forward defence
    with pytest.raises(OverrideError, match="no behaviour parameter"):
        value_at(base, "actor.north.strategy.forward_defence.depth")


def _experiment(tmp_path, body: str):
    config = tmp_path / "e.toml"
    config.write_text(HEAD + body)
    return load_experiment(config)


FACTORS = '[[factor]]\npath = "parameters.attrition"\nlow = 0.02\nhigh = 0.1\n' \
          '[[factor]]\npath = "actor.north.capability"\nmean = 40\nsd = 5\n'


@pytest.mark.parametrize("design, points", [("lhs", 8), ("sobol", 8 * (2 + 2)), ("morris", 8 * (2 + 1))])
def test_sampling_designs_have_the_salib_sizes_and_respect_ranges(tmp_path, design, points):
    table = design_table(_experiment(tmp_path, f'[design]\nkind = "{design}"\nsamples = 8\n' + FACTORS).spec)
    assert len(table) == points
    assert table["parameters.attrition"].between(0.02, 0.1).all()
    assert table["u:actor.north.capability"].between(0, 1).all()


def test_factorial_crosses_lists_and_levels(tmp_path):
    body = ('[[factor]]\npath = "parameters.attrition"\nlow = 0.02\nhigh = 0.1\nlevels = 3\n'
            '[[factor]]\npath = "actor.north.strategy.home_defence.share"\nvalues = [0.5, 1.0]\n')
    table = design_table(_experiment(tmp_path, body).spec)
    assert sorted(map(tuple, table.iloc[:, 1:3].to_numpy())) == [
        (a, s) for a in (0.02, 0.06, 0.1) for s in (0.5, 1.0)]


def test_seeds_derive_from_the_root_by_point_and_replication(tmp_path):
    experiment = _experiment(tmp_path, "replications = 3\n")
    tasks = plan(experiment, design_table(experiment.spec))
    expected = np.random.SeedSequence(1).spawn(1)[0].spawn(3)[2].generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)
    assert tasks[2].seed == run_seed(1, 0, 2) == int(expected)
    assert len({t.seed for t in tasks}) == 3
