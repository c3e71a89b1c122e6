"""Calibration files (TOML): the scenario, the pattern catalogue, the priors and the ABC settings.

Everything specific to a scenario (its file, its actors through the catalogue, the parameters and
their ranges) lives in the file; the code names no actor. Every mistake is one `UsageError` line
naming the file, the field and what is wrong. Paths are relative to the calibration file.
Format: experiments/README.md and docs/calibration.md, "Bayesian calibration".
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from scipy.special import ndtr
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bopsim.experiments.batch.config import _read, validated
from bopsim.experiments.calibrate.forecast import Forecast
from bopsim.model import limits
from bopsim.model.errors import UsageError

Finite = Annotated[float, Field(allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prior(Strict):
    """The prior of one free parameter: uniform or log-uniform on [low, high], with its reason.

    `path` is a scenario field as in experiment files (`parameters.<name>`, `actor.<id>.<field>`,
    `actor.<id>.strategy.<behaviour>.<parameter>`).
    """

    path: str = Field(min_length=1)
    low: Finite
    high: Finite
    distribution: Literal["uniform", "loguniform"] = "uniform"
    reason: str = Field(min_length=1, description="the sources or argument behind the range")

    @model_validator(mode="after")
    def _range(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform prior needs low > 0")
        return self

    @property
    def name(self) -> str:
        """The parameter's name in pyabc's database (dots are not allowed there)."""
        return self.path.replace(".", "__")

    def value(self, u):
        """The prior's quantile at `u` in [0, 1] (a number or an array): low + u (high − low), or
        its log-uniform counterpart. Example: 0.5 on a log-uniform 1..100 gives 10. A quantile
        nearer to 0 than `limits.MIN_MAGNITUDE` is 0, as a scenario file takes it (a range from 0
        reaches such values at u < 1e-9, which a heavy-tailed proposal does draw)."""
        if self.distribution == "uniform":
            value = self.low + u * (self.high - self.low)
            return np.where(np.abs(value) < limits.MIN_MAGNITUDE, 0.0, value)[()]
        return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))

    def at_normal(self, z):
        """The value at standard-normal score `z` (a number or an array): `value(Phi(z))`, so z ~ N(0, 1)
        gives this prior. Example: 0 on a uniform 5..40 gives the median 22.5; z = 1.645 the 95% quantile."""
        return self.value(ndtr(z))


class ABCSettings(Strict):
    """ABC-SMC settings: particles per generation, generations, the acceptance threshold schedule."""

    population: int = Field(200, ge=2)
    generations: int = Field(8, ge=1, description="SMC generations (populations) at most")
    epsilon_quantile: float = Field(0.5, gt=0, lt=1, description="next threshold: this quantile of the last distances")
    min_epsilon: Finite = Field(0.0, ge=0, description="stop once the threshold is at or below this")
    min_acceptance_rate: float = Field(0.005, ge=0, lt=1, description="stop once acceptance falls below this")
    transition_scaling: float = Field(1.2, gt=0, le=10, description=(
        "the proposal's shape matrix: the last population's weighted covariance times this "
        "(experiments/calibrate/transition.py)"))
    transition_df: float = Field(5.0, ge=3, description=(
        "degrees of freedom of the proposal's Student t (inf: the Gaussian; experiments/calibrate/transition.py)"))


class CalibrationSpec(Strict):
    """A validated calibration file."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    scenario: str = Field(min_length=1, description="scenario file to calibrate")
    patterns: str = Field(min_length=1, description="pattern catalogue whose values are the summary statistics")
    root_seed: int = Field(ge=0)
    steps: int | None = Field(None, ge=1, description="months per run (default: to the catalogue's last month)")
    abc: ABCSettings = Field(default_factory=ABCSettings)
    prior: list[Prior] = Field(min_length=1)
    forecast: Forecast | None = Field(None, description="what the predictive runs forecast beyond the data")


class LoadedCalibration(BaseModel):
    """A calibration with its origin and resolved paths."""

    model_config = ConfigDict(frozen=True)
    path: Path
    spec: CalibrationSpec
    scenario_file: Path
    patterns_file: Path

    @property
    def out(self) -> Path:
        """Where the posterior goes: next to the scenario, `<scenario stem>.posterior/`."""
        return self.scenario_file.with_name(f"{self.scenario_file.stem}.posterior")


def load_calibration(path: str | Path, population: int | None = None, generations: int | None = None,
                     steps: int | None = None) -> LoadedCalibration:
    """Read and validate a calibration file; the options override the file's values."""
    path = Path(path)
    raw = _read(path)
    given = {k: v for k, v in (("population", population), ("generations", generations)) if v is not None}
    if given and isinstance(raw.get("abc", {}), dict):
        raw["abc"] = raw.get("abc", {}) | given
    if steps is not None:
        raw["steps"] = steps
    spec = validated(CalibrationSpec, raw, path)
    files = {name: (path.parent / getattr(spec, name)).resolve() for name in ("scenario", "patterns")}
    for name, file in files.items():
        if not file.is_file():
            raise UsageError(f"{path}: {name}: file not found: {file}")
    paths = [p.path for p in spec.prior]
    for i, p in enumerate(paths):
        if paths.count(p) > 1:
            raise UsageError(f"{path}: prior[{i}].path: {p} given twice")
    _check_paths(path, spec, files["scenario"])
    _check_catalogue(path, spec, files["patterns"], files["scenario"])
    return LoadedCalibration(path=path, spec=spec, scenario_file=files["scenario"], patterns_file=files["patterns"])


def _check_catalogue(path: Path, spec: CalibrationSpec, patterns: Path, scenario: Path) -> None:
    """UsageError if the catalogue is invalid or names a region, country or actor the scenario lacks,
    or a forecast quantity names an actor the catalogue's [actors] or a country the scenario lacks."""
    from bopsim.experiments.batch.overrides import base_scenario
    from bopsim.experiments.patterns.catalogue import check_against_scenario, load_catalogue

    catalogue, base = load_catalogue(patterns), base_scenario(str(scenario))
    check_against_scenario(catalogue, base, patterns)
    countries = {r.country for r in base.region}
    for q in spec.forecast.quantity if spec.forecast else ():
        unknown = [a for a in q.actors or () if a not in catalogue.actors]
        if unknown:
            raise UsageError(f"{path}: forecast.quantity[{q.id}].actors: {unknown[0]!r} is not in {patterns}'s [actors]")
        if q.country is not None and q.country not in countries:
            raise UsageError(f"{path}: forecast.quantity[{q.id}].country: scenario {base.name} has no region in {q.country}")


def _check_paths(path: Path, spec: CalibrationSpec, scenario: Path) -> None:
    """UsageError if a prior's path names nothing in the scenario (checked with the prior's low value)."""
    from bopsim.experiments.batch.overrides import OverrideError, scenario_with
    from bopsim.model.scenario import ScenarioError

    for i, prior in enumerate(spec.prior):
        try:
            scenario_with(str(scenario), ((prior.path, prior.low),))
        except (OverrideError, ScenarioError) as exc:
            raise UsageError(f"{path}: prior[{i}].path: {prior.path}: {exc}") from None

