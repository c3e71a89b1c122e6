"""Published results the classic models are docked against, with the equivalence margins fixed in advance.

Every margin was set before the full runs, from the published spread where there is one (the
range of Cederman's 15 runs) and otherwise from what a reader of the original would call the same
result; `docs/docking.md` gives the reasons. `kind`:
- "value": the runs' mean against a published number (Wilcoxon signed-rank; TOST within ± margin);
- "share": the share of runs with value 1 against a published share (exact binomial tests);
- "above"/"below": a published direction, operationalised as the runs' values lying above/below
  `published` (one-sided Wilcoxon);
- "decline": the first outcome minus `paired_with` lies below 0 (one-sided Wilcoxon on the pairs);
- "control": a deliberately wrong rule (`setting`) against the published setting (`reference`):
  Mann–Whitney, KS and TOST within ± margin; it must come out "not equivalent";
- "pooled_median": the median over all runs' deaths (statesim's Kaplan–Meier median without
  censoring), bootstrap interval over runs; equivalent when the 90% interval lies within ± margin.
"""

from __future__ import annotations

from dataclasses import dataclass

AXELROD = "Axelrod (1997, ch. 6)"
CEDERMAN = "Cederman (2003), Table 1"
CEDERMAN_RUN = "Cederman (2003), sample run (Figures 3, 5, 6)"
HORVATH = "Horvath (2020), statesim archive of 1,594 runs"


@dataclass(frozen=True)
class Target:
    model: str
    experiment: str
    """Experiment file stem in experiments/configs/docking/."""
    setting: str
    """Scenario label of the runs compared."""
    outcome: str
    kind: str
    published: float | None
    margin: float
    source: str
    paired_with: str = ""
    reference: str = ""


def _geosim(setting: str, slope: float, r2: float, orders: float, wars: float) -> list[Target]:
    experiment = f"geosim_{setting}"
    return [
        Target("geosim", experiment, setting, "wars.slope", "value", slope, 0.10, CEDERMAN),
        Target("geosim", experiment, setting, "wars.r2", "value", r2, 0.02, CEDERMAN),
        Target("geosim", experiment, setting, "wars.range_orders", "value", orders, 0.5, CEDERMAN),
        Target("geosim", experiment, setting, "wars.count", "value", wars, 0.3 * wars, CEDERMAN),
    ]


TARGETS: list[Target] = [
    Target("tribute", "tribute", "axelrod", "fights.years_901_1000", "decline", 0.0, 0.0,
           f"{AXELROD}: fighting declines over time", paired_with="fights.years_1_100"),
    Target("tribute", "tribute", "axelrod", "wealth.gini.final", "above", 0.5, 0.0,
           f"{AXELROD}: a highly unequal distribution of wealth (Gini > 0.5)"),
    Target("tribute", "tribute", "axelrod", "clusters.largest.final", "above", 2.0, 0.0,
           f"{AXELROD}: clusters of mutually committed actors (more than two)"),
    Target("tribute", "tribute", "inverted_payment", "fights.years_1_100", "control", None, 15.0,
           "negative control: payment rule inverted", reference="axelrod"),
    Target("tribute", "tribute", "inverted_payment", "wealth.gini.final", "control", None, 0.05,
           "negative control: payment rule inverted", reference="axelrod"),
    *_geosim("base", -0.55, 0.991, 4.2, 204),
    Target("geosim", "geosim_base", "base", "states.t500", "value", 205, 10, CEDERMAN_RUN),
    Target("geosim", "geosim_base", "base", "states.final", "value", 35, 10, CEDERMAN_RUN),
    *_geosim("small_shocks", -0.62, 0.980, 3.7, 267),
    *_geosim("no_shocks", -1.32, 0.941, 1.4, 132),
    *_geosim("no_context_activation", -1.34, 0.882, 1.6, 696),
    Target("realpolitik", "realpolitik_statesim", "statesim", "empire", "share", 0.988, 0.05,
           f"{HORVATH}: share ending in universal empire, Versailles rule on"),
    Target("realpolitik", "realpolitik_statesim_no_versailles", "statesim_no_versailles", "empire", "share",
           0.418, 0.10, f"{HORVATH}: share ending in universal empire, Versailles rule off"),
    Target("realpolitik", "realpolitik_statesim", "statesim", "deaths", "pooled_median", 116, 25,
           f"{HORVATH}: median turn of state death, Versailles rule on"),
    Target("realpolitik", "realpolitik_statesim_no_versailles", "statesim_no_versailles", "deaths",
           "pooled_median", 222, 40, f"{HORVATH}: median turn of state death, Versailles rule off"),
]
