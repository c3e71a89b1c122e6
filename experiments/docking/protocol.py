"""The full docking protocol (`make docking`): run every docking experiment, then write the report.

    python -m bopsim.experiments.docking.protocol [--out results/docking] [--docs docs] [--only NAME ...]
        [--workers N] [--replications N] [--report-only]

Runs are resumable (each experiment is a `bopsim batch` result folder under --out); the
wall-clock time of each experiment's last invocation is kept in `--out`/timings.json; the
report's figure reruns the first replication of GeoSim's base setting with its stored seed to
get its individual war sizes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bopsim.experiments.batch.batch import run_batch
from bopsim.experiments.batch.config import load_experiment
from bopsim.experiments.docking.family import build
from bopsim.experiments.docking.report import write_report

CONFIGS = Path(__file__).resolve().parent.parent / "configs" / "docking"


def base_war_sizes(results: Path) -> np.ndarray | None:
    """War sizes of the first run of GeoSim's base setting, rerun from its stored seed (None if not run)."""
    manifest = results / "geosim_base" / "manifest.json"
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text())
    run = next(r for r in data["runs"] if r["status"] == "ok")
    experiment = load_experiment(CONFIGS / "geosim_base.toml")
    model = build("geosim", str(experiment.scenario_files[0]), (), run["seed"])
    model.run(data["steps"])
    return np.array(model.war_sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/docking"))
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    parser.add_argument("--only", nargs="*", default=None,
                        help="experiment file stems to run, in this order (default: all, alphabetically)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--replications", type=int, default=None,
                        help="replications per design point instead of the files' (a partial protocol; "
                             "a later run with the files' number adds the missing runs)")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    timings: dict[str, float] = {}
    if not args.report_only:
        names = args.only if args.only is not None else sorted(c.stem for c in CONFIGS.glob("*.toml"))
        for config in (CONFIGS / f"{name}.toml" for name in names):
            started = time.perf_counter()
            experiment = load_experiment(config, replications=args.replications)
            report = run_batch(experiment, args.out / config.stem, "process", workers=args.workers)
            timings[config.stem] = time.perf_counter() - started
            print(f"{config.stem}: {report.ran} runs in {timings[config.stem]:.0f} s ({report.failed} failed)")
    record = args.out / "timings.json"
    if record.is_file():
        timings = json.loads(record.read_text()) | timings
    args.out.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(timings, indent=1, sort_keys=True))
    path = write_report(args.out, args.docs, timings, base_war_sizes(args.out))
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
