"""Figure 2: ISIS territory outside desert, simulated (median and 90% band over replications) against the IHS points.

Territory is the held share of each region's area outside desert (`settled_km2`), the ground IHS
counts (docs/patterns.md, "ISIS territory"); the model's full-area `territory_km2` is not comparable
with IHS's series."""

from __future__ import annotations

import pandas as pd

from bopsim.experiments.calibration import LAST_CALIBRATION_YEAR, observed_territory
from bopsim.experiments.figures.bands import BAND, actor_series, bands
from bopsim.experiments.figures.style import ONE_COLUMN, new_figure
from bopsim.model.calendar import add_months
from bopsim.model.palette import actor_colour

ACTOR = "isis"
SCENARIO = "historical"


def data(store) -> pd.DataFrame:
    """date, n, median, low, high (km2 outside desert, historical runs) and observed_km2 (IHS, 2015-2016) where observed."""
    actors = pd.read_parquet(store.root / "actors.parquet")
    band = bands(actor_series(actors[actors["scenario"] == SCENARIO], ACTOR, "settled_km2"), ["date"])
    observed = observed_territory()[["model_date", "km2"]].rename(columns={"model_date": "date", "km2": "observed_km2"})
    return band.merge(observed, on="date", how="outer").sort_values("date").reset_index(drop=True)


def draw(table: pd.DataFrame):
    """Band and median line (thousand km2) with the IHS points; the held-out years shaded."""
    figure, ax = new_figure(ONE_COLUMN, 2.4)
    sim = table.dropna(subset=["median"])
    x = pd.to_datetime(sim["date"])
    colour = actor_colour(ACTOR)
    ax.fill_between(x, sim["low"] / 1e3, sim["high"] / 1e3, color=colour, alpha=0.2, linewidth=0,
                    label=f"simulated, {round(100 * (BAND[1] - BAND[0]))}% of runs")
    ax.plot(x, sim["median"] / 1e3, color=colour, label="simulated, median")
    obs = table.dropna(subset=["observed_km2"])
    ax.plot(pd.to_datetime(obs["date"]), obs["observed_km2"] / 1e3, "o", color="#D55E00", markersize=3.5,
            label="IHS Conflict Monitor")
    held_out = pd.Timestamp(add_months(f"{LAST_CALIBRATION_YEAR}-12", 1))
    if x.max() > held_out:
        ax.axvspan(held_out, x.max(), color="#EEEEEE", zorder=0, linewidth=0)
        ax.text(held_out, ax.get_ylim()[1], " held out (2017-)", va="top", fontsize=6, color="#666666")
    ax.set_ylabel("ISIS territory outside desert (1,000 km²)")
    ax.set_xlabel("month")
    ax.legend(loc="upper right")
    return figure
