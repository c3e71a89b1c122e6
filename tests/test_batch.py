"""Batch runs: identical results on every executor, resume after a kill, failed runs recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from bopsim.experiments.batch import runner
from bopsim.experiments.batch.batch import run_batch
from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.cli import main
from bopsim.model.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
BOPSIM = Path(sys.executable).parent / "bopsim"
SMALL = DATA / "batch_small.toml"
TABLES = ("outcomes", "model", "actors")


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def _assert_same(a: Path, b: Path) -> None:
    for name, frame in _tables(a).items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(b / f"{name}.parquet"), check_exact=True, obj=name)


@pytest.fixture(scope="module")
def serial_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "results"
    report = run_batch(load_experiment(SMALL), out, "serial", progress=False)
    assert (report.planned, report.ran, report.failed) == (8, 8, 0)
    return out


def test_result_tables_are_tidy_with_parameters_as_columns(serial_out):
    outcomes = pd.read_parquet(serial_out / "outcomes.parquet")
    assert outcomes["run_id"].nunique() == 8
    assert set(outcomes["parameters.front_speed"]) == {0.2, 0.4}
    assert set(outcomes.loc[outcomes["scenario"] == "strong_north", "actor.north.capability"]) == {60}
    start = pd.read_parquet(serial_out / "actors.parquet").query("step == 0 and actor == 'north'")
    assert sorted(start["capability"].unique()) == [40.0, 60.0]
    assert sorted(pd.read_parquet(serial_out / "model.parquet")["step"].unique()) == [0, 2, 4, 6]
    manifest = json.loads((serial_out / "manifest.json").read_text())
    assert manifest["counts"] == {"ok": 8, "failed": 0, "pending": 0}
    assert {"numpy", "mesa", "pandas"} <= set(manifest["packages"])
    assert len({r["seed"] for r in manifest["runs"]}) == 4  # 2 points x 2 replications, shared by the variants


def test_process_pool_gives_the_serial_tables(serial_out, tmp_path):
    run_batch(load_experiment(SMALL), tmp_path / "p", "process", workers=2, progress=False)
    _assert_same(serial_out, tmp_path / "p")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_tables(serial_out, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        run_batch(load_experiment(SMALL), tmp_path / "d", "dask", scheduler=cluster.scheduler_address, progress=False)
    _assert_same(serial_out, tmp_path / "d")


def test_rerun_skips_finished_runs(serial_out, capsys):
    assert main(["batch", str(SMALL), "--out", str(serial_out), "--executor", "serial", "--no-progress"]) == 0
    assert "8 already done, 0 run now" in capsys.readouterr().out


def test_more_replications_add_runs_and_keep_the_earlier_ones(serial_out, tmp_path):
    out = tmp_path / "grow"
    run_batch(load_experiment(SMALL, replications=1), out, "serial", progress=False)
    report = run_batch(load_experiment(SMALL), out, "serial", progress=False)
    assert (report.skipped, report.ran) == (4, 4)
    _assert_same(serial_out, out)


@pytest.mark.slow
def test_batch_killed_midway_resumes_to_the_uninterrupted_result(tmp_path):
    config = tmp_path / "long.toml"
    config.write_text(SMALL.read_text().replace("replications = 2", "replications = 12")
                      .replace("../../scenarios", str(ROOT / "scenarios")))
    out, whole = tmp_path / "killed", tmp_path / "whole"
    command = [str(BOPSIM), "batch", str(config), "--executor", "serial", "--no-progress", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and len(list((out / "runs").glob("*"))) < 5:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_at_kill = len(list((out / "runs").glob("*")))
    assert 5 <= done_at_kill < 48, f"the batch must be killed mid-way: {process.stderr.read()}"
    assert main(["batch", str(config), "--executor", "serial", "--no-progress", "--out", str(out)]) == 0
    assert main(["batch", str(config), "--executor", "serial", "--no-progress", "--out", str(whole)]) == 0
    _assert_same(whole, out)
    runs = pd.read_parquet(out / "outcomes.parquet")["run_id"]
    assert runs.nunique() == 48 and len(runs) == len(pd.read_parquet(whole / "outcomes.parquet"))


def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path, monkeypatch):
    real = runner.simulate

    def fail_one(spec, seed, steps):
        if spec.parameters.front_speed == 0.4 and spec.actor[0].capability == 60:
            raise FloatingPointError("boom")
        return real(spec, seed, steps)

    monkeypatch.setattr(runner, "simulate", fail_one)
    out = tmp_path / "f"
    report = run_batch(load_experiment(SMALL), out, "serial", progress=False)
    assert (report.ran, report.failed) == (8, 2)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"ok": 6, "failed": 2, "pending": 0}
    failure = json.loads((out / "failed" / "strong_north-p00001-r0000.json").read_text())
    assert failure["error"] == "FloatingPointError: boom" and "Traceback" in failure["traceback"]
    assert pd.read_parquet(out / "outcomes.parquet")["run_id"].nunique() == 6

    monkeypatch.setattr(runner, "simulate", real)
    assert run_batch(load_experiment(SMALL), out, "serial", progress=False).ran == 0
    retried = run_batch(load_experiment(SMALL), out, "serial", retry_failed=True, progress=False)
    assert (retried.ran, retried.failed) == (2, 0)
    assert not list((out / "failed").glob("*.json"))
    assert json.loads((out / "manifest.json").read_text())["counts"]["ok"] == 8


def test_resuming_with_another_code_version_is_flagged(tmp_path):
    out = tmp_path / "c"
    run_batch(load_experiment(SMALL, replications=1), out, "serial", progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["code_version"] = {"bopsim": "0.0.1", "git_commit": "0" * 40, "git_modified": False}
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert run_batch(load_experiment(SMALL), out, "serial", progress=False).code_changed
    assert not run_batch(load_experiment(SMALL), out, "serial", progress=False).code_changed
    codes = {r["code"] for r in json.loads((out / "manifest.json").read_text())["runs"]}
    assert len(codes) == 1 and codes != {""}


# ----------------------------------------------------------------- faults during batches


def _small_tasks():
    from bopsim.experiments.batch.design import design_table, plan

    experiment = load_experiment(SMALL)
    return experiment, plan(experiment, design_table(experiment.spec))


def test_a_dead_worker_is_a_failed_run_and_the_batch_goes_on():
    from faults import die_on

    from bopsim.experiments.batch.executors import WORKER_DIED, _process_pool

    experiment, tasks = _small_tasks()
    victim = tasks[3].run_id
    results = list(_process_pool(tasks, experiment.spec.outputs, 2, run=partial(die_on, victims=frozenset({victim}))))
    assert sorted(r.task.run_id for r in results) == sorted(t.run_id for t in tasks), "every run once"
    assert [(r.task.run_id, r.error) for r in results if not r.ok] == [(victim, WORKER_DIED)]


def test_a_worker_killed_once_costs_no_run(tmp_path):
    from faults import die_on

    from bopsim.experiments.batch.executors import _process_pool

    experiment, tasks = _small_tasks()
    run = partial(die_on, victims=frozenset({tasks[2].run_id}), once_marker=str(tmp_path / "killed"))
    results = list(_process_pool(tasks, experiment.spec.outputs, 2, run=run))
    assert (tmp_path / "killed").exists() and all(r.ok for r in results) and len(results) == len(tasks)


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path):
    from bopsim.experiments.batch.design import design_table
    from bopsim.experiments.batch.store import ResultStore

    experiment = load_experiment(SMALL)
    first = ResultStore.create_or_open(tmp_path / "out", experiment, design_table(experiment.spec))
    with pytest.raises(UsageError, match="another bopsim batch is writing this folder"):
        ResultStore.create_or_open(tmp_path / "out", experiment, design_table(experiment.spec))
    first._lock_handle.close()  # the first batch ends
    ResultStore.create_or_open(tmp_path / "out", experiment, design_table(experiment.spec))


def test_a_folder_left_by_a_kill_at_the_start_is_resumed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".fingerprint.txt.abc123").write_bytes(b"")  # killed while writing the first file
    report = run_batch(load_experiment(SMALL), out, "serial", progress=False)
    assert (report.planned, report.ran, report.failed) == (8, 8, 0)


def test_damaged_runs_are_detected_and_run_again(serial_out, tmp_path):
    import shutil

    out = tmp_path / "damaged"
    shutil.copytree(serial_out, out)
    runs = sorted((out / "runs").iterdir())
    outcomes = runs[0] / "outcomes.parquet"
    outcomes.write_bytes(outcomes.read_bytes()[:100])  # a truncated table
    (runs[1] / "run.json").unlink()  # a run without its record
    (runs[2] / "run.json").write_text('{"run_id": ')  # a broken record
    (out / "manifest.json").write_text('{"experiment": "batch_sm')  # a broken manifest
    (out / "outcomes.parquet").write_bytes(b"PAR1")  # a broken whole-experiment table
    report = run_batch(load_experiment(SMALL), out, "serial", progress=False)
    assert (report.planned, report.skipped, report.ran, report.failed) == (8, 5, 3, 0)
    _assert_same(serial_out, out)
    assert json.loads((out / "manifest.json").read_text())["counts"] == {"ok": 8, "failed": 0, "pending": 0}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_during_a_finalizer_still_stops_the_batch(sig):
    from bopsim.experiments.batch.executors import stop_if_noted, stop_noted
    from bopsim.experiments.cli import _sigterm_stops

    class Writer:
        def __del__(self):  # as a Parquet writer closing when the signal arrives
            os.kill(os.getpid(), sig)

    with _sigterm_stops():  # as under the `bopsim` command: SIGTERM outside a batch raises at once
        before = signal.getsignal(sig)
        with stop_noted():
            Writer()  # finalized at once; a KeyboardInterrupt raised in there would be printed and lost
            with pytest.raises(KeyboardInterrupt):
                stop_if_noted()
            stop_if_noted()  # raised once
        assert signal.getsignal(sig) is before
        with pytest.raises(KeyboardInterrupt), stop_noted():
            os.kill(os.getpid(), sig)  # noted
            os.kill(os.getpid(), sig)  # a second one raises at once
            time.sleep(1.0)  # not reached


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_ctrl_c_while_a_result_is_written_stops_the_batch_after_it(tmp_path, monkeypatch, executor):
    from bopsim.experiments.batch.store import ResultStore

    commit = ResultStore.commit

    class Writer:
        def __del__(self):  # as a Parquet writer closing when Ctrl-C arrives
            os.kill(os.getpid(), signal.SIGINT)

    def commit_then_ctrl_c(store, result):  # Ctrl-C arrives while the first result's writer is finalized
        commit(store, result)
        Writer()

    monkeypatch.setattr(ResultStore, "commit", commit_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        run_batch(load_experiment(SMALL), tmp_path / "out", executor, workers=1, progress=False)
    # stopped between runs: the first result kept, at most the pool's runs in flight (2 x 1) written besides
    assert 1 <= len(list((tmp_path / "out" / "runs").iterdir())) <= 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_killed_batch_leaves_no_process_behind(tmp_path, sig):
    config = tmp_path / "long.toml"
    config.write_text(SMALL.read_text().replace("replications = 2", "replications = 200")
                      .replace("../../scenarios", str(ROOT / "scenarios")))
    batch = subprocess.Popen([BOPSIM, "batch", config, "--out", tmp_path / "out", "--workers", "2", "--no-progress"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as in a terminal
    deadline = time.monotonic() + 60
    while not list((tmp_path / "out" / "runs").glob("*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    group = os.getpgid(batch.pid)
    os.killpg(group, sig) if sig == signal.SIGINT else batch.send_signal(sig)  # Ctrl-C reaches the whole group
    batch.wait(timeout=60)
    deadline = time.monotonic() + 15
    while _group_members(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _group_members(group) == [], "pool processes survived the batch"
    if sig != signal.SIGKILL:
        finished = len(list((tmp_path / "out" / "runs").glob("*")))  # of 800: all if the signal was lost
        assert batch.stderr.read().decode() == "bopsim: interrupted\n", \
            f"one line, no traceback of the batch or a worker (exit {batch.returncode}, {finished} runs finished)"


def _group_members(group: int) -> list[int]:
    """Live (not zombie) processes of process group `group`."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_compare_on_a_damaged_folder_says_how_to_repair_it(serial_out, tmp_path, capsys):
    import shutil

    out = tmp_path / "damaged"
    shutil.copytree(serial_out, out)
    (out / "outcomes.parquet").write_bytes(b"PAR1")
    assert main(["compare", str(out)]) == 2
    assert "outcomes.parquet: damaged" in capsys.readouterr().err
    (out / "manifest.json").write_text("{")
    assert main(["compare", str(out)]) == 2
    assert "manifest.json: damaged; rerun the same `bopsim batch` to repair" in capsys.readouterr().err


def test_a_full_disk_during_a_batch_names_the_folder(tmp_path, monkeypatch, capsys):
    import errno

    from bopsim.experiments.batch import store

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "out"
    monkeypatch.setattr(store.pq, "write_table", full)
    assert main(["batch", str(SMALL), "--out", str(out), "--executor", "serial", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"bopsim: error: {out}") and err.rstrip().endswith("No space left on device")
    assert err.count("\n") == 1
