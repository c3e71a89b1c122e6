"""CPU time of the classic model families at the sizes of the public implementations they are compared with.

    python benchmarks/classic.py [--out benchmarks/classic_results.md]

Measured as `REFERENCES.md` of the docking brief measures the public Python implementations:
CPU time (time.process_time) of whole runs at their default size, model construction included,
BLAS on one thread. Reference times (same kind of 2-core machine): a direct Python
transliteration of Tribute40, 0.12 s for 1,000 years; dmasad/WorldBuilding's TributeModel,
1.9 s; benhorvath/statesim with its config.yaml (500 turns), 4.2 s; GeoSim's aim is ≤ 5 ms a
step on the 50 × 50 world.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bopsim.model.classic.geosim import GeoSimModel  # noqa: E402
from bopsim.model.classic.realpolitik import RealpolitikModel, RealpolitikParameters  # noqa: E402
from bopsim.model.classic.tribute import TributeModel  # noqa: E402

STATESIM_DEFAULT = RealpolitikParameters(map="random_regular", growth="cauchy", statesim_defects=True,
                                         growth_mean=0.03, growth_scale=0.05, versailles=True)


def cpu_per_run(build, steps: int, runs: int) -> float:
    """Mean CPU seconds of `runs` runs of `steps` steps, construction included."""
    started = time.process_time()
    for seed in range(runs):
        build(seed).run(steps)
    return (time.process_time() - started) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("classic_results.md"))
    args = parser.parse_args()
    tribute = cpu_per_run(lambda s: TributeModel(rng=s), 1000, 20)
    realpolitik = cpu_per_run(lambda s: RealpolitikModel(STATESIM_DEFAULT, rng=s), 500, 20)
    book = cpu_per_run(lambda s: RealpolitikModel(rng=s), 500, 20)
    geosim_steps = GeoSimModel.default_steps
    geosim = cpu_per_run(lambda s: GeoSimModel(rng=s), geosim_steps, 1)
    rows = [
        ("tribute, 10 actors, 1,000 years", tribute, "0.12 s (Tribute40 transliteration); 1.9 s (WorldBuilding)",
         f"{1.9 / tribute:.0f}x faster than WorldBuilding; {0.12 / tribute:.2f}x the transliteration's speed"),
        ("realpolitik, statesim switches, config.yaml, 500 turns", realpolitik, "4.2 s (statesim)",
         f"{4.2 / realpolitik:.0f}x faster than statesim"),
        ("realpolitik, book setting, 500 turns", book, "—", ""),
        (f"geosim, 50 x 50, a whole run of {geosim_steps:,} steps", geosim, "aim ≤ 5 ms a step",
         f"{1000 * geosim / geosim_steps:.2f} ms a step"),
    ]
    lines = [
        "# Benchmarks of the classic model families", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}. CPU time "
        "(time.process_time) of whole runs, construction included, BLAS on one thread; written by "
        f"`benchmarks/classic.py` on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC (the host was shared "
        "with other jobs; CPU time is less affected by that than wall-clock).", "",
        "| model and size | CPU s a run | public implementation | comparison |", "|---|---:|---|---|",
        *[f"| {name} | {seconds:.3f} | {reference} | {comparison} |" for name, seconds, reference, comparison in rows],
        "", "GeoSim: one whole run (seed 0), the initial period included; the docking protocol's manifests "
        "give the wall-clock of every run (docs/docking_results.md, section Time).", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
