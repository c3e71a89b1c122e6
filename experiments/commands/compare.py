"""`bopsim compare`: outcomes per scenario/variant with bootstrap intervals and effect sizes."""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path

from bopsim.experiments.batch.report import FORMATS
from bopsim.experiments.folders import seed


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare", help="compare outcomes across scenarios/variants of a batch",
        description="For each outcome and scenario/variant: mean, median, 95%% bootstrap interval, and the "
                    "difference from the baseline with its interval and Cohen's d. Outcomes censored in every run, or "
                    "with one value in every run, are left out and named under the table.")
    parser.add_argument("results", type=Path, help="result folder written by `bopsim batch`")
    parser.add_argument("--baseline", default=None, metavar="VARIANT",
                        help="scenario label to compare against (default: the experiment's baseline, else the first)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--outcome", action="append", default=None, metavar="PATTERN",
                        help="outcomes to show, shell-style pattern such as 'iran.*.final' (repeatable; default: all)")
    parser.add_argument("--bootstrap", type=int, default=2000, metavar="B", help="bootstrap resamples (default 2000)")
    parser.add_argument("--seed", type=seed, default=0, help="seed of the bootstrap generator, 0 to 2**63 - 1 (default 0)")
    parser.add_argument("--output", type=Path, default=None, help="also write the table to this file")
    parser.set_defaults(func=compare_command)


def compare_command(args: argparse.Namespace) -> int:
    from bopsim.experiments.batch.compare import compare, degenerate
    from bopsim.experiments.batch.report import format_comparison
    from bopsim.experiments.batch.store import ResultStore
    from bopsim.model.errors import UsageError

    store = ResultStore.existing(args.results)
    manifest = store.manifest()
    outcomes = store.table("outcomes")
    labels = list(dict.fromkeys(outcomes["scenario"]))
    baseline = args.baseline or manifest.get("baseline") or labels[0]
    if baseline not in labels:
        raise UsageError(f"--baseline: {baseline!r} is not a scenario in {args.results} (scenarios: {', '.join(labels)})")
    if args.bootstrap < 100:
        raise UsageError(f"--bootstrap: needs at least 100 resamples, got {args.bootstrap}")
    if args.outcome:
        names = outcomes["outcome"].unique()
        chosen = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in args.outcome)]
        if not chosen:
            raise UsageError(f"--outcome: no outcome matches {', '.join(args.outcome)} (e.g. {', '.join(names[:4])})")
        outcomes = outcomes[outcomes["outcome"].isin(chosen)]
    factors = [f["path"] for f in manifest.get("factors", []) if "value" not in f]
    left_out = degenerate(outcomes)
    outcomes = outcomes[~outcomes["outcome"].isin(left_out)]
    table = compare(outcomes, baseline, factors, seed=args.seed, resamples=args.bootstrap)
    text = format_comparison(table, args.format, baseline, left_out)
    if args.format != "csv" and manifest.get("design", {}).get("kind") == "posterior":
        text = _posterior_sample(manifest) + text
    sys.stdout.write(text)
    if args.format == "csv":
        for outcome, reason in left_out.items():
            print(f"bopsim compare: left out {outcome}: {reason}", file=sys.stderr)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 0


def _posterior_sample(manifest: dict) -> str:
    """The line above a posterior design's table: how many posterior draws and replications."""
    draws, replications = manifest["design"]["samples"], manifest["replications"]
    return (f"over the posterior: {draws} parameter sets drawn from {manifest['design']['posterior']} x "
            f"{replications} replications = {draws * replications} runs per variant, the same draws and seeds in "
            f"every variant; intervals carry parameter and seed uncertainty, P(sign) pairs runs by draw and seed\n")
