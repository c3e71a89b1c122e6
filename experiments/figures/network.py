"""Figure 5: the alliance network at three dates of one run of the historical configuration.

Actors sit on a circle in scenario order, node area proportional to capability; lines are ties
of at least `model.palette.MIN_TIE`, solid and dark at or above the bloc threshold (an
alliance), dashed and pale below it; a coloured ring marks each bloc of two or more actors,
strongest first (model.palette.ranked_blocs and BLOC_COLOURS, as on the dashboard).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.figures.style import TWO_COLUMN, actor_colours, new_figure
from model.palette import BLOC_COLOURS, MIN_TIE, ranked_blocs

PANELS = 3
NODE_AREA = 260.0
"""Marker area (pt²) of the actor with the largest capability in the figure."""


def data(spec, snapshots) -> pd.DataFrame:
    """Long table: kind 'node' (date, actor, capability, active, bloc, bloc_rank) and kind 'tie' (date, actor, other, tie)."""
    ids = [a.id for a in spec.actor]
    rows = []
    for snap in snapshots:
        rank = {label: r for r, label in enumerate(ranked_blocs(snap.capability, snap.bloc))}
        for i, actor in enumerate(ids):
            rows.append({"kind": "node", "date": snap.date, "actor": actor, "capability": float(snap.capability[i]),
                         "active": bool(snap.active[i]), "bloc_rank": rank.get(int(snap.bloc[i]), -1)})
        for i, j in zip(*np.triu_indices(len(ids), 1)):
            if snap.ties[i, j] >= MIN_TIE:
                rows.append({"kind": "tie", "date": snap.date, "actor": ids[i], "other": ids[j], "tie": float(snap.ties[i, j])})
    columns = ["kind", "date", "actor", "other", "tie", "capability", "active", "bloc_rank"]
    return pd.DataFrame(rows).reindex(columns=columns)


def draw(table: pd.DataFrame, spec):
    """One circle layout per date; the bloc threshold is the scenario's."""
    threshold = spec.parameters.bloc_threshold
    colours = actor_colours(spec)
    ids = [a.id for a in spec.actor]
    angle = np.pi / 2 - 2 * np.pi * np.arange(len(ids)) / len(ids)
    place = {a: (np.cos(t), np.sin(t)) for a, t in zip(ids, angle)}
    largest = table["capability"].max()
    dates = list(dict.fromkeys(table["date"]))
    figure, axes = new_figure(TWO_COLUMN, 2.9, ncols=len(dates))
    for ax, date in zip(np.atleast_1d(axes), dates):
        ties = table[(table["kind"] == "tie") & (table["date"] == date)]
        for t in ties.itertuples():
            strong = t.tie >= threshold
            (x0, y0), (x1, y1) = place[t.actor], place[t.other]
            ax.plot([x0, x1], [y0, y1], color="#444444" if strong else "#BBBBBB", linestyle="-" if strong else "--",
                    linewidth=0.3 + 2.5 * t.tie, zorder=1)
        nodes = table[(table["kind"] == "node") & (table["date"] == date)]
        for n in nodes.itertuples():
            rank = int(n.bloc_rank)
            ring = BLOC_COLOURS[rank % len(BLOC_COLOURS)] if rank >= 0 else "#333333"
            ax.scatter(*place[n.actor], s=max(NODE_AREA * n.capability / largest, 6.0), color=colours[n.actor],
                       alpha=1.0 if n.active else 0.2, edgecolors=ring, linewidths=2.0 if rank >= 0 else 0.4,
                       zorder=2)
            x, y = place[n.actor]
            ax.annotate(n.actor.replace("_", " "), (1.22 * x, 1.22 * y), ha="center", va="center", fontsize=5.5)
        ax.set_xlim(-1.45, 1.45)
        ax.set_ylim(-1.35, 1.35)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(date, loc="left")
    return figure
