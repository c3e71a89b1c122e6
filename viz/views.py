"""The explore tab's views: month, map with region readout, alliance network, actor monitors,
time series and event log.

Each view takes the run and the snapshot of the month shown (the latest, or one scrubbed back
to) and redraws only when either changes.
"""

from __future__ import annotations

import html

import solara

from model.palette import UNGOVERNED, bloc_rings
from viz import events, network_chart
from viz.map_chart import MAP_NAME, geojson, map_option
from viz.series_chart import model_option, series_png, series_table
from viz.state import Run, Snapshot


@solara.component
def MonthLabel(run: Run, revision: int, snapshot: Snapshot | None = None):
    """The current month in large type (what a user watches while stepping), and the month shown if earlier."""
    with solara.Row(style={"align-items": "baseline"}):
        solara.Text(f"Month {run.month}", classes=["bopsim-month"], style={"font-size": "1.3em", "font-weight": "600"})
        if snapshot is not None and snapshot.step < run.model.steps:
            solara.Text(f"showing {snapshot.date} (month {snapshot.step})", classes=["bopsim-shown"],
                        style={"font-weight": "600", "color": "#AA2200"})
        solara.Text(run.description, classes=["bopsim-run"], style={"color": "#555"})


@solara.component
def MapView(run: Run, snapshot: Snapshot, selected: solara.Reactive):
    """Regions in their holder's colour (contested hatched, divided dotted); hover for a readout, click to keep it."""
    maps = solara.use_memo(lambda: {MAP_NAME: geojson(run.shapes, [r.id for r in run.spec.region])}, [run])
    index = solara.use_memo(lambda: {r.id: k for k, r in enumerate(run.spec.region)}, [run])
    option = solara.use_memo(lambda: map_option(run, snapshot, selected.value), [run, snapshot, selected.value])

    def click(event: dict) -> None:
        if event.get("name") in index:
            selected.set(index[event["name"]])

    with solara.Card("Map", classes=["bopsim-map"]):
        solara.FigureEcharts(option=option, maps=maps, on_click=click, attributes={"style": "height: 460px; width: 100%;"})


@solara.component
def RegionReadout(run: Run, snapshot: Snapshot, selected: int | None):
    """The clicked region's readout: holder, control shares, forces, identity, last month's losses."""
    with solara.Card("Region", classes=["bopsim-region"]):
        if selected is None or selected >= len(run.spec.region):
            solara.Text("Click a region on the map to see its readout here (hover shows it too).")
            return
        readout = run.region_readout(snapshot, selected)
        rows = [("month", readout["month"]), ("holder", readout["holder"]), ("contested", "yes" if readout["contested"] else "no"),
                ("control", _listing(readout["shares"], "{:.1%}")), ("forces (capability units)", _listing(readout["forces"], "{:,.2f}")),
                ("losses last month", _listing(readout["losses last month"], "{:,.3f}")),
                ("identity", f"({readout['identity'][0]:g}, {readout['identity'][1]:g})"), ("terrain", readout["terrain"])]
        _table(f"{readout['region']} ({readout['country']})", rows)


@solara.component
def ActorMonitors(run: Run, snapshot: Snapshot, actor: solara.Reactive):
    """Pick an actor (here or by clicking it in the network): its capability, territory, depth,
    power share, bloc and strategy at the month shown."""
    labels = {run.names.get(a, a): a for a in run.actor_ids}
    with solara.Card("Actor monitors", classes=["bopsim-monitors"]):
        solara.Select("actor", value=run.names.get(actor.value, actor.value), values=list(labels),
                      on_value=lambda label: actor.set(labels[label]))
        monitor = run.actor_monitor(snapshot, actor.value)
        units = {"capability": "capability units", "territory_km2": "km²", "strategic_depth": "hops"}
        rows = [(f"{k.replace('_km2', '').replace('_', ' ')}" + (f" ({units[k]})" if k in units else ""), _value(v))
                for k, v in monitor.items() if k != "actor"]
        _table(str(monitor["actor"]), rows)


def _listing(values: dict[str, float], fmt: str) -> str:
    return ", ".join(f"{name} {fmt.format(v)}" for name, v in values.items()) or "none"


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}"
    return str(value)


def _table(title: str, rows: list[tuple[str, str]]) -> None:
    body = "".join(f"<tr><td style='color:#555;padding-right:10px;vertical-align:top'>{html.escape(k)}</td>"
                   f"<td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(title)}</b><table>{body}</table>",
                classes=["bopsim-readout"], style={"font-size": "0.85em"})


