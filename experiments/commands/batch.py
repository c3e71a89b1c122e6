"""`bopsim batch`: run an experiment file into a resumable result folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bopsim.experiments.batch.executors import EXECUTORS, default_workers
from bopsim.experiments.folders import check_output, default_output, whole_number
from bopsim.model.limits import MAX_REPLICATIONS, MAX_STEPS


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "batch", help="run an experiment (scenarios x design x replications)",
        description="Run an experiment file into a result folder of Parquet tables and a manifest. "
                    "Re-running the same command skips finished runs (an interrupted batch resumes).")
    parser.add_argument("config", type=Path, help="experiment file (TOML, see experiments/README.md)")
    parser.add_argument("--executor", choices=EXECUTORS, default="process",
                        help="serial, a local process pool (default) or dask.distributed")
    parser.add_argument("--workers", type=lambda text: whole_number(text, 1, 1024), default=None,
                        help=f"worker processes (default: all cores, here {default_workers()})")
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="address of a running dask scheduler, e.g. tcp://host:8786 (with --executor dask)")
    parser.add_argument("--out", type=Path, default=None, help="result folder (default: results/<experiment name>)")
    parser.add_argument("--replications", type=lambda text: whole_number(text, 1, MAX_REPLICATIONS), default=None,
                        help="override the file's replications")
    parser.add_argument("--steps", type=lambda text: whole_number(text, 1, MAX_STEPS), default=None,
                        help="override the months per run")
    parser.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--fingerprint", action="store_true",
                        help="print the experiment's hash (what its result folder is made for) and run nothing")
    parser.set_defaults(func=batch_command)


def batch_command(args: argparse.Namespace) -> int:
    from bopsim.experiments.batch.batch import run_batch
    from bopsim.experiments.batch.config import load_experiment

    check_output(args.out)
    experiment = load_experiment(args.config, replications=args.replications, steps=args.steps)
    if args.fingerprint:
        print(experiment.fingerprint())
        return 0
    out = args.out or default_output("results", experiment.spec.name, args.config)
    report = run_batch(experiment, out, args.executor, args.workers, args.scheduler,
                       retry_failed=args.retry_failed, progress=not args.no_progress)
    if report.code_changed:
        print(f"bopsim: warning: {out} holds runs made with another code version (see code_version in "
              "manifest.json); the runs of this batch may not be comparable with them", file=sys.stderr)
    print(f"{experiment.spec.name}: {report.planned} runs planned, {report.skipped} already done, "
          f"{report.ran} run now in {report.seconds:.1f} s ({report.failed} failed); results in {report.out}/")
    if report.failed:
        print(f"failed runs are listed in {report.out}/manifest.json and {report.out}/failed/; "
              "rerun with --retry-failed to try them again")
    return 0
