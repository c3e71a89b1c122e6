"""The posterior as a figure: each free parameter's marginal and every pair, on the prior's ranges.

Drawn from the last generation of a calibration (particles and weights, `run.posterior`) by
`bopsim calibrate`, into the posterior folder as `posterior.pdf` and `posterior.png`. Diagonal:
the weighted histogram of each parameter over its whole prior range (a flat histogram is a
parameter the patterns leave where the prior put it), with the prior's density as a dashed line;
below it: the particles of each pair, the area of a dot proportional to its weight; log-uniform
priors on a log axis.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from bopsim.experiments.calibrate.config import Prior
from bopsim.experiments.figures.style import TWO_COLUMN, new_figure, save, styled

BINS = 12
"""Histogram bins over each prior range."""


def posterior_figure(values: pd.DataFrame, weights: np.ndarray, priors: list[Prior], out: Path) -> list[Path]:
    """Draw the pair plot of `values` (one column per prior path) weighted by `weights`; the files written."""
    n = len(priors)
    weights = np.asarray(weights, dtype=float) / np.sum(weights)
    with styled():
        figure, axes = new_figure(TWO_COLUMN, TWO_COLUMN, nrows=n, ncols=n, squeeze=False)
        for i, row in enumerate(priors):
            for j, column in enumerate(priors):
                ax = axes[i][j]
                if j > i:
                    ax.set_axis_off()
                    continue
                if i == j:
                    _marginal(ax, values[row.path].to_numpy(), weights, row)
                else:
                    ax.scatter(values[column.path], values[row.path], s=400 * weights, alpha=0.5, linewidths=0)
                    _range(ax, column, "x")
                    _range(ax, row, "y")
                ax.tick_params(which="both", labelsize=5, length=2, labelbottom=i == n - 1, labelleft=j == 0 and i > 0)
                if i == n - 1:
                    ax.set_xlabel(_short(column.path), fontsize=5.5)
                if j == 0 and i > 0:
                    ax.set_ylabel(_short(row.path), fontsize=5.5)
        return save(figure, Path(out), "posterior")


def _marginal(ax, x: np.ndarray, weights: np.ndarray, prior: Prior) -> None:
    """Weighted histogram of one parameter over its prior range, and the prior (dashed) for scale."""
    log = prior.distribution == "loguniform"
    edges = prior.value(np.linspace(0.0, 1.0, BINS + 1))
    ax.hist(x, bins=edges, weights=weights, density=not log)
    if log:  # on a log axis, a log-uniform prior is flat per bin: show bin shares against 1/BINS
        ax.axhline(1.0 / BINS, linestyle="--", linewidth=0.8, color="0.3")
    else:
        ax.axhline(1.0 / (prior.high - prior.low), linestyle="--", linewidth=0.8, color="0.3")
    _range(ax, prior, "x")


def _range(ax, prior: Prior, axis: str) -> None:
    """Set the axis to the prior's range (log scale for a log-uniform prior, plain numbers, three ticks)."""
    log = prior.distribution == "loguniform"
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log" if log else "linear")
    (ax.set_xlim if axis == "x" else ax.set_ylim)(prior.low, prior.high)
    target.set_major_locator(FixedLocator(prior.value(np.array([0.1, 0.5, 0.9]))))
    target.set_major_formatter(FuncFormatter(_plain))
    target.set_minor_formatter(NullFormatter())


def _plain(value: float, _position=None) -> str:
    """A tick label: two significant digits without an exponent (1,621 -> "1600", 0.0672 -> "0.067")."""
    return f"{float(f'{value:.2g}'):g}"


def _short(path: str) -> str:
    """A parameter path without its container words, on two lines:
    'actor.isis.strategy.offensive.share' -> 'isis\noffensive share'."""
    words = [w.replace("_", " ") for w in path.split(".") if w not in ("actor", "parameters", "strategy")]
    return "\n".join(textwrap.wrap(" ".join(words), 16))
