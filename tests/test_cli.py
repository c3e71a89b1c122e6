"""`bopsim run` and `bopsim validate`: outputs, options, help, exit codes, atomic writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from worlds import actor, line_world, write_toml

from bopsim.experiments import single
from bopsim.experiments.cli import build_parser
from bopsim.experiments.commands import run as run_command

BOPSIM = Path(sys.executable).with_name("bopsim")
ACTOR_COLUMNS = ["step", "date", "actor", "capability", "power_share", "territory_km2", "strategic_depth", "bloc"]


@pytest.fixture(scope="module")
def abstract_run(tmp_path_factory):
    """One run of the abstract scenario for 6 months, seed 3, shared by the output tests."""
    from bopsim.experiments.cli import main

    out = tmp_path_factory.mktemp("abstract") / "run"
    root = Path(__file__).resolve().parent.parent
    code = main(["run", str(root / "scenarios" / "abstract.toml"), "--steps", "6", "--seed", "3", "--out", str(out)])
    assert code == 0
    return out


def test_run_writes_every_table_and_a_summary(abstract_run):
    names = {p.name for p in abstract_run.iterdir()}
    assert {"model.csv", "actors.csv", "regions.csv", "events.csv", "summary.json"} <= names
    assert not [n for n in names if n.startswith(".")], "no staging files left behind"


def test_actor_table_is_tidy_one_row_per_month_and_present_actor(abstract_run):
    actors = pd.read_csv(abstract_run / "actors.csv")
    assert list(actors.columns[:3]) == ["step", "date", "actor"]
    assert set(ACTOR_COLUMNS) <= set(actors.columns)
    assert not actors.duplicated(["step", "actor"]).any()
    assert sorted(actors["step"].unique()) == list(range(7))  # the start plus 6 months
    assert set(actors.loc[actors["step"] == 0, "actor"]) == {"north", "south", "insurgents"}
    assert list(actors.loc[actors["step"] == 0, "date"].unique()) == ["2014-01"]
    shares = actors.groupby("step")["power_share"].sum()
    assert shares.to_numpy() == pytest.approx(1.0)


def test_model_region_and_event_tables(abstract_run):
    model = pd.read_csv(abstract_run / "model.csv")
    assert list(model["step"]) == list(range(7))
    assert list(model["date"])[-1] == "2014-07"
    assert {"effective_poles", "concentration", "bloc_balance", "battle_deaths", "ungoverned_km2"} <= set(model.columns)
    regions = pd.read_csv(abstract_run / "regions.csv")
    assert len(regions) == 7 * 12
    assert {"step", "date", "region", "holder", "holder_share"} <= set(regions.columns)
    events = pd.read_csv(abstract_run / "events.csv")
    assert list(events.columns) == ["step", "date", "kind", "actor", "other", "region", "value", "detail"]
    assert (events["kind"] == "entry").sum() == 3, "three actors present from the start"


def test_summary_records_seed_steps_and_actors(abstract_run):
    summary = json.loads((abstract_run / "summary.json").read_text())
    assert summary["seed"] == 3
    assert summary["steps"] == 6
    assert (summary["start"], summary["end"]) == ("2014-01", "2014-07")
    assert set(summary["actors"]) == {"north", "south", "insurgents"}
    assert summary["scenario_file"].endswith("scenarios/abstract.toml")


def test_run_prints_a_summary_table(bopsim, abstract_path, tmp_path):
    result = bopsim("run", abstract_path, "--steps", "2", "--out", tmp_path / "o")
    assert result.code == 0 and result.err == ""
    assert "scenario abstract: 2014-01 to 2014-03 (2 months), seed 1" in result.out
    header = next(line for line in result.out.splitlines() if line.startswith("actor"))
    assert "capability" in header and "power share" in header and "strategic depth" in header
    for name in ("north", "south", "insurgents"):
        assert any(line.startswith(name) for line in result.out.splitlines())


def test_default_output_folder_is_out_slash_scenario_name(bopsim, abstract_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bopsim("run", abstract_path, "--steps", "1").code == 0
    assert (tmp_path / "out" / "abstract" / "summary.json").is_file()


def test_steps_zero_gives_the_initial_state_only(bopsim, abstract_path, tmp_path):
    assert bopsim("run", abstract_path, "--steps", "0", "--out", tmp_path / "o").code == 0
    assert len(pd.read_csv(tmp_path / "o" / "model.csv")) == 1


def test_validate_ok_describes_the_scenario(bopsim, abstract_path):
    result = bopsim("validate", abstract_path)
    assert result.code == 0
    assert result.out.strip() == f"{abstract_path}: ok (12 regions, 17 borders, 4 actors, 1 events, 36 months from 2014-01)"


def test_validate_failing_is_one_line_with_exit_2(bopsim, tmp_path):
    raw = line_world(["r0", "r1"], [actor("A", home=["r9"])])
    path = write_toml(raw, tmp_path / "bad.toml")
    result = bopsim("validate", path)
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines() == [f"bopsim: error: {path}: actor[A].home: unknown region 'r9'"]


def test_a_bad_scenario_leaves_no_output_folder(bopsim, tmp_path):
    path = write_toml(line_world(["r0"], [actor("A", home=["r0"], capability=-1)]), tmp_path / "bad.toml")
    result = bopsim("run", path, "--out", tmp_path / "never")
    assert result.code == 2
    assert not (tmp_path / "never").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]


@pytest.mark.parametrize("argv", [["run", "x.toml", "--steps", "-1"], ["run", "x.toml", "--seed", "one"], ["frobnicate"], []])
def test_bad_options_exit_2(bopsim, argv):
    result = bopsim(*argv)
    assert result.code == 2
    assert "usage: bopsim" in result.err


def _commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sorted(sub.choices)


def test_run_and_validate_are_commands():
    assert {"run", "validate"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(bopsim, command):
    result = bopsim(command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: bopsim {command}")


def test_top_level_help_lists_the_commands(bopsim):
    result = bopsim("--help")
    assert result.code == 0
    assert all(command in result.out for command in _commands())


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_an_internal_error_exits_1_with_one_line_and_writes_nothing(bopsim, abstract_path, tmp_path, monkeypatch):
    monkeypatch.setattr(run_command, "simulate", _boom)
    result = bopsim("run", abstract_path, "--out", tmp_path / "o")
    assert result.code == 1
    assert result.err.splitlines() == ["bopsim: internal error: RuntimeError: boom (rerun with --debug for the traceback)"]
    assert not (tmp_path / "o").exists()


def test_debug_shows_the_traceback_of_an_internal_error(bopsim, abstract_path, tmp_path, monkeypatch):
    monkeypatch.setattr(run_command, "simulate", _boom)
    result = bopsim("--debug", "run", abstract_path, "--out", tmp_path / "o")
    assert result.code == 1
    assert "Traceback" in result.err and "RuntimeError: boom" in result.err


def test_a_failure_while_writing_leaves_no_partial_output(bopsim, abstract_path, tmp_path, monkeypatch):
    written = []

    def fail_on_third(frame, path):
        written.append(path)
        if len(written) == 3:
            raise OSError("disk full")
        frame.to_csv(path, index=False)

    monkeypatch.setattr(single, "_write_csv", fail_on_third)
    result = bopsim("run", abstract_path, "--steps", "2", "--out", tmp_path / "o")
    assert result.code == 2, "a full disk is the user's to fix: one line naming the folder"
    assert result.err == f"bopsim: error: {tmp_path / 'o'}: disk full\n"
    assert len(written) == 3
    assert list(tmp_path.iterdir()) == [], "neither the output folder nor the staging folder remains"


def test_the_installed_console_script(tmp_path, abstract_path):
    out = tmp_path / "o"
    done = subprocess.run([BOPSIM, "run", abstract_path, "--steps", "3", "--seed", "2", "--out", out],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "3 months in" in done.stdout
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    missing = subprocess.run([BOPSIM, "validate", tmp_path / "missing.toml"], capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [f"bopsim: error: {tmp_path / 'missing.toml'}: file not found"]


# ----------------------------------------------------------------- bad options, escapes, atomic output


@pytest.mark.parametrize("argv, message", [
    (["--seed", "-5"], "argument --seed: must be from 0 to"),
    (["--steps", "1000000000"], "argument --steps: must be from 0 to 1,200"),
    (["--seed", "x"], "argument --seed: must be a whole number, got 'x'"),
])
def test_a_bad_option_is_an_input_error_with_the_subcommands_usage(bopsim, abstract_path, tmp_path, argv, message):
    result = bopsim("run", abstract_path, "--out", tmp_path / "o", *argv)
    assert result.code == 2
    assert result.err.startswith("usage: bopsim run ") and message in result.err
    assert not (tmp_path / "o").exists()


def test_out_naming_an_existing_file_is_refused(bopsim, abstract_path, tmp_path):
    (tmp_path / "o").write_text("mine\n")
    result = bopsim("run", abstract_path, "--out", tmp_path / "o")
    assert (result.code, result.err) == (2, f"bopsim: error: --out {tmp_path / 'o'}: exists and is not a folder\n")
    assert (tmp_path / "o").read_text() == "mine\n"


@pytest.mark.parametrize("name", ["/tmp/bopsim-escape", "../../escape", "a/b", ".hidden", ""])
def test_a_scenario_name_cannot_choose_a_folder_outside_out(bopsim, abstract_path, tmp_path, monkeypatch, name):
    text = abstract_path.read_text(encoding="utf-8").replace('name = "abstract"', f"name = {name!r}", 1)
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = bopsim("run", path, "--steps", "1")
    assert result.code == 2 and f"{path}: name: {name!r} cannot name an output folder" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]
    assert not Path("/tmp/bopsim-escape").exists()


def test_run_into_an_existing_run_folder_replaces_it_whole(bopsim, abstract_path, tmp_path, monkeypatch):
    out = tmp_path / "o"
    assert bopsim("run", abstract_path, "--steps", "2", "--seed", "1", "--out", out).code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    (tmp_path / ".o.run-left-by-a-kill").mkdir()  # what an interrupted run leaves beside its folder

    def fail_on_fourth(frame, path, written=[]):  # noqa: B006 (counts calls)
        written.append(path)
        if len(written) == 4:
            raise KeyboardInterrupt
        frame.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")

    monkeypatch.setattr(single, "_write_csv", fail_on_fourth)
    assert bopsim("run", abstract_path, "--steps", "3", "--seed", "2", "--out", out).code == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first, "an interrupted run leaves the old run whole"
    monkeypatch.undo()
    assert bopsim("run", abstract_path, "--steps", "3", "--seed", "2", "--out", out).code == 0
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"], "no hidden staging folders are left"


def test_run_refuses_to_replace_a_folder_that_is_not_a_run(bopsim, abstract_path, tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    result = bopsim("run", abstract_path, "--steps", "1", "--out", tmp_path)
    assert result.code == 2 and "holds other files than a run's tables" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_unwritable_output_place_names_the_path(bopsim, abstract_path, tmp_path):
    (tmp_path / "file").write_text("")
    result = bopsim("run", abstract_path, "--steps", "1", "--out", tmp_path / "file" / "o")
    assert result.code == 2 and result.err.startswith(f"bopsim: error: {tmp_path / 'file'}")


def test_batch_given_a_scenario_file_says_so(bopsim, abstract_path, tmp_path):
    result = bopsim("batch", abstract_path, "--out", tmp_path / "o")
    assert result.code == 2 and "a scenario file, not an experiment file" in result.err


def test_sigterm_stops_a_command_as_ctrl_c_does(bopsim, abstract_path, tmp_path, monkeypatch):
    import os
    import signal

    def terminated(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill` or a service manager would
        raise AssertionError("SIGTERM did not stop the command")

    monkeypatch.setattr(run_command, "simulate", terminated)
    result = bopsim("run", abstract_path, "--out", tmp_path / "o")
    assert (result.code, result.err) == (130, "bopsim: interrupted\n")
    assert not (tmp_path / "o").exists()


def test_run_given_an_experiment_file_says_so(bopsim, tmp_path):
    result = bopsim("run", Path(__file__).parent / "data" / "batch_small.toml", "--out", tmp_path / "o")
    assert result.code == 2 and "an experiment file, not a scenario file" in result.err


@pytest.mark.parametrize("module", ["bopsim.experiments.patterns.dyads", "bopsim.experiments.patterns"])
def test_a_reader_closing_the_pipe_early_ends_a_command_without_a_traceback(tmp_path, module):
    # `... | head -1`: the command's later writes meet a closed pipe (experiments/entry.py)
    levant = Path(__file__).resolve().parents[1] / "scenarios" / "levant_2014.toml"
    errors = tmp_path / "stderr.txt"
    shell = f'"{sys.executable}" -m {module} "{levant}" --seeds 1 --steps 12 2>"{errors}" | head -1'
    first = subprocess.run(shell, shell=True, capture_output=True, text=True, check=True).stdout
    assert first.startswith(str(levant))
    assert "Traceback" not in errors.read_text(encoding="utf-8")
