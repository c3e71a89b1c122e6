"""The bopsim dashboard (Solara): explore a scenario month by month, or compare the batches under the results folder it was started for.

Start it with `bopsim dashboard` (or `solara run viz/app.py`). Explore: pick a scenario and
variant, a seed, global parameters, the actors taking part and their strategies, press Reset,
then Step, Play or run to a month; the map (click a region for its readout), the actor
monitors, the alliance network, the time series and the event log follow, and the month slider
goes back through the months run. Edits can be saved as a variant scenario file. Results: open a batch result folder and
compare two variants' outcome distributions.

Mesa's SolaraViz is not used as the page: its controller rebuilds the model from keyword
arguments without a place to check a scenario file or strategy edits and report what is wrong,
and its components redraw whole figures on every step. The run loop here follows its
ModelController (reactive model, step, play in a thread, reset).
"""

from __future__ import annotations

import logging

import solara

from viz.catalogue import default_folder, discover
from viz.controls import Controls
from viz.results_view import ResultsView
from viz.views import (ActorMonitors, EventLog, Legend, MapView, MonthLabel, NetworkView, RegionReadout,
                       SeriesView)


@solara.component
def Explore():
    """Controls on the left; month, map, readouts, network, legend, series and events on the right."""
    listed = solara.use_reactive(0)  # bumped when a variant is saved, so that it is listed
    catalogue = solara.use_memo(lambda: discover(default_folder()), [listed.value])
    run = solara.use_reactive(None)
    revision = solara.use_reactive(0)
    message = solara.use_reactive(None)
    shown = solara.use_reactive(None)
    with solara.Columns([1, 3]):
        with solara.Column():
            Controls(catalogue, run, revision, message, shown, on_saved=lambda: listed.set(listed.value + 1))
        with solara.Column():
            if run.value is None:
                solara.Info("No run yet: pick a scenario and press Reset.")
            else:
                Views(run.value, revision, shown)


@solara.component
def Views(run, revision: solara.Reactive, shown: solara.Reactive):
    """Everything that changes with a step or the month shown; only this part re-renders then."""
    rev = revision.value
    latest = len(run.history) - 1
    snapshot = run.history[latest if shown.value is None else min(shown.value, latest)]
    selected = solara.use_memo(lambda: solara.reactive(None), [run])  # a new run starts with no region picked
    monitored = solara.use_memo(lambda: solara.reactive(run.actor_ids[0]), [run])
    MonthLabel(run, rev, snapshot)
    with solara.Columns([3, 2]):
        MapView(run, snapshot, selected)
        NetworkView(run, snapshot, monitored)
    Legend(run)
    with solara.Columns([1, 1]):
        RegionReadout(run, snapshot, selected.value)
        ActorMonitors(run, snapshot, monitored)
    with solara.Columns([3, 2]):
        SeriesView(run, snapshot)
        EventLog(run, rev)


@solara.component
def Page():
    tab, set_tab = solara.use_state(0)
    solara.Title("bopsim dashboard")
    with solara.AppBar():
        solara.AppBarTitle("bopsim — regional balance of power")
    with solara.lab.Tabs(value=tab, on_value=set_tab):
        solara.lab.Tab("Explore")
        solara.lab.Tab("Results")
    Guarded(tab)


@solara.component
def Guarded(tab: int):
    """The chosen tab; an unexpected error shows one line (details go to the server log, not the page)."""
    error, clear = solara.use_exception()
    if error is not None:
        logging.getLogger("bopsim.dashboard").error("dashboard error", exc_info=error)
        solara.Error(f"Something went wrong ({type(error).__name__}); the server's log has the details.",
                     classes=["bopsim-message"])
        solara.Button("Back", on_click=clear)
    elif tab == 0:
        Explore()
    else:
        ResultsView()
