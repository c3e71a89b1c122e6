"""Global sensitivity of outcomes to the varied factors: Sobol or Morris indices (SALib).

The outcome of a design point is the mean over its replications, per scenario. Sobol indices
(Saltelli sampling) give first-order (S1) and total (ST) shares of the outcome's variance due to
each factor; Morris elementary effects give mu* (mean absolute effect of moving the factor over
its whole range, in outcome units) and sigma (their spread: interactions, non-linearity).
Confidence values are 95% bootstrap half-widths from SALib, seeded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.batch.design import salib_problem
from model.errors import UsageError

INDICES = {"sobol": ("S1", "ST"), "morris": ("mu_star", "sigma")}


def point_means(outcomes: pd.DataFrame, outcome: str, scenario: str, points: int) -> np.ndarray:
    """The outcome's mean over replications at each design point 0..points-1 (NaN where none)."""
    rows = outcomes[(outcomes["outcome"] == outcome) & (outcomes["scenario"] == scenario)]
    return rows.groupby("point")["value"].mean().reindex(range(points)).to_numpy(dtype=float)


def indices(design: pd.DataFrame, manifest: dict, outcomes: pd.DataFrame, names: list[str], seed: int = 0) -> pd.DataFrame:
    """Long table: scenario, outcome, factor, index, value, conf."""
    kind = manifest["design"]["kind"]
    if kind not in INDICES:
        raise UsageError(f"sensitivity needs a sobol or morris design; this experiment's design is {kind!r}")
    factors = [f["path"] for f in manifest["factors"] if "value" not in f]
    problem = salib_problem(factors)
    unit = design[[f"u:{f}" for f in factors]].to_numpy(dtype=float)
    rows = []
    for scenario in dict.fromkeys(outcomes["scenario"]):
        for name in names:
            y = point_means(outcomes, name, scenario, len(design))
            if not np.isfinite(y).all():
                raise UsageError(f"outcome {name!r} in scenario {scenario!r}: missing at "
                                 f"{int((~np.isfinite(y)).sum())} design points (failed or pending runs)")
            rows += _analyse(kind, problem, unit, y, manifest["design"], seed, scenario, name)
    return pd.DataFrame(rows, columns=["scenario", "outcome", "factor", "index", "value", "conf"])


def _analyse(kind: str, problem: dict, unit: np.ndarray, y: np.ndarray, design: dict, seed: int, scenario: str,
             outcome: str) -> list[tuple]:
    if kind == "sobol":
        from SALib.analyze import sobol
        result = sobol.analyze(problem, y, calc_second_order=design["second_order"], seed=seed)
        pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
    else:
        from SALib.analyze import morris
        result = morris.analyze(problem, unit, y, num_levels=design["morris_levels"], seed=seed)
        pairs = (("mu_star", "mu_star_conf"), ("sigma", None))
    return [(scenario, outcome, factor, index, float(result[index][i]), float(result[conf][i]) if conf else np.nan)
            for i, factor in enumerate(problem["names"]) for index, conf in pairs]


def format_indices(table: pd.DataFrame) -> str:
    """One block per scenario and outcome: a row per factor, `value ± conf` per index."""
    out = []
    for (scenario, outcome), block in table.groupby(["scenario", "outcome"], sort=False):
        wide = block.assign(cell=[f"{v:.3g}" + ("" if np.isnan(c) else f" ± {c:.2g}") for v, c in zip(block["value"], block["conf"])])
        wide = wide.pivot(index="factor", columns="index", values="cell").reindex(index=list(dict.fromkeys(block["factor"])))
        out += ["", f"{outcome} ({scenario})", wide.to_string()]
    return "\n".join(out).lstrip("\n") + "\n"
