"""The pattern catalogue of the Levant scenario (a TOML file), read and validated with pydantic.

A catalogue has an `[actors]` table mapping the actor names of the pattern data
(scenarios/data/levant_patterns_2014_2016/) to scenario actor ids, and a list of `[[pattern]]`
entries. Each pattern names what is measured (`kind`, regions or country, actors, months), the
accepted range `low`..`high`, and where the range comes from (`sources`: `file:row`, a data row
number counted from 1 below the header, relative to scenarios/data/; `organisation`;
`observed`: what the source reports; `basis`: how it was turned into a range and why).

Months are model months 'YYYY-MM': the state at the start of that month, as in the `date`
column of the run tables (so '2017-01' is the state at the end of 2016). Nothing after that month
may be named: 2017-2019 is held out for validation.

Kinds and the value each one measures in a run (see `bopsim.experiments.patterns.evaluate`):
- `region_share`: summed control share of `actors` in one region at `date` (a region the
  scenario draws as parts, `part_of`: their shares weighted by area);
- `region_share_extreme`: the `statistic` (min or max) of that share over the months
  `start`..`end` and over all listed `regions`;
- `share_change`: share at `after` minus share at `before` (one region);
- `country_share`: area-weighted share of `actors` over the regions of `country` at `date`;
- `battle_deaths`: state-based battle deaths in the regions of `country` in calendar `year`;
- `fighters`: fighters of one actor at `date` (capability x fighters per unit);
- `territory`: territory (km2) of `actors` at `date`;
- `strike_deaths`: battle deaths inflicted by the air strikes of `actors` in the months of fighting
  `start`..`end` (each month's fighting is in the run tables' row dated the month after).

Bad input is one `UsageError` line naming the file, the field (patterns by id) and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bopsim.experiments.batch.config import _read
from bopsim.model.errors import UsageError
from bopsim.model.calendar import add_months, month_offset, parse_month
from bopsim.model.scenario import _describe

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "scenarios" / "levant_patterns.toml"
FIRST_MONTH = "2014-01"
LAST_MONTH = "2017-01"
"""The last model month a pattern may name: the state at the end of 2016 (2017-2019 is held out)."""
LAST_YEAR = 2016

Kind = Literal["region_share", "region_share_extreme", "share_change", "country_share",
               "battle_deaths", "fighters", "territory", "strike_deaths"]
REQUIRED: dict[str, tuple[str, ...]] = {
    "region_share": ("regions", "actors", "date"),
    "region_share_extreme": ("regions", "actors", "start", "end", "statistic"),
    "share_change": ("regions", "actors", "before", "after"),
    "country_share": ("country", "actors", "date"),
    "battle_deaths": ("country", "year"),
    "fighters": ("actors", "date"),
    "territory": ("actors", "date"),
    "strike_deaths": ("actors", "start", "end"),
}
"""Fields each kind needs; any other optional field given to a kind is refused."""
OPTIONAL = ("regions", "actors", "country", "date", "start", "end", "statistic", "before", "after", "year")
SINGLE_REGION = ("region_share", "share_change")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pattern(Strict):
    """One pattern: what is measured, the accepted range [low, high] and its source."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Kind
    regions: tuple[str, ...] | None = Field(None, min_length=1)
    actors: tuple[str, ...] | None = Field(None, min_length=1, description="data actor names (see [actors])")
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    date: str | None = None
    start: str | None = None
    end: str | None = None
    statistic: Literal["min", "max"] | None = None
    before: str | None = None
    after: str | None = None
    year: int | None = Field(None, ge=2014, le=LAST_YEAR)
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)
    sources: tuple[str, ...] = Field(min_length=1, description="'file:row' relative to scenarios/data/")
    organisation: str = Field(min_length=1)
    observed: str = Field(min_length=1, description="what the source reports, with its own date")
    basis: str = Field(min_length=1, description="how the range was derived from the source, and why")

    @model_validator(mode="after")
    def _consistent(self) -> Pattern:
        needed = REQUIRED[self.kind]
        for name in OPTIONAL:
            given = getattr(self, name) is not None
            if name in needed and not given:
                raise ValueError(f"kind {self.kind} needs {name}")
            if name not in needed and given:
                raise ValueError(f"kind {self.kind} takes no {name}")
        if self.low is None and self.high is None:
            raise ValueError("give low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        if self.kind in SINGLE_REGION and len(self.regions) != 1:
            raise ValueError(f"kind {self.kind} takes one region, got {len(self.regions)}")
        if self.kind == "fighters" and len(self.actors) != 1:
            raise ValueError("kind fighters takes one actor")
        for name in ("date", "start", "end", "before", "after"):
            month = getattr(self, name)
            if month is not None:
                _check_month(name, month)
        if self.kind == "strike_deaths" and month_offset(self.end, LAST_MONTH) < 1:
            raise ValueError(f"end {self.end}: its fighting is recorded in {add_months(self.end, 1)} (after 2016 is held out)")
        for first, last in (("start", "end"), ("before", "after")):
            if getattr(self, first) is not None and month_offset(getattr(self, first), getattr(self, last)) <= 0:
                raise ValueError(f"{first} {getattr(self, first)} is not before {last} {getattr(self, last)}")
        for source in self.sources:
            file, _, row = source.rpartition(":")
            if not file or not row.isdigit() or int(row) < 1:
                raise ValueError(f"source {source!r} is not 'file:row' with a row number >= 1")
        return self

    def months(self) -> list[str]:
        """The model months whose rows the pattern reads: none for battle deaths, which read a year; for
        strike deaths the month after each month of fighting (the row dated D holds the month before D)."""
        if self.kind == "share_change":
            return [self.before, self.after]
        if self.kind == "region_share_extreme":
            return _span(self.start, self.end)
        if self.kind == "strike_deaths":
            return _span(add_months(self.start, 1), add_months(self.end, 1))
        return [] if self.kind == "battle_deaths" else [self.date]

    def accepts(self, value: float) -> bool:
        """True if `value` lies inside [low, high] (a missing bound is open)."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _span(first: str, last: str) -> list[str]:
    """The months first..last, both included."""
    return [add_months(first, k) for k in range(month_offset(first, last) + 1)]


def _check_month(name: str, month: str) -> None:
    parse_month(month)
    if month_offset(FIRST_MONTH, month) < 0 or month_offset(month, LAST_MONTH) < 0:
        raise ValueError(f"{name} {month} is outside {FIRST_MONTH}..{LAST_MONTH} (after 2016 is held out)")


class Catalogue(Strict):
    """The `[actors]` mapping (data name -> scenario actor id) and the patterns."""

    actors: dict[str, str] = Field(min_length=1)
    pattern: tuple[Pattern, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        ids = [p.id for p in self.pattern]
        for p in self.pattern:
            if ids.count(p.id) > 1:
                raise ValueError(f"pattern id {p.id!r} given twice")
            unknown = [a for a in p.actors or () if a not in self.actors]
            if unknown:
                raise ValueError(f"pattern {p.id}: actor {unknown[0]!r} is not in [actors]")
        return self

    def actor_ids(self, pattern: Pattern) -> tuple[str, ...]:
        """The scenario actor ids of a pattern's data actor names."""
        return tuple(self.actors[a] for a in pattern.actors or ())


def load_catalogue(path: str | Path = CATALOGUE_FILE) -> Catalogue:
    """Read and validate a catalogue file; UsageError (one line) on any mistake."""
    path = Path(path)
    raw = _read(path)
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        raise UsageError(f"{path}: {_describe(exc, raw)}") from None


def check_against_scenario(catalogue: Catalogue, spec, path: str | Path = CATALOGUE_FILE) -> None:
    """UsageError if a pattern names a region, country or actor id the scenario lacks (a region
    the scenario draws as parts, `part_of`, counts as present)."""
    regions = {r.id for r in spec.region} | {r.part_of for r in spec.region if r.part_of}
    countries = {r.country for r in spec.region}
    actors = {a.id for a in spec.actor}
    for name, actor_id in catalogue.actors.items():
        if actor_id not in actors:
            raise UsageError(f"{path}: actors.{name}: scenario {spec.name} has no actor {actor_id!r}")
    for p in catalogue.pattern:
        missing = [r for r in p.regions or () if r not in regions]
        if missing:
            raise UsageError(f"{path}: pattern[{p.id}].regions: scenario {spec.name} has no region {missing[0]!r}")
        if p.country is not None and p.country not in countries:
            raise UsageError(f"{path}: pattern[{p.id}].country: scenario {spec.name} has no region in {p.country}")
