"""Load a scenario file (TOML) into a validated, typed specification.

A scenario names regions, borders, actors, relations, ties, scheduled events and model
parameters. `extends = "base.toml"` merges the file over a base scenario: tables are merged
key by key, and lists of regions, actors, events, relations and ties are merged by their key
(id, or the actor pair), so a variant states only what differs. `enabled = false` drops an
actor (with every relation, tie and event that names it) or an event.

Every error a user can make is raised as `ScenarioError` with one line naming the file, the
field and what is wrong.
"""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from model.calendar import month_offset, parse_month

Finite = Annotated[float, Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message is one line for the user."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameters(Strict):
    """Model parameters shared by all actors; units in the field descriptions."""

    threat_exponent: Finite = Field(1.0, gt=0, description="alpha: threat grows as K_b**alpha")
    threat_range: Finite = Field(2.0, gt=0, description="lambda: threat decays as exp(-hops/lambda)")
    hostility_threshold: Share = Field(0.2, description="relations below -this are hostile")
    front_width: Finite = Field(2.0, gt=0, le=1e6, description="w: superiority (capability units) at which a front moves at tanh(1) = 76% of its speed")
    front_speed: Share = Field(0.25, description="kappa: most of a losing holder's share lost per month")
    front_noise: NonNegative = Field(0.2, description="sd of the log-normal noise on front speed")
    attrition: Share = Field(0.05, description="beta: losses per unit of enemy effective force per month")
    strike_effect: NonNegative = Field(1.0, description="fire of one unit of strike power relative to one ground unit")
    upkeep: Share = Field(0.02, description="share of capability that must be replaced each month")
    tie_rate: Share = Field(0.2, description="share of the gap to the tie target closed per month")
    tie_decay: Share = Field(0.02, description="share of an unsupported tie lost per month")
    bloc_threshold: Share = Field(0.4, description="ties at or above this form blocs and count as alliances")
    absorption: Share = Field(0.1, description="share of ungoverned ground taken per month by the forces present")
    redeployment: Share = Field(1.0, description="share of ground forces that move to their planned positions in a month (1 = all; the rest stay where they fought)")
    abandonment: Share = Field(0.1, description="share of ground held with no force in it (outside home) that becomes ungoverned per month")
    share_floor: Share = Field(0.001, description="control shares below this are not held (become ungoverned)")
    sovereign_support: Share = Field(0.5, description="support of a state in its own country, and of those fighting beside it, where identity gives less")
    relation_rate: Share = Field(0.05, description="share of the gap to the relation target closed per month")
    common_enemy_lift: Finite = Field(0.3, ge=0, le=2, description="relation gained at full common-enemy overlap (cosine of threat profiles 1)")
    presence: NonNegative = Field(0.01, description="forces (capability units) below this do not count as present")
    domain_share: Share = Field(0.05, description="control share from which a region counts as held")
    identity_scale: Finite = Field(1.0, gt=0, description="sigma: affinity = exp(-(distance/sigma)**2)")
    mobilisation_ceiling: NonNegative = Field(10.0, description="recruitable pool, capability units per million people (10 = 1% of the population), depleted by recruitment")
    resources_per_million: NonNegative = Field(0.05, description="income of a region per million people, capability units per month")
    deaths_per_unit: NonNegative = Field(1000.0, description="battle deaths per capability unit lost")
    war_threshold: NonNegative = Field(0.05, description="dyad losses per month (capability units) that count as war")
    terrain_defence: dict[str, Annotated[float, Field(ge=1, allow_inf_nan=False)]] = Field(
        default_factory=lambda: {"open": 1.0, "desert": 1.0, "urban": 1.5, "mountain": 1.8},
        description="delta: defender multiplier per terrain class",
    )


class BehaviourSpec(BaseModel):
    """One behaviour of a strategy: its name plus its own parameters (checked by the behaviour)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    behaviour: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RegionSpec(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    area_km2: Finite = Field(gt=0)
    population: NonNegative = 0.0
    resources: NonNegative | None = Field(None, description="income, capability units per month")
    terrain: str = "open"
    country: str = ""
    identity: tuple[Finite, Finite] = (0.0, 0.0)
    lon: Finite | None = None
    lat: Finite | None = None
    source: str = ""


class BorderSpec(Strict):
    a: str
    b: str


class ActorSpec(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    kind: Literal["state", "non_state", "external"]
    enabled: bool = True
    home: list[str] = Field(default_factory=list)
    home_country: str = ""
    basing: list[str] = Field(default_factory=list)
    capability: NonNegative = Field(description="military capability, capability units (1 = 1,000 fighter-equivalents)")
    income: NonNegative | None = Field(None, description="home-economy income, units per month; None = steady state")
    mobilisation: NonNegative = Field(0.0, description="recruits (capability units) per month per million affine people held, at a full pool")
    foreign_fighters: NonNegative = Field(0.0, description="foreign recruits per month (capability units) with every crossing held and at peak territory")
    transit_country: str = Field("", description="country (region `country` code) through which foreign recruits arrive")
    identity: tuple[Finite, Finite] = (0.0, 0.0)
    identity_label: str = ""
    strategy: list[BehaviourSpec] = Field(default_factory=lambda: [BehaviourSpec(behaviour="home_defence")])
    control: dict[str, Share] = Field(default_factory=dict)
    enters: str | None = None
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$", description="map colour, #rrggbb")
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("enters")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            parse_month(value)
        return value


class RelationSpec(Strict):
    a: str
    b: str
    value: Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False)]
    latent: Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False)] | None = Field(
        None, description="the relation without a common enemy (default: value)")
    source: str = ""


class TieSpec(Strict):
    a: str
    b: str
    strength: Share
    source: str = ""


class EventSpec(Strict):
    id: str = ""
    date: str
    kind: Literal["entry", "exit", "strategy", "relation", "tie"]
    actor: str
    other: str | None = None
    value: Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False)] | None = None
    strategy: list[BehaviourSpec] | None = None
    enabled: bool = True
    source: str = ""

    @field_validator("date")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    @model_validator(mode="after")
    def _needs(self) -> EventSpec:
        if self.kind in ("relation", "tie") and (self.other is None or self.value is None):
            raise ValueError(f"a '{self.kind}' event needs 'other' and 'value'")
        if self.kind == "strategy" and not self.strategy:
            raise ValueError("a 'strategy' event needs 'strategy'")
        return self


class ScenarioSpec(Strict):
    """A whole validated scenario. Cross-references are checked after field validation."""

    name: str
    description: str = ""
    start: str = "2014-01"
    steps: int = Field(36, ge=0)
    abstract: bool = Field(False, description="a stylised world: facts need no sources")
    geometry: str | None = Field(None, description="GeoJSON of region polygons (for maps), resolved to an absolute path")
    parameters: Parameters = Field(default_factory=Parameters)
    region: list[RegionSpec] = Field(min_length=1)
    border: list[BorderSpec] = Field(default_factory=list)
    actor: list[ActorSpec] = Field(min_length=1)
    relation: list[RelationSpec] = Field(default_factory=list)
    tie: list[TieSpec] = Field(default_factory=list)
    event: list[EventSpec] = Field(default_factory=list)

    @field_validator("start")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    def month_of(self, date: str) -> int:
        """Months from the scenario start to `date` (0 = the start month)."""
        return month_offset(self.start, date)


# --------------------------------------------------------------------------- loading


def load(path: str | Path) -> ScenarioSpec:
    """Read, merge (`extends`), validate and cross-check a scenario file."""
    path = Path(path)
    return parse(_read_merged(path, ()), path)


def parse(raw: dict[str, Any], origin: str | Path = "<scenario>") -> ScenarioSpec:
    """Validate and cross-check a scenario given as a dictionary (as read from TOML).

    `origin` names the source in error messages.
    """
    spec = _validate(origin, raw)
    _check_references(origin, spec)
    return spec


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read: {exc}") from None
    if not text.strip():
        raise ScenarioError(f"{path}: the file is empty")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None


def _read_merged(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(f"{path}: extends: cycle {cycle}")
    raw = _read_toml(path)
    _inline_region_files(path, raw)
    if isinstance(raw.get("geometry"), str):
        geometry = path.parent / raw["geometry"]
        if not geometry.is_file():
            raise ScenarioError(f"{path}: geometry: file not found: {geometry}")
        raw["geometry"] = str(geometry.resolve())
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    if not isinstance(base_name, str):
        raise ScenarioError(f"{path}: extends: must be a file name, got {base_name!r}")
    base = _read_merged(path.parent / base_name, (*chain, resolved))
    return merge(base, raw)


def _inline_region_files(path: Path, raw: dict[str, Any]) -> None:
    """Turn `region_file` / `border_file` (CSV beside the scenario) into region/border lists."""
    for key, target, reader in (("region_file", "region", _region_rows), ("border_file", "border", _border_rows)):
        name = raw.pop(key, None)
        if name is None:
            continue
        csv_path = path.parent / name
        if not csv_path.is_file():
            raise ScenarioError(f"{path}: {key}: file not found: {csv_path}")
        with csv_path.open(newline="", encoding="utf-8") as handle:
            rows = reader(csv_path, csv.DictReader(handle))
        raw[target] = merge_keyed(rows, raw.get(target, []), _KEYS[target])


_REGION_COLUMNS = ("id", "name", "area_km2", "population", "resources", "terrain", "country", "lon", "lat", "source")


def _region_rows(csv_path: Path, reader: csv.DictReader) -> list[dict[str, Any]]:
    rows = []
    for number, row in enumerate(reader, start=2):
        region: dict[str, Any] = {k: row[k] for k in _REGION_COLUMNS if row.get(k) not in (None, "")}
        if row.get("identity_x") not in (None, ""):
            region["identity"] = (row["identity_x"], row.get("identity_y") or 0.0)
        if "id" not in region:
            raise ScenarioError(f"{csv_path}: line {number}: id: missing")
        rows.append(region)
    return rows


def _border_rows(csv_path: Path, reader: csv.DictReader) -> list[dict[str, Any]]:
    if not {"region_a", "region_b"} <= set(reader.fieldnames or ()):
        raise ScenarioError(f"{csv_path}: needs columns region_a and region_b")
    return [{"a": row["region_a"], "b": row["region_b"]} for row in reader]


_KEYS = {
    "region": lambda item: item.get("id"),
    "actor": lambda item: item.get("id"),
    "event": lambda item: item.get("id") or None,
    "relation": lambda item: frozenset((item.get("a"), item.get("b"))),
    "tie": lambda item: frozenset((item.get("a"), item.get("b"))),
    "border": lambda item: frozenset((item.get("a"), item.get("b"))),
}


def merge_keyed(base: list[Any], over: list[Any], key) -> list[Any]:
    """Merge two lists of tables: items with the same key are merged, others appended."""
    merged = [dict(item) if isinstance(item, dict) else item for item in base]
    index = {key(item): i for i, item in enumerate(merged) if isinstance(item, dict) and key(item) is not None}
    for item in over:
        k = key(item) if isinstance(item, dict) else None
        if k is not None and k in index:
            merged[index[k]] = merge(merged[index[k]], item)
        else:
            merged.append(item)
    return merged


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge `over` onto `base`: nested tables key by key, keyed lists by key, the rest replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "control":
            out[key] = merge(out[key], value)
        elif key in _KEYS and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = merge_keyed(out[key], value, _KEYS[key])
        else:
            out[key] = value
    return out


def _drop_disabled(raw: dict[str, Any]) -> dict[str, Any]:
    """Remove disabled actors, everything that names them, and disabled events."""
    actors = raw.get("actor")
    if not isinstance(actors, list):
        return raw
    gone = {a.get("id") for a in actors if isinstance(a, dict) and a.get("enabled") is False}
    out = dict(raw)
    out["actor"] = [a for a in actors if not (isinstance(a, dict) and a.get("id") in gone)]
    for key in ("relation", "tie"):
        out[key] = [r for r in raw.get(key, []) if not (isinstance(r, dict) and {r.get("a"), r.get("b")} & gone)]
    out["event"] = [
        e
        for e in raw.get("event", [])
        if not (isinstance(e, dict) and (e.get("enabled") is False or {e.get("actor"), e.get("other")} & gone))
    ]
    return out


def _validate(path: Path, raw: dict[str, Any]) -> ScenarioSpec:
    try:
        return ScenarioSpec.model_validate(_drop_disabled(raw))
    except ValidationError as exc:
        raise ScenarioError(f"{path}: {_describe(exc, raw)}") from None


def _describe(exc: ValidationError, raw: dict[str, Any]) -> str:
    """The first validation error as 'field.path (id): message'."""
    error = exc.errors()[0]
    location = error["loc"]
    parts: list[str] = []
    node: Any = raw
    for step in location:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            label = _label(node)
            parts[-1] = f"{parts[-1]}[{label or step}]"
            continue
        parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    field = ".".join(parts) or "scenario"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "missing"
    elif error["type"] == "extra_forbidden":
        message = "unknown field"
    elif "input" in error and error["type"] not in ("value_error",):
        message = f"{message} (got {error['input']!r})"
    return f"{field}: {message}"


def _label(item: Any) -> str | None:
    """How an item of a list is named in messages: its id, or its actor pair."""
    if not isinstance(item, dict):
        return None
    if item.get("id"):
        return str(item["id"])
    if "a" in item and "b" in item:
        return f"{item['a']}-{item['b']}"
    return None


# --------------------------------------------------------------------------- cross-checks


def _check_references(path: Path, spec: ScenarioSpec) -> None:
    def fail(field: str, message: str) -> None:
        raise ScenarioError(f"{path}: {field}: {message}")

    regions = _unique(fail, "region", [r.id for r in spec.region])
    actors = _unique(fail, "actor", [a.id for a in spec.actor])
    terrains = spec.parameters.terrain_defence
    countries = {r.country for r in spec.region}
    for r in spec.region:
        if r.terrain not in terrains:
            fail(f"region[{r.id}].terrain", f"unknown terrain {r.terrain!r} (known: {', '.join(sorted(terrains))})")
    for b in spec.border:
        for end in (b.a, b.b):
            if end not in regions:
                fail(f"border[{b.a}-{b.b}]", f"unknown region {end!r}")
        if b.a == b.b:
            fail(f"border[{b.a}-{b.b}]", "a region cannot border itself")
    for a in spec.actor:
        _check_actor(fail, a, regions, countries, spec)
    _check_control_sums(fail, spec)
    for kind in ("relation", "tie"):
        for item in getattr(spec, kind):
            for end in (item.a, item.b):
                if end not in actors:
                    fail(f"{kind}[{item.a}-{item.b}]", f"unknown actor {end!r}")
            if item.a == item.b:
                fail(f"{kind}[{item.a}-{item.b}]", "an actor cannot relate to itself")
            if not spec.abstract and not item.source:
                fail(f"{kind}[{item.a}-{item.b}].source", "missing (a fact needs a source)")
    for e in spec.event:
        label = f"event[{e.id or e.date}]"
        for field, end in (("actor", e.actor), ("other", e.other)):
            if end is not None and end not in actors:
                fail(f"{label}.{field}", f"unknown actor {end!r}")
        if e.strategy:
            _check_strategy(fail, f"{label}.strategy", e.strategy, actors)
        if not spec.abstract and not e.source:
            fail(f"{label}.source", "missing (a scheduled event needs a source)")
        if spec.month_of(e.date) < 0:
            fail(f"{label}.date", f"{e.date} is before the scenario start {spec.start}")


def _unique(fail, kind: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            fail(f"{kind}[{item}].id", "duplicate id")
        seen.add(item)
    return seen


def _check_actor(fail, a: ActorSpec, regions: set[str], countries: set[str], spec: ScenarioSpec) -> None:
    label = f"actor[{a.id}]"
    for field in ("home", "basing"):
        for r in getattr(a, field):
            if r not in regions:
                fail(f"{label}.{field}", f"unknown region {r!r}")
    for r in a.control:
        if r not in regions:
            fail(f"{label}.control", f"unknown region {r!r}")
    if a.control and a.enters is not None and spec.month_of(a.enters) > 0:
        fail(f"{label}.control", "an actor that enters later holds no ground at the start")
    if a.home_country and a.home_country not in countries:
        fail(f"{label}.home_country", f"no region has country {a.home_country!r}")
    if a.kind == "external" and (a.home or a.home_country):
        fail(f"{label}.home", "an external power has no home region in the theatre (use basing)")
    if a.kind != "external" and not (a.home or a.home_country):
        fail(f"{label}.home", "missing (a state or non-state actor needs home regions)")
    _check_strategy(fail, f"{label}.strategy", a.strategy, {x.id for x in spec.actor})
    _check_places(fail, f"{label}.strategy", a.strategy, regions, countries)
    if not spec.abstract and "capability" not in a.sources:
        fail(f"{label}.sources.capability", "missing (a fact needs a source)")


def _check_strategy(fail, label: str, strategy: list[BehaviourSpec], actors: set[str]) -> None:
    from model.strategies import build_strategy

    try:
        build_strategy(strategy, actors)
    except ValueError as exc:
        fail(label, str(exc))


def _check_places(fail, label: str, strategy: list[BehaviourSpec], regions: set[str], countries: set[str]) -> None:
    """Country codes (`countries`, `theatre`) and region ids (`regions`) named by behaviours exist."""
    for b in strategy:
        extra = b.model_extra or {}
        for field, known, what in (("countries", countries, "country"), ("theatre", countries, "country"), ("regions", regions, "region")):
            for item in extra.get(field) or []:
                if item not in known:
                    fail(f"{label}.{b.behaviour}.{field}", f"unknown {what} {item!r}")


def _check_control_sums(fail, spec: ScenarioSpec) -> None:
    totals: dict[str, float] = {}
    for a in spec.actor:
        for r, share in a.control.items():
            totals[r] = totals.get(r, 0.0) + share
    for r, total in totals.items():
        if total > 1 + 1e-9 or math.isnan(total):
            fail(f"actor.control[{r}]", f"initial control shares sum to {total:.3f} > 1")
