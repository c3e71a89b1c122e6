"""Instructions per month of this core against an earlier revision, counted by Valgrind's callgrind.

    .venv/bin/python benchmarks/instructions.py [REVISION]

On a shared host the CPU time of the same run varies by 10-30 % from one run to the next
(other jobs, caches), more than the gain of most single changes. The number of instructions a
run executes does not depend on the load: repeated counts agree to about 0.02 %. Each core
(the earlier one exported with `git archive`, as in compare_core.py) runs seeds 1-3 of the
Levant scenario whole, in a fresh process under callgrind with instrumentation switched on
only while the months are stepped: imports and model construction are not counted.

Instructions are not time (a cache miss costs more than an addition), but a Levant month is
made of several hundred small NumPy calls whose cost is their call overhead, and there the two
move together. Takes about two minutes per core; needs `valgrind` and `callgrind_control`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from compare_core import export, use_core

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (1, 2, 3)
SCENARIO = "levant_2014.toml"


def step_all(root: Path) -> None:
    """Build the models, switch callgrind's instrumentation on, run them whole, switch it off (in the child)."""
    use_core(root)
    from bopsim.model import RegionalModel
    from bopsim.model.scenario import load

    spec = load(root / "scenarios" / SCENARIO)
    models = [RegionalModel(spec, rng=seed) for seed in SEEDS]
    _instrument("on")
    for model in models:
        model.run_for(model.horizon)
    _instrument("off")
    print(sum(model.horizon for model in models))


def _instrument(state: str) -> None:
    subprocess.run(["callgrind_control", "--instr=" + state, str(os.getpid())], check=True, capture_output=True)


def count(root: Path) -> float:
    """Instructions per month of the core under `root`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
               "PYTHONPATH": str(root)}
        done = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                               sys.executable, __file__, "--step", str(root)], env=env, capture_output=True, text=True,
                              check=True)
        months = int(done.stdout.strip().splitlines()[-1])
        totals = next(line for line in out.read_text().splitlines() if line.startswith("totals:"))
    return int(totals.split()[1]) / months


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default="HEAD", help="git revision of the earlier core")
    parser.add_argument("--step", metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step is not None:
        step_all(Path(args.step))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        before = count(export(args.revision, Path(tmp)))
    now = count(ROOT)
    print(f"{SCENARIO}, seeds {SEEDS[0]}-{SEEDS[-1]} whole: core {args.revision} {before / 1e6:.3f} M instructions/month, "
          f"this core {now / 1e6:.3f} M, earlier / this {before / now:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
