"""Figure 7: phase diagram of Iran's final power share over its forward share x aid share (factorial)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bopsim.experiments.figures.style import ONE_COLUMN, new_figure

X = "actor.iran.strategy.forward_defence.share"
Y = "actor.iran.strategy.alliance_building.aid_share"
OUTCOME = "iran.power_share.final"


def data(store) -> pd.DataFrame:
    """forward_share, aid_share, n, mean: the outcome's mean over replications at each grid cell."""
    outcomes = pd.read_parquet(store.root / "outcomes.parquet")
    rows = outcomes[outcomes["outcome"] == OUTCOME]
    table = rows.groupby([X, Y], sort=True)["value"].agg(n="size", mean="mean").reset_index()
    return table.rename(columns={X: "forward_share", Y: "aid_share"})


def draw(table: pd.DataFrame):
    """Cells coloured by the mean outcome, with a colour bar."""
    figure, ax = new_figure(ONE_COLUMN, 2.8)
    grid = table.pivot(index="aid_share", columns="forward_share", values="mean")
    mesh = ax.pcolormesh(_edges(grid.columns.to_numpy()), _edges(grid.index.to_numpy()), grid.to_numpy(),
                         cmap="viridis", shading="flat")
    figure.colorbar(mesh, ax=ax, label="Iran power share, end (mean)")
    ax.set_xlabel("Iran forward-defence share of forces")
    ax.set_ylabel("Iran aid share of income")
    return figure


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted cell centres (midpoints; the outer cells as wide as their neighbours)."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mids = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mids[0]], mids, [2 * centres[-1] - mids[-1]]])
