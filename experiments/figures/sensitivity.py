"""Figure 6: Morris sensitivity of the main outcomes to the uncertain parameters (`bopsim sensitivity`)."""

from __future__ import annotations

import pandas as pd

from bopsim.experiments.batch.sensitivity import indices
from bopsim.experiments.figures import effects
from bopsim.experiments.figures.style import TWO_COLUMN, new_figure

OUTCOMES = {name: effects.OUTCOMES[name] for name in
            ("iran.power_share.final", "isis.territory_km2.peak", "model.bloc_balance.final")}
"""Outcomes analysed, with their labels from figure 4 (mu* is in the outcome's units)."""


def data(store) -> pd.DataFrame:
    """scenario, outcome, factor, index (mu_star, sigma), value, conf: the `bopsim sensitivity` table."""
    manifest = store.manifest()
    design = pd.read_parquet(store.root / "design.parquet")
    outcomes = pd.read_parquet(store.root / "outcomes.parquet")
    return indices(design, manifest, outcomes, list(OUTCOMES), seed=manifest["root_seed"]).reset_index(drop=True)


def draw(table: pd.DataFrame):
    """A bar of mu* (with its 95% bootstrap half-width) per factor, one panel per outcome."""
    figure, axes = new_figure(TWO_COLUMN, 2.6, ncols=len(OUTCOMES), sharey=True)
    mu = table[table["index"] == "mu_star"]
    factors = list(dict.fromkeys(mu["factor"]))
    for ax, (outcome, label) in zip(axes, OUTCOMES.items()):
        rows = mu[mu["outcome"] == outcome].set_index("factor").reindex(factors)
        ax.barh(range(len(factors)), rows["value"], xerr=rows["conf"], color="#88CCEE",
                error_kw={"elinewidth": 0.7, "capsize": 1.5})
        ax.set_title(label, loc="left")
        ax.set_xlabel("Morris μ* (outcome units)")
    axes[0].set_yticks(range(len(factors)), [f.split(".", 1)[1].replace("strategy.", "") for f in factors])
    axes[0].invert_yaxis()
    return figure
