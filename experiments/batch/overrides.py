"""Parameter overrides: set fields of a loaded scenario by path and re-validate it.

Paths: `parameters.<name>`, `actor.<id>.<field>` (e.g. `actor.north.capability`) and
`actor.<id>.strategy.<behaviour>.<parameter>`, which sets the parameter wherever the actor uses
that behaviour: in its initial strategy and in its scheduled strategy changes.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from bopsim.model.scenario import ActorSpec, Parameters, ScenarioSpec, load, parse


class OverrideError(ValueError):
    """A path that names nothing in the scenario; the message says what is missing."""


@lru_cache(maxsize=16)
def base_scenario(path: str) -> ScenarioSpec:
    """The scenario file at `path`, loaded once per process."""
    return load(Path(path))


@lru_cache(maxsize=256)
def scenario_with(path: str, overrides: tuple[tuple[str, Any], ...]) -> ScenarioSpec:
    """The scenario at `path` with `overrides` ((path, value) pairs) applied and validated.

    Cached per process, so replications of one design point validate the scenario once.
    """
    spec = base_scenario(path)
    if not overrides:
        return spec
    raw = spec.model_dump(mode="python")
    for field, value in overrides:
        apply(raw, field, value)
    return parse(raw, f"{path} with {', '.join(f'{k}={v!r}' for k, v in overrides)}")


def apply(raw: dict[str, Any], path: str, value: Any) -> None:
    """Set `path` to `value` in the scenario dictionary `raw` (as dumped from a spec)."""
    head, _, rest = path.partition(".")
    if head == "parameters":
        if rest not in Parameters.model_fields:
            raise OverrideError(f"unknown model parameter {rest!r}")
        raw["parameters"][rest] = value
    elif head == "actor":
        _apply_actor(raw, rest, value)
    else:
        raise OverrideError(f"path must start with 'parameters.' or 'actor.', got {path!r}")


def value_at(spec: ScenarioSpec, path: str) -> Any:
    """The scenario's value at `path` (the paths `apply` sets): a behaviour parameter is read from
    the actor's initial strategy, its behaviour's default where the scenario does not set it."""
    from bopsim.model.strategies import REGISTRY

    head, _, rest = path.partition(".")
    if head == "parameters":
        if rest not in Parameters.model_fields:
            raise OverrideError(f"unknown model parameter {rest!r}")
        return getattr(spec.parameters, rest)
    if head != "actor":
        raise OverrideError(f"path must start with 'parameters.' or 'actor.', got {path!r}")
    actor_id, _, field = rest.partition(".")
    actor = next((a for a in spec.actor if a.id == actor_id), None)
    if actor is None:
        raise OverrideError(f"no actor {actor_id!r} in the scenario")
    if not field.startswith("strategy."):
        if field not in ActorSpec.model_fields or field in ("id", "strategy"):
            raise OverrideError(f"unknown actor field {field!r}")
        return getattr(actor, field)
    name, _, param = field.removeprefix("strategy.").partition(".")
    behaviour = next((b for b in actor.strategy if b.behaviour == name), None)
    if behaviour is None or name not in REGISTRY or param not in REGISTRY[name].Params.model_fields:
        raise OverrideError(f"actor {actor_id!r} has no behaviour parameter {name}.{param} in its initial strategy")
    return behaviour.params.get(param, REGISTRY[name].Params.model_fields[param].default)


def _apply_actor(raw: dict[str, Any], rest: str, value: Any) -> None:
    actor_id, _, field = rest.partition(".")
    actor = next((a for a in raw["actor"] if a["id"] == actor_id), None)
    if actor is None:
        raise OverrideError(f"no actor {actor_id!r} in the scenario")
    if field.startswith("strategy."):
        _apply_behaviour(raw, actor, field.removeprefix("strategy."), value)
    elif field in ActorSpec.model_fields and field not in ("id", "strategy"):
        actor[field] = value
    else:
        raise OverrideError(f"unknown actor field {field!r} (use an ActorSpec field or strategy.<behaviour>.<parameter>)")


def _apply_behaviour(raw: dict[str, Any], actor: dict[str, Any], field: str, value: Any) -> None:
    name, _, param = field.partition(".")
    if not param:
        raise OverrideError(f"a strategy path needs strategy.<behaviour>.<parameter>, got strategy.{field}")
    strategies = [actor["strategy"]] + [
        e["strategy"] for e in raw.get("event", []) if e["kind"] == "strategy" and e["actor"] == actor["id"]
    ]
    hits = [b for s in strategies for b in s if b["behaviour"] == name]
    if not hits:
        raise OverrideError(f"actor {actor['id']!r} never uses behaviour {name!r}")
    for behaviour in hits:
        behaviour[param] = copy.deepcopy(value)
