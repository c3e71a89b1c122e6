"""Load a scenario file (TOML) into a validated, typed specification.

A scenario names regions, borders, actors, relations, ties, scheduled events and model
parameters. `extends = "base.toml"` merges the file over a base scenario: tables are merged
key by key, and lists of regions, actors, events, relations and ties are merged by their key
(id, or the actor pair), so a variant states only what differs; a variant that names its own
`region_file` (or `border_file`) brings its own map, which replaces the base's regions (or
borders) instead of merging with them. `enabled = false` drops an
actor (with every relation, tie and event that names it) or an event.

Every error a user can make is raised as `ScenarioError` with one line naming the file, the
field and what is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bopsim.model import limits
from bopsim.model.calendar import month_offset, parse_month
from bopsim.model.errors import ScenarioError

def _not_tiny(value: float) -> float:
    """A number is 0 or at least limits.MIN_MAGNITUDE in size: dividing by less overflows."""
    if 0 < abs(value) < limits.MIN_MAGNITUDE:
        raise ValueError(f"{value!r} is nearer to 0 than {limits.MIN_MAGNITUDE} (use 0 or a larger value)")
    return value


Finite = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_not_tiny)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False), AfterValidator(_not_tiny)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), AfterValidator(_not_tiny)]
Capability = Annotated[float, Field(ge=0, le=limits.MAX_CAPABILITY, allow_inf_nan=False), AfterValidator(_not_tiny)]
Rate = Annotated[float, Field(ge=0, le=limits.MAX_RATE, allow_inf_nan=False), AfterValidator(_not_tiny)]
Coordinate = Annotated[float, Field(ge=-limits.MAX_IDENTITY, le=limits.MAX_IDENTITY, allow_inf_nan=False),
                       AfterValidator(_not_tiny)]
Identity = Annotated[tuple[Coordinate, Coordinate], Field(strict=False)]
"""An identity point; a TOML array is accepted for the pair, its numbers are checked strictly."""


class Strict(BaseModel):
    """No unknown fields and no coercion: "36" is not 36 and "yes" is not true."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Parameters(Strict):
    """Model parameters shared by all actors; units in the field descriptions."""

    threat_exponent: Finite = Field(1.0, gt=0, le=limits.MAX_EXPONENT, description="alpha: threat grows as K_b**alpha")
    threat_range: Finite = Field(2.0, ge=limits.MIN_SCALE, le=limits.MAX_SCALE, description="lambda: threat decays as exp(-hops/lambda)")
    hostility_threshold: Share = Field(0.2, description="relations below -this are hostile")
    front_width: Finite = Field(2.0, ge=limits.MIN_SCALE, le=limits.MAX_SCALE, description="w: superiority (capability units) at which a front moves at tanh(1) = 76% of its speed")
    front_speed: Share = Field(0.25, description="kappa: most of a losing holder's share lost per month")
    front_noise: NonNegative = Field(0.2, le=10, description="sd of the log-normal noise on front speed")
    attrition: Share = Field(0.05, description="beta: losses per unit of enemy effective force per month")
    strike_effect: NonNegative = Field(1.0, le=limits.MAX_MULTIPLIER, description="fire of one unit of strike power relative to one ground unit")
    air_support: NonNegative = Field(0.0, le=limits.MAX_MULTIPLIER, description="contest strength added per unit of strike fire flown for an actor, before its popular support (0 = air power only wears the enemy down)")
    upkeep: Share = Field(0.02, description="share of capability that must be replaced each month")
    tie_rate: Share = Field(0.2, description="share of the gap to the tie target closed per month")
    tie_decay: Share = Field(0.02, description="share of an unsupported tie lost per month")
    bloc_threshold: Share = Field(0.4, description="ties at or above this form blocs and count as alliances")
    absorption: Share = Field(0.1, description="share of ungoverned ground taken per month by the forces present")
    redeployment: Share = Field(1.0, description="share of ground forces that move to their planned positions in a month (1 = all; the rest stay where they fought)")
    desertion: NonNegative = Field(0.0, le=limits.MAX_MULTIPLIER, description="share of a beaten force that deserts per share of its ground lost, scaled by (1 - support) (0 = off)")
    abandonment: Share = Field(0.1, description="share of ground held with no force in it (outside home) that becomes ungoverned per month")
    share_floor: Share = Field(0.001, description="control shares below this are not held (become ungoverned)")
    sovereign_support: Share = Field(0.5, description="support of a state in its own country, and of those fighting beside it, where identity gives less")
    campaign_economy: Share = Field(0.0, description="epsilon: a campaign's objective value is divided by (the strength superiority needs there)^epsilon, floored at `presence` (0 = the prize and the odds only)")
    capital_reach: NonNegative = Field(0.0, le=limits.MAX_SCALE, description="lambda_c, hops: a state's standing falls from full support in its capital towards sovereign_support as exp(-hops/lambda_c) (0 = sovereign_support everywhere)")
    relation_rate: Share = Field(0.05, description="share of the gap to the relation target closed per month")
    common_enemy_lift: Finite = Field(0.3, ge=0, le=2, description="relation gained at full common-enemy overlap (cosine of threat profiles 1)")
    presence: NonNegative = Field(0.01, le=limits.MAX_CAPABILITY, description="forces (capability units) below this do not count as present")
    domain_share: Share = Field(0.05, description="control share from which a region counts as held")
    identity_scale: Finite = Field(1.0, ge=limits.MIN_SCALE, le=limits.MAX_SCALE, description="sigma: affinity = exp(-(distance/sigma)**2)")
    mobilisation_ceiling: NonNegative = Field(10.0, le=limits.MAX_RATE, description="recruitable pool, capability units per million people (10 = 1% of the population), depleted by recruitment")
    resources_per_million: NonNegative = Field(0.05, le=limits.MAX_RATE, description="income of a region per million people, capability units per month")
    deaths_per_unit: NonNegative = Field(1000.0, le=limits.MAX_SCALE, description="battle deaths per capability unit lost")
    war_threshold: NonNegative = Field(0.05, le=limits.MAX_CAPABILITY, description="dyad losses per month (capability units) that count as war")
    terrain_defence: dict[str, Annotated[float, Field(ge=1, le=limits.MAX_MULTIPLIER, allow_inf_nan=False)]] = Field(
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
    area_km2: Finite = Field(gt=0, le=limits.MAX_AREA_KM2)
    population: NonNegative = Field(0.0, le=limits.MAX_POPULATION)
    resources: Rate | None = Field(None, description="income, capability units per month")
    terrain: str = "open"
    desert_share: Share = Field(0.0, description="share of the area that is desert, not counted as territory by monitors of populated ground")
    country: str = ""
    identity: Identity = (0.0, 0.0)
    lon: Finite | None = Field(None, ge=-180, le=180)
    lat: Finite | None = Field(None, ge=-90, le=90)
    source: str = ""
    part_of: str = Field("", description="the region of the source data this region is part of (a governorate drawn as its districts), read by the pattern checks")


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
    capital: str | None = Field(None, description="a state's seat of government, a home region: its standing is strongest there (parameters.capital_reach)")
    basing: list[str] = Field(default_factory=list)
    capability: Capability = Field(description="military capability, capability units (1 = 1,000 fighter-equivalents)")
    income: Rate | None = Field(None, description="home-economy income, units per month; None = steady state")
    mobilisation: Rate = Field(0.0, description="recruits (capability units) per month per million affine people held, at a full pool")
    foreign_fighters: Rate = Field(0.0, description="foreign recruits per month (capability units) with every crossing held and at peak territory")
    transit_country: str = Field("", description="country (region `country` code) through which foreign recruits arrive")
    identity: Identity = (0.0, 0.0)
    identity_label: str = ""
    government: bool | None = Field(
        None, description="counts as a government in the state-based battle deaths (UCDP: a conflict with a "
                          "government on one side); None = by kind: states and external powers yes, non-state actors no")
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
    steps: int = Field(36, ge=0, le=limits.MAX_STEPS, description="months to simulate")
    abstract: bool = Field(False, description="a stylised world: facts need no sources")
    geometry: str | None = Field(None, description="GeoJSON of region polygons (for maps), resolved to an absolute path")
    parameters: Parameters = Field(default_factory=Parameters)
    region: list[RegionSpec] = Field(min_length=1, max_length=limits.MAX_REGIONS)
    border: list[BorderSpec] = Field(default_factory=list, max_length=limits.MAX_BORDERS)
    actor: list[ActorSpec] = Field(min_length=1, max_length=limits.MAX_ACTORS)
    relation: list[RelationSpec] = Field(default_factory=list)
    tie: list[TieSpec] = Field(default_factory=list)
    event: list[EventSpec] = Field(default_factory=list, max_length=limits.MAX_EVENTS)

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
    """Read, merge (`extends`), validate and cross-check a scenario file.

    Files the scenario names (`extends`, `region_file`, `border_file`, `geometry`) are relative
    to the file that names them and must lie in the folder of `path` or below it: a scenario
    file is data and reads nothing outside its own folder tree.
    """
    path = Path(path)
    return parse(_read_merged(path, (), path.resolve().parent), path)


def parse(raw: dict[str, Any], origin: str | Path = "<scenario>") -> ScenarioSpec:
    """Validate and cross-check a scenario given as a dictionary (as read from TOML).

    `origin` names the source in error messages.
    """
    spec = _validate(origin, raw)
    _check_references(origin, spec)
    return spec


def read_text(path: Path, error: type[Exception] = ScenarioError) -> str:
    """The UTF-8 text of a file of at most `limits.MAX_FILE_BYTES`; `error` with one line if not."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise error(f"{path}: not a file")
        if size > limits.MAX_FILE_BYTES:
            raise error(f"{path}: {size:,} bytes, more than the limit of {limits.MAX_FILE_BYTES:,}")
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_toml(path: Path, error: type[Exception] = ScenarioError) -> dict[str, Any]:
    """A TOML file as a dictionary, nested at most `limits.MAX_NESTING` deep."""
    text = read_text(path, error)
    if not text.strip():
        raise error(f"{path}: the file is empty")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: tables or arrays nested more than {limits.MAX_NESTING} deep") from None
    if limits.nesting_depth(raw) > limits.MAX_NESTING:
        raise error(f"{path}: tables or arrays nested more than {limits.MAX_NESTING} deep")
    return raw


def _named_file(path: Path, raw: dict[str, Any], key: str, root: Path) -> Path | None:
    """The file that field `key` of `raw` (read from `path`) names, inside `root`; None if not given."""
    name = raw.pop(key, None)
    if name is None:
        return None
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{path}: {key}: must be a file name, got {name!r}")
    target = path.parent / name
    try:
        if Path(name).is_absolute() or not target.resolve().is_relative_to(root):
            raise ScenarioError(f"{path}: {key}: {name[:100]!r} is outside the scenario's folder {root}")
        if not target.is_file():
            raise ScenarioError(f"{path}: {key}: file not found: {target}")
    except OSError as exc:
        raise ScenarioError(f"{path}: {key}: cannot use {name[:100]!r}: {exc.strerror or exc}") from None
    return target


def _read_merged(path: Path, chain: tuple[Path, ...], root: Path) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(f"{path}: extends: cycle {cycle}")
    raw = read_toml(path)
    own_map = [target for key, target in (("region_file", "region"), ("border_file", "border")) if key in raw]
    _inline_region_files(path, raw, root)
    geometry = _named_file(path, raw, "geometry", root)
    if geometry is not None:
        _check_geojson(path, geometry)
        raw["geometry"] = str(geometry.resolve())
    base_path = _named_file(path, raw, "extends", root)
    if base_path is None:
        return raw
    base = _read_merged(base_path, (*chain, resolved), root)
    _check_disabled_exist(path, base, raw)
    return merge({k: v for k, v in base.items() if k not in own_map}, raw)


def _check_geojson(path: Path, geometry: Path) -> None:
    """`geometry` must be a GeoJSON FeatureCollection (the region ids are checked when maps are drawn)."""
    try:
        data = json.loads(read_text(geometry))
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: geometry: {geometry} is not GeoJSON (not JSON: {exc.msg}, line {exc.lineno})") from None
    except RecursionError:
        raise ScenarioError(f"{path}: geometry: {geometry} is not GeoJSON (nested too deeply)") from None
    if not (isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list)):
        raise ScenarioError(f"{path}: geometry: {geometry} is not a GeoJSON FeatureCollection")


def _check_disabled_exist(path: Path, base: dict[str, Any], over: dict[str, Any]) -> None:
    """A variant may disable only actors and events its base has (a misspelled id is an error)."""
    for kind in ("actor", "event"):
        items = over.get(kind)
        if not isinstance(items, list):
            continue
        base_items = base.get(kind)
        known = {_KEYS[kind](item) for item in base_items if isinstance(item, dict)} if isinstance(base_items, list) else set()
        for item in items:
            if isinstance(item, dict) and item.get("enabled") is False and _KEYS[kind](item) not in known:
                raise ScenarioError(f"{path}: {kind}[{item.get('id')}].enabled: no {kind} {item.get('id')!r} "
                                    "in the base scenario to disable")


def _inline_region_files(path: Path, raw: dict[str, Any], root: Path) -> None:
    """Turn `region_file` / `border_file` (CSV beside the scenario) into region/border lists."""
    for key, target, reader in (("region_file", "region", _region_rows), ("border_file", "border", _border_rows)):
        csv_path = _named_file(path, raw, key, root)
        if csv_path is None:
            continue
        text = read_text(csv_path)
        try:
            rows = reader(csv_path, csv.DictReader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ScenarioError(f"{csv_path}: not valid CSV: {exc}") from None
        if not isinstance(raw.get(target, []), list):
            raise ScenarioError(f"{path}: {target}: must be a list of tables when {key} is given")
        raw[target] = merge_keyed(rows, raw.get(target, []), _KEYS[target])


_REGION_TEXT = ("id", "name", "terrain", "country", "source", "part_of")
_REGION_NUMBERS = ("area_km2", "population", "resources", "desert_share", "lon", "lat")


def _region_rows(csv_path: Path, reader: csv.DictReader) -> list[dict[str, Any]]:
    rows = []
    for number, row in enumerate(reader, start=2):
        if len(rows) >= limits.MAX_REGIONS:
            raise ScenarioError(f"{csv_path}: more than {limits.MAX_REGIONS:,} regions")
        region: dict[str, Any] = {k: row[k] for k in _REGION_TEXT if row.get(k) not in (None, "")}
        for k in _REGION_NUMBERS:
            if row.get(k) not in (None, ""):
                region[k] = _number(csv_path, number, k, row[k])
        if row.get("identity_x") not in (None, ""):
            region["identity"] = (_number(csv_path, number, "identity_x", row["identity_x"]),
                                  _number(csv_path, number, "identity_y", row.get("identity_y") or "0"))
        if "id" not in region:
            raise ScenarioError(f"{csv_path}: line {number}: id: missing")
        rows.append(region)
    return rows


def _number(csv_path: Path, line: int, column: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ScenarioError(f"{csv_path}: line {line}: {column}: not a number: {text[:40]!r}") from None


def _border_rows(csv_path: Path, reader: csv.DictReader) -> list[dict[str, Any]]:
    if not {"region_a", "region_b"} <= set(reader.fieldnames or ()):
        raise ScenarioError(f"{csv_path}: needs columns region_a and region_b")
    rows = []
    for row in reader:
        if len(rows) >= limits.MAX_BORDERS:
            raise ScenarioError(f"{csv_path}: more than {limits.MAX_BORDERS:,} borders")
        rows.append({"a": row["region_a"], "b": row["region_b"]})
    return rows


def _id(item: dict[str, Any]) -> str | None:
    """The `id` of a list item, or None if it has none (or one that is not text)."""
    value = item.get("id")
    return value if isinstance(value, str) and value else None


def _pair(item: dict[str, Any]) -> frozenset[str] | None:
    """The unordered pair `a`, `b` of a list item, or None if either is missing or not text."""
    a, b = item.get("a"), item.get("b")
    return frozenset((a, b)) if isinstance(a, str) and isinstance(b, str) else None


_KEYS = {"region": _id, "actor": _id, "event": _id, "relation": _pair, "tie": _pair, "border": _pair}


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
    """Remove disabled actors, everything that names them, and disabled events.

    "Everything" is the relations, ties and events naming a disabled actor, and the behaviours
    (in strategies and strategy events) that name it as ally, target or partner; a strategy
    event left without behaviours is dropped too. Values that are not lists are left for
    validation to report.
    """
    actors = raw.get("actor")
    gone = {_id(a) for a in actors if isinstance(a, dict) and a.get("enabled") is False} - {None} if isinstance(actors, list) else set()
    out = dict(raw)

    def keep(key: str, dropped) -> None:
        if isinstance(raw.get(key), list):
            out[key] = [_without_refs(item, gone) for item in raw[key] if not (isinstance(item, dict) and dropped(item))]

    def names(item: dict[str, Any], *keys: str) -> bool:
        return any(isinstance(item.get(k), str) and item[k] in gone for k in keys)

    keep("actor", lambda a: names(a, "id"))
    keep("relation", lambda r: names(r, "a", "b"))
    keep("tie", lambda r: names(r, "a", "b"))
    keep("event", lambda e: e.get("enabled") is False or names(e, "actor", "other"))
    if isinstance(out.get("event"), list):
        out["event"] = [e for e in out["event"] if not (isinstance(e, dict) and e.get("strategy") == [])]
    return out


def _without_refs(item: Any, gone: set[str]) -> Any:
    """An actor or event table without the behaviours of its `strategy` that name an actor in `gone`."""
    if not (gone and isinstance(item, dict) and isinstance(item.get("strategy"), list)):
        return item
    from bopsim.model.strategies import REGISTRY

    def names_gone(spec: Any) -> bool:
        name = spec.get("behaviour") if isinstance(spec, dict) else None
        cls = REGISTRY.get(name) if isinstance(name, str) else None
        refs = [spec.get(key) for key in cls.actor_refs] if cls else []
        ids = [r for ref in refs for r in ([ref] if isinstance(ref, str) else ref if isinstance(ref, list) else [])]
        return any(isinstance(i, str) and i in gone for i in ids)

    return dict(item, strategy=[s for s in item["strategy"] if not names_gone(s)])


def _validate(path: Path, raw: dict[str, Any]) -> ScenarioSpec:
    if "scenario" in raw and "region" not in raw:
        raise ScenarioError(f"{path}: an experiment file, not a scenario file (run it with `bopsim batch`)")
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
        if r.part_of in regions:
            fail(f"region[{r.id}].part_of", f"{r.part_of!r} is a region of the scenario (a region drawn as parts is not on the map itself)")
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
        _unique_pairs(fail, kind, getattr(spec, kind))
        for item in getattr(spec, kind):
            for end in (item.a, item.b):
                if end not in actors:
                    fail(f"{kind}[{item.a}-{item.b}]", f"unknown actor {end!r}")
            if item.a == item.b:
                fail(f"{kind}[{item.a}-{item.b}]", "an actor cannot relate to itself")
            if not spec.abstract and not item.source:
                fail(f"{kind}[{item.a}-{item.b}].source", "missing (a fact needs a source)")
    _unique(fail, "event", [e.id for e in spec.event if e.id])
    for e in spec.event:
        label = f"event[{e.id or e.date}]"
        for field, end in (("actor", e.actor), ("other", e.other)):
            if end is not None and end not in actors:
                fail(f"{label}.{field}", f"unknown actor {end!r}")
        if e.other is not None and e.other == e.actor:
            fail(f"{label}.other", f"the same actor as 'actor' ({e.actor!r}): an actor cannot relate to itself")
        if e.strategy:
            _check_strategy(fail, f"{label}.strategy", e.strategy, actors, e.actor)
        if not spec.abstract and not e.source:
            fail(f"{label}.source", "missing (a scheduled event needs a source)")
        if spec.month_of(e.date) < 0:
            fail(f"{label}.date", f"{e.date} is before the scenario start {spec.start}")


def _unique_pairs(fail, kind: str, items: list[RelationSpec] | list[TieSpec]) -> None:
    """One relation (or tie) per actor pair: a second entry for a pair would silently win."""
    seen: set[frozenset[str]] = set()
    for item in items:
        pair = frozenset((item.a, item.b))
        if pair in seen:
            fail(f"{kind}[{item.a}-{item.b}]", "given twice for this pair (give one entry per pair)")
        seen.add(pair)


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
    if a.capital is not None:
        _check_capital(fail, label, a, regions, spec)
    _check_strategy(fail, f"{label}.strategy", a.strategy, {x.id for x in spec.actor}, a.id)
    _check_places(fail, f"{label}.strategy", a.strategy, regions, countries)
    if not spec.abstract and "capability" not in a.sources:
        fail(f"{label}.sources.capability", "missing (a fact needs a source)")


def _check_capital(fail, label: str, a: ActorSpec, regions: set[str], spec: ScenarioSpec) -> None:
    """A capital is one of the state's home regions."""
    if a.kind != "state":
        fail(f"{label}.capital", f"only a state has a capital (this actor is {a.kind!r})")
    if a.capital not in regions:
        fail(f"{label}.capital", f"unknown region {a.capital!r}")
    country = next(r.country for r in spec.region if r.id == a.capital)
    if a.capital not in a.home and not (a.home_country and country == a.home_country):
        fail(f"{label}.capital", f"{a.capital!r} is not one of its home regions")


def _check_strategy(fail, label: str, strategy: list[BehaviourSpec], actors: set[str], owner: str) -> None:
    """The behaviours must build, and none may name its own actor as the ally it supports."""
    from bopsim.model.strategies import build_strategy

    try:
        behaviours = build_strategy(strategy, actors)
    except ValueError as exc:
        fail(label, str(exc))
    for b in behaviours:
        for name, value in b.params.model_dump().items():
            if isinstance(value, float) and 0 < abs(value) < limits.MIN_MAGNITUDE:
                fail(f"{label}.{b.name}.{name}", f"{value!r} is nearer to 0 than {limits.MIN_MAGNITUDE} (use 0 or a larger value)")
        if getattr(b.params, "ally", None) == owner:
            fail(f"{label}.{b.name}.ally", f"{owner!r} is the actor itself (an ally is another actor)")


def _check_places(fail, label: str, strategy: list[BehaviourSpec], regions: set[str], countries: set[str]) -> None:
    """Country codes (`countries`, `theatre`) and region ids (`regions`, `first`) named by behaviours exist."""
    for b in strategy:
        extra = b.model_extra or {}
        for field, known, what in (("countries", countries, "country"), ("theatre", countries, "country"), ("regions", regions, "region"), ("first", regions, "region")):
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
