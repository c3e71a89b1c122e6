"""The quantities a calibration forecasts beyond its data (2017-2019 for the Levant), and their bands.

A calibration file's `[forecast]` names the months to run (`steps`, from the scenario's start) and
the quantities (`[[forecast.quantity]]`), measured as the pattern kinds of the same name measure a
run (`bopsim.experiments.patterns.evaluate.value`): ISIS territory or fighters at a month, battle
deaths of a country in a year, a country's area-weighted share held by some actors at a month.
A quantity has no accepted range and no source: nothing after the catalogue's last month is
observed in the repository, so these are forecasts, to be judged on data held out of it. Actors
are the catalogue's data names (its `[actors]` table), so the code names no actor.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bopsim.experiments.patterns.catalogue import LAST_MONTH, LAST_YEAR
from bopsim.model.calendar import month_offset, parse_month

QUANTILES = (0.05, 0.5, 0.95)
"""The forecast's band: 5%, 50% and 95% over the posterior-predictive runs."""


class Quantity(BaseModel):
    """One forecast quantity: what is measured (as the pattern kind of that name), where and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1, description="how the forecast table names it")
    kind: Literal["territory", "fighters", "battle_deaths", "country_share"]
    actors: tuple[str, ...] | None = Field(None, min_length=1, description="data actor names (the catalogue's [actors])")
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    date: str | None = Field(None, description="model month 'YYYY-MM' (the state at its start)")
    year: int | None = Field(None, gt=LAST_YEAR)
    regions: None = None
    """No forecast reads single regions; here so the pattern evaluator reads a quantity as a pattern."""

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Quantity:
        needed = {"territory": ("actors", "date"), "fighters": ("actors", "date"),
                  "battle_deaths": ("country", "year"), "country_share": ("actors", "country", "date")}[self.kind]
        for name in ("actors", "country", "date", "year"):
            if (getattr(self, name) is not None) != (name in needed):
                raise ValueError(f"kind {self.kind} {'needs' if name in needed else 'takes no'} {name}")
        if self.date is not None:
            parse_month(self.date)
            if month_offset(LAST_MONTH, self.date) <= 0:
                raise ValueError(f"date {self.date} is not after {LAST_MONTH}: a forecast is of months the data do not cover")
        return self

    def months(self) -> list[str]:
        """The model months whose state the quantity reads (none for battle deaths, which read a year)."""
        return [] if self.date is None else [self.date]


class Forecast(BaseModel):
    """A calibration file's `[forecast]`: months to run and the quantities to forecast."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    steps: int = Field(ge=1, description="months per predictive run, from the scenario's start")
    quantity: tuple[Quantity, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Forecast:
        ids = [q.id for q in self.quantity]
        for q in ids:
            if ids.count(q) > 1:
                raise ValueError(f"quantity id {q!r} given twice")
        return self


def forecast_table(runs: pd.DataFrame, forecast: Forecast) -> pd.DataFrame:
    """Per quantity: label, runs giving a value, mean and the 5%, 50%, 95% over the runs (NaN left out)."""
    rows = []
    for q in forecast.quantity:
        column = runs[q.id].dropna() if q.id in runs else pd.Series(dtype=float)
        bands = column.quantile(list(QUANTILES)).tolist() if len(column) else [np.nan] * len(QUANTILES)
        rows.append({"quantity": q.id, "label": q.label, "runs": len(column),
                     "mean": float(column.mean()) if len(column) else np.nan,
                     "q05": bands[0], "median": bands[1], "q95": bands[2]})
    return pd.DataFrame(rows)
