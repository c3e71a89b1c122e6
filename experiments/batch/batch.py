"""A whole batch: plan the runs, skip the finished ones, execute the rest, record each as it ends."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from bopsim.experiments.batch.config import LoadedExperiment
from bopsim.experiments.batch.design import design_table, plan
from bopsim.experiments.batch.executors import dask_client, run_tasks, stop_if_noted, stop_noted
from bopsim.experiments.batch.overrides import OverrideError, apply, base_scenario
from bopsim.experiments.batch.store import ResultStore
from bopsim.model.classic import REGIONAL
from bopsim.model.errors import UsageError
from bopsim.model.scenario import ScenarioError, parse


@dataclass
class BatchReport:
    planned: int
    skipped: int
    ran: int
    failed: int
    seconds: float
    out: Path
    code_changed: bool = False
    """The folder's earlier runs were made by another code version (git commit or local changes)."""


def run_batch(experiment: LoadedExperiment, out: Path, executor: str = "process", workers: int | None = None,
              scheduler: str | None = None, retry_failed: bool = False, progress: bool = True) -> BatchReport:
    """Run every planned run of `experiment` not yet finished in `out`; returns the counts."""
    if scheduler is not None and executor != "dask":
        raise UsageError(f"--scheduler needs --executor dask (got --executor {executor})")
    check_overrides(experiment)
    design = design_table(experiment.spec, experiment.posterior())
    tasks = plan(experiment, design)
    with ExitStack() as stack:
        client = stack.enter_context(dask_client(workers, scheduler)) if executor == "dask" else None
        store = ResultStore.create_or_open(out, experiment, design)
        code_changed = store.code_changed()
        finished, failed = store.finished(), store.failed()
        todo = [t for t in tasks if t.run_id not in finished and (retry_failed or t.run_id not in failed)]
        store.write_manifest(experiment, tasks)
        started = time.perf_counter()
        try:
            failures = _execute(store, todo, experiment, executor, workers, client, progress)
        finally:
            store.consolidate(experiment, tasks)
    return BatchReport(len(tasks), len(tasks) - len(todo), len(todo), failures, time.perf_counter() - started,
                       Path(out), code_changed and bool(finished))


def _execute(store: ResultStore, todo: list, experiment: LoadedExperiment, executor: str, workers: int | None,
             client, progress: bool) -> int:
    """Run `todo`, committing each result as it arrives, with a progress bar; returns the failures."""
    failures = 0
    bar = tqdm(total=len(todo), unit="run", desc=experiment.spec.name, disable=None if progress else True, smoothing=0.1)
    try:
        with stop_noted():
            for result in run_tasks(todo, experiment.spec.outputs, executor, workers, client):
                store.commit(result)
                failures += not result.ok
                bar.set_postfix(failed=failures, refresh=False)
                bar.update()
                stop_if_noted()
    finally:
        bar.close()
    return failures


def check_overrides(experiment: LoadedExperiment) -> None:
    """Every factor path and every listed or boundary value must apply to every scenario, and every
    actor of `outputs.actors` must be in at least one of them (exit 2 if not)."""
    spec = experiment.spec
    if spec.model != REGIONAL:  # a classic model family: world files instead of scenarios
        from bopsim.experiments.docking.family import check
        return check(experiment)
    actors: set[str] = set()
    for i, (entry, label, file) in enumerate(zip(spec.scenario, spec.labels, experiment.scenario_files)):
        base = base_scenario(str(file))
        actors |= {a.id for a in base.actor}
        probes = [(f"scenario[{i}].set.{path}", path, value) for path, value in entry.set.items()]
        probes += [(f"factor[{f.path}]", f.path, value) for f in spec.factor for value in _probe_values(f)]
        for field, path, value in probes:
            raw = base.model_dump(mode="python")
            try:
                apply(raw, path, value)
                parse(raw, file)
            except (OverrideError, ScenarioError) as exc:
                raise UsageError(f"{experiment.path}: {field}: {value!r} in scenario {label!r}: "
                                 f"{str(exc).removeprefix(f'{file}: ')}") from None
    for actor in spec.outputs.actors or ():
        if actor not in actors:
            raise UsageError(f"{experiment.path}: outputs.actors: {actor!r} is an actor of none of the scenarios "
                             f"(actors: {', '.join(sorted(actors))})")


def _probe_values(factor) -> list:
    """Values that must be valid: the fixed value, every listed value, or the ends of a bounded range."""
    if factor.is_fixed:
        return [factor.value]
    if factor.values is not None:
        return list(factor.values)
    if factor.dist == "normal":
        return [factor.mean]
    return [round(v) if factor.integer else v for v in (factor.low, factor.high)]
