"""ABC-SMC calibration of a scenario's free parameters against its pattern catalogue (pyabc).

`calibrate` runs (or resumes) the calibration a file describes and writes, in the output folder
(by default `<scenario stem>.posterior/` next to the scenario):

- `abc.db`: pyabc's database (every generation's particles, weights, distances and summary
  statistics; what a resumed run continues from);
- `calibration.json`: the fingerprint of the file, scenario and catalogue the database belongs to;
- `particles.csv`: generation, particle, weight and one column per parameter path, in the
  parameters' own units (every generation);
- `generations.csv`: generation, epsilon, particles, simulations, acceptance rate, effective
  sample size of the weights (Kish), seconds.

Why pyabc rather than ELFI: pyabc's ABC-SMC adapts the threshold and the proposal generation by
generation, stores each generation in a database from which a stopped run continues, and takes
any sampler, so the project's executors (serial, process pool, Dask) run it through one seeded
sampler (`sampler.SeededSampler`); ELFI builds its inference on its own graph and its own
parallel clients, and keeps no database to continue from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc

from bopsim.experiments.calibrate.config import LoadedCalibration, Prior
from bopsim.experiments.calibrate.distance import Scales, distance
from bopsim.experiments.calibrate.sampler import Mapper, SeededSampler
from bopsim.experiments.calibrate.transition import FittedProposal
from bopsim.model.errors import UsageError

DATABASE = "abc.db"
FINGERPRINT = "calibration.json"
SEED_RANGE = 2**31 - 1
"""Model seeds are drawn from [0, SEED_RANGE) by the task's seeded random state."""


@dataclass(frozen=True)
class PatternModel:
    """The simulator pyabc calls: parameter values in, every pattern's value out (one run)."""

    scenario_file: str
    patterns_file: str
    steps: int | None
    priors: tuple[Prior, ...]
    """The free parameters; pyabc proposes each as its standard-normal score (`prior`)."""

    def __call__(self, parameters) -> dict[str, float]:
        from bopsim.experiments.batch.overrides import scenario_with
        from bopsim.experiments.patterns.fit import pattern_values

        seed = int(np.random.randint(0, SEED_RANGE))
        values = tuple((p.path, float(p.at_normal(parameters[p.name]))) for p in self.priors)
        spec = scenario_with(self.scenario_file, values)
        return pattern_values(spec, catalogue_at(self.patterns_file), seed, self.steps)


@lru_cache(maxsize=8)
def catalogue_at(path: str):
    """The pattern catalogue at `path`, read once per process."""
    from bopsim.experiments.patterns.catalogue import load_catalogue

    return load_catalogue(path)


@dataclass(frozen=True)
class RangeDistance:
    """pyabc distance function: `distance.distance` of the simulated values (x_0 is not needed)."""

    scales: Scales

    def __call__(self, x: dict, x_0: dict) -> float:  # noqa: ARG002
        return distance(x, self.scales)


def prior(calibration: LoadedCalibration) -> pyabc.Distribution:
    """The joint prior in probit space: each parameter as its standard-normal score z ~ N(0, 1), whose
    value is `Prior.at_normal(z)` = the prior's quantile at Phi(z) (so uniform and log-uniform priors
    alike, each exactly as stated, every parameter on one scale).

    Why not the prior's own quantile u on the unit cube, as before: where the patterns leave a
    parameter wide its posterior is flat on [0, 1], which the Gaussian proposal fits badly (it
    thins out at the edges, so the particles there carry large importance weights, and over ten
    such factors the weights degenerate: measured, a 60-particle run kept an effective sample size
    of 20 and then 6.3). In probit space such a posterior is the N(0, 1) prior itself, which the
    Gaussian proposal (wider by its bandwidth) covers with even weights, and every proposal maps
    inside the prior's range, so none is rejected or wasted. On the parameters' own scales (ranges
    from 0.03 to 70 wide) the proposal's density under- or overflowed and the weights became NaN."""
    return pyabc.Distribution(**{p.name: pyabc.RV("norm", 0.0, 1.0) for p in calibration.spec.prior})


@dataclass(frozen=True)
class Report:
    """What a calibration did: the output folder, generations stored, run now and the seconds."""

    out: Path
    generations: int
    ran: int
    seconds: float


def calibrate(calibration: LoadedCalibration, out: Path | None = None, executor: str = "process",
              workers: int | None = None, scheduler: str | None = None, progress: bool = True) -> Report:
    """Run or resume the calibration into `out` (default: next to the scenario); see the module docstring."""
    spec = calibration.spec
    out = Path(out) if out is not None else calibration.out
    stamp = fingerprint(calibration)
    _claim(out, stamp)
    db = f"sqlite:///{(out / DATABASE).resolve()}"
    catalogue = catalogue_at(str(calibration.patterns_file))
    scales = Scales.of(catalogue)
    model = PatternModel(str(calibration.scenario_file), str(calibration.patterns_file), spec.steps,
                         tuple(spec.prior))
    logging.getLogger("ABC").setLevel(logging.WARNING)
    started = time.perf_counter()
    with mapper(executor, workers, scheduler) as map_:
        abc = pyabc.ABCSMC(model, prior(calibration), pyabc.FunctionDistance(RangeDistance(scales)),
                           population_size=spec.abc.population,
                           transitions=FittedProposal(spec.abc.transition_scaling, spec.abc.transition_df),
                           eps=pyabc.QuantileEpsilon(alpha=spec.abc.epsilon_quantile),
                           sampler=SeededSampler(map_, spec.root_seed, progress))
        done = _stored_generations(out)
        if done:
            abc.load(db, 1)
        else:
            abc.new(db, scales.observed())
        remaining = spec.abc.generations - done
        if remaining > 0:
            abc.run(minimum_epsilon=spec.abc.min_epsilon, max_nr_populations=remaining,
                    min_acceptance_rate=spec.abc.min_acceptance_rate)
    history = pyabc.History(db)
    history.id = 1
    export(history, spec, out)
    return Report(out, history.max_t + 1, max(history.max_t + 1 - done, 0), time.perf_counter() - started)


