"""One simulation run: build the model, step it, write its tables and summary atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from model import RegionalModel, ScenarioSpec
from model.tables import summary, tables

OUTPUT_FILES = ("model.csv", "actors.csv", "regions.csv", "control.csv", "events.csv", "summary.json")


def simulate(spec: ScenarioSpec, seed: int, steps: int | None = None) -> RegionalModel:
    """Run `spec` for `steps` months (default: the scenario's length) from `seed`."""
    model = RegionalModel(spec, rng=seed, steps=steps)
    model.run_for(model.horizon)
    return model


def write_run(model: RegionalModel, out: Path, extra: dict | None = None) -> dict:
    """Write the run's CSV tables and summary.json into `out`, all or nothing.

    Files are written to a temporary folder beside `out` and moved in place at the end, so an
    interrupted or failed write leaves no partial output. Returns the summary.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = tables(model)
    result = summary(model, frames["actors"]) | (extra or {})
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
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


def _replace_dir(staging: Path, out: Path) -> None:
    """Move our files from `staging` into `out` (created if missing), replacing same-named files."""
    out.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        os.replace(item, out / item.name)
    staging.rmdir()
