"""Run every benchmark of the simulation core and write benchmarks/results.md (also printed).

    .venv/bin/python benchmarks/run_all.py [--quick]

(a) steps per second of the shipped scenarios; (b) seconds per step of synthetic worlds from
40 to 2,500 regions and 5 to 200 actors, with growth exponents fitted on log-log axes;
(c) a cProfile of the 2,500 x 200 world; (d) vectorised attrition against a per-region loop,
measured in the same run; (e) the same worlds with BLAS on all cores and on one thread; (f) this
core against earlier revisions, in the same run (benchmarks/compare_core.py). Aims (from the project brief): >= 1,000 steps/s for ~70 regions x
~15 actors; cost growing about linearly in regions + borders; < 50 ms/step at 2,500 x 200.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np
from attrition_reference import attrition_ratio
from compare_core import PREVIOUS_CORE, compare
from synthetic import synthetic_world
from timing import (
    StepTiming,
    growth_exponent,
    profile_steps,
    scenario_rate,
    synthetic_timing,
)

from bopsim.model import RegionalModel

ROOT = Path(__file__).resolve().parents[1]
LEVANT = "levant_2014.toml"
SCENARIOS = ("abstract.toml", LEVANT)
EARLIER_CORES = ((PREVIOUS_CORE, "the core before the Levant v2 mechanisms"),
                 ("a6f122e", "the Levant v2 mechanisms before the speed-ups of issue 9"),
                 ("83a88e2", "before the second round of speed-ups: kept results, row-wise memos, fewer wrapper calls"),
                 ("a872c18", "before the third round of speed-ups: consequence records computed when read, boolean "
                  "products through their true entries"),
                 ("821882e", "before the fifth round of speed-ups, fewer repeated computations within a month; "
                  "the previous rule of fire"),
                 ("28457ec", "the previous rule of fire, where hostility only divides an actor's fire among its "
                  "enemies, and no state-based share of the losses"))
"""Revisions the core is timed against in section (f), with what each is."""
REGION_SWEEP = (40, 100, 250, 640, 1600, 2500)
"""Regions of the sweep at a fixed number of actors (ACTORS_FIXED)."""
ACTORS_FIXED = 20
ACTOR_SWEEP = (5, 10, 20, 50, 100, 200)
"""Actors of the sweep at a fixed number of regions (REGIONS_FIXED)."""
REGIONS_FIXED = 500
LARGE = (2500, 200)
MEDIUM = (70, 15)
AIM_STEPS_PER_SECOND = 1000.0
AIM_LARGE_MS = 50.0


def _row(t: StepTiming) -> str:
    return (f"| {t.label} | {t.regions:,} | {t.borders:,} | {t.actors} | {1000 * t.seconds_per_step:.2f} "
            f"| {t.steps_per_second:,.0f} | {t.steps_timed} |")


HEADER = ("| world | regions | borders | actors | ms/step | steps/s | steps timed |\n"
          "|---|---:|---:|---:|---:|---:|---:|")


def run(quick: bool) -> str:
    seconds = 0.3 if quick else 1.0
    started = time.perf_counter()
    lines = [
        "# Benchmarks of the simulation core",
        "",
        (f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, mesa {mesa.__version__}; load average {os.getloadavg()[0]:.1f} at the start; "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}. CPU time of the process (`time.process_time`) "
        "per `model.step()` including data collection (wall-clock in section (e), where BLAS threads are compared), "
        "model construction excluded, one warm-up month first. "
        f"Written by `benchmarks/run_all.py{' --quick' if quick else ''}` on {time.strftime('%Y-%m-%d %H:%M')}."),
        "",
        "## (a) Scenario files",
        "",
        HEADER,
    ]
    scenario_times = [scenario_rate(ROOT / "scenarios" / name, min_seconds=2 * seconds)
                      for name in SCENARIOS if (ROOT / "scenarios" / name).is_file()]
    medium = synthetic_timing(*MEDIUM, min_seconds=seconds)
    lines += [_row(t) for t in (*scenario_times, medium)]
    lines += ["", (f"Aim: >= {AIM_STEPS_PER_SECOND:,.0f} steps/s at about {MEDIUM[0]} regions x {MEDIUM[1]} actors: "
              f"{_verdict(medium.steps_per_second >= AIM_STEPS_PER_SECOND)} ({medium.steps_per_second:,.0f} steps/s on the "
              "synthetic world of that size"
              + "".join(f"; {t.steps_per_second:,.0f} steps/s on {t.label}" for t in scenario_times if t.label == LEVANT)
              + ").")]

    by_regions = [synthetic_timing(r, ACTORS_FIXED, min_seconds=seconds) for r in REGION_SWEEP]
    by_actors = [synthetic_timing(REGIONS_FIXED, a, min_seconds=seconds) for a in ACTOR_SWEEP]
    large = synthetic_timing(*LARGE, min_seconds=seconds)
    size = [t.regions + t.borders for t in by_regions]
    region_exponent = growth_exponent(size, [t.seconds_per_step for t in by_regions])
    actor_exponent = growth_exponent([t.actors for t in by_actors], [t.seconds_per_step for t in by_actors])
    lines += [
        "", "## (b) Synthetic worlds", "",
        f"Planar grids with some diagonals (benchmarks/synthetic.py). Regions sweep at {ACTORS_FIXED} actors:", "",
        HEADER, *(_row(t) for t in by_regions), "",
        f"Actors sweep at {REGIONS_FIXED} regions:", "", HEADER, *(_row(t) for t in by_actors), "",
        "Largest world:", "", HEADER, _row(large), "",
        "| growth of seconds per step (log-log least squares) | exponent |",
        "|---|---:|",
        f"| vs regions + borders ({REGION_SWEEP[0]}-{REGION_SWEEP[-1]} regions, {ACTORS_FIXED} actors) | {region_exponent:.2f} |",
        f"| vs actors ({ACTOR_SWEEP[0]}-{ACTOR_SWEEP[-1]} actors, {REGIONS_FIXED} regions) | {actor_exponent:.2f} |",
        "",
        (f"Aim: cost about linear in regions + borders (exponent near 1): {_verdict(region_exponent <= 1.2)}. "
        f"Aim: {LARGE[0]:,} regions x {LARGE[1]} actors under {AIM_LARGE_MS:.0f} ms/step: "
        f"{_verdict(1000 * large.seconds_per_step < AIM_LARGE_MS)} ({1000 * large.seconds_per_step:.1f} ms/step)."),
    ]

    profile = profile_steps(*LARGE, steps=3 if quick else 10)
    lines += ["", f"## (c) Profile of the {LARGE[0]:,} x {LARGE[1]} world (top 15 by own time)", "", "```", profile, "```"]

    lines += ["", "## (d) Vectorised attrition against a per-region Python loop", "",
              ("Same arrays (taken from a model after three months), same run; best of several calls. "
              "The loop is `benchmarks/attrition_reference.py`."), "",
              "| world | contested regions | loop ms | vectorised ms | ratio | same result |", "|---|---:|---:|---:|---:|---|"]
    for regions, actors in ((REGIONS_FIXED, 40), LARGE):
        model = RegionalModel(synthetic_world(regions, actors), rng=0)
        model.run_for(3)
        r = attrition_ratio(model, repeats=3 if quick else 7)
        lines.append(f"| {regions:,} x {actors} | {r['contested']} | {1000 * r['loop_s']:.2f} | "
                     f"{1000 * r['vectorised_s']:.3f} | {r['ratio']:,.0f} | {'yes' if r['agree'] else 'NO'} |")
    lines += ["", "## (e) BLAS threads", "",
              ("The same worlds timed in fresh processes with OpenBLAS left to its default (one thread per core) "
              "and pinned to one thread (OPENBLAS_NUM_THREADS=1, set before numpy loads)."), "",
              "| world | default ms/step | one thread ms/step | default / one thread |", "|---|---:|---:|---:|"]
    for regions, actors in (MEDIUM, (REGIONS_FIXED, 50), LARGE):
        default, single = (_time_in_process(regions, actors, threads, seconds) for threads in (None, "1"))
        lines.append(f"| {regions:,} x {actors} | {1000 * default:.2f} | {1000 * single:.2f} | {default / single:.1f} |")
    lines += ["", "## (f) Against earlier cores", "",
              ("Both cores timed in the same run, alternately in fresh processes, best of "
              f"{1 if quick else 5} rounds; CPU time (`time.process_time`) with BLAS on one thread; Levant: whole "
              "runs of seeds 1-3 with each core's own scenario file; synthetic worlds: each core's own generator "
              "at the same size; the two cores alternate world by world. The cores differ in their rules, so this "
              "compares cost, not results (benchmarks/compare_core.py). The host is shared with other jobs: CPU "
              "time rises with their load, and repeated runs of this section on a busy host gave ratios for the "
              "small worlds that differ by up to a factor of two; compare the ratios of several runs before "
              "reading anything into a small-world ratio.")]
    for revision, what in EARLIER_CORES:
        lines += ["", f"Against {revision} ({what}):", "", *compare(revision, rounds=1 if quick else 5)]
    lines += ["", f"Total benchmark time: {time.perf_counter() - started:.0f} s."]
    return "\n".join(lines) + "\n"


def _time_in_process(regions: int, actors: int, blas_threads: str | None, seconds: float) -> float:
    """Seconds per step of a synthetic world, timed in a fresh Python with the given BLAS thread count."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if blas_threads is not None:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = blas_threads
    code = ("import time; from timing import synthetic_timing; "
            f"print(synthetic_timing({regions}, {actors}, min_seconds={seconds}, clock=time.perf_counter).seconds_per_step)")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent, env=env,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings (a smoke run; numbers are noisier)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.md"), help="results file")
    args = parser.parse_args(argv)
    text = run(args.quick)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
