"""The map: regions coloured by their controller, contested regions hatched, the month shown.

The patches are built once per scenario; a redraw only sets face and hatch colours, which
keeps a step cheap. A region's colour is its majority holder's, paler where the holder's share
is small (so fronts inside a region show), and pale grey where the ungoverned share is largest.
The legend is drawn by the page (`viz.views.Legend`): in the figure it would triple the cost.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PathCollection

from model.calendar import add_months
from viz.figures import export, new_figure
from viz.palette import UNGOVERNED, blend
from viz.shapes import RegionShapes

MIN_WEIGHT = 0.35
"""Colour weight of a holder with a negligible share; a full share is drawn at weight 1."""

CONTESTED_HATCH = "////"
DARK = 0.35
"""Relative luminance below which a region's hatch is drawn white instead of black."""


class MapFigure:
    """A matplotlib map of one scenario's regions, redrawn from a model's control matrix."""

    def __init__(self, shapes: RegionShapes, actor_ids: list[str], colours: dict[str, str]) -> None:
        self.shapes = shapes
        self.actor_colours = [colours[a] for a in actor_ids] + [UNGOVERNED]
        self.figure = new_figure(6.0, 5.0)
        ax = self.figure.add_subplot()
        self.ax = ax
        if shapes.borders:
            segments = [shapes.centres[[a, b]] for a, b in shapes.borders]
            ax.add_collection(LineCollection(segments, colors="#999999", linewidths=0.8, zorder=0))
        self.fill = PathCollection(shapes.paths, edgecolors="white", linewidths=0.5, zorder=1)
        self.hatch = PathCollection([], facecolors="none", hatch=CONTESTED_HATCH, linewidths=0.0, zorder=2)
        ax.add_collection(self.fill)
        ax.add_collection(self.hatch)
        ax.set_xlim(*shapes.extent[:2])
        ax.set_ylim(*shapes.extent[2:])
        ax.set_aspect(shapes.aspect)
        ax.set_axis_off()
        self.title = ax.set_title("", fontsize=11, loc="left")

    def draw(self, control: np.ndarray, contested: np.ndarray, month: str, step: int) -> None:
        """Set colours from a control matrix ((n + 1) x R, last row ungoverned) and the contested mask."""
        holder = np.argmax(control, axis=0)
        share = control[holder, np.arange(control.shape[1])]
        faces = region_faces([self.actor_colours[h] for h in holder], share)
        self.fill.set_facecolor(faces)
        marked = np.flatnonzero(contested)
        self.hatch.set_paths([self.shapes.paths[r] for r in marked])
        self.hatch.set_edgecolor([(1.0, 1.0, 1.0, 0.9) if _luminance(faces[r]) < DARK else (0.0, 0.0, 0.0, 0.8)
                                  for r in marked])
        self.title.set_text(f"{month}  (month {step})  ·  {int(contested.sum())} contested")

    def png(self) -> bytes:
        return export(self.figure, "png")


def region_faces(colours: list, shares) -> list:
    """Face colour of each region: its holder's colour, paler the smaller the holder's share."""
    return [blend(c, MIN_WEIGHT + (1 - MIN_WEIGHT) * s) for c, s in zip(colours, shares, strict=True)]


def draw_model(figure: MapFigure, model) -> bytes:
    """Redraw `figure` from a RegionalModel's current state; PNG bytes."""
    figure.draw(model.control, model.battle.contested, add_months(model.spec.start, model.steps), model.steps)
    return figure.png()


def _luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance (ITU-R BT.709 weights) of an RGB triple in [0, 1]."""
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
