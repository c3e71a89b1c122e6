"""Experiment files (TOML): scenarios, parameter factors, a design, replications and outputs.

An experiment file is validated like a scenario file: every mistake is one `UsageError` line
naming the file, the field and what is wrong. Scenario paths are relative to the experiment
file. The format is documented in `experiments/README.md`.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bopsim.experiments.folders import SAFE_NAME
from bopsim.model import limits
from bopsim.model.classic import MODEL_NAMES, REGIONAL
from bopsim.model.errors import UsageError
from bopsim.model.scenario import read_toml

TABLES = ("model", "actors", "regions", "control", "events")
ACTOR_METRICS = ("power_share", "territory_km2", "territory_share", "settled_km2", "strategic_depth", "capability",
                 "forward_presence")
MODEL_METRICS = ("bloc_balance", "effective_poles", "concentration", "battle_deaths", "contested_regions", "ungoverned_km2")
Finite = Annotated[float, Field(allow_inf_nan=False)]
Scalar = bool | int | float | str


class Strict(BaseModel):
    """No unknown fields and no coercion: "36" is not 36 and "yes" is not true."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScenarioEntry(Strict):
    """One scenario (or variant) of the experiment.

    `label` names it in results (default: the file stem); `set` overrides fields of this
    scenario only (same paths as factors), e.g. `set = { "actor.north.capability" = 60 }`.
    """

    file: str
    label: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$")
    set: dict[str, Scalar] = Field(default_factory=dict)


class Factor(Strict):
    """An override of one scenario field: a fixed `value`, a list of `values`, or a range.

    `path` is `parameters.<name>`, `actor.<id>.<field>` or
    `actor.<id>.strategy.<behaviour>.<parameter>`. A range is `low`/`high` (uniform, loguniform,
    triangular with `mode`) or `mean`/`sd` (normal).
    """

    path: str = Field(min_length=1)
    value: Scalar | None = None
    values: list[Scalar] | None = Field(None, min_length=1)
    low: Finite | None = None
    high: Finite | None = None
    mode: Finite | None = None
    mean: Finite | None = None
    sd: Finite | None = Field(None, gt=0)
    distribution: Literal["uniform", "loguniform", "triangular", "normal"] | None = None
    levels: int | None = Field(None, ge=2, le=limits.MAX_DESIGN_POINTS, description="points of a range in a factorial design")
    integer: bool = Field(False, description="round sampled values to whole numbers")

    @model_validator(mode="after")
    def _one_kind(self) -> Factor:
        kinds = [self.value is not None, self.values is not None, self.is_range]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of value, values, or a range (low/high or mean/sd)")
        if self.is_range:
            self._check_range()
        return self

    @property
    def is_range(self) -> bool:
        return any(x is not None for x in (self.low, self.high, self.mean, self.sd, self.distribution))

    @property
    def is_fixed(self) -> bool:
        return self.value is not None

    @property
    def dist(self) -> str:
        return self.distribution or ("normal" if self.mean is not None else "uniform")

    def _check_range(self) -> None:
        if self.dist == "normal":
            if self.mean is None or self.sd is None or self.low is not None or self.high is not None:
                raise ValueError("a normal range needs mean and sd (and no low/high)")
            return
        if self.low is None or self.high is None or self.mean is not None or self.sd is not None:
            raise ValueError(f"a {self.dist} range needs low and high (and no mean/sd)")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform range needs low > 0")
        if self.dist == "triangular" and (self.mode is None or not self.low <= self.mode <= self.high):
            raise ValueError("a triangular range needs a mode between low and high")


class Design(Strict):
    """How factor values are combined into design points."""

    kind: Literal["factorial", "lhs", "sobol", "morris", "posterior"] = "factorial"
    samples: int = Field(16, ge=1, le=limits.MAX_SAMPLES, description="LHS points; Sobol and Morris base samples N; posterior draws")
    posterior: str | None = Field(None, description="posterior folder of `bopsim calibrate` (kind posterior)")
    second_order: bool = Field(False, description="Sobol: also sample for second-order indices")
    morris_levels: int = Field(4, ge=2, le=100, description="Morris grid levels")


class ConsequenceNames(Strict):
    """Whose consequences the run reports (experiments/batch/consequences.py; docs/ODD.md §7.10):
    the actor, its allies (whose survival, home and ground count as its gains), the actor whose
    home ends the land corridor, the partner whose cooperation is measured and the rivals."""

    actor: str = Field(min_length=1)
    allies: list[str] = Field(default_factory=list)
    corridor_to: str | None = None
    partner: str | None = None
    rivals: list[str] = Field(default_factory=list)


