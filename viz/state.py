"""A run being explored: the model, plus what the views need that does not change while it runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from model.model import RegionalModel
from model.palette import colour_map
from model.scenario import ScenarioSpec
from model.shapes import RegionShapes, region_shapes
from viz.setup import StrategyRows, build_spec, parse_seed


@dataclass(eq=False)
class Run:
    """A model built from a scenario file, a seed and strategy edits; stepped in place."""

    path: Path
    seed: int
    spec: ScenarioSpec
    model: RegionalModel
    colours: dict[str, str]
    names: dict[str, str]
    """Display names of actors and regions by id."""
    shapes: RegionShapes
    strategies: dict[str, StrategyRows]
    """The strategy edits this run was built with, by actor id."""

    @property
    def actor_ids(self) -> list[str]:
        return list(self.model.actor_ids)

    @property
    def month(self) -> str:
        """The month the current state belongs to, and how far into the scenario it is."""
        return f"{self.model.date} (month {self.model.steps} of {self.model.horizon})"

    @property
    def description(self) -> str:
        """Which scenario file, seed and strategy edits this run was built from."""
        edits = f"; strategy edited: {', '.join(sorted(self.strategies))}" if self.strategies else ""
        return f"{self.path.name}, seed {self.seed}{edits}"

    def built_from(self, path: Path, seed_text: str, strategies: Mapping[str, StrategyRows]) -> bool:
        """True if these inputs are the ones this run was built from (nothing pending)."""
        return self.path == path and str(self.seed) == seed_text.strip() and self.strategies == dict(strategies)

    def step(self) -> bool:
        """Advance one month unless the scenario's horizon is reached; True if it stepped."""
        if not self.model.running:
            return False
        self.model.step()
        return True


def start_run(path: Path, seed_text: str, strategies: Mapping[str, StrategyRows] | None = None) -> Run:
    """Build a run; ScenarioError or ValueError with one line if any input is invalid."""
    seed = parse_seed(seed_text)
    spec = build_spec(path, strategies)
    shapes = region_shapes(spec)
    names = {r.id: r.name or r.id for r in spec.region} | {a.id: a.name or a.id for a in spec.actor}
    colours = colour_map([a.id for a in spec.actor], {a.id: a.colour for a in spec.actor})
    return Run(path, seed, spec, RegionalModel(spec, rng=seed), colours, names, shapes, dict(strategies or {}))
