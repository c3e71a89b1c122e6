"""CPU time per step of this simulation core against an earlier revision, measured in one run.

    .venv/bin/python benchmarks/compare_core.py [REVISION] [--rounds N]

The earlier revision's `model/`, `scenarios/` and `benchmarks/synthetic.py` are exported with
`git archive` to a temporary folder. Each round times both cores, one after the other, in fresh
Python processes (each core with its own scenario files and synthetic worlds, so the worlds have
the same size but each core's own rules and behaviour names); the two cores alternate world by
world, and the best of the rounds is kept.
Times are `time.process_time` (CPU time of the process, less sensitive to other jobs on the
machine than wall-clock) with BLAS pinned to one thread (the one-core aims). Model construction
is not timed. The two cores may differ in their rules: this compares cost, not results.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS_CORE = "23f3c40"
"""The core before the Levant v2 mechanisms (its benchmarks are in results.md of that revision)."""
WORLDS = {"levant_2014.toml": ("levant_2014.toml", None), "synthetic 70 x 15": ("synthetic", (70, 15)),
          "synthetic 2500 x 200": ("synthetic", (2500, 200))}
"""Worlds timed: a scenario file (whole runs of seeds 1-3) or a synthetic world's size."""


def use_core(root: Path) -> None:
    """Make `bopsim.model` the core under `root` (this checkout or an exported revision) in this process.

    Since the one `bopsim` package, an exported revision's `model/` is reached through a
    `bopsim/model` link next to it (`bopsim` has no __init__.py, so the folder first on sys.path
    wins); an earlier revision's top-level `model` package is imported and registered under
    `bopsim.model`, so the same imports serve both.
    """
    sys.path.insert(0, str(root))
    if "from bopsim.model." in (root / "model" / "__init__.py").read_text(encoding="utf-8"):
        if root.resolve() != ROOT:
            (root / "bopsim").mkdir(exist_ok=True)
            (root / "bopsim" / "model").unlink(missing_ok=True)
            (root / "bopsim" / "model").symlink_to(root / "model", target_is_directory=True)
        return
    importlib.import_module("model")
    sys.modules.update({"bopsim." + name: module for name, module in list(sys.modules.items())
                        if name.split(".")[0] == "model"})


def measure(root: Path, world: str) -> float:
    """Seconds of CPU per step of one world, for the core under `root` (run in a child process)."""
    use_core(root)
    sys.path.insert(0, str(root / "benchmarks"))
    from synthetic import synthetic_world

    from bopsim.model import RegionalModel
    from bopsim.model.scenario import load

    name, size = WORLDS[world]
    if size is None:
        spec = load(root / "scenarios" / name)
        return min(_whole_run(RegionalModel(spec, rng=seed)) for seed in (1, 2, 3))
    model = RegionalModel(synthetic_world(*size), rng=0)
    model.step()
    steps = 100 if size[0] < 500 else 5
    started = time.process_time()
    model.run_for(steps)
    return (time.process_time() - started) / steps


def _whole_run(model) -> float:
    started = time.process_time()
    model.run_for(model.horizon)
    return (time.process_time() - started) / model.horizon


def export(revision: str, into: Path) -> Path:
    """`model/`, `scenarios/` and `benchmarks/synthetic.py` of `revision`, unpacked under `into`."""
    archive = subprocess.run(["git", "archive", revision, "model", "scenarios", "benchmarks/synthetic.py"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _child(root: Path, world: str) -> float:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, __file__, "--measure", str(root), world], env=env, capture_output=True,
                          text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def compare(revision: str = PREVIOUS_CORE, rounds: int = 5) -> list[str]:
    """Markdown lines: per world, ms/step of both cores (best of `rounds`) and their ratio.

    The two cores alternate world by world, so that load from other jobs falls on both alike.
    """
    lines = [f"| world | core {revision} ms/step | this core ms/step | this core steps/s | earlier / this |",
             "|---|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        earlier = export(revision, Path(tmp))
        for world in WORLDS:
            now = before = float("inf")
            for _ in range(rounds):
                now = min(now, _child(ROOT, world))
                before = min(before, _child(earlier, world))
            lines.append(f"| {world} | {1000 * before:.2f} | {1000 * now:.2f} | {1 / now:,.0f} | {before / now:.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default=PREVIOUS_CORE, help="git revision of the earlier core")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of both cores; the best of each is kept")
    parser.add_argument("--measure", nargs=2, metavar=("ROOT", "WORLD"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(measure(Path(args.measure[0]), args.measure[1]))
        return 0
    print("\n".join(compare(args.revision, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
