"""What every classic model family shares: pydantic parameters and the run/outcome interface.

A classic model is a `mesa.Model` built from its parameters and a seed (`rng=`), stepped
`steps` times by `run`; afterwards `outcomes()` gives the run's outcomes as
(name, value, censored) rows — the long table the batch runner stores for the regional model —
and `series()` its time series (one row per step, a `step` column first), stored as the
`model` table.
"""

from __future__ import annotations

from typing import ClassVar

import mesa
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

Outcome = tuple[str, float, bool]


class ClassicParameters(BaseModel):
    """Parameters of a classic model; every default is the published value (source in its description)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ClassicModel(mesa.Model):
    """Base of the classic model families: parameters, a seed, a default length and outcomes."""

    parameters_type: ClassVar[type[ClassicParameters]]
    default_steps: ClassVar[int]

    def __init__(self, parameters: ClassicParameters | None = None,
                 rng: int | np.random.Generator | None = None) -> None:
        super().__init__(rng=rng)
        self.p = parameters if parameters is not None else self.parameters_type()

    def run(self, steps: int | None = None) -> None:
        """Step the model `steps` times (default: the published length of a run)."""
        for _ in range(self.default_steps if steps is None else steps):
            self.step()

    def outcomes(self) -> list[Outcome]:
        """The run's outcomes, in a fixed order (names as in the docking protocol)."""
        raise NotImplementedError

    def series(self) -> pd.DataFrame:
        """One row per step so far (collected after each step): `step` (1, 2, ...) and the recorded quantities."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "step", np.arange(1, len(frame) + 1))
        return frame


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, (n-1)/n = one holds all); NaN if all are 0."""
    x = np.sort(np.asarray(values, dtype=float))
    total = x.sum()
    if total <= 0:
        return float("nan")
    n = x.size
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))
