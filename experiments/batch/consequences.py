"""The consequences of one run for a named actor, its allies, its partner and its rivals.

`consequence_table` reads the model's monthly `ConsequenceRecord`s (model/consequences.py) for
the actors an experiment names (`[outputs.consequences]`) and returns one row per month;
`consequence_outcomes` summarises each column over the run as `<column>.final` (last month) and
`<column>.mean` (mean over the months; for a 0/1 column, the share of months). Columns (units
and reasons: docs/ODD.md §7.10), with A the actor:

- `A.strategic_depth` (0..1), `A.power_share`, `A.bloc_share` (power share of A's bloc);
- what A spends: `A.forces_abroad` (capability units outside home), `A.aid_given` (units a month);
- what A gains: `axis.allies_kept` (allies present), `axis.allies_km2` (ground the allies hold),
  `A.hostile_near_home` (hostile capability within reach of home; threats removed lower it);
- the axis: `<ally>.alive` (0/1), `<ally>.home_held` (share of its home it holds),
  `axis.corridor` (0/1: land path of A- or ally-held regions from A's home to `corridor_to`'s);
- `A.deterrence.<rival>` (units), `A.tie.<partner>` (0..1), `A.joint.<partner>` (0/1);
- `balance.bloc_minus_rivals` (A's bloc's power share minus the rivals' blocs');
- `axis.home_lost_km2` (home ground of A and its allies held by hostile actors),
  `A.nearest_hostile_hops` (hops from A's home to the nearest hostile force or ground).

A name the actor metrics of the experiment already give (`iran.power_share.final`,
`iran.strategic_depth.final`: the same values) is kept once, from the actor metrics.
An actor absent from the scenario (a variant without it) gives NaN columns; an ally that has
left counts as not alive, holding nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bopsim.experiments.batch.config import ConsequenceNames
from bopsim.model.consequences import corridor


def consequence_table(model, names: ConsequenceNames) -> pd.DataFrame:
    """One row per month (`step`, then the columns of the module docstring) of a finished model."""
    index = model.actor_index
    a = index.get(names.actor)
    allies = [index[x] for x in names.allies if x in index]
    rows = [_month(record, a, allies, names, index, model) for record in model.consequences]
    return pd.DataFrame(rows).assign(step=range(len(rows)))


def _month(record, a: int | None, allies: list[int], names: ConsequenceNames, index: dict[str, int], model) -> dict:
    actor = names.actor
    nan = float("nan")

    def of(values: np.ndarray, j: int | None) -> float:
        return float(values[j]) if j is not None else nan

    row = {f"{actor}.strategic_depth": of(record.depth, a), f"{actor}.power_share": of(record.power_share, a),
           f"{actor}.bloc_share": _bloc_share(record, a), f"{actor}.forces_abroad": of(record.forces_abroad, a),
           f"{actor}.aid_given": of(record.aid_given, a), f"{actor}.hostile_near_home": of(record.hostile_near_home, a),
           "axis.allies_kept": float(record.active[allies].sum()),
           "axis.allies_km2": float((record.territory_km2[allies] * record.active[allies]).sum())}
    for name in names.allies:
        j = index.get(name)
        alive = of(record.active, j)
        row[f"{name}.alive"] = alive
        row[f"{name}.home_held"] = of(record.home_held, j) if alive == 1.0 else (0.0 if j is not None else nan)
    if names.corridor_to is not None:
        row["axis.corridor"] = _corridor(record, a, allies, index.get(names.corridor_to), model)
    for rival in names.rivals:
        j = index.get(rival)
        row[f"{actor}.deterrence.{rival}"] = float(record.deterrence[a, j]) if None not in (a, j) else nan
    if names.partner is not None:
        j = index.get(names.partner)
        both = None not in (a, j)
        row[f"{actor}.tie.{names.partner}"] = float(record.ties[a, j]) if both else nan
        row[f"{actor}.joint.{names.partner}"] = float(record.joint[a, j]) if both else nan
    row["balance.bloc_minus_rivals"] = _bloc_share(record, a) - _rival_share(record, a, [index[r] for r in names.rivals if r in index])
    side = [j for j in [a, *allies] if j is not None]
    row["axis.home_lost_km2"] = float(record.hostile_home_km2[side].sum())
    row[f"{actor}.nearest_hostile_hops"] = of(record.nearest_hostile, a)
    return row


def _bloc_members(record, j: int) -> np.ndarray:
    """(n,) bool: j and the actors in its bloc (j alone if it is in none)."""
    members = np.zeros(len(record.bloc), dtype=bool)
    members[j] = True
    if record.bloc[j] >= 0:
        members |= record.bloc == record.bloc[j]
    return members & record.active


def _bloc_share(record, a: int | None) -> float:
    """Power share of a's bloc (a alone if it is in none)."""
    return float(record.power_share[_bloc_members(record, a)].sum()) if a is not None else float("nan")


def _rival_share(record, a: int | None, rivals: list[int]) -> float:
    """Power share of the rivals' blocs, leaving out a's bloc (a rival allied to a counts for a)."""
    if a is None:
        return float("nan")
    members = np.zeros(len(record.bloc), dtype=bool)
    for r in rivals:
        members |= _bloc_members(record, r)
    return float(record.power_share[members & ~_bloc_members(record, a)].sum())


def _corridor(record, a: int | None, allies: list[int], end: int | None, model) -> float:
    """1.0 if a land path of regions held by a, its present allies or `end` joins a's home to `end`'s
    (`end` may hold its own home: the corridor reaches it, it need not be allied)."""
    if a is None or end is None:
        return float("nan")
    friends = np.zeros(len(record.active), dtype=bool)
    friends[[a, *allies, end]] = True
    friends &= record.active
    return float(corridor(model.geo.adjacency, record.holder, friends, model.home[a], model.home[end]))


def run_consequences(model, names: ConsequenceNames) -> pd.DataFrame:
    """The run's consequence outcomes as a long table (outcome, value, censored)."""
    return pd.DataFrame(consequence_outcomes(consequence_table(model, names)), columns=["outcome", "value", "censored"])


def consequence_outcomes(table: pd.DataFrame) -> list[tuple[str, float, bool]]:
    """(outcome, value, censored) rows: `<column>.final` and `<column>.mean` of every column."""
    rows = []
    for column in table.columns.drop("step"):
        series = table[column].to_numpy(dtype=float)
        finite = series[np.isfinite(series)]
        rows.append((f"{column}.final", float(series[-1]), False))
        rows.append((f"{column}.mean", float(finite.mean()) if finite.size else float("nan"), False))
    return rows
