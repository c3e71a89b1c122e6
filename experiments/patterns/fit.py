"""Run a scenario over seeds and judge it against the pattern catalogue (median over seeds).

`pattern_fit` returns the fit table as a DataFrame (the summary statistics of the calibration);
`format_fit` prints it; `python -m bopsim.experiments.patterns` is the command line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bopsim.experiments.patterns.catalogue import LAST_MONTH, Catalogue, check_against_scenario, load_catalogue
from bopsim.experiments.patterns.evaluate import Geography, run_values, summarise
from bopsim.model.calendar import month_offset


def default_steps(spec) -> int:
    """Months from the scenario's start to the state at the end of 2016 (36 from 2014-01)."""
    return month_offset(spec.start, LAST_MONTH)


def run_pattern_values(spec, catalogue: Catalogue, seeds: list[int], steps: int | None = None) -> pd.DataFrame:
    """Every pattern's value in one run per seed: one row per seed (index `seed`), one column per pattern."""
    rows = {seed: pattern_values(spec, catalogue, seed, steps) for seed in seeds}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("seed")


def pattern_values(spec, catalogue: Catalogue, seed: int, steps: int | None = None) -> dict[str, float]:
    """Every pattern's value in one run of `spec` from `seed` (to the end of 2016 by default), by id."""
    return run_values(catalogue, run_tables(spec, seed, steps), Geography.of(spec))


def run_tables(spec, seed: int, steps: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables the evaluator reads (control, regions, actors) of one run of `spec` from `seed`,
    `steps` months long (to the end of 2016 by default)."""
    from bopsim.experiments.single import simulate
    from bopsim.model.tables import actor_table, control_table, region_table

    model = simulate(spec, seed=seed, steps=default_steps(spec) if steps is None else steps)
    return {"control": control_table(model), "regions": region_table(model), "actors": actor_table(model)}


def pattern_fit(spec, seeds: list[int], steps: int | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The fit table of `spec` over `seeds` (see `evaluate.summarise`), default catalogue if none given."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    check_against_scenario(catalogue, spec)
    return summarise(catalogue, run_pattern_values(spec, catalogue, seeds, steps))


COUNT_KINDS = ("battle_deaths", "fighters", "territory", "strike_deaths")
"""Pattern kinds measured in counts: their distance to a range is taken on a log scale."""


def pattern_distance(table: pd.DataFrame, cap: float = 3.0) -> pd.Series:
    """Each pattern's scaled distance from its accepted range (0 inside), one value per row of a fit table.

    Counts (deaths, fighters, km2): doublings outside the range, |log2(median / nearest bound)|;
    control shares: distance / 0.15 (a sixth of a governorate); share changes: distance / 0.1.
    A pattern the run does not reach counts `cap`, and no distance exceeds `cap`, so one wild
    pattern cannot dominate the mean (the loss of the pattern screen).
    """
    median, low, high = table["median"], table["low"].fillna(-np.inf), table["high"].fillna(np.inf)
    below, above = (low - median).clip(lower=0), (median - high).clip(lower=0)
    bound = np.where(median < low, low, high)
    counts = table["kind"].isin(COUNT_KINDS)
    with np.errstate(divide="ignore"):  # log2 of x / an open (infinite) bound, masked below
        log_distance = np.abs(np.log2(np.maximum(median, 1.0) / np.maximum(bound, 1.0)))
    unit = np.where(table["kind"] == "share_change", 0.1, 0.15)
    distance = np.where(counts, np.where(below + above > 0, log_distance, 0.0), (below + above) / unit)
    return pd.Series(np.minimum(np.nan_to_num(distance, nan=cap), cap), index=table.index)


def format_fit(table: pd.DataFrame) -> str:
    """The fit table as aligned text: pattern, accepted range, median [10%-90%], pass/fail."""
    lines = [f"{'pattern':<34}{'accepted range':>24}{'median':>11}{'10%-90% over seeds':>26}  result"]
    for r in table.itertuples(index=False):
        accepted = f"{_number(r.low, r.kind)} .. {_number(r.high, r.kind)}"
        spread = f"{_number(r.q10, r.kind)} .. {_number(r.q90, r.kind)}"
        result = "n/a" if r.runs == 0 else ("pass" if r.passed else "FAIL")
        lines.append(f"{r.id:<34}{accepted:>24}{_number(r.median, r.kind):>11}{spread:>26}  {result}")
    passed = int(table["passed"].sum())
    lines.append(f"{passed} of {len(table)} patterns pass")
    return "\n".join(lines)


def _number(x: float | None, kind: str) -> str:
    """Shares with 3 decimals, counts (deaths, fighters, km2) with thousands separators; open bound '-'."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    return f"{x:,.0f}" if kind in COUNT_KINDS else f"{x:+.3f}" if kind == "share_change" else f"{x:.3f}"
