"""python -m bopsim.experiments.patterns SCENARIO [--seeds 1-10] [--steps 36] [--catalogue FILE]

Prints the pattern fit table of SCENARIO: each pattern's accepted range, the median and the
10%-90% range of its simulated value over the seeds, and pass or FAIL. Exit 0 when it printed
(whether patterns pass or not), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_seeds(text: str) -> list[int]:
    """'1-10' -> [1..10]; '3,5,8' -> [3, 5, 8]; '4' -> [4]. ValueError for anything else."""
    seeds: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"--seeds: {text!r} is not a list of seeds like 1-10 or 1,4,7")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"--seeds: range {part!r} ends before it starts")
        seeds.extend(range(low, high + 1))
    return seeds


def check_steps(steps: int, least: int = 1) -> int:
    """`steps` if it is from `least` to `limits.MAX_STEPS` months (docs/limits.md), else a UsageError
    naming --steps."""
    from bopsim.model.errors import UsageError
    from bopsim.model.limits import MAX_STEPS

    if not least <= steps <= MAX_STEPS:
        raise UsageError(f"--steps: must be from {least} to {MAX_STEPS} months, got {steps}")
    return steps


def main(argv: list[str] | None = None) -> int:
    from bopsim.model.errors import UsageError
    from bopsim.experiments.patterns.catalogue import CATALOGUE_FILE, load_catalogue
    from bopsim.experiments.patterns.fit import default_steps, format_fit, pattern_fit
    from bopsim.model.scenario import ScenarioError, load

    parser = argparse.ArgumentParser(prog="python -m bopsim.experiments.patterns",
                                     description="Fit of a Levant scenario to the 2014-2016 patterns (median over seeds).")
    parser.add_argument("scenario", type=Path, help="scenario file (TOML)")
    parser.add_argument("--seeds", default="1-10", help="seeds, e.g. 1-10 or 1,4,7 (default 1-10)")
    parser.add_argument("--steps", type=int, default=None, help="months to simulate (default: to the end of 2016)")
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE_FILE, help="pattern file (default scenarios/levant_patterns.toml)")
    args = parser.parse_args(argv)
    try:
        seeds = parse_seeds(args.seeds)
        spec = load(args.scenario)
        steps = default_steps(spec) if args.steps is None else check_steps(args.steps)
        table = pattern_fit(spec, seeds, steps, load_catalogue(args.catalogue))
    except (ScenarioError, UsageError, ValueError) as exc:
        print(f"patterns: error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.scenario}: {len(seeds)} seeds ({args.seeds}), {steps} months from {spec.start}")
    print(format_fit(table))
    return 0


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
