"""Benchmark: the batch runner against Mesa's `batch_run`, and its speed-up from 1 to 2 workers.

Same model, same scenario, same seeds, same months. Mesa's `batch_run` steps each model and
returns its model-level variables; bopsim's runner also builds the model table, computes the
outcomes and writes every run to the Parquet store. All are timed in this one process, in turn,
`--repeat` times; each time reported is the fastest of its repeats (the least disturbed by
other work on the machine).

    .venv/bin/python benchmarks/bench_batch.py [--runs N] [--repeat R] [--scenario FILE]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mesa.batchrunner import batch_run

from bopsim.experiments.batch.batch import run_batch
from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.batch.design import design_table, plan
from bopsim.model import RegionalModel, load

ROOT = Path(__file__).resolve().parents[1]


def experiment_file(folder: Path, scenario: Path, runs: int) -> Path:
    """An experiment of `runs` replications of `scenario`, keeping the model table only."""
    path = folder / "bench.toml"
    path.write_text(f'name = "bench"\nroot_seed = 1\nreplications = {runs}\n'
                    f'scenario = [{{ file = "{scenario.resolve()}" }}]\n[outputs]\nkeep = ["model"]\n')
    return path


def time_bopsim(config: Path, folder: Path, executor: str, workers: int) -> float:
    """Seconds for the whole batch (pool start-up, runs, store) into a fresh folder."""
    out = Path(tempfile.mkdtemp(dir=folder)) / "results"
    started = time.perf_counter()
    run_batch(load_experiment(config), out, executor, workers, progress=False)
    return time.perf_counter() - started


def time_mesa(scenario: Path, seeds: list[int], processes: int) -> float:
    """Seconds for Mesa's batch_run of the same runs."""
    spec = load(scenario)
    started = time.perf_counter()
    batch_run(RegionalModel, {"spec": [spec]}, number_processes=processes, rng=seeds, data_collection_period=-1,
              max_steps=spec.steps, display_progress=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "levant_2014.toml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = experiment_file(folder, args.scenario, args.runs)
        experiment = load_experiment(config)
        seeds = [t.seed for t in plan(experiment, design_table(experiment.spec))]
        timings: dict[str, list[float]] = {k: [] for k in ("mesa_1", "serial", "mesa_2", "pool_1", "pool_2")}
        for _ in range(args.repeat):
            timings["mesa_1"].append(time_mesa(args.scenario, seeds, 1))
            timings["serial"].append(time_bopsim(config, folder, "serial", 1))
            timings["mesa_2"].append(time_mesa(args.scenario, seeds, 2))
            timings["pool_1"].append(time_bopsim(config, folder, "process", 1))
            timings["pool_2"].append(time_bopsim(config, folder, "process", 2))
    mesa_1, serial, mesa_2, pool_1, pool_2 = (min(t) for t in timings.values())
    print(f"{args.runs} runs of {args.scenario.name}, fastest of {args.repeat}")
    print(f"mesa batch_run, 1 process:    {mesa_1:6.2f} s")
    print(f"bopsim batch, serial:         {serial:6.2f} s   ratio to batch_run {serial / mesa_1:.2f} (aim <= 1)")
    print(f"mesa batch_run, 2 processes:  {mesa_2:6.2f} s")
    print(f"bopsim batch, process pool 1: {pool_1:6.2f} s")
    print(f"bopsim batch, process pool 2: {pool_2:6.2f} s   ratio to batch_run(2) {pool_2 / mesa_2:.2f}; "
          f"speed-up 1 -> 2 workers {pool_1 / pool_2:.2f}x (aim >= 1.8)")


if __name__ == "__main__":
    main()
