"""One run of a batch, as executed on a worker: simulate, then keep the chosen tables and outcomes.

`execute` never raises for a run that fails: it returns a failed `RunResult` with the error, so
the batch goes on and the failure is recorded.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

import pandas as pd

from experiments.batch.config import Outputs
from experiments.batch.consequences import run_consequences
from experiments.batch.design import RunTask
from experiments.batch.outcomes import run_outcomes
from experiments.batch.overrides import scenario_with
from experiments.single import simulate
from model.classic import REGIONAL
from model.tables import (
    actor_table,
    control_table,
    event_table,
    model_table,
    region_table,
)

BUILDERS = {"model": model_table, "actors": actor_table, "regions": region_table, "control": control_table,
            "events": event_table}


@dataclass
class RunResult:
    """What a worker sends back: the run's kept tables (incl. `outcomes`) or its error."""

    task: RunTask
    ok: bool
    duration_s: float
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    error: str = ""
    traceback: str = ""


def execute(task: RunTask, outputs: Outputs) -> RunResult:
    """Run `task` and return its tables, or its error (any exception inside the run)."""
    started = time.perf_counter()
    try:
        frames = _simulate(task, outputs)
    except Exception as exc:  # noqa: BLE001 (a failing run is recorded and the batch goes on)
        return RunResult(task, False, time.perf_counter() - started,
                         error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    return RunResult(task, True, time.perf_counter() - started, tables=frames)


def _simulate(task: RunTask, outputs: Outputs) -> dict[str, pd.DataFrame]:
    if task.model != REGIONAL:
        return _simulate_classic(task, outputs)
    spec = scenario_with(task.scenario_file, task.overrides)
    model = simulate(spec, seed=task.seed, steps=task.steps)
    frames = {name: BUILDERS[name](model) for name in dict.fromkeys(["model", *outputs.keep])}
    kinds = {a.id: a.kind for a in spec.actor}
    outcomes = run_outcomes(frames["model"], model.actor_records, kinds, outputs)
    if outputs.consequences is not None:
        extra = run_consequences(model, outputs.consequences)
        outcomes = pd.concat([outcomes, extra[~extra["outcome"].isin(outcomes["outcome"])]], ignore_index=True)
    kept = {name: frames[name] if name == "events" else _thin(frames[name], outputs.every, model.steps)
            for name in outputs.keep}
    return kept | {"outcomes": outcomes}


def _simulate_classic(task: RunTask, outputs: Outputs) -> dict[str, pd.DataFrame]:
    """A run of a classic model family (model/classic): its `model` series and its outcomes."""
    from experiments.docking.family import build
    model = build(task.model, task.scenario_file, task.overrides, task.seed)
    model.run(task.steps)
    series = model.series()
    kept = {"model": _thin(series, outputs.every, len(series))} if "model" in outputs.keep else {}
    return kept | {"outcomes": pd.DataFrame(model.outcomes(), columns=["outcome", "value", "censored"])}


def _thin(frame: pd.DataFrame, every: int, last: int) -> pd.DataFrame:
    """Rows of every `every`-th month and of the last month."""
    if every == 1:
        return frame
    keep = (frame["step"] % every == 0) | (frame["step"] == last)
    return frame[keep].reset_index(drop=True)
