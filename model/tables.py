"""The collected data of a run as tidy tables (pandas DataFrames) and a summary dictionary.

Tables: model (one row per step), actors (step x actor), regions (step x region), control
(step x region x actor, non-zero shares only), events (one row per event).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bopsim.model.calendar import add_months

if TYPE_CHECKING:
    from bopsim.model.model import RegionalModel


def model_table(model: RegionalModel) -> pd.DataFrame:
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    frame.insert(0, "step", np.arange(len(frame)))
    return frame


def actor_table(model: RegionalModel) -> pd.DataFrame:
    """One row per step x present actor (tidy), sorted by step then actor id."""
    records = model.actor_records
    counts = [len(r["actor"]) for r in records]
    steps = np.repeat(np.arange(len(records)), counts)
    dates = np.repeat([add_months(model.spec.start, s) for s in range(len(records))], counts)
    columns = {name: np.concatenate([r[name] for r in records]) for name in records[0]}
    table = pd.DataFrame({"step": steps, "date": dates, **columns})
    return table.sort_values(["step", "actor"], kind="stable").reset_index(drop=True)


def region_table(model: RegionalModel) -> pd.DataFrame:
    """One row per step x region: majority holder, its share, ungoverned share, forces, losses (capability
    units), battle deaths and the state-based part of them (`RegionRecord`)."""
    names = np.array([*model.actor_ids, "ungoverned"])
    rows = []
    for step, record in enumerate(model.history):
        rows.append(pd.DataFrame({
            "step": step,
            "date": add_months(model.spec.start, step),
            "region": model.geo.ids,
            "holder": names[record.holder],
            "holder_share": record.holder_share,
            "ungoverned_share": record.ungoverned,
            "forces": record.forces,
            "losses": record.losses,
            "battle_deaths": record.battle_deaths,
            "state_based_deaths": record.state_based_deaths,
        }))
    return pd.concat(rows, ignore_index=True)


def control_table(model: RegionalModel) -> pd.DataFrame:
    """Long table of non-zero control shares: step, date, region, actor, share."""
    names = np.array([*model.actor_ids, "ungoverned"])
    regions = np.array(model.geo.ids)
    frames = []
    for step, record in enumerate(model.history):
        who, where, share = record.shares
        frames.append(pd.DataFrame({
            "step": step, "date": add_months(model.spec.start, step),
            "region": regions[where], "actor": names[who], "share": share,
        }))
    return pd.concat(frames, ignore_index=True)


def event_table(model: RegionalModel) -> pd.DataFrame:
    columns = ["step", "date", "kind", "actor", "other", "region", "value", "detail"]
    return pd.DataFrame(model.log, columns=columns)


def tables(model: RegionalModel) -> dict[str, pd.DataFrame]:
    """All tables of a finished run, by file stem."""
    return {
        "model": model_table(model),
        "actors": actor_table(model),
        "regions": region_table(model),
        "control": control_table(model),
        "events": event_table(model),
    }


def summary(model: RegionalModel, actors: pd.DataFrame | None = None) -> dict:
    """Headline numbers of a run: per actor start/end/peak values, and model-level totals."""
    actors = actor_table(model) if actors is None else actors
    frame = model_table(model)
    per_actor = {}
    for actor_id, rows in actors.groupby("actor", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        peak = rows.loc[rows["territory_km2"].idxmax()]
        per_actor[actor_id] = {
            "kind": first["kind"],
            "capability_start": float(first["capability"]), "capability_end": float(last["capability"]),
            "power_share_start": float(first["power_share"]), "power_share_end": float(last["power_share"]),
            "territory_km2_start": float(first["territory_km2"]), "territory_km2_end": float(last["territory_km2"]),
            "territory_km2_peak": float(peak["territory_km2"]), "territory_peak_date": str(peak["date"]),
            "strategic_depth_start": _finite(first["strategic_depth"]), "strategic_depth_end": _finite(last["strategic_depth"]),
            "present_at_end": bool(last["step"] == model.steps),
            "last_date": str(last["date"]),
        }
    return {
        "scenario": model.spec.name,
        "start": model.spec.start,
        "end": model.date,
        "steps": int(model.steps),
        "battle_deaths_total": float(frame["battle_deaths"].sum()),
        "effective_poles_end": float(frame["effective_poles"].iloc[-1]),
        "bloc_balance_end": _finite(frame["bloc_balance"].iloc[-1]),
        "events": {k: int(v) for k, v in event_table(model)["kind"].value_counts().sort_index().items()},
        "actors": per_actor,
    }


def _finite(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None