def fingerprint(calibration: LoadedCalibration) -> str:
    """Hash of everything that changes the posterior (not `generations`, which only adds to it)."""
    body = calibration.spec.model_dump(mode="json", exclude={"description", "forecast"})
    body["abc"].pop("generations")
    body["scenario_text"] = calibration.scenario_file.read_text(encoding="utf-8")
    body["patterns_text"] = calibration.patterns_file.read_text(encoding="utf-8")
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def _claim(out: Path, stamp: str) -> None:
    """Create `out` for this calibration, or check that it holds this calibration (UsageError if not)."""
    marker = out / FINGERPRINT
    if marker.is_file():
        held = json.loads(marker.read_text(encoding="utf-8")).get("fingerprint")
        if held != stamp:
            raise UsageError(f"{out}: holds another calibration (fingerprint {held}, this one {stamp}); "
                             "remove the folder or give another --out")
        return
    if (out / DATABASE).exists():
        raise UsageError(f"{out}: has {DATABASE} but no {FINGERPRINT}; remove the folder or give another --out")
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(marker, json.dumps({"fingerprint": stamp}, indent=2) + "\n")


def _stored_generations(out: Path) -> int:
    """Generations already in the database (0 if there is none yet)."""
    if not (out / DATABASE).is_file():
        return 0
    history = pyabc.History(f"sqlite:///{(out / DATABASE).resolve()}")
    history.id = 1
    return max(history.max_t + 1, 0) if history.n_populations else 0


def export(history: pyabc.History, spec, out: Path) -> None:
    """particles.csv and generations.csv from the database (written whole, then moved in place)."""
    frames, ess = [], []
    for t in range(history.max_t + 1):
        scores, weights = history.get_distribution(m=0, t=t)
        ess.append(effective_sample_size(weights))
        frame = pd.DataFrame({p.path: p.at_normal(scores[p.name].to_numpy()) for p in spec.prior})
        frames.append(frame.assign(weight=weights).rename_axis("particle").reset_index().assign(generation=t))
    particles = pd.concat(frames, ignore_index=True)
    particles = particles[["generation", "particle", "weight", *[p.path for p in spec.prior]]]
    populations = history.get_all_populations()
    seconds = pd.to_datetime(populations["population_end_time"]).diff().dt.total_seconds().round(1)
    populations = populations.assign(seconds=seconds)[populations["t"] >= 0].reset_index(drop=True)
    generations = pd.DataFrame({
        "generation": populations["t"], "epsilon": populations["epsilon"], "particles": populations["particles"],
        "simulations": populations["samples"], "acceptance_rate": populations["particles"] / populations["samples"],
        "effective_sample_size": ess,
        "seconds": populations["seconds"],
    })
    _write_atomic(out / "particles.csv", particles.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
    _write_atomic(out / "generations.csv", generations.to_csv(index=False, float_format="%.10g", lineterminator="\n"))


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² / Σw² of importance weights: n for equal weights, 1 when
    one particle carries all. Example: weights (3, 1) give 16 / 10 = 1.6."""
    weights = np.asarray(weights, dtype=float)
    return float(weights.sum() ** 2 / np.square(weights).sum())


def _write_atomic(path: Path, text: str) -> None:
    """Write `text` beside `path`, then move it in place (a reader sees the old file or the new one)."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.partial")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


@contextmanager
def mapper(executor: str, workers: int | None, scheduler: str | None) -> Iterator[Mapper]:
    """An ordered map on the chosen executor: serial, a process pool or a Dask cluster."""
    from bopsim.experiments.batch.executors import dask_client, default_workers

    if executor == "serial":
        yield map
    elif executor == "process":
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=context) as pool:
            yield pool.map
    else:
        with dask_client(workers, scheduler) as client:
            def dask_map(function, *iterables):
                futures = client.map(function, *iterables, pure=False)
                try:
                    yield from (future.result() for future in futures)
                finally:
                    client.cancel(futures)
            yield dask_map


def posterior(out: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The last generation stored in `out`: parameter values (one column per path) and weights."""
    path = Path(out) / "particles.csv"
    if not path.is_file():
        raise UsageError(f"{path}: no posterior (run `bopsim calibrate` first)")
    particles = pd.read_csv(path)
    last = particles[particles["generation"] == particles["generation"].max()]
    values = last.drop(columns=["generation", "particle", "weight"]).reset_index(drop=True)
    return values, last["weight"].to_numpy(dtype=float)


def summary_table(values: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Per parameter: weighted mean, 5 %, 50 % and 95 % quantiles of a weighted sample."""
    weights = weights / weights.sum()
    rows = []
    for column in values.columns:
        order = np.argsort(values[column].to_numpy())
        x, w = values[column].to_numpy()[order], weights[order]
        cumulative = np.cumsum(w) - w / 2
        q = np.interp([0.05, 0.5, 0.95], cumulative, x)
        rows.append({"parameter": column, "mean": float(np.dot(x, w)), "q05": q[0], "median": q[1], "q95": q[2]})
    return pd.DataFrame(rows)
