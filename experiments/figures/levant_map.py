"""Figure 1: the Levant map at four dates of one run of the historical configuration.

Regions are the polygons of the scenario's GeoJSON (model.shapes.region_shapes); each takes its
majority holder's colour unchanged, dotted where the holder has less than half of it, as on the
dashboard map (model.palette.divided), and pale grey where the ungoverned share is largest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.patches import Patch

from experiments.figures.style import TWO_COLUMN, actor_colours, new_figure
from model.palette import UNGOVERNED, divided
from model.shapes import region_shapes

PANELS = 4


def snapshot_steps(horizon: int, panels: int) -> list[int]:
    """`panels` months evenly spaced from the start to the end of a run of `horizon` months."""
    return sorted({int(round(s)) for s in np.linspace(0, horizon, panels)})


def data(spec, snapshots) -> pd.DataFrame:
    """date, step, region, holder (actor id or 'ungoverned'), share (0-1), one row per snapshot x region."""
    names = np.array([*(a.id for a in spec.actor), "ungoverned"])
    rows = []
    for snap in snapshots:
        holder = np.argmax(snap.control, axis=0)
        rows.append(pd.DataFrame({"date": snap.date, "step": snap.step, "region": [r.id for r in spec.region],
                                  "holder": names[holder], "share": snap.control[holder, np.arange(len(holder))]}))
    return pd.concat(rows, ignore_index=True)


def draw(table: pd.DataFrame, spec):
    """A 2 x 2 grid of maps, one per date, and a legend of the holders shown."""
    shapes = region_shapes(spec)
    colours = actor_colours(spec) | {"ungoverned": UNGOVERNED}
    names = {a.id: a.name for a in spec.actor} | {"ungoverned": "ungoverned"}
    dates = list(dict.fromkeys(table["date"]))
    figure, axes = new_figure(TWO_COLUMN, 5.6, nrows=2, ncols=2)
    order = {r.id: i for i, r in enumerate(spec.region)}
    for ax, date in zip(axes.flat, dates):
        rows = table[table["date"] == date].sort_values("region", key=lambda s: s.map(order))
        ax.add_collection(PathCollection(shapes.paths, facecolors=[colours[h] for h in rows["holder"]],
                                         edgecolors="white", linewidths=0.3))
        thin = np.flatnonzero(divided(rows["share"]))
        ax.add_collection(PathCollection([shapes.paths[r] for r in thin], facecolors="none", edgecolors="#777777",
                                         hatch="....", linewidths=0.0))
        ax.set_xlim(*shapes.extent[:2])
        ax.set_ylim(*shapes.extent[2:])
        ax.set_aspect(shapes.aspect)
        ax.set_axis_off()
        ax.set_title(date, loc="left")
    for ax in list(axes.flat)[len(dates):]:
        ax.set_axis_off()
    shown = [h for h in [*(a.id for a in spec.actor), "ungoverned"] if h in set(table["holder"])]
    handles = [Patch(facecolor=colours[h], label=names[h]) for h in shown]
    handles.append(Patch(facecolor="white", edgecolor="#777777", hatch="....", label="holder has < half"))
    figure.legend(handles=handles, loc="outside lower center",
                  ncols=min(len(shown), 5))
    return figure
