"""A run being explored: the model, the month-by-month history the page can scrub back through,
and the readouts of a region and an actor at any month kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.model import RegionalModel
from model.palette import colour_map
from model.scenario import ScenarioSpec
from model.shapes import RegionShapes, region_shapes
from viz.setup import Edits, build_spec, parse_seed


@dataclass(frozen=True)
class Snapshot:
    """What the views show of one month (copies: the model changes its arrays in place)."""

    step: int
    date: str
    control: np.ndarray
    """(n + 1, R) control shares; the last row is ungoverned."""
    contested: np.ndarray
    deployment: np.ndarray
    """(n, R) forces, capability units."""
    losses: np.ndarray
    """(n, R) capability lost in the month that led here."""
    capability: np.ndarray
    active: np.ndarray
    bloc: np.ndarray
    ties: np.ndarray

    @classmethod
    def of(cls, model: RegionalModel) -> Snapshot:
        return cls(model.steps, model.date, model.control.copy(), model.battle.contested.copy(),
                   model.deployment.copy(), model.battle.losses.copy(), model.capability.copy(),
                   model.active.copy(), model.bloc.copy(), model.ties.copy())


@dataclass(eq=False)
class Run:
    """A model built from a scenario file, a seed and edits; stepped in place, every month kept."""

    path: Path
    seed: int
    spec: ScenarioSpec
    model: RegionalModel
    colours: dict[str, str]
    names: dict[str, str]
    """Display names of actors and regions by id."""
    shapes: RegionShapes
    edits: Edits
    history: list[Snapshot] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.history:
            self.history.append(Snapshot.of(self.model))

    @property
    def actor_ids(self) -> list[str]:
        return list(self.model.actor_ids)

    @property
    def month(self) -> str:
        """The month the current state belongs to, and how far into the scenario it is."""
        return f"{self.model.date} (month {self.model.steps} of {self.model.horizon})"

    @property
    def description(self) -> str:
        """Which scenario file, seed and edits this run was built from."""
        edits = f"; {self.edits.describe()}" if self.edits else ""
        return f"{self.path.name}, seed {self.seed}{edits}"

    def built_from(self, path: Path, seed_text: str, edits: Edits) -> bool:
        """True if these inputs are the ones this run was built from (nothing pending)."""
        return self.path == path and str(self.seed) == seed_text.strip() and self.edits == edits

    def step(self) -> bool:
        """Advance one month unless the scenario's horizon is reached; True if it stepped."""
        if not self.model.running:
            return False
        self.model.step()
        self.history.append(Snapshot.of(self.model))
        return True

    def region_readout(self, snapshot: Snapshot, region: int) -> dict[str, object]:
        """NetLogo-style readout of one region at `snapshot`: holder, shares, forces, identity, losses."""
        spec = self.spec.region[region]
        ids = [*self.actor_ids, "ungoverned"]
        shares = {ids[k]: float(s) for k, s in enumerate(snapshot.control[:, region]) if s > 0}
        forces = {self.actor_ids[k]: float(f) for k, f in enumerate(snapshot.deployment[:, region])
                  if f >= self.spec.parameters.presence}
        losses = {self.actor_ids[k]: float(x) for k, x in enumerate(snapshot.losses[:, region]) if x > 0}
        holder = max(shares, key=shares.get)
        return {"region": spec.name or spec.id, "country": spec.country, "month": snapshot.date,
                "holder": self.names.get(holder, holder), "shares": _named(shares, self.names),
                "forces": _named(forces, self.names), "losses last month": _named(losses, self.names),
                "identity": spec.identity, "terrain": spec.terrain, "contested": bool(snapshot.contested[region])}

    def actor_monitor(self, snapshot: Snapshot, actor: str) -> dict[str, object]:
        """Monitors of one actor at `snapshot`: capability, territory, depth, power share, bloc, strategy."""
        k = self.actor_ids.index(actor)
        record = self.model.actor_records[snapshot.step] if snapshot.step < len(self.model.actor_records) else None
        row = {}
        if record is not None and actor in list(record["actor"]):
            at = list(record["actor"]).index(actor)
            row = {column: float(record[column][at]) for column in ("power_share", "territory_km2", "strategic_depth")
                   if column in record}
        members = [self.names.get(a, a) for j, a in enumerate(self.actor_ids)
                   if snapshot.bloc[j] == snapshot.bloc[k] and j != k] if snapshot.bloc[k] >= 0 else []
        agent = self.model.agents_by_index[k]
        return {"actor": self.names.get(actor, actor), "present": bool(snapshot.active[k]),
                "capability": float(snapshot.capability[k]), **row,
                "bloc with": ", ".join(members) or "none",
                "strategy now": agent.strategy_name if agent is not None else _strategy_text(self.spec, actor)}


def _named(values: dict[str, float], names: dict[str, str]) -> dict[str, float]:
    """Values by display name, largest first."""
    return {names.get(k, k): v for k, v in sorted(values.items(), key=lambda item: -item[1])}


def _strategy_text(spec: ScenarioSpec, actor: str) -> str:
    """The actor's behaviours at the start, as in the scenario (later strategy events are in the event log)."""
    behaviours = next(a.strategy for a in spec.actor if a.id == actor)
    return " + ".join(b.behaviour for b in behaviours)


def start_run(path: Path, seed_text: str, edits: Edits | None = None) -> Run:
    """Build a run; ScenarioError or ValueError with one line if any input is invalid."""
    seed = parse_seed(seed_text)
    edits = edits or Edits()
    spec = build_spec(path, edits)
    shapes = region_shapes(spec)
    names = {r.id: r.name or r.id for r in spec.region} | {a.id: a.name or a.id for a in spec.actor}
    colours = colour_map([a.id for a in spec.actor], {a.id: a.colour for a in spec.actor})
    return Run(path, seed, spec, RegionalModel(spec, rng=seed), colours, names, shapes, edits)