@solara.component
def NetworkView(run: Run, snapshot: Snapshot, monitored: solara.Reactive | None = None):
    """Actors sized by capability, ties weighted, blocs ringed (drawn in the browser); click an actor to monitor it."""
    reference = max(a.capability for a in run.spec.actor)
    option = solara.use_memo(lambda: network_chart.network_option(
        run.actor_ids, run.colours, run.names, snapshot.capability, snapshot.active, snapshot.ties, snapshot.bloc,
        run.spec.parameters.bloc_threshold, reference, snapshot.date), [run, snapshot])
    rings = bloc_rings(run.actor_ids, snapshot.capability, snapshot.bloc)
    with solara.Card("Alliance network", classes=["bopsim-network"]):
        def click(event: dict) -> None:
            if monitored is not None and event.get("name") in run.actor_ids:
                monitored.set(event["name"])

        solara.FigureEcharts(option=option, on_click=click, attributes={"style": "height: 420px; width: 100%;"})
        text = "".join(f"<div><span style='display:inline-block;width:12px;height:12px;border:3px solid {colour};"
                       f"border-radius:50%;margin-right:6px;vertical-align:middle'></span>"
                       f"{html.escape(', '.join(run.names.get(a, a) for a in members))}</div>"
                       for colour, members in rings)
        solara.HTML(tag="div", unsafe_innerHTML=text or "No bloc of two or more actors.",
                    style={"font-size": "0.85em"}, classes=["bopsim-blocs"])


@solara.component
def SeriesView(run: Run, snapshot: Snapshot):
    """Power shares, territory, strategic depth, bloc balance and battle losses up to the month shown.

    Choose the actors shown and a log scale for territory; download the shown series as CSV or PNG.
    """
    labels = {run.names.get(a, a): a for a in run.actor_ids}
    shown_names = solara.use_reactive(list(labels))
    log_territory = solara.use_reactive(False)
    shown = [labels[n] for n in shown_names.value if n in labels]
    option = solara.use_memo(lambda: model_option(run.model, run.colours, run.names, snapshot.step, shown, log_territory.value),
                             [run, snapshot, tuple(shown), log_territory.value])
    model = run.model

    def table():  # built on download only
        return series_table(model.actor_records[:snapshot.step + 1], model.datacollector.model_vars, run.actor_ids,
                            run.names, model.spec.start, shown)

    stem = f"{run.path.stem}_seed{run.seed}_month{snapshot.step}"
    with solara.Card("Time series", classes=["bopsim-series"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.SelectMultiple("actors shown", shown_names, list(labels), dense=True, classes=["bopsim-actors-shown"])
            solara.Button("All", text=True, on_click=lambda: shown_names.set(list(labels)))
            solara.Checkbox(label="log scale for territory", value=log_territory)
            solara.FileDownload(lambda: table().to_csv(index=False, float_format="%.6g"), filename=f"{stem}.csv",
                                label="CSV", mime_type="text/csv")
            solara.FileDownload(lambda: series_png(table(), {run.names.get(a, a): run.colours[a] for a in run.actor_ids},
                                                   log_territory.value),
                                filename=f"{stem}.png", label="PNG", mime_type="image/png")
        solara.FigureEcharts(option=option, attributes={"style": "height: 560px; width: 100%;"})


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
    """Actor colours (shared by map, network and series), ungoverned ground, and the contested and divided marks."""
    items = [(run.colours[a], run.names.get(a, a)) for a in run.actor_ids] + [(UNGOVERNED, "ungoverned")]
    swatch = "display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #888;"
    spans = "".join(f"<span style='margin-right:14px;white-space:nowrap'><span style='{swatch}background:{c}'></span>"
                    f"{html.escape(name)}</span>" for c, name in items)
    marks = ("<span style='margin-right:14px;white-space:nowrap'><span style='" + swatch +
             "background:repeating-linear-gradient(45deg,#000 0 1px,#fff 1px 4px)'></span>contested (hatched)</span>"
             "<span style='white-space:nowrap'><span style='" + swatch +
             "background:radial-gradient(#000 25%,#fff 30%);background-size:4px 4px'></span>"
             "holder has less than half (dotted)</span>")
    solara.HTML(tag="div", unsafe_innerHTML=spans + marks, classes=["bopsim-legend"],
                style={"font-size": "0.85em", "line-height": "1.8em", "padding": "4px 16px"})
