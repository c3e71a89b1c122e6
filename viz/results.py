"""The results view's data: the batch result folders under one root, compared and summarised.

The dashboard is started for one results folder (`bopsim dashboard --results DIR`); the view
lists the batch folders under it (those holding the store's `outcomes.parquet`, see
experiments/batch/store.py) and opens only those. A typed name is resolved under the root and
refused if it leaves it (an absolute path, `..`, a symbolic link pointing out) or cannot be a
folder name; messages name the folder as typed, relative to the root, never a server path.

Statistics are those of `bopsim compare` (`experiments.batch.compare.compare`: bootstrap
intervals, differences from the baseline, censored shares); trajectory bands those of the
paper figures (`experiments.figures.bands`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd
import pyarrow

from experiments.batch.compare import compare, degenerate
from experiments.figures.bands import actor_series, bands

OUTCOMES = "outcomes.parquet"
SERIES = "actors.parquet"
SERIES_METRICS = ("power_share", "territory_km2", "strategic_depth")
"""Per-actor series the view can band (columns of the store's actors.parquet)."""
MAX_COMPONENT = 255
"""Longest folder name (bytes) accepted, the limit of common file systems."""
MAX_DEPTH = 3
"""How deep under the root batch folders are looked for."""
SKIPPED = frozenset({"runs", "failed", ".staging"})
"""Folders inside a batch store that are not batches themselves."""
NOT_FOUND = "not a batch result folder under the results folder"


class ResultsError(ValueError):
    """A result folder that cannot be opened (one line, no server path)."""


def result_folders(root: Path) -> list[str]:
    """Names (relative to `root`, '/'-separated; '.' for the root) of the batch folders under it."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder, subfolders, files in os.walk(root):  # symbolic links to folders are not followed
        relative = Path(folder).relative_to(root)
        if OUTCOMES in files:
            found.append(relative.as_posix())
        subfolders[:] = [] if len(relative.parts) >= MAX_DEPTH else sorted(
            s for s in subfolders if s not in SKIPPED and not s.startswith("."))
    return sorted(found)


def confine(root: Path, name: str) -> Path:
    """The folder `name` under `root`; ResultsError if it is not a folder inside `root`."""
    shown = name if len(name) <= 60 else name[:57] + "..."
    parts = PurePath(name).parts
    if ("\0" in name or PurePath(name).is_absolute() or name.startswith("~") or ".." in parts
            or any(len(p.encode("utf-8", "surrogatepass")) > MAX_COMPONENT for p in parts)):
        raise ResultsError(f"{shown!r}: {NOT_FOUND}")
    try:
        base = Path(root).resolve()
        path = (base / name).resolve()
        inside = path.is_relative_to(base) and path.is_dir()
    except (OSError, ValueError):
        inside = False
    if not inside:
        raise ResultsError(f"{shown!r}: {NOT_FOUND}")
    return path


@dataclass(frozen=True)
class Batch:
    """One batch result folder: its long outcome table, baseline, varied factors and series file."""

    name: str
    outcomes: pd.DataFrame
    baseline: str
    factors: list[str]
    series: Path | None
    seed: int

    @property
    def outcome_names(self) -> list[str]:
        return list(dict.fromkeys(self.outcomes["outcome"]))

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.outcomes["scenario"]))

    @property
    def runs(self) -> int:
        return int(self.outcomes["run_id"].nunique()) if "run_id" in self.outcomes else 0


def open_batch(root: Path, name: str) -> Batch:
    """Read the batch folder `name` under `root`; ResultsError with one line if it cannot be used."""
    folder = confine(root, name)
    table = folder / OUTCOMES
    try:
        outcomes = pd.read_parquet(table)
    except (OSError, pyarrow.ArrowException, ValueError):
        raise ResultsError(f"{name}: {OUTCOMES} is missing or cannot be read (has a run of the batch finished?)") from None
    missing = {"scenario", "outcome", "value", "censored"} - set(outcomes.columns)
    if missing or outcomes.empty:
        raise ResultsError(f"{name}: {OUTCOMES} is not a batch outcome table (no {', '.join(sorted(missing)) or 'rows'})")
    manifest = _manifest(folder)
    scenarios = list(dict.fromkeys(outcomes["scenario"]))
    baseline = manifest.get("baseline") if manifest.get("baseline") in scenarios else scenarios[0]
    factors = [f["path"] for f in manifest.get("factors", []) if "value" not in f and f.get("path") in outcomes]
    series = folder / SERIES
    seed = manifest.get("root_seed")
    return Batch(name, outcomes, baseline, factors, series if series.is_file() else None,
                 seed if isinstance(seed, int) else 0)


def _manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def comparison(batch: Batch, outcome: str, resamples: int = 2000) -> pd.DataFrame:
    """`bopsim compare`'s rows for one outcome, with a `label` column (scenario and factor values)."""
    rows = batch.outcomes[batch.outcomes["outcome"] == outcome]
    table = compare(rows, batch.baseline, batch.factors, seed=batch.seed, resamples=resamples)
    label = table["scenario"].astype(str)
    for factor in batch.factors:
        label = label + f" {factor}=" + table[factor].astype(str)
    return table.assign(label=label)


def degenerate_note(batch: Batch, outcome: str) -> str | None:
    """Why `outcome` cannot be compared (censored in every run, or one value in every run), or None."""
    return degenerate(batch.outcomes[batch.outcomes["outcome"] == outcome]).get(outcome)


def actors_in_series(batch: Batch) -> list[str]:
    """Actor ids of the stored per-actor series, in the order they first appear."""
    if batch.series is None:
        return []
    return list(dict.fromkeys(pd.read_parquet(batch.series, columns=["actor"])["actor"]))


def trajectory_bands(batch: Batch, actor: str, metric: str) -> pd.DataFrame:
    """scenario, date, n, median, low, high: the central 90% of runs of `metric` for `actor`, per month."""
    if batch.series is None or metric not in SERIES_METRICS:
        return pd.DataFrame(columns=["scenario", "date", "n", "median", "low", "high"])
    actors = pd.read_parquet(batch.series, columns=["scenario", "run_id", "date", "actor", metric])
    series = actor_series(actors, actor, metric, absent=None if metric == "strategic_depth" else 0.0)
    return bands(series, ["scenario", "date"])
