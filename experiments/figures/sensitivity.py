"""Figure 6: Morris sensitivity of the main outcomes to the uncertain parameters (`bopsim sensitivity`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import EngFormatter

from bopsim.experiments.batch.sensitivity import indices
from bopsim.experiments.figures.style import TWO_COLUMN, new_figure

CALIBRATION = Path(__file__).resolve().parents[1] / "configs" / "levant_calibration.toml"
"""The Bayesian calibration's file: its priors are the parameters it frees (the rest it holds)."""
FREE, HELD = "#332288", "#88CCEE"
"""Bar colours: free in the calibration (posterior uncertainty carried), held at the point."""

OUTCOMES = {"axis.home_lost_km2.mean": "Axis home ground lost\n(km², mean)",
            "syria.home_held.final": "Syria's own ground held\n(share, end)",
            "isis.territory_km2.peak": "ISIS peak territory\n(km²)"}
"""Outcomes analysed (mu* is in the outcome's units): the flagship's measures of the war
(docs/calibration.md), not its bookkeeping."""


def data(store) -> pd.DataFrame:
    """scenario, outcome, factor, index (mu_star, sigma), value, conf: the `bopsim sensitivity`
    table, and `free`: whether the Bayesian calibration frees the factor."""
    manifest = store.manifest()
    design = pd.read_parquet(store.root / "design.parquet")
    outcomes = pd.read_parquet(store.root / "outcomes.parquet")
    table = indices(design, manifest, outcomes, list(OUTCOMES), seed=manifest["root_seed"]).reset_index(drop=True)
    free = {prior["path"] for prior in tomllib.loads(CALIBRATION.read_text(encoding="utf-8"))["prior"]}
    return table.assign(free=table["factor"].isin(free))


def draw(table: pd.DataFrame):
    """A bar of mu* (with its 95% bootstrap half-width) per factor, one panel per outcome; dark
    bars for the parameters the calibration frees, light for those it holds at the point."""
    mu = table[table["index"] == "mu_star"]
    factors = list(dict.fromkeys(mu["factor"]))
    figure, axes = new_figure(TWO_COLUMN, 1.0 + 0.16 * len(factors), ncols=len(OUTCOMES), sharey=True)
    for ax, (outcome, label) in zip(axes, OUTCOMES.items()):
        rows = mu[mu["outcome"] == outcome].set_index("factor").reindex(factors)
        ax.barh(range(len(factors)), rows["value"], xerr=rows["conf"], color=rows["free"].map({True: FREE, False: HELD}),
                error_kw={"elinewidth": 0.7, "capsize": 1.5})
        ax.set_title(label, loc="left")
        ax.set_xlabel("Morris μ* (outcome units)")
        if rows["value"].max() >= 1e4:
            ax.xaxis.set_major_formatter(EngFormatter(sep=""))
    axes[0].set_yticks(range(len(factors)), [f.split(".", 1)[1].replace("strategy.", "") for f in factors])
    axes[0].invert_yaxis()
    figure.legend([Patch(color=FREE), Patch(color=HELD)], ["free in the calibration", "held at the point"],
                  loc="outside lower center", ncol=2, frameon=False)
    return figure
