"""The paper's figures: name, experiment file, how to reduce its results to a table, how to draw it.

Batch figures read a result store (`data(store)`); snapshot figures read states of one run
(`data(spec, snapshots)`) at `panels` evenly spaced months, and their `draw` also takes the spec.
`QUICK` is the size of each experiment under `bopsim figures --quick` (for CI); without it the
experiment files' own sizes are used (what a paper uses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bopsim.experiments.figures import effects, iran, levant_map, network, phase, sensitivity, territory
from bopsim.experiments.figures.sources import Scale

FLAGSHIP = "levant_strategies_posterior.toml"


@dataclass(frozen=True)
class FigureSpec:
    name: str
    summary: str
    config: str
    """Experiment file in experiments/configs/."""
    data: Callable
    draw: Callable
    panels: int = 0
    """Months shown by a snapshot figure; 0 for a batch figure."""

    @property
    def snapshot(self) -> bool:
        return self.panels > 0


FIGURES = (
    FigureSpec("fig1_levant_map", "the Levant map at four dates (one historical run)", "fig_levant_run.toml",
               levant_map.data, levant_map.draw, panels=levant_map.PANELS),
    FigureSpec("fig2_isis_territory", "ISIS territory: simulated band vs IHS points", FLAGSHIP,
               territory.data, territory.draw),
    FigureSpec("fig3_iran_power_depth", "Iran's power share and strategic depth per variant", FLAGSHIP,
               iran.data, iran.draw),
    FigureSpec("fig4_variant_effects", "effects of the variants vs the historical configuration", FLAGSHIP,
               effects.data, effects.draw),
    FigureSpec("fig5_alliance_network", "the alliance network at three dates (one historical run)",
               "fig_levant_run.toml", network.data, network.draw, panels=network.PANELS),
    FigureSpec("fig6_sensitivity", "Morris sensitivity of the main outcomes", "fig_sensitivity.toml",
               sensitivity.data, sensitivity.draw),
    FigureSpec("fig7_phase_diagram", "Iran's power share over forward share x aid share", "fig_phase.toml",
               phase.data, phase.draw),
)
NAMES = tuple(f.name for f in FIGURES)

QUICK = {
    FLAGSHIP: Scale(replications=1, samples=5),
    "fig_sensitivity.toml": Scale(replications=1, samples=4),
    "fig_phase.toml": Scale(replications=2),
    "fig_levant_run.toml": Scale(),
}
"""Experiment sizes of `--quick` (replications, design samples), per experiment file."""
