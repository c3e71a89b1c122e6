"""Figure 3: Iran's power share and strategic depth over time, per variant (median and 90% band)."""

from __future__ import annotations

import pandas as pd

from experiments.figures.bands import actor_series, bands
from experiments.figures.style import TWO_COLUMN, new_figure
from model.palette import VARIANT_COLOURS

ACTOR = "iran"
METRICS = {"power_share": "power share", "strategic_depth": "strategic depth (share of approaches)"}
"""Metric and its axis label (power share: of the capability present in the region, 0-1)."""
ABSENT = {"power_share": 0.0, "strategic_depth": None}
"""Power share counts 0 when Iran is absent; depth is undefined then and left out."""


def variant_colours(labels: list[str]) -> dict[str, str]:
    """Black for the first (historical) configuration, Okabe-Ito colours for the variants."""
    return {label: VARIANT_COLOURS[i % len(VARIANT_COLOURS)] for i, label in enumerate(labels)}


def data(store) -> pd.DataFrame:
    """metric, scenario, date, n, median, low, high (scenarios in experiment order)."""
    actors = pd.read_parquet(store.root / "actors.parquet")
    order = list(store.manifest()["scenarios"])
    parts = [bands(actor_series(actors, ACTOR, metric, ABSENT[metric]), ["scenario", "date"]).assign(metric=metric)
             for metric in METRICS]
    table = pd.concat(parts, ignore_index=True)
    table["_order"] = table["scenario"].map({s: i for i, s in enumerate(order)})
    table = table.sort_values(["metric", "_order", "date"]).drop(columns="_order")
    return table[["metric", "scenario", "date", "n", "median", "low", "high"]].reset_index(drop=True)


def draw(table: pd.DataFrame):
    """Two panels (power share, depth), a line and band per variant."""
    figure, axes = new_figure(TWO_COLUMN, 2.6, ncols=2)
    colours = variant_colours(list(dict.fromkeys(table["scenario"])))
    for ax, (metric, label) in zip(axes, METRICS.items()):
        for scenario, rows in table[table["metric"] == metric].groupby("scenario", sort=False):
            x = pd.to_datetime(rows["date"])
            ax.fill_between(x, rows["low"], rows["high"], color=colours[scenario], alpha=0.12, linewidth=0)
            ax.plot(x, rows["median"], color=colours[scenario], label=scenario.replace("_", " "))
        ax.set_ylabel(f"Iran: {label}")
        ax.set_xlabel("month")
    axes[0].legend(loc="best", ncols=2)
    return figure
