"""The results view's data: a batch result folder's outcome table and two variants compared.

A batch folder (written by `bopsim batch`, see experiments/batch/store.py) holds Parquet
tables. The outcome table is the first that exists of `OUTCOME_TABLES` (a file, or a folder of
Parquet parts); failing those, any top-level Parquet file with a variant column. The store's
table is long (run keys, varied factors, `outcome`, `value`, `censored`): it is turned into one
row per run and one column per outcome, with the variant named by the scenario label and, if
the experiment varies factors, their values. A wide table (one row per run) is used as it is:
its variant column is the first of `VARIANT_COLUMNS` present, outcomes its numeric columns.
Time-to-event outcomes keep their censored values (the run's horizon), as `bopsim compare`
does for its restricted means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

OUTCOME_TABLES = ("outcomes.parquet", "outcomes", "summary.parquet")
VARIANT_COLUMNS = ("variant", "scenario", "condition", "design_point")
NOT_OUTCOMES = frozenset({"seed", "replicate", "replication", "run", "run_id", "sample", "step", "point"})
"""Numeric columns that identify a run rather than measure its outcome."""
LONG_COLUMNS = frozenset({"outcome", "value", "censored"})
"""Columns of the store's long outcome table that are not run keys or factors."""


@dataclass(frozen=True)
class Outcomes:
    """One batch's outcome table with the names of its variant and outcome columns."""

    path: Path
    frame: pd.DataFrame
    variant_column: str
    outcome_columns: list[str]

    @property
    def variants(self) -> list[str]:
        """Variant labels in the order of the table (the experiment's baseline usually first)."""
        return list(dict.fromkeys(self.frame[self.variant_column].astype(str)))

    def values(self, variant: str, column: str) -> np.ndarray:
        """Finite values of `column` over the runs of `variant`."""
        rows = self.frame[self.frame[self.variant_column].astype(str) == variant]
        values = pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype=float)
        return values[np.isfinite(values)]


def load_outcomes(folder: str | Path) -> Outcomes:
    """Read a batch result folder's outcome table; ValueError with one line if there is none."""
    folder = Path(str(folder).strip()).expanduser()
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    for candidate in [folder / name for name in OUTCOME_TABLES] + sorted(folder.glob("*.parquet")):
        if not candidate.exists():
            continue
        frame = _read(candidate)
        if {"outcome", "value", "scenario"} <= set(frame.columns):
            frame = _wide(frame)
        variant = next((c for c in VARIANT_COLUMNS if c in frame.columns), None)
        if variant is None:
            continue
        outcomes = [c for c in frame.columns
                    if c != variant and c not in NOT_OUTCOMES and pd.api.types.is_numeric_dtype(frame[c])
                    and not pd.api.types.is_bool_dtype(frame[c])]
        if outcomes:
            return Outcomes(candidate, frame, variant, outcomes)
    raise ValueError(f"{folder}: no outcome table (looked for {', '.join(OUTCOME_TABLES)} or a *.parquet "
                     f"with a column {' / '.join(VARIANT_COLUMNS)} and numeric outcomes)")


def _wide(long: pd.DataFrame) -> pd.DataFrame:
    """One row per run from the store's long table, with a `variant` label column first."""
    factors = [c for c in long.columns if c not in LONG_COLUMNS and c not in NOT_OUTCOMES and c != "scenario"]
    keys = [c for c in long.columns if c not in LONG_COLUMNS]
    wide = long.pivot_table(index=keys, columns="outcome", values="value", aggfunc="first", sort=False)
    wide = wide.reset_index()
    wide.columns.name = None
    label = wide["scenario"].astype(str)
    for factor in factors:
        label = label + f" {factor}=" + wide[factor].astype(str)
    wide.insert(0, "variant", label)
    return wide[["variant", *keys, *[c for c in dict.fromkeys(long["outcome"]) if c in wide.columns]]]


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, pyarrow.ArrowException) as exc:
        raise ValueError(f"{path}: cannot read as Parquet: {exc}") from None


@dataclass(frozen=True)
class Difference:
    """Difference of means (second - first) with a 95% interval (NaN when either has < 2 runs)."""

    mean: float
    low: float
    high: float


def distribution(outcomes: Outcomes, column: str, variants: list[str]) -> pd.DataFrame:
    """Per-variant summary of `column`: runs, mean, sd, 5th percentile, median, 95th percentile."""
    rows = []
    for variant in variants:
        v = outcomes.values(variant, column)
        rows.append({"variant": variant, "runs": v.size, "mean": _stat(np.mean, v), "sd": _stat(np.std, v, ddof=1),
                     "p5": _stat(np.percentile, v, 5), "median": _stat(np.median, v), "p95": _stat(np.percentile, v, 95)})
    return pd.DataFrame(rows)


def difference(outcomes: Outcomes, column: str, first: str, second: str) -> Difference:
    """Mean of `second` minus mean of `first`, ± 1.96 standard errors (Welch's unpooled variance).

    A normal approximation, fair for the tens to hundreds of replications of a batch.
    """
    a, b = outcomes.values(first, column), outcomes.values(second, column)
    diff = _stat(np.mean, b) - _stat(np.mean, a)
    se = float(np.sqrt(_stat(np.var, a, ddof=1) / a.size + _stat(np.var, b, ddof=1) / b.size)) if min(a.size, b.size) > 1 else np.nan
    return Difference(diff, diff - 1.96 * se, diff + 1.96 * se)


def _stat(func, values: np.ndarray, *args, **kwargs) -> float:
    """func(values) or NaN when there are too few values."""
    needed = 1 + kwargs.get("ddof", 0)
    return float(func(values, *args, **kwargs)) if values.size >= needed else float("nan")
