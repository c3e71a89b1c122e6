"""Figure 4: effect of each variant relative to the historical configuration (forest plot).

Differences of means from the baseline with their 95% bootstrap intervals, for the headline
outcomes and the consequences the study under test names (ODD §7.10), from
`bopsim.experiments.batch.compare.compare` (the numbers `bopsim compare` prints).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import EngFormatter

from bopsim.experiments.batch.compare import compare
from bopsim.experiments.figures.style import TWO_COLUMN, new_figure

OUTCOMES = {
    "iran.power_share.final": "Iran power share, end",
    "iran.strategic_depth.final": "Iran strategic depth, end (share)",
    "isis.territory_km2.peak": "ISIS peak territory (km²)",
    "isis.territory_lost.month": "month ISIS territory is lost",
    "model.bloc_balance.final": "bloc balance, end (ratio)",
    "model.battle_deaths.total": "battle deaths, total",
    "axis.home_lost_km2.mean": "Axis home ground lost (km², mean)",
    "axis.corridor.mean": "land corridor open (share of months)",
    "iran.deterrence.israel.mean": "deterrence of Israel (units in reach)",
    "balance.bloc_minus_rivals.mean": "Iran's bloc minus rivals (share)",
    "iran.joint.russia.mean": "joint fighting with Russia (share)",
    "iran.nearest_hostile_hops.mean": "nearest hostile presence (hops)",
}
"""Outcomes shown (names of experiments/batch/outcomes.py) and their labels with units."""


def data(store) -> pd.DataFrame:
    """outcome, scenario, n, diff, diff_low, diff_high for each variant and outcome (no baseline rows)."""
    manifest = store.manifest()
    outcomes = pd.read_parquet(store.root / "outcomes.parquet")
    table = compare(outcomes[outcomes["outcome"].isin(OUTCOMES)], manifest["baseline"], seed=manifest["root_seed"])
    table = table[table["scenario"] != manifest["baseline"]]
    table["_order"] = table["outcome"].map(list(OUTCOMES).index)
    table = table.sort_values(["_order"], kind="stable").drop(columns="_order")
    return table[["outcome", "scenario", "n", "diff", "diff_low", "diff_high"]].reset_index(drop=True)


def draw(table: pd.DataFrame):
    """One panel per outcome: a point and interval per variant, the baseline at zero."""
    figure, axes = new_figure(TWO_COLUMN, 8.4, nrows=4, ncols=3)
    for ax, (outcome, label) in zip(axes.flat, OUTCOMES.items()):
        rows = table[table["outcome"] == outcome]
        y = range(len(rows))
        ax.errorbar(rows["diff"], y, xerr=[rows["diff"] - rows["diff_low"], rows["diff_high"] - rows["diff"]],
                    fmt="o", color="#000000", markersize=3, elinewidth=0.8, capsize=1.5)
        ax.axvline(0.0, color="#999999", linewidth=0.6, zorder=0)
        ax.set_yticks(list(y), [s.replace("_", " ") for s in rows["scenario"]])
        ax.invert_yaxis()
        ax.set_title(label, loc="left")
        ax.set_xlabel("difference from historical")
        if rows[["diff_low", "diff_high"]].abs().to_numpy().max(initial=0.0) >= 1e4:
            ax.xaxis.set_major_formatter(EngFormatter(sep=""))
    return figure
