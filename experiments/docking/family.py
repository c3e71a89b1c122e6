"""Runs of a classic model family inside a batch: world files, parameter overrides, checks.

A classic family's "scenario" is a world file: a TOML file with a `[parameters]` table whose
entries override the family's published defaults (an empty table is the published setting). An
experiment's factors and `set` entries use the same paths, `parameters.<name>`. Everything
else about the batch (design, seeds, executors, store, compare) is the same as for the regional
model.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from experiments.batch.batch import _probe_values
from experiments.batch.config import LoadedExperiment
from model.errors import UsageError
from model.classic import FAMILIES, ClassicModel, ClassicParameters

TABLES = ("model",)
"""Time-series tables a classic run can keep (its `series()`, one row per step)."""


class WorldError(ValueError):
    """A world file or override that does not fit the family's parameters; the message says why."""


@lru_cache(maxsize=16)
def world_parameters(path: str) -> dict[str, Any]:
    """The `[parameters]` table of the world file at `path` (read once per process)."""
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WorldError(f"{path}: cannot read: {exc}") from None
    unknown = set(raw) - {"parameters", "description"}
    if unknown:
        raise WorldError(f"{path}: {sorted(unknown)[0]}: unknown field (a world file has [parameters] and description)")
    return dict(raw.get("parameters", {}))


def parameters(family: str, path: str, overrides: tuple[tuple[str, Any], ...] = ()) -> ClassicParameters:
    """The family's parameters from the world file at `path` with `overrides` ((path, value) pairs)."""
    values = dict(world_parameters(path))
    for field, value in overrides:
        head, _, name = field.partition(".")
        if head != "parameters" or not name:
            raise WorldError(f"path must be parameters.<name>, got {field!r}")
        values[name] = value
    try:
        return FAMILIES[family].parameters_type.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        message = "unknown parameter" if error["type"] == "extra_forbidden" else error["msg"]
        raise WorldError(f"parameters.{where}: {message}") from None


def build(family: str, path: str, overrides: tuple[tuple[str, Any], ...], seed: int) -> ClassicModel:
    """The family's model for one run, not yet stepped."""
    return FAMILIES[family](parameters(family, path, overrides), rng=seed)


def check(experiment: LoadedExperiment) -> None:
    """Every table kept exists, and every world file, `set` entry and factor value is valid (exit 2 if not)."""
    spec = experiment.spec
    for table in spec.outputs.keep:
        if table not in TABLES:
            raise UsageError(f"{experiment.path}: outputs.keep: {table!r} is not a table of the {spec.model} model "
                             f"(it has: {', '.join(TABLES)})")
    for i, (entry, label, file) in enumerate(zip(spec.scenario, spec.labels, experiment.scenario_files)):
        probes = [(f"scenario[{i}].set.{path}", path, value) for path, value in entry.set.items()]
        probes += [(f"factor[{f.path}]", f.path, value) for f in spec.factor for value in _probe_values(f)]
        try:
            parameters(spec.model, str(file))
        except WorldError as exc:
            raise UsageError(f"{experiment.path}: scenario[{i}].file: {exc}") from None
        for field, path, value in probes:
            try:
                parameters(spec.model, str(file), ((path, value),))
            except WorldError as exc:
                raise UsageError(f"{experiment.path}: {field}: {value!r} in scenario {label!r}: {exc}") from None
