"""Shared pieces of the dashboard's matplotlib figures: creation and fast export."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

DPI = 80
"""Pixels per inch of exported PNGs (kept low: the export dominates the redraw time)."""


def new_figure(width: float, height: float) -> Figure:
    """A figure not attached to pyplot (no global state; safe per browser session)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def export(figure: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG or SVG bytes.

    The constrained layout is computed at the first export and then frozen: later redraws
    change colours and data, not the layout, and skipping the layout pass halves their cost.
    """
    buffer = io.BytesIO()
    options = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    figure.savefig(buffer, format=fmt, dpi=DPI, **options)
    if figure.get_layout_engine() is not None:
        figure.set_layout_engine("none")
    return buffer.getvalue()
