"""`bopsim sensitivity`: Sobol or Morris indices of outcomes of a batch with a sampling design."""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path

from experiments.folders import seed


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sensitivity", help="Sobol or Morris sensitivity indices of a batch's outcomes",
        description="Sobol (S1, ST) or Morris (mu*, sigma) indices, per scenario, of the chosen outcomes "
                    "with respect to the experiment's varied factors (needs a sobol or morris design).")
    parser.add_argument("results", type=Path, help="result folder written by `bopsim batch`")
    parser.add_argument("--outcome", action="append", required=True, metavar="PATTERN",
                        help="outcomes to analyse, shell-style pattern such as 'isis.territory_km2.final' (repeatable)")
    parser.add_argument("--format", choices=("table", "csv"), default="table", help="output format (default: table)")
    parser.add_argument("--seed", type=seed, default=0, help="seed of SALib's bootstrap intervals, 0 to 2**63 - 1 (default 0)")
    parser.set_defaults(func=sensitivity_command)


def sensitivity_command(args: argparse.Namespace) -> int:
    from experiments.batch.sensitivity import format_indices, indices
    from experiments.batch.store import ResultStore
    from model.errors import UsageError

    store = ResultStore.existing(args.results)
    outcomes = store.table("outcomes")
    known = list(dict.fromkeys(outcomes["outcome"]))
    names = [n for n in known if any(fnmatch.fnmatchcase(n, p) for p in args.outcome)]
    if not names:
        raise UsageError(f"--outcome: no outcome matches {', '.join(args.outcome)} (e.g. {', '.join(known[:4])})")
    table = indices(store.table("design"), store.manifest(), outcomes, names, seed=args.seed)
    sys.stdout.write(table.to_csv(index=False, float_format="%.10g") if args.format == "csv" else format_indices(table))
    return 0
