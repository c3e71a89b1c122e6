"""What applies on reset: the scenario file, the seed and per-actor strategy edits, checked.

Strategy edits come from the page as text (one row per behaviour, one text per parameter);
they are turned into behaviour specs, merged into the scenario and validated by the same
loader as `bopsim run`, so a value the model would refuse is refused here with one line.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from model.scenario import BehaviourSpec, ScenarioSpec, load, merge_keyed, parse
from model.strategies import REGISTRY
from viz.parameters import control_for

StrategyRows = list[dict]
"""A strategy as edited: [{"behaviour": name, "params": {parameter: text}}, ...]."""


@dataclass(frozen=True)
class Edits:
    """What the page changed in a scenario: strategies by actor, global parameters, actors switched off."""

    strategies: Mapping[str, StrategyRows] = field(default_factory=dict)
    parameters: Mapping[str, float] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    relations: Mapping[tuple[str, str], float] = field(default_factory=dict)
    """Relation values (-1 to 1) by actor pair (ids in sorted order)."""
    ties: Mapping[tuple[str, str], float] = field(default_factory=dict)
    """Tie strengths (0 to 1) by actor pair (ids in sorted order)."""

    def __bool__(self) -> bool:
        return bool(self.strategies or self.parameters or self.disabled or self.relations or self.ties)

    def describe(self) -> str:
        """'strategy edited: iran; parameters: front_speed; off: russia; ...' (empty when nothing changed)."""
        pairs = lambda edits: ["-".join(pair) for pair in edits]
        parts = [(label, sorted(names)) for label, names in (
            ("strategy edited", self.strategies), ("parameters", self.parameters), ("off", self.disabled),
            ("relations", pairs(self.relations)), ("ties", pairs(self.ties)))]
        return "; ".join(f"{label}: {', '.join(names)}" for label, names in parts if names)


EDIT_SOURCE = "set in the dashboard (a counterfactual, not an observation)"
"""`source` of relations and ties edited in the page."""


def pair(a: str, b: str) -> tuple[str, str]:
    """An actor pair as edits key it (ids in sorted order)."""
    return (a, b) if a <= b else (b, a)


def pair_entries(edits: Mapping[tuple[str, str], float], field_name: str) -> list[dict]:
    """`[[relation]]` or `[[tie]]` tables for edited pairs (`field_name` is 'value' or 'strength')."""
    return [{"a": a, "b": b, field_name: float(v), "source": EDIT_SOURCE} for (a, b), v in sorted(edits.items())]


@dataclass(frozen=True)
class ParamField:
    """One parameter of a behaviour as the page shows it."""

    name: str
    default: str
    description: str
    is_list: bool


def behaviour_names() -> list[str]:
    """All registered behaviours, sorted."""
    return sorted(REGISTRY)


def behaviour_fields(behaviour: str) -> list[ParamField]:
    """The parameters of a behaviour with their defaults as text ('' when required)."""
    cls = REGISTRY.get(behaviour)
    if cls is None:
        return []
    fields = []
    for name, info in cls.Params.model_fields.items():
        is_list = typing.get_origin(info.annotation) is list
        default = "" if info.is_required() else info.get_default(call_default_factory=True)
        text = ", ".join(default) if is_list else str(default)
        limits = "" if is_list else control_for(name, info).range_text()
        meaning = info.description or ""
        fields.append(ParamField(name, text, f"{meaning} (range: {limits})" if limits and limits != "any value" else meaning,
                                 is_list))
    return fields


def rows_from_strategy(strategy: list[BehaviourSpec]) -> StrategyRows:
    """A scenario strategy as editable rows (parameters as text)."""
    rows = []
    for spec in strategy:
        params = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in spec.params.items()}
        rows.append({"behaviour": spec.behaviour, "params": params})
    return rows


def strategy_from_rows(actor: str, rows: StrategyRows) -> list[dict]:
    """Behaviour specs from edited rows; ValueError naming actor, behaviour and parameter.

    Blank texts are left out (the behaviour's default applies); list parameters are split on
    commas; numbers are parsed by the behaviour's own parameter model.
    """
    if not rows:
        raise ValueError(f"strategy of {actor}: needs at least one behaviour")
    specs = []
    for position, row in enumerate(rows, start=1):
        name = row.get("behaviour", "")
        label = f"strategy of {actor}, behaviour {position} ({name or 'none'})"
        cls = REGISTRY.get(name)
        if cls is None:
            raise ValueError(f"{label}: unknown behaviour (known: {', '.join(behaviour_names())})")
        fields = {f.name: f for f in behaviour_fields(name)}
        raw = {}
        for key, text in row.get("params", {}).items():
            text = str(text).strip()
            if key not in fields or not text:
                continue
            raw[key] = [part.strip() for part in text.split(",") if part.strip()] if fields[key].is_list else text
        try:
            params = cls.Params.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(x) for x in error["loc"]) or "parameters"
            raise ValueError(f"{label}: {field}: {error['msg']} (got {error.get('input')!r})") from None
        specs.append({"behaviour": name, **params.model_dump()})
    return specs


def parse_seed(text: str) -> int:
    """A seed from the page: a whole number >= 0."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        raise ValueError(f"seed: must be a whole number >= 0, got {text!r}") from None
    if seed < 0:
        raise ValueError(f"seed: must be a whole number >= 0, got {seed}")
    return seed


def build_spec(path: Path, edits: Edits | None = None) -> ScenarioSpec:
    """Load `path` and apply the page's edits: strategies by actor, global parameters, actors switched off.

    Raises ScenarioError (the file or the edited scenario is invalid) or ValueError (a
    strategy edit cannot be read), each with one line.
    """
    spec = load(path)
    if not edits:
        return spec
    strategies, disabled = edits.strategies, edits.disabled
    known = {a.id for a in spec.actor}
    named = set(strategies) | set(disabled) | {a for p in (*edits.relations, *edits.ties) for a in p}
    unknown = sorted(named - known)
    if unknown:
        raise ValueError(f"edits name actors not in {path.name}: {', '.join(unknown)}")
    raw = spec.model_dump(mode="python")
    for actor in raw["actor"]:
        if actor["id"] in strategies:
            actor["strategy"] = strategy_from_rows(actor["id"], strategies[actor["id"]])
        actor["enabled"] = actor["id"] not in disabled
    raw["parameters"].update(edits.parameters)
    for key, name, changed in (("relation", "value", edits.relations), ("tie", "strength", edits.ties)):
        raw[key] = merge_keyed(raw[key], pair_entries(changed, name), lambda item: frozenset((item["a"], item["b"])))
    return parse(raw, path.name)
