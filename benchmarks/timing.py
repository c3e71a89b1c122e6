"""Timing of the monthly step: steps per second of scenario files, size sweeps, growth fits, profiles.

Times are CPU time of the process (time.process_time, less sensitive to other jobs on a shared
host than wall-clock) of `model.step()` including data collection, unless another clock is
given; model construction is not timed. Each measurement first runs one warm-up month.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from synthetic import synthetic_world

from model import RegionalModel
from model.scenario import load


@dataclass(frozen=True)
class StepTiming:
    """Seconds per month of one world."""

    label: str
    regions: int
    borders: int
    actors: int
    seconds_per_step: float
    steps_timed: int

    @property
    def steps_per_second(self) -> float:
        return 1.0 / self.seconds_per_step


def time_steps(model: RegionalModel, min_seconds: float = 1.0, min_steps: int = 3, max_steps: int = 200,
               clock=time.process_time) -> tuple[float, int]:
    """(seconds per step, steps timed): steps until `min_seconds` have passed on `clock` (at least `min_steps`)."""
    model.step()
    steps, started = 0, clock()
    while steps < max_steps and (steps < min_steps or clock() - started < min_seconds):
        model.step()
        steps += 1
    return (clock() - started) / steps, steps


def scenario_rate(path: Path, seed: int = 1, min_seconds: float = 2.0) -> StepTiming:
    """Steps per second of a scenario file over whole runs of its own length (fresh model each run)."""
    spec = load(path)
    elapsed, steps = 0.0, 0
    while elapsed < min_seconds:
        model = RegionalModel(spec, rng=seed)
        started = time.process_time()
        model.run_for(model.horizon)
        elapsed += time.process_time() - started
        steps += model.horizon
    return StepTiming(path.name, len(spec.region), len(spec.border), len(spec.actor), elapsed / steps, steps)


def synthetic_timing(regions: int, actors: int, seed: int = 0, min_seconds: float = 1.0, clock=time.process_time) -> StepTiming:
    """Seconds per step of a synthetic world (benchmarks/synthetic.py)."""
    spec = synthetic_world(regions, actors, seed)
    per_step, steps = time_steps(RegionalModel(spec, rng=seed), min_seconds, clock=clock)
    return StepTiming(spec.name, len(spec.region), len(spec.border), len(spec.actor), per_step, steps)


def growth_exponent(size: list[float], seconds: list[float]) -> float:
    """b in seconds ~ size^b, by least squares on log-log axes."""
    slope, _ = np.polyfit(np.log(size), np.log(seconds), 1)
    return float(slope)


def profile_steps(regions: int, actors: int, steps: int = 10, top: int = 15, seed: int = 0) -> str:
    """cProfile of `steps` months of a synthetic world: the `top` functions by own time."""
    model = RegionalModel(synthetic_world(regions, actors, seed), rng=seed)
    model.step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        model.step()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    return _trim_profile(text.getvalue())


def _trim_profile(text: str) -> str:
    """The pstats table without its preamble lines, with site-packages paths shortened."""
    lines = text.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    head = [line for line in lines[:start] if "function calls" in line]
    body = [line.replace(str(Path(np.__file__).parents[1]) + "/", "") for line in lines[start:]]
    root = str(Path(__file__).resolve().parents[1]) + "/"
    return "\n".join(line.strip() for line in head) + "\n" + "\n".join(line.replace(root, "") for line in body)
