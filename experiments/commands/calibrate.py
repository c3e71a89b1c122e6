"""`bopsim calibrate`: ABC-SMC calibration of a scenario against its 2014-2016 patterns (resumable)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bopsim.experiments.batch.executors import EXECUTORS, default_workers
from bopsim.experiments.folders import whole_number
from bopsim.model.limits import MAX_STEPS

MAX_PARTICLES = 100_000
"""Most particles, generations or check runs the command accepts (each is held in memory)."""


def _count(high: int):
    """argparse type: a whole number from 1 to `high`."""
    return lambda text: whole_number(text, 1, high)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "calibrate", help="Bayesian calibration (ABC-SMC) of a scenario against its pattern catalogue",
        description="Run a calibration file (scenario, pattern catalogue, priors) with pyabc's ABC-SMC and "
                    "write the posterior (particles, weights, generations) next to the scenario. "
                    "Re-running the same command continues from the last stored generation.")
    parser.add_argument("config", type=Path, help="calibration file (TOML, see docs/calibration.md)")
    parser.add_argument("--executor", choices=EXECUTORS, default="process",
                        help="serial, a local process pool (default) or dask.distributed")
    parser.add_argument("--workers", type=_count(1024), default=None,
                        help=f"worker processes (default: all cores, here {default_workers()})")
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="address of a running dask scheduler, e.g. tcp://host:8786 (with --executor dask)")
    parser.add_argument("--out", type=Path, default=None,
                        help="posterior folder (default: <scenario stem>.posterior/ next to the scenario)")
    parser.add_argument("--population", type=_count(MAX_PARTICLES), default=None, help="override the file's particles per generation")
    parser.add_argument("--generations", type=_count(MAX_PARTICLES), default=None, help="override the file's generations")
    parser.add_argument("--steps", type=_count(MAX_STEPS), default=None, help="override the months per run")
    parser.add_argument("--check", type=_count(MAX_PARTICLES), default=None, metavar="N",
                        help="then run N parameter sets drawn from the posterior and print each pattern's 90%% band "
                             "(posterior-predictive check; written to check.csv)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=calibrate_command)


def calibrate_command(args: argparse.Namespace) -> int:
    from bopsim.experiments.calibrate.config import load_calibration
    from bopsim.experiments.calibrate.figure import posterior_figure
    from bopsim.experiments.calibrate.run import calibrate, posterior, summary_table
    from bopsim.model.errors import UsageError

    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler: needs --executor dask")
    calibration = load_calibration(args.config, args.population, args.generations, args.steps)
    report = calibrate(calibration, args.out, args.executor, args.workers, args.scheduler, progress=not args.no_progress)
    values, weights = posterior(report.out)
    print(f"{calibration.spec.name}: {report.generations} generations stored ({report.ran} run now, "
          f"{report.seconds:.1f} s); posterior in {report.out}/")
    print(summary_table(values, weights).to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    drawn = posterior_figure(values, weights, calibration.spec.prior, report.out)
    print(f"marginals and pairs: {', '.join(str(p) for p in drawn)}")
    if args.check:
        _check(calibration, report.out, values, weights, args)
    return 0


def _check(calibration, out: Path, values, weights, args: argparse.Namespace) -> None:
    """Run the posterior-predictive check (and forecast, if the file has one), write check.csv (and
    forecast.csv) and print the share of patterns inside their band (and the forecast table)."""
    from bopsim.experiments.calibrate.check import band_table, check_runs
    from bopsim.experiments.calibrate.distance import Scales
    from bopsim.experiments.calibrate.forecast import forecast_table
    from bopsim.experiments.calibrate.run import catalogue_at, mapper

    with mapper(args.executor, args.workers, args.scheduler) as map_:
        runs = check_runs(calibration, values, weights, args.check, map_)
    table = band_table(runs, Scales.of(catalogue_at(str(calibration.patterns_file))))
    table.to_csv(out / "check.csv", index=False, float_format="%.6g", lineterminator="\n")
    print(f"posterior-predictive check, {args.check} runs: {int(table['inside'].sum())} of {len(table)} patterns' "
          f"observations inside the 90% band; per pattern in {out}/check.csv")
    if calibration.spec.forecast:
        forecast = forecast_table(runs, calibration.spec.forecast)
        forecast.to_csv(out / "forecast.csv", index=False, float_format="%.6g", lineterminator="\n")
        print(f"FORECAST beyond the data (no observation after the catalogue's last month is used), "
              f"{args.check} runs, median [5%, 95%]; in {out}/forecast.csv")
        print(forecast.drop(columns="quantity").to_string(index=False, float_format=_plain_number))


def _plain_number(x: float) -> str:
    """Counts with thousands separators, shares with three significant digits: 59,100; 0.118."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
