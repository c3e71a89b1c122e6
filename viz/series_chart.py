"""Time series of a run so far, as one ECharts option (drawn in the browser, from local assets).

Five panels: power share, territory and strategic depth per actor (one line per actor in its
fixed colour; gaps while an actor is absent or, for depth, while no hostile actor holds
ground), bloc balance and battle losses for the whole theatre. The time axis spans the
scenario's length, labelled by month. Drawn in the browser, so a step only sends numbers. The
page chooses the actors shown (a legend names them) and a log scale for territory, so small
actors are not flattened under the large states; the same series are offered as CSV and as a
PNG drawn by matplotlib.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from model.calendar import add_months
from viz.figures import export, new_figure

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


def series_table(records: list[dict[str, np.ndarray]], model_vars: dict[str, list], actor_ids: list[str],
                 names: dict[str, str], start: str, shown: list[str] | None = None) -> pd.DataFrame:
    """The series as a table: one row per month, one column per panel and actor shown ('power share: Iran')."""
    shown = actor_ids if shown is None else [a for a in actor_ids if a in shown]
    table = pd.DataFrame({"month": [add_months(start, k) for k in range(len(records))]})
    for column, title, scale in ACTOR_PANELS:
        values = actor_matrix(records, actor_ids, column) * scale
        for a in shown:
            table[f"{title}: {names.get(a) or a}"] = values[:, actor_ids.index(a)]
    for column, title in MODEL_PANELS:
        series = np.asarray(model_vars.get(column, []), dtype=float)[:len(records)]
        table[title] = np.pad(series, (0, len(records) - len(series)), constant_values=np.nan)
    return table


def series_option(records: list[dict[str, np.ndarray]], model_vars: dict[str, list], actor_ids: list[str],
                  colours: dict[str, str], names: dict[str, str], start: str, horizon: int,
                  shown: list[str] | None = None, log_territory: bool = False) -> dict:
    """The ECharts option for the five panels from the records collected so far.

    `shown` limits the actor lines (default all); `log_territory` draws territory on a log axis.
    """
    steps = max(len(records) - 1, 0)
    months = [add_months(start, k) for k in range(max(horizon, steps) + 1)]
    picked = [(k, a) for k, a in enumerate(actor_ids) if shown is None or a in shown]
    panels = []
    for column, title, scale in ACTOR_PANELS:
        values = actor_matrix(records, actor_ids, column) * scale
        if column == "territory_km2" and log_territory:
            values = np.where(values > 0, values, np.nan)
        panels.append((title, [(names.get(a) or a, colours[a], _json(values[:, k])) for k, a in picked]))
    panels += [(title, [(title, "#333333", _json(np.asarray(model_vars.get(column, []), dtype=float)))])
               for column, title in MODEL_PANELS]
    option: dict = {"animation": False, "grid": [], "xAxis": [], "yAxis": [], "series": [], "title": [],
                    "legend": {"type": "scroll", "top": 0, "left": "center", "width": "70%",
                               "data": [names.get(a) or a for _, a in picked], "textStyle": {"fontSize": 11}},
                    "tooltip": {"trigger": "axis", "confine": True, "textStyle": {"fontSize": 11}}}
    for k, ((title, lines), (top, left)) in enumerate(zip(panels, GRID, strict=True)):
        log = title == ACTOR_PANELS[1][1] and log_territory
        option["grid"].append({"top": f"{top + 2}%", "left": f"{left}%", "width": "44%", "height": "22%", "containLabel": True})
        option["title"].append({"text": title + (" (log scale)" if log else ""), "top": f"{top - 2}%", "left": f"{left}%",
                                "textStyle": {"fontSize": 12}})
        option["xAxis"].append({"type": "category", "gridIndex": k, "data": months, "boundaryGap": False,
                                "axisLabel": {"fontSize": 10}})
        option["yAxis"].append({"type": "log" if log else "value", "gridIndex": k, "scale": k == 3,
                                "axisLabel": {"fontSize": 10}})
        for name, colour, data in lines:
            option["series"].append({"type": "line", "name": name, "xAxisIndex": k, "yAxisIndex": k, "data": data,
                                     "showSymbol": False, "connectNulls": False, "color": colour,
                                     "lineStyle": {"width": 2}})
    return option


def series_png(table: pd.DataFrame, colours_by_name: dict[str, str], log_territory: bool = False) -> bytes:
    """The five panels of `series_table` as a PNG (matplotlib), with a legend of the actors shown."""
    figure = new_figure(11.0, 9.0)
    axes = figure.subplots(3, 2).ravel()
    titles = [t for _, t, _ in ACTOR_PANELS] + [t for _, t in MODEL_PANELS]
    for ax, title in zip(axes, titles, strict=False):
        columns = [c for c in table.columns if c == title or c.startswith(title + ": ")]
        for column in columns:
            name = column.removeprefix(title + ": ")
            ax.plot(range(len(table)), table[column], color=colours_by_name.get(name, "#333333"), linewidth=1.5, label=name)
        if title == ACTOR_PANELS[1][1] and log_territory:
            ax.set_yscale("log")
        ax.set_title(title, loc="left", fontsize=10)
        ticks = list(range(0, len(table), max(len(table) // 6, 1)))
        ax.set_xticks(ticks, [table["month"][k] for k in ticks], fontsize=8)
    handles, labels = axes[0].get_legend_handles_labels()
    axes[-1].set_axis_off()
    if handles:
        axes[-1].legend(handles, labels, loc="center", fontsize=8, ncols=2, frameon=False)
    return export(figure, "png")


def _json(values: np.ndarray) -> list[float | None]:
    """Floats for JSON: NaN and infinities become None (a gap in the line)."""
    return [round(float(v), 6) if math.isfinite(v) else None for v in values]


def model_option(model, colours: dict[str, str], names: dict[str, str], upto: int | None = None,
                 shown: list[str] | None = None, log_territory: bool = False) -> dict:
    """`series_option` for a RegionalModel's months up to `upto` (default: all so far)."""
    end = None if upto is None else upto + 1
    model_vars = {k: v[:end] for k, v in model.datacollector.model_vars.items()}
    return series_option(model.actor_records[:end], model_vars, list(model.actor_ids),
                         colours, names, model.spec.start, model.horizon, shown, log_territory)
