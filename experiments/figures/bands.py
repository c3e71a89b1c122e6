"""Median and 90% bands over replications of actor time series from a batch store."""

from __future__ import annotations

import numpy as np
import pandas as pd

BAND = (0.05, 0.95)
"""Quantiles of the band: the central 90% of replications."""


def actor_series(actors: pd.DataFrame, actor: str, metric: str, absent: float | None = 0.0) -> pd.DataFrame:
    """One row per run x date: `value` of `metric` for `actor` (columns scenario, run_id, date, value).

    Months at which the actor is absent from a run (not yet entered, or gone) take `absent`
    (None leaves them out: for metrics undefined without the actor, like strategic depth).
    """
    grid = actors[["scenario", "run_id", "date"]].drop_duplicates()
    rows = actors.loc[actors["actor"] == actor, ["run_id", "date", metric]].rename(columns={metric: "value"})
    series = grid.merge(rows, on=["run_id", "date"], how="left")
    series = series.fillna({"value": absent}) if absent is not None else series.dropna(subset=["value"])
    return series[np.isfinite(series["value"].astype(float))].reset_index(drop=True)


def bands(series: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per `keys` (e.g. scenario, date): n, median, low and high (BAND quantiles) of `value`."""
    grouped = series.groupby(keys, sort=True)["value"]
    table = grouped.agg(n="size", median="median").reset_index()
    table["low"] = grouped.quantile(BAND[0]).to_numpy()
    table["high"] = grouped.quantile(BAND[1]).to_numpy()
    return table