class Outputs(Strict):
    """Which time series to keep, how often, and which outcomes to compute per run."""

    keep: list[Literal["model", "actors", "regions", "control", "events"]] = Field(default_factory=lambda: ["model", "actors"])
    every: int = Field(1, ge=1, le=limits.MAX_STEPS, description="months between kept rows of the time-series tables")
    actors: list[str] | None = Field(None, description="actors whose outcomes are computed (default: all)")
    actor_metrics: list[Literal[ACTOR_METRICS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["power_share", "territory_km2", "strategic_depth", "capability"])
    model_metrics: list[Literal[MODEL_METRICS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["bloc_balance", "effective_poles", "battle_deaths"])
    territory_threshold_km2: Finite = Field(
        1000.0, ge=0, description="a non-state actor's territory below this (km2) counts as lost")
    consequences: ConsequenceNames | None = None


class Experiment(Strict):
    """A validated experiment file."""

    name: str = Field(pattern=SAFE_NAME.pattern, description="names the default result folder, results/<name>")
    description: str = ""
    model: Literal[MODEL_NAMES] = Field(  # type: ignore[valid-type]
        REGIONAL, description="model family: the regional model, or a classic one (model/classic); "
                              "a classic family's scenario files are world files of its parameters")
    root_seed: int = Field(ge=0, le=2**63 - 1, description="root of numpy SeedSequence; every run's seed derives from it")
    replications: int = Field(1, ge=1, le=limits.MAX_REPLICATIONS)
    steps: int | None = Field(None, ge=1, le=limits.MAX_CLASSIC_STEPS,
                              description="months per run, steps of a classic family (default: each scenario's)")
    scenario: list[ScenarioEntry] = Field(min_length=1)
    factor: list[Factor] = Field(default_factory=list)
    design: Design = Field(default_factory=Design)
    outputs: Outputs = Field(default_factory=Outputs)
    baseline: str | None = Field(None, description="label of the baseline scenario for compare (default: the first)")

    @model_validator(mode="after")
    def _regional_months(self) -> Experiment:
        if self.model == REGIONAL and self.steps is not None and self.steps > limits.MAX_STEPS:
            raise ValueError(f"steps: at most {limits.MAX_STEPS} months for the regional model (got {self.steps})")
        return self

    @property
    def labels(self) -> list[str]:
        return [s.label or Path(s.file).stem for s in self.scenario]

    @property
    def varied(self) -> list[Factor]:
        return [f for f in self.factor if not f.is_fixed]


class LoadedExperiment(BaseModel):
    """An experiment with its origin: the file, resolved scenario paths and a content hash."""

    model_config = ConfigDict(frozen=True)
    path: Path
    spec: Experiment
    scenario_files: tuple[Path, ...]
    posterior_dir: Path | None = None

    def fingerprint(self) -> str:
        """Hash of everything that changes a run's result (not `replications`, which only adds runs):
        the experiment, its scenario files, the posterior it draws from and the simulation's code."""
        regional = {"model"} if self.spec.model == REGIONAL else set()  # hashes from before model families
        body = self.spec.model_dump(mode="json", exclude={"replications", "description"} | regional)
        body["scenario_text"] = [p.read_text(encoding="utf-8") for p in self.scenario_files]
        body["code"] = code_digest()
        if self.posterior_dir is not None:
            body["posterior_text"] = (self.posterior_dir / "particles.csv").read_text(encoding="utf-8")
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]

    def posterior(self):
        """(parameter values, weights) of the last generation of the posterior, or None."""
        from bopsim.experiments.calibrate.run import posterior

        return None if self.posterior_dir is None else posterior(self.posterior_dir)


def load_experiment(path: str | Path, replications: int | None = None, steps: int | None = None) -> LoadedExperiment:
    """Read and validate an experiment file; `replications`/`steps` override the file's values."""
    path = Path(path)
    raw = _read(path)
    if replications is not None:
        raw["replications"] = replications
    if steps is not None:
        raw["steps"] = steps
    spec = validated(Experiment, raw, path)
    files = tuple((path.parent / s.file).resolve() for s in spec.scenario)
    _check(path, spec, files)
    posterior = _posterior_dir(path, spec)
    _check_consequences(path, spec, files)
    return LoadedExperiment(path=path, spec=spec, scenario_files=files, posterior_dir=posterior)


def _check_consequences(path: Path, spec: Experiment, files: tuple[Path, ...]) -> None:
    """UsageError if `[outputs.consequences]` names an actor no scenario of the experiment has
    (an actor missing from some variants only is allowed: its outcomes are NaN there)."""
    names = spec.outputs.consequences
    if names is None:
        return
    from bopsim.experiments.batch.overrides import base_scenario

    known = {a.id for file in files for a in base_scenario(str(file)).actor}
    named = [("actor", names.actor), ("corridor_to", names.corridor_to), ("partner", names.partner),
             *(("allies", a) for a in names.allies), *(("rivals", r) for r in names.rivals)]
    for field, actor in named:
        if actor is not None and actor not in known:
            raise UsageError(f"{path}: outputs.consequences.{field}: no scenario has an actor {actor!r}")


def _posterior_dir(path: Path, spec: Experiment) -> Path | None:
    """The posterior folder of a `posterior` design (UsageError if it is missing or misused)."""
    design = spec.design
    if design.kind != "posterior":
        if design.posterior is not None:
            raise UsageError(f"{path}: design.posterior: only a posterior design takes a posterior")
        return None
    if design.posterior is None:
        raise UsageError(f"{path}: design.posterior: missing (the folder `bopsim calibrate` wrote)")
    if spec.varied:
        raise UsageError(f"{path}: factor[{spec.varied[0].path}]: a posterior design takes fixed factors only")
    folder = (path.parent / design.posterior).resolve()
    if not (folder / "particles.csv").is_file():
        raise UsageError(f"{path}: design.posterior: no particles.csv in {folder} (run `bopsim calibrate` first)")
    return folder


def _read(path: Path) -> dict[str, Any]:
    raw = read_toml(path, UsageError)
    if "scenario" not in raw and ({"region", "region_file", "actor", "extends"} & raw.keys()):
        raise UsageError(f"{path}: a scenario file, not an experiment file (run it with `bopsim run`, "
                         "or name it in an experiment's [[scenario]] file = ...)")
    return raw


def validated(model: type[BaseModel], raw: dict[str, Any], path: Path):
    """`raw` validated as `model`; a UsageError naming `path`, the field and what is wrong if not."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise UsageError(f"{path}: {_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error["loc"]) or "experiment"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "missing"
    elif error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] != "value_error" and "input" in error:
        message = f"{message} (got {error['input']!r})"
    return f"{field}: {message}"


def _check(path: Path, spec: Experiment, files: tuple[Path, ...]) -> None:
    for i, file in enumerate(files):
        if not file.is_file():
            raise UsageError(f"{path}: scenario[{i}].file: file not found: {file}")
    labels = spec.labels
    for label in labels:
        if labels.count(label) > 1:
            raise UsageError(f"{path}: scenario: duplicate label {label!r} (give each entry a label)")
    if spec.baseline is not None and spec.baseline not in labels:
        raise UsageError(f"{path}: baseline: {spec.baseline!r} is not a scenario label (labels: {', '.join(labels)})")
    paths = [f.path for f in spec.factor]
    for p in paths:
        if paths.count(p) > 1:
            raise UsageError(f"{path}: factor[{p}]: given twice")
    if spec.design.kind == "factorial":
        for f in spec.varied:
            if f.is_range and (f.levels is None or f.dist not in ("uniform", "loguniform")):
                raise UsageError(f"{path}: factor[{f.path}]: a factorial design needs values, "
                                 "or a uniform/loguniform range with levels")
    elif spec.design.kind in ("sobol", "morris") and not spec.varied:
        raise UsageError(f"{path}: design.kind: a {spec.design.kind} design needs at least one varied factor")
    points = design_points(spec)
    if points > limits.MAX_DESIGN_POINTS:
        raise UsageError(f"{path}: design: {points:,} design points, more than the limit of {limits.MAX_DESIGN_POINTS:,}")
    runs = len(spec.scenario) * points * spec.replications
    if runs > limits.MAX_RUNS:
        raise UsageError(f"{path}: replications: {len(spec.scenario)} scenarios x {points:,} design points x "
                         f"{spec.replications:,} replications = {runs:,} runs, more than the limit of {limits.MAX_RUNS:,}")


def design_points(spec: Experiment) -> int:
    """How many design points the design draws (before any is drawn): SALib's sample sizes."""
    d, n = len(spec.varied), spec.design.samples
    if d == 0:
        return 1
    kind = spec.design.kind
    if kind == "lhs":
        return n
    if kind == "sobol":
        return n * (2 * d + 2 if spec.design.second_order else d + 2)
    if kind == "morris":
        return n * (d + 1)
    return math.prod(len(f.values) if f.values is not None else (f.levels or 1) for f in spec.varied)


CODE_FOLDERS = ("model", "experiments/batch", "experiments/calibrate", "experiments/docking")
"""Folders of the package whose Python source makes a run's result: the model, the runner, the
posterior draws and the classic model families."""


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the simulation's source (`source_digest` of the installed package's CODE_FOLDERS).

    Part of an experiment's fingerprint: after a change of rules a result folder made by the old
    code is refused (another --out), instead of being resumed with runs the new code would not
    give. Documentation, figures and tests do not enter it; comments in the code do.
    """
    return source_digest(Path(__file__).resolve().parents[2], CODE_FOLDERS)


def source_digest(root: Path, folders: tuple[str, ...]) -> str:
    """SHA-256 of the Python files under `folders` of `root`, by relative path and content;
    an error if there are none (a digest of nothing would match any code)."""
    paths = sorted(path for folder in folders for path in (root / folder).rglob("*.py"))
    if not paths:
        raise UsageError(f"{root}: no Python source under {', '.join(folders)} to fingerprint")
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
