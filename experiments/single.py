"""One simulation run: build the model, step it, write its tables and summary atomically."""

from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from experiments.folders import writing
from model import RegionalModel, ScenarioSpec
from model.errors import UsageError
from model.tables import summary, tables

OUTPUT_FILES = ("model.csv", "actors.csv", "regions.csv", "control.csv", "events.csv", "summary.json")


def simulate(spec: ScenarioSpec, seed: int, steps: int | None = None) -> RegionalModel:
    """Run `spec` for `steps` months (default: the scenario's length) from `seed`."""
    model = RegionalModel(spec, rng=seed, steps=steps)
    model.run_for(model.horizon)
    return model


def write_run(model: RegionalModel, out: Path, extra: dict | None = None) -> dict:
    """Write the run's CSV tables and summary.json into the folder `out`, all or nothing.

    The tables are written to a hidden folder beside `out`, which then takes the place of `out`
    by renames, so `out` always holds one whole run, never a mix of two. An existing `out` is
    replaced only if it holds nothing but a run's files (UsageError otherwise); hidden folders
    an interrupted run left beside it are removed first. Returns the summary.
    """
    out = Path(out)
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    frames = tables(model)
    result = summary(model, frames["actors"]) | (extra or {})
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.run-", dir=out.parent))
    try:
        staging.chmod(0o777 & ~_umask())
        with writing(out):
            for stem, frame in frames.items():
                _write_csv(frame, staging / f"{stem}.csv")
            (staging / "summary.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            _replace_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with a fixed float format so that identical runs give identical bytes."""
    frame.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


def _check_replaceable(out: Path) -> None:
    if out.is_dir() and any(item.name not in OUTPUT_FILES for item in out.iterdir()):
        raise UsageError(f"{out}: exists and holds other files than a run's tables; give another --out")


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_leftovers(out: Path) -> None:
    """Hidden staging and old folders of `out` that an interrupted run left beside it."""
    for leftover in out.parent.glob(f".{glob.escape(out.name)}.run-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _replace_dir(staging: Path, out: Path) -> None:
    """Put `staging` in the place of `out`: renames only, the old run removed after the swap."""
    if not out.exists():
        os.rename(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.run-old-", dir=out.parent))
    os.rename(out, old / "run")
    os.rename(staging, out)
    shutil.rmtree(old)
