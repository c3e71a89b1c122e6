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

from bopsim.experiments.batch.config import Outputs

ZERO_WHEN_ABSENT = {"capability", "power_share", "territory_km2", "territory_share", "settled_km2", "forward_presence"}


def actor_panel(records: list[dict[str, np.ndarray]], actor_ids: list[str], metrics: list[str]) -> dict[str, np.ndarray]:
    """Per metric, a (months x actors) array from the model's monthly actor records; NaN where absent."""
    column = {a: j for j, a in enumerate(actor_ids)}
    panel = {m: np.full((len(records), len(actor_ids)), np.nan) for m in metrics}
    for t, record in enumerate(records):
        where = [column[a] for a in record["actor"]]
        for metric in metrics:
            panel[metric][t, where] = record[metric]
    return panel


def run_outcomes(model: pd.DataFrame, records: list[dict[str, np.ndarray]], kinds: dict[str, str],
                 outputs: Outputs) -> pd.DataFrame:
    """Long table (outcome, value, censored) of one run's outcomes, in a fixed order.

    `model` is the run's model table, `records` its monthly actor records (`model.actor_records`),
    `kinds` the kind of each actor of the scenario, by id.
    """
    actor_ids = list(kinds)
    panel = actor_panel(records, actor_ids, list(dict.fromkeys([*outputs.actor_metrics, "territory_km2"])))
    rows: list[tuple[str, float, bool]] = []
    for actor in outputs.actors or actor_ids:
        j = actor_ids.index(actor) if actor in kinds else None
        rows += _actor_rows(actor, panel, j, outputs)
        if kinds.get(actor) == "non_state":
            rows.append(_territory_loss(actor, panel["territory_km2"][:, j], outputs.territory_threshold_km2))
    for metric in outputs.model_metrics:
        series = model[metric].to_numpy(dtype=float)
        if metric == "battle_deaths":
            rows.append(("model.battle_deaths.total", float(series.sum()), False))
        rows.append((f"model.{metric}.final", _finite(series[-1]), False))
        rows.append((f"model.{metric}.peak", _nanmax(series), False))
    return pd.DataFrame(rows, columns=["outcome", "value", "censored"])


def _actor_rows(actor: str, panel: dict[str, np.ndarray], j: int | None, outputs: Outputs) -> list[tuple[str, float, bool]]:
    out = []
    for metric in outputs.actor_metrics:
        final = peak = np.nan
        if j is not None:
            series = panel[metric][:, j]
            if metric in ZERO_WHEN_ABSENT:
                series = np.nan_to_num(series, nan=0.0)
            final, peak = _finite(series[-1]), _nanmax(series)
        out.append((f"{actor}.{metric}.final", final, False))
        out.append((f"{actor}.{metric}.peak", peak, False))
    return out


def _territory_loss(actor: str, territory: np.ndarray, threshold: float) -> tuple[str, float, bool]:
    """(name, month of loss or the last month if censored, censored) — see the module docstring."""
    name = f"{actor}.territory_lost.month"
    territory = np.nan_to_num(territory, nan=0.0)
    held = np.flatnonzero(territory >= threshold)
    if held.size == 0:
        return name, np.nan, False
    lost = np.flatnonzero(territory[held[0]:] < threshold)
    if lost.size == 0:
        return name, float(len(territory) - 1), True
    return name, float(held[0] + lost[0]), False


def _nanmax(series: np.ndarray) -> float:
    finite = series[np.isfinite(series)]
    return float(finite.max()) if finite.size else np.nan


def _finite(value: float) -> float:
    value = float(value)
    return value if np.isfinite(value) else np.nan
