"""The figures' look: one style file, column widths, actor colours, and saving as PDF + PNG."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from model.palette import colour_map

STYLE = Path(__file__).with_name("bopsim.mplstyle")
ONE_COLUMN = 3.5
"""Width of a one-column figure, inches."""
TWO_COLUMN = 7.2
"""Width of a two-column figure, inches."""
PNG_DPI = 200


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """The bopsim style for the figures created and saved inside the block (no pyplot state)."""
    with matplotlib.rc_context(fname=str(STYLE)):
        yield


def new_figure(width: float, height: float, **subplots) -> tuple[Figure, object]:
    """A figure of `width` x `height` inches with `subplots(**subplots)` axes (constrained layout)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots(**subplots)


def actor_colours(spec) -> dict[str, str]:
    """Each actor's fixed colour (model.palette, shared with the dashboard)."""
    return colour_map([a.id for a in spec.actor], {a.id: a.colour for a in spec.actor})


def save(figure: Figure, out: Path, name: str) -> list[Path]:
    """Write `name`.pdf (vector, TrueType fonts embedded, no creation date) and `name`.png into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    pdf, png = out / f"{name}.pdf", out / f"{name}.png"
    figure.savefig(pdf, metadata={"CreationDate": None, "ModDate": None})
    figure.savefig(png, dpi=PNG_DPI, metadata={"Software": None})
    return [pdf, png]
