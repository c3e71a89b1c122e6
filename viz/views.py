"""The explore tab's views: month, map, alliance network, time series and event log.

Each view takes the run and its revision (incremented on every step) and redraws only when
either changes; the figures themselves are built once per run.
"""

from __future__ import annotations

import html

import solara

from model.palette import UNGOVERNED, bloc_rings
from viz import events, map_figure, network_chart
from viz.series_chart import model_option
from viz.state import Run


@solara.component
def MonthLabel(run: Run, revision: int):
    """The current month in large type (what a user watches while stepping)."""
    with solara.Row(style={"align-items": "baseline"}):
        solara.Text(f"Month {run.month}", classes=["bopsim-month"], style={"font-size": "1.3em", "font-weight": "600"})
        solara.Text(run.description, classes=["bopsim-run"], style={"color": "#555"})


@solara.component
def MapView(run: Run, revision: int):
    """Regions coloured by controller, contested regions hatched."""
    figure = solara.use_memo(
        lambda: map_figure.MapFigure(run.shapes, run.actor_ids, run.colours), [run])
    png = solara.use_memo(lambda: map_figure.draw_model(figure, run.model), [run, revision])
    with solara.Card("Map", classes=["bopsim-map"]):
        solara.Image(png, format="png", width="100%")


@solara.component
def NetworkView(run: Run, revision: int):
    """Actors sized by capability, ties weighted, blocs ringed (drawn in the browser)."""
    reference = max(a.capability for a in run.spec.actor)
    option = solara.use_memo(lambda: network_chart.model_option(run.model, run.colours, run.names, reference),
                             [run, revision])
    rings = bloc_rings(run.actor_ids, run.model.capability, run.model.bloc)
    with solara.Card("Alliance network", classes=["bopsim-network"]):
        solara.FigureEcharts(option=option, attributes={"style": "height: 420px; width: 100%;"})
        text = "".join(f"<div><span style='display:inline-block;width:12px;height:12px;border:3px solid {colour};"
                       f"border-radius:50%;margin-right:6px;vertical-align:middle'></span>"
                       f"{html.escape(', '.join(run.names.get(a, a) for a in members))}</div>"
                       for colour, members in rings)
        solara.HTML(tag="div", unsafe_innerHTML=text or "No bloc of two or more actors.",
                    style={"font-size": "0.85em"}, classes=["bopsim-blocs"])


@solara.component
def SeriesView(run: Run, revision: int):
    """Power shares, territory, strategic depth, bloc balance and battle losses over time."""
    option = solara.use_memo(lambda: model_option(run.model, run.colours, run.names), [run, revision])
    with solara.Card("Time series", classes=["bopsim-series"]):
        solara.FigureEcharts(option=option, attributes={"style": "height: 520px; width: 100%;"})


@solara.component
def EventLog(run: Run, revision: int):
    """Newest events first, filtered by kind."""
    groups, set_groups = solara.use_state(list(events.DEFAULT_GROUPS))
    picked = events.select(run.model.log, groups)
    with solara.Card("Event log", classes=["bopsim-events"]):
        solara.ToggleButtonsMultiple(groups, on_value=set_groups, values=list(events.GROUPS), dense=True,
                                     style={"flex-wrap": "wrap"})
        solara.HTML(tag="div", unsafe_innerHTML=events.table_html(picked, run.names),
                    style={"max-height": "340px", "overflow-y": "auto", "font-size": "0.85em"})


@solara.component
def Legend(run: Run):
    """Actor colours (shared by map, network and series), ungoverned ground and the contested mark."""
    items = [(run.colours[a], run.names.get(a, a)) for a in run.actor_ids] + [(UNGOVERNED, "ungoverned")]
    swatch = "display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #888;"
    spans = "".join(f"<span style='margin-right:14px;white-space:nowrap'><span style='{swatch}background:{c}'></span>"
                    f"{html.escape(name)}</span>" for c, name in items)
    hatch = ("<span style='white-space:nowrap'><span style='" + swatch +
             "background:repeating-linear-gradient(45deg,#000 0 1px,#fff 1px 4px)'></span>contested (hatched)</span>")
    solara.HTML(tag="div", unsafe_innerHTML=spans + hatch, classes=["bopsim-legend"],
                style={"font-size": "0.85em", "line-height": "1.8em", "padding": "4px 16px"})
