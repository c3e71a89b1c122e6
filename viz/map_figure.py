"""The map: regions coloured by their controller, contested regions hatched, the month shown.

The patches are built once per scenario; a redraw only sets face and hatch colours, which
keeps a step cheap. A region's colour is its majority holder's, unchanged (model.palette:
paling it by share would make one actor look like another), dotted where the holder has less
than half of it (so fronts inside a region show), and pale grey where the ungoverned share is
largest.
The legend is drawn by the page (`viz.views.Legend`): in the figure it would triple the cost.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PathCollection

from model.calendar import add_months
from matplotlib.colors import to_rgb

from model.palette import UNGOVERNED, divided, holders
from model.shapes import RegionShapes
from viz.figures import export, new_figure

CONTESTED_HATCH = "////"
DIVIDED_HATCH = ".."
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
        self.dots = PathCollection([], facecolors="none", hatch=DIVIDED_HATCH, linewidths=0.0, zorder=2)
        ax.add_collection(self.fill)
        ax.add_collection(self.hatch)
        ax.add_collection(self.dots)
        ax.set_xlim(*shapes.extent[:2])
        ax.set_ylim(*shapes.extent[2:])
        ax.set_aspect(shapes.aspect)
        ax.set_axis_off()
        self.title = ax.set_title("", fontsize=11, loc="left")

    def draw(self, control: np.ndarray, contested: np.ndarray, month: str, step: int) -> None:
        """Set colours from a control matrix ((n + 1) x R, last row ungoverned) and the contested mask."""
        holder, share = holders(control)
        faces = [to_rgb(self.actor_colours[h]) for h in holder]
        self.fill.set_facecolor(faces)
        for collection, marked in ((self.hatch, np.flatnonzero(contested)), (self.dots, np.flatnonzero(divided(share)))):
            collection.set_paths([self.shapes.paths[r] for r in marked])
            collection.set_edgecolor([mark_colour(faces[r]) for r in marked])
        self.title.set_text(f"{month}  (month {step})  ·  {int(contested.sum())} contested")

    def png(self) -> bytes:
        return export(self.figure, "png")


def mark_colour(face: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """Hatch or dots over a face: white on dark faces, black on light ones."""
    return (1.0, 1.0, 1.0, 0.9) if _luminance(face) < DARK else (0.0, 0.0, 0.0, 0.8)


def draw_model(figure: MapFigure, model) -> bytes:
    """Redraw `figure` from a RegionalModel's current state; PNG bytes."""
    figure.draw(model.control, model.battle.contested, add_months(model.spec.start, model.steps), model.steps)
    return figure.png()


def _luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance (ITU-R BT.709 weights) of an RGB triple in [0, 1]."""
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
