"""`bopsim run` (one simulation, tables and summary) and `bopsim validate` (check a file)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from experiments.folders import check_output, default_output, seed, whole_number
from experiments.single import OUTPUT_FILES, simulate, write_run
from experiments.summary_table import format_summary
from model.limits import MAX_STEPS
from model.scenario import load


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run one scenario and write its tables",
                         description="Run one scenario; write " + ", ".join(OUTPUT_FILES) + " and print a summary.")
    run.add_argument("scenario", type=Path, help="scenario file (TOML)")
    run.add_argument("--steps", type=lambda text: whole_number(text, 0, MAX_STEPS), default=None,
                     help=f"months to simulate, 0 to {MAX_STEPS:,} (default: the scenario's)")
    run.add_argument("--seed", type=seed, default=1, help="random seed, 0 to 2**63 - 1 (default 1)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: out/<scenario name>)")
    run.set_defaults(func=run_command)

    validate = sub.add_parser("validate", help="check a scenario file", description="Check a scenario file and exit.")
    validate.add_argument("scenario", type=Path, help="scenario file (TOML)")
    validate.set_defaults(func=validate_command)


def run_command(args: argparse.Namespace) -> int:
    check_output(args.out)
    spec = load(args.scenario)
    out = args.out or default_output("out", spec.name, args.scenario)
    started = time.perf_counter()
    model = simulate(spec, seed=args.seed, steps=args.steps)
    elapsed = time.perf_counter() - started
    result = write_run(model, out, extra={"seed": args.seed, "scenario_file": args.scenario.as_posix()})
    print(format_summary(result))
    print(f"\n{model.steps} months in {elapsed:.2f} s ({model.steps / max(elapsed, 1e-9):,.0f} steps/s); tables in {out}/")
    return 0


def validate_command(args: argparse.Namespace) -> int:
    spec = load(args.scenario)
    print(f"{args.scenario}: ok ({len(spec.region)} regions, {len(spec.border)} borders, "
          f"{len(spec.actor)} actors, {len(spec.event)} events, {spec.steps} months from {spec.start})")
    return 0
