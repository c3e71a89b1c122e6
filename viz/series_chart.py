"""Time series of a run so far, as one ECharts option (drawn in the browser, from local assets).

Five panels: power share, territory and strategic depth per actor (one line per actor in its
fixed colour; gaps while an actor is absent or, for depth, while no hostile actor holds
ground), bloc balance and battle losses for the whole theatre. The time axis spans the
scenario's length, labelled by month. Drawn in the browser, so a step only sends numbers; the
actor colours are explained by the page's legend (a legend of 16 actors would crowd the panels).
"""

from __future__ import annotations

import math

import numpy as np

from model.calendar import add_months

ACTOR_PANELS = (
    ("power_share", "power share", 1.0),
    ("territory_km2", "territory (1,000 km²)", 1e-3),
    ("strategic_depth", "strategic depth (share of approaches)", 1.0),
)
"""(actor-table column, panel title, scale) of the per-actor panels."""

MODEL_PANELS = (
    ("bloc_balance", "bloc balance (strongest / second)"),
    ("battle_losses", "battle losses (capability units / month)"),
)
"""(model-table column, panel title) of the theatre-level panels."""

GRID = ((5, 2), (5, 52), (38, 2), (38, 52), (71, 2))
"""(top %, left %) of each panel; every panel is 24% high and 44% wide (labels included)."""


def actor_matrix(records: list[dict[str, np.ndarray]], actor_ids: list[str], column: str) -> np.ndarray:
    """(steps, actors) values of one actor-table column; NaN where an actor was absent."""
    index = {a: i for i, a in enumerate(actor_ids)}
    out = np.full((len(records), len(actor_ids)), np.nan)
    for step, record in enumerate(records):
        out[step, [index[a] for a in record["actor"]]] = record[column]
    return out


def series_option(records: list[dict[str, np.ndarray]], model_vars: dict[str, list], actor_ids: list[str],
                  colours: dict[str, str], names: dict[str, str], start: str, horizon: int) -> dict:
    """The ECharts option for the five panels from the records collected so far."""
    steps = max(len(records) - 1, 0)
    months = [add_months(start, k) for k in range(max(horizon, steps) + 1)]
    panels = [(title, [(names.get(a) or a, colours[a], _json(actor_matrix(records, actor_ids, column)[:, k] * scale))
                       for k, a in enumerate(actor_ids)])
              for column, title, scale in ACTOR_PANELS]
    panels += [(title, [(title, "#333333", _json(np.asarray(model_vars.get(column, []), dtype=float)))])
               for column, title in MODEL_PANELS]
    option: dict = {"animation": False, "grid": [], "xAxis": [], "yAxis": [], "series": [], "title": [],
                    "tooltip": {"trigger": "axis", "confine": True, "textStyle": {"fontSize": 11}}}
    for k, ((title, lines), (top, left)) in enumerate(zip(panels, GRID, strict=True)):
        option["grid"].append({"top": f"{top}%", "left": f"{left}%", "width": "44%", "height": "24%", "containLabel": True})
        option["title"].append({"text": title, "top": f"{top - 4}%", "left": f"{left}%", "textStyle": {"fontSize": 12}})
        option["xAxis"].append({"type": "category", "gridIndex": k, "data": months, "boundaryGap": False,
                                "axisLabel": {"fontSize": 10}})
        option["yAxis"].append({"type": "value", "gridIndex": k, "scale": k == 3, "axisLabel": {"fontSize": 10}})
        for name, colour, data in lines:
            option["series"].append({"type": "line", "name": name, "xAxisIndex": k, "yAxisIndex": k, "data": data,
                                     "showSymbol": False, "connectNulls": False, "color": colour,
                                     "lineStyle": {"width": 2}})
    return option


def _json(values: np.ndarray) -> list[float | None]:
    """Floats for JSON: NaN and infinities become None (a gap in the line)."""
    return [round(float(v), 6) if math.isfinite(v) else None for v in values]


def model_option(model, colours: dict[str, str], names: dict[str, str]) -> dict:
    """`series_option` for a RegionalModel's current state."""
    return series_option(model.actor_records, model.datacollector.model_vars, list(model.actor_ids),
                         colours, names, model.spec.start, model.horizon)
