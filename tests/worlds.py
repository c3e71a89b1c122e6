"""Small synthetic scenarios built in code, for tests.

Scenarios are plain dictionaries shaped like a parsed TOML file, so they go through the same
validation as a user's file (`bopsim.model.scenario.parse`), or are written to disk with `to_toml`
and read back through the CLI.
"""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path
from typing import Any

from bopsim.model import RegionalModel
from bopsim.model.scenario import parse


def region(rid: str, area_km2: float = 10_000, population: float = 1e6, **fields: Any) -> dict:
    """One region: 10,000 km2 and one million people unless given."""
    return {"id": rid, "area_km2": area_km2, "population": population, **fields}


def actor(aid: str, kind: str = "state", capability: float = 10.0, **fields: Any) -> dict:
    """One actor; pass `home=[...]` (state, non-state) or `basing=[...]` (external)."""
    return {"id": aid, "kind": kind, "capability": capability, **fields}


def world(
    regions: list[dict],
    borders: list[tuple[str, str]],
    actors: list[dict],
    relations: tuple[tuple[str, str, float], ...] = (),
    ties: tuple[tuple[str, str, float], ...] = (),
    events: tuple[dict, ...] = (),
    steps: int = 12,
    **parameters: Any,
) -> dict:
    """An abstract scenario (no sources needed) with front noise off unless given."""
    return {
        "name": "synthetic",
        "abstract": True,
        "start": "2014-01",
        "steps": steps,
        "parameters": {"front_noise": 0.0, **parameters},
        "region": regions,
        "border": [{"a": a, "b": b} for a, b in borders],
        "actor": actors,
        "relation": [{"a": a, "b": b, "value": v} for a, b, v in relations],
        "tie": [{"a": a, "b": b, "strength": v} for a, b, v in ties],
        "event": list(events),
    }


def line_world(names: list[str], actors: list[dict], **kwargs: Any) -> dict:
    """Regions in a line, each bordering the next (hop distance = difference of positions)."""
    return world([region(r) for r in names], list(pairwise(names)), actors, **kwargs)


def build(raw: dict, seed: int = 1, steps: int | None = None) -> RegionalModel:
    """A model of the scenario dictionary (validated as a file would be)."""
    return RegionalModel(parse(raw), rng=seed, steps=steps)


# --------------------------------------------------------------------------- TOML output


def to_toml(raw: dict) -> str:
    """A scenario dictionary as TOML text: top-level tables, arrays of tables, inline values."""
    lines = [f"{key} = {_inline(value)}" for key, value in raw.items() if not _is_table(value)]
    for key, value in raw.items():
        if isinstance(value, dict):
            lines += ["", f"[{key}]", *(f"{k} = {_inline(v)}" for k, v in value.items())]
        elif _is_table(value):
            for item in value:
                lines += ["", f"[[{key}]]", *(f"{k} = {_inline(v)}" for k, v in item.items())]
    return "\n".join(lines) + "\n"


def write_toml(raw: dict, path: Path) -> Path:
    """Write a scenario dictionary to `path` as TOML; returns the path."""
    path.write_text(to_toml(raw), encoding="utf-8")
    return path


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value))


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
