"""Outcomes of one run, computed from its tables: final and peak values, and times to events.

Names are `<actor>.<metric>.<final|peak>`, `model.<metric>.<final|peak>`,
`model.battle_deaths.total` and `<actor>.territory_lost.month`.

- While an actor is absent (before it enters, after it leaves) its capability, power share,
  territory and forward presence count as 0 and its strategic depth as undefined; an actor
  that is not in the scenario at all (a variant without it) has NaN outcomes, which `compare`
  leaves out and counts.
- Time to event: for each non-state actor, the first month (steps from the start) at which its
  territory is below `territory_threshold_km2` after it had held at least that much. A run in
  which that never happens is right-censored: the value is the run's last month and
  `censored` is true; `compare` reports the mean of these restricted times (the restricted
  mean time to event up to the horizon) and the share censored. An actor that never held the
  threshold has no event (NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.batch.config import Outputs

ZERO_WHEN_ABSENT = {"capability", "power_share", "territory_km2", "territory_share", "forward_presence"}


def run_outcomes(frames: dict[str, pd.DataFrame], actor_ids: list[str], kinds: dict[str, str], outputs: Outputs) -> pd.DataFrame:
    """Long table (outcome, value, censored) of one run's outcomes, in a fixed order."""
    model, actors = frames["model"], frames["actors"]
    steps = np.arange(len(model))
    rows: list[tuple[str, float, bool]] = []
    for actor in outputs.actors or actor_ids:
        present = actor in kinds
        rows += _actor_rows(actor, actors[actors["actor"] == actor].set_index("step"), steps, present, outputs)
        if kinds.get(actor) == "non_state":
            rows.append(_territory_loss(actor, actors, steps, outputs.territory_threshold_km2))
    for metric in outputs.model_metrics:
        series = model[metric].to_numpy(dtype=float)
        if metric == "battle_deaths":
            rows.append(("model.battle_deaths.total", float(series.sum()), False))
        rows.append((f"model.{metric}.final", _finite(series[-1]), False))
        rows.append((f"model.{metric}.peak", _nanmax(series), False))
    return pd.DataFrame(rows, columns=["outcome", "value", "censored"])


def _actor_rows(actor: str, rows: pd.DataFrame, steps: np.ndarray, present: bool, outputs: Outputs) -> list[tuple[str, float, bool]]:
    out = []
    for metric in outputs.actor_metrics:
        if not present:
            final = peak = np.nan
        else:
            series = rows[metric].reindex(steps).to_numpy(dtype=float)
            if metric in ZERO_WHEN_ABSENT:
                series = np.nan_to_num(series, nan=0.0)
            final, peak = _finite(series[-1]), _nanmax(series)
        out.append((f"{actor}.{metric}.final", final, False))
        out.append((f"{actor}.{metric}.peak", peak, False))
    return out


def _territory_loss(actor: str, actors: pd.DataFrame, steps: np.ndarray, threshold: float) -> tuple[str, float, bool]:
    """(name, month of loss or the last month if censored, censored) — see the module docstring."""
    name = f"{actor}.territory_lost.month"
    rows = actors[actors["actor"] == actor].set_index("step")
    territory = rows["territory_km2"].reindex(steps).fillna(0.0).to_numpy(dtype=float)
    held = np.flatnonzero(territory >= threshold)
    if held.size == 0:
        return name, np.nan, False
    lost = np.flatnonzero(territory[held[0]:] < threshold)
    if lost.size == 0:
        return name, float(steps[-1]), True
    return name, float(held[0] + lost[0]), False


def _nanmax(series: np.ndarray) -> float:
    finite = series[np.isfinite(series)]
    return float(finite.max()) if finite.size else np.nan


def _finite(value: float) -> float:
    value = float(value)
    return value if np.isfinite(value) else np.nan
