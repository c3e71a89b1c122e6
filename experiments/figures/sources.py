"""The experiments behind the figures: batch result stores (run or reused) and snapshots of one run.

A figure's experiment is an experiment file (experiments/configs/). Batch figures read the
result store in `DATA/<mode>/<experiment name>`: the batch runner skips finished runs, so a
store whose manifest has the same experiment hash is reused; a store of another version of the
experiment (the file or a scenario changed) is replaced. Quick and full results live apart, so
neither extends the other.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bopsim.experiments.batch.batch import run_batch
from bopsim.experiments.batch.config import LoadedExperiment, load_experiment
from bopsim.experiments.batch.design import run_seed
from bopsim.experiments.batch.overrides import base_scenario
from bopsim.experiments.batch.store import ResultStore
from bopsim.model import RegionalModel

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@dataclass(frozen=True)
class Scale:
    """How big the experiments are: replications, months and sampling-design size (None = the file's)."""

    replications: int | None = None
    steps: int | None = None
    samples: int | None = None


def experiment(config: str, scale: Scale) -> LoadedExperiment:
    """The experiment file `config` (in experiments/configs/) at `scale`."""
    loaded = load_experiment(CONFIGS / config, replications=scale.replications, steps=scale.steps)
    if scale.samples is None or loaded.spec.design.kind == "factorial":
        return loaded
    design = loaded.spec.design.model_copy(update={"samples": scale.samples})
    return loaded.model_copy(update={"spec": loaded.spec.model_copy(update={"design": design})})


def batch_store(loaded: LoadedExperiment, root: Path, workers: int | None = None) -> ResultStore:
    """The result store of `loaded` under `root`: reused when its hash matches, else (re)built."""
    out = root / loaded.spec.name
    manifest = out / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint") != loaded.fingerprint():
        shutil.rmtree(out)
    report = run_batch(loaded, out, "process", workers, progress=False)
    if report.failed:
        raise RuntimeError(f"{report.failed} run(s) of {loaded.spec.name} failed; see {out}/failed/")
    return ResultStore.existing(out)


@dataclass(frozen=True)
class Snapshot:
    """The state of one run at one month: control ((n + 1) x R, last row ungoverned), ties, capability."""

    step: int
    date: str
    control: np.ndarray
    ties: np.ndarray
    capability: np.ndarray
    active: np.ndarray
    bloc: np.ndarray


def snapshots(loaded: LoadedExperiment, steps: list[int]) -> tuple[object, list[Snapshot]]:
    """Run the experiment's first scenario once (design point 0, replication 0) and keep the state at `steps`.

    Returns the scenario spec and one snapshot per step (steps beyond the run are not allowed).
    """
    spec = base_scenario(str(loaded.scenario_files[0]))
    model = RegionalModel(spec, rng=run_seed(loaded.spec.root_seed, 0, 0), steps=loaded.spec.steps)
    if max(steps) > model.horizon:
        raise ValueError(f"snapshot at month {max(steps)} is beyond the run ({model.horizon} months)")
    kept = []
    for step in sorted(set(steps)):
        if step > model.steps:
            model.run_for(step - model.steps)
        kept.append(Snapshot(step, model.date, model.control.copy(), model.ties.copy(), model.capability.copy(),
                             model.active.copy(), np.asarray(model.bloc).copy()))
    return spec, kept
