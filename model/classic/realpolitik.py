"""Cusack and Stoll's Realpolitik (1990), and the `statesim` replication's departures as switches.

States border each other; each turn one state (the protagonist) picks its weakest-seeming
neighbour, both sides seek allies by realist rules under misperception, the protagonist may back
down at three points, a war is won with a probability rising with the log power ratio, both
sides pay war costs, the losers pay reparations and (Versailles rule) the losing leader gives
up power; states whose power falls below 1 die and their borders pass to the conqueror; the
survivors grow.

Sources. The book: Cusack, T. R. & Stoll, R. J. (1990) *Exploring Realpolitik*, Lynne Rienner,
as summarised in Horvath (2020) "A simulation of state systems" (paper/statesim_paper.Rmd of the
public repository `benhorvath/statesim`), which states how his program departs from the book:
a random 8-regular graph instead of the 98-cell hexagonal map, no territory (the Versailles
rule stands in for ceding it), Cauchy instead of normal growth. The turn's phases, the coalition
rules and the war-cost formulas follow `statesim` (statesim/sim.py, system.py, state.py), the
only executable description available here; `docs/docking.md` lists each reading.

Switches (`statesim_*`) reproduce the replication where it departs from the book or has
defects: the protagonist drawn uniformly (`np.random.choice(states, 1, p)` passes p as
`replace`), the victory probability's normalising constant 1/sqrt(pi sigma) (correct only for
sigma = 1), the Versailles transfer running from a victorious defender to the losing
protagonist, the cost disparity drawn uniformly, and turns without a target skipping the power
adjustment.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, islice
from math import erf, log, sqrt
from typing import ClassVar, Literal

import networkx as nx
import numpy as np
from mesa import DataCollector
from pydantic import Field

from model.classic.base import ClassicModel, ClassicParameters, Outcome

STATESIM = "benhorvath/statesim config.yaml"
ARCHIVE = "benhorvath/statesim main.py, the factorial design of its archive"
BOOK = "Cusack & Stoll (1990), as summarised by Horvath (2020), statesim_paper.Rmd"
COALITIONS_PER_SIZE = 100
"""Coalitions of each size a state considers (statesim's seek_allies looks at the first 100)."""


class RealpolitikParameters(ClassicParameters):
    """Parameters of Realpolitik; defaults are the book's setting where known, else statesim's config.yaml."""

    states: int = Field(98, ge=2, description=f"initial states: 98 cells of the hexagonal map, one state each ({BOOK})")
    map: Literal["hex", "random_regular"] = Field("hex", description=(
        f"borders: the book's hexagonal map (7 x 14 cells, six neighbours) or statesim's random regular graph ({BOOK})"))
    degree: int = Field(8, ge=1, description=f"borders per state on the random regular graph (network_p, {STATESIM})")
    power_mean: float = Field(10.0, gt=0, description=f"initial power, normal mean (power_dist_mu, {STATESIM})")
    power_sd: float = Field(3.33, ge=0, description=f"initial power, normal sd, at least 1 (power_dist_sigma, {STATESIM})")
    misperception: float = Field(0.2, ge=0, description=f"sd of the relative error of power estimates ({STATESIM})")
    victory_sigma: float = Field(1.0, gt=0, description=f"spread of the victory probability in log power ratio ({STATESIM})")
    max_war_cost: float = Field(0.25, ge=0, le=1, description=f"largest share of power a war destroys ({STATESIM})")
    war_cost_disparity: float = Field(0.125, ge=0, description=f"largest extra cost of losing ({STATESIM})")
    reparations: float = Field(0.2, ge=0, le=1, description=f"share of the losers' power paid to the victors ({STATESIM})")
    growth_mean: float = Field(0.03, description=f"mean power growth a turn (growth_mu, {STATESIM})")
    growth_scale: float = Field(0.05, ge=0, description=f"spread of growth (growth_sigma, {STATESIM})")
    growth: Literal["normal", "cauchy"] = Field("normal", description=(
        f"growth distribution: the book's normal, or statesim's Cauchy clipped to [-30%, +15%] ({BOOK})"))
    versailles: bool = Field(True, description=f"losing leaders give up power in proportion to the victory odds ({STATESIM})")
    statesim_defects: bool = Field(False, description=(
        "reproduce statesim's defects: uniform protagonist, victory constant 1/sqrt(pi sigma), Versailles from a "
        "victorious defender to the loser, uniform cost disparity, no power adjustment on turns without a target"))


class RealpolitikModel(ClassicModel):
    """Realpolitik; one step is one turn (one protagonist)."""

    parameters_type: ClassVar = RealpolitikParameters
    default_steps: ClassVar[int] = 1000
    """Turns of a run (statesim's archive: niter = 1000)."""

    def __init__(self, parameters: RealpolitikParameters | None = None,
                 rng: int | np.random.Generator | None = None) -> None:
        super().__init__(parameters, rng=rng)
        p = self.p
        self.power = np.maximum(self.rng.normal(p.power_mean, p.power_sd, p.states), 1.0)
        self.self_estimate = self.power * self.rng.normal(1.0, p.misperception, p.states)
        self.border = _borders(p, self.rng)
        self.alive = set(range(p.states))
        self.death_turn = np.full(p.states, np.nan)
        self.conqueror = np.full(p.states, -1)
        self.turn = 0
        self.wars = 0
        self.empire_turn: int | None = None
        self.deaths_this_turn = 0
        self.datacollector = DataCollector(model_reporters={
            "states": lambda m: len(m.alive), "wars": "wars", "deaths": "deaths_this_turn",
            "power_max_share": lambda m: float(m.power[list(m.alive)].max() / m.power[list(m.alive)].sum()),
        })

    # ------------------------------------------------------------------ the turn

    def step(self) -> None:
        """One turn: protagonist, diplomacy, perhaps war, then power adjustment (unless a statesim quirk skips it)."""
        self.turn += 1
        self.deaths_this_turn = 0
        if len(self.alive) > 1:
            adjusted = self.confront(self.protagonist())
            if adjusted or not self.p.statesim_defects:
                self.adjust_power()
            if len(self.alive) == 1 and self.empire_turn is None:
                self.empire_turn = self.turn
        self.datacollector.collect(self)

    def protagonist(self) -> int:
        """The turn's protagonist: drawn in proportion to power (book), or uniformly (statesim's defect)."""
        states = np.array(sorted(self.alive))
        if self.p.statesim_defects:
            return int(self.rng.choice(states))
        weights = self.power[states]
        return int(self.rng.choice(states, p=weights / weights.sum()))

    def estimate(self, of: list[int] | int) -> float:
        """An estimate of the summed power of `of`: each member's power × (1 + N(0, misperception))."""
        members = [of] if isinstance(of, int) else of
        noise = self.rng.normal(1.0, self.p.misperception, len(members))
        return float(self.power[members] @ noise)

    def confront(self, state: int) -> bool:
        """Diplomacy and perhaps war between `state` and its weakest neighbour; False if it has no target."""
        target = self.weakest_neighbour(state)
        if target is None:
            return False
        if self.estimate(target) > self.self_estimate[state]:
            return True  # the target seems stronger: back down
        sides = {state: [state], target: [target]}
        if self.self_estimate[target] <= self.estimate(state):
            self.recruit(target, state, sides)
        if self.estimate(sides[target]) < self.self_estimate[state]:
            self.war(state, target, sides)
            return True
        wanted = self.minimal_winning(state, target, sides)
        self.recruit(state, target, sides, wanted)
        if len(sides[state]) < len(wanted):
            return True  # an ally refused: back down
        if self.estimate(sides[target]) < self.estimate(sides[state]):
            self.recruit(target, state, sides)
        if self.estimate(sides[state]) > self.estimate(sides[target]):
            self.war(state, target, sides)
        return True

    def weakest_neighbour(self, state: int) -> int | None:
        """The neighbour with the largest (true) power gap below `state`, if any is weaker (statesim's scan)."""
        neighbours = sorted(self.border[state])
        if not neighbours:
            return None
        gaps = self.power[state] - self.power[neighbours]
        best = neighbours[int(np.argmax(gaps))]
        return best if self.power[best] < self.power[state] else None

    def minimal_winning(self, leader: int, against: int, sides: dict[int, list[int]]) -> list[int]:
        """The weakest coalition of `leader`'s side plus states bordering `against` that outweighs `against`'s side.

        Candidates: `against`'s neighbours on neither side; of each size, the first 100
        combinations are considered (statesim's seek_allies); if none outweighs, the side as it is.
        """
        candidates = [k for k in sorted(self.border[against]) if k not in sides[leader] and k not in sides[against]]
        enemy = float(self.power[sides[against]].sum())
        own = float(self.power[sides[leader]].sum())
        masks = coalition_masks(len(candidates))
        totals = own + masks @ self.power[candidates] if candidates else np.array([own])
        totals = np.where(totals > enemy, totals, np.inf)
        pick = int(np.argmin(totals))  # the first of the weakest winning coalitions, in statesim's order
        best = [k for k, chosen in zip(candidates, masks[pick]) if chosen] if np.isfinite(totals[pick]) else []
        return sides[leader] + best

    def recruit(self, leader: int, against: int, sides: dict[int, list[int]], wanted: list[int] | None = None) -> None:
        """`leader` proposes to each state of its minimal winning coalition not yet on its side.

        A state joins when its estimate of the proposed coalition (with its own true power)
        exceeds its estimate of the other side.
        """
        wanted = self.minimal_winning(leader, against, sides) if wanted is None else wanted
        for ally in [k for k in wanted if k not in sides[leader]]:
            others = [k for k in wanted if k != ally]
            if self.estimate(others) + self.power[ally] > self.estimate(sides[against]):
                sides[leader].append(ally)

    def victory_probability(self, a: float, b: float) -> float:
        """P(side of power a beats side of power b) = (1 + erf(ln(a/b) / sigma)) / 2.

        That is the area under exp(-(x/sigma)^2) / (sigma sqrt(pi)) up to ln(a/b) (Horvath 2020);
        statesim normalises by 1/sqrt(pi sigma) instead (×sqrt(sigma), capped at 1).
        """
        sigma = self.p.victory_sigma
        lv = (1.0 + erf(log(a / b) / sigma)) / 2
        if self.p.statesim_defects:
            lv = min(lv * sqrt(sigma), 1.0)
        return lv

    def war(self, state: int, target: int, sides: dict[int, list[int]]) -> None:
        """Fight: victory draw, Versailles transfer, war costs, reparations; the dying are marked conquered."""
        p, power = self.p, self.power
        offence, defence = sides[state], sides[target]
        lv = self.victory_probability(float(power[offence].sum()), float(power[defence].sum()))
        offence_wins = self.rng.random() < lv
        victor, loser = (state, target) if offence_wins else (target, state)
        victors, losers = (offence, defence) if offence_wins else (defence, offence)
        ratio = max(power[state], power[target]) / (power[state] + power[target])
        base = (1.0 - (ratio - 0.5) / 0.5) * p.max_war_cost
        disparity = min(p.war_cost_disparity, p.max_war_cost * self._disparity_draw())
        if p.versailles:
            self._versailles(state, target, offence_wins, lv)
        power[victors] = np.maximum(power[victors] * (1 - max(base - disparity, 0.01)), 1.0)
        power[losers] *= 1 - min(1.0, base + disparity)
        owed = power[losers] * p.reparations
        power[losers] -= np.maximum(owed, 0.01)
        power[victors] += owed.sum() * power[victors] / power[victors].sum()
        for k in self.alive:
            if power[k] < 1.0:
                self.conqueror[k] = victor
        self.wars += 1

    def _disparity_draw(self) -> float:
        """The random factor of the cost disparity: |N(0, 1)| (Horvath 2020), U(0, 1) in statesim's code."""
        return float(self.rng.random()) if self.p.statesim_defects else abs(float(self.rng.standard_normal()))

    def _versailles(self, state: int, target: int, offence_wins: bool, lv: float) -> None:
        """The losing leader gives the winning leader LV (or 1 − LV) of its power."""
        power = self.power
        if offence_wins:
            transfer = power[target] * lv
            power[target] -= transfer
            power[state] += transfer
        elif self.p.statesim_defects:  # statesim: the victorious defender pays the losing protagonist
            transfer = power[target] * (1 - lv)
            power[target] -= transfer
            power[state] += transfer
        else:
            transfer = power[state] * (1 - lv)
            power[state] -= transfer
            power[target] += transfer

    def adjust_power(self) -> None:
        """States below power 1 die (their borders pass to the conqueror); survivors grow and re-estimate themselves."""
        for k in sorted(self.alive):
            if self.power[k] < 1.0:
                self._die(k)
        survivors = np.array(sorted(self.alive))
        growth = self._growth(survivors.size)
        self.power[survivors] = np.maximum(self.power[survivors] * (1 + growth), 1.0)
        self.self_estimate[survivors] = self.power[survivors] * self.rng.normal(1.0, self.p.misperception, survivors.size)

    def _growth(self, n: int) -> np.ndarray:
        if self.p.growth == "cauchy":
            draws = self.p.growth_mean + self.p.growth_scale * self.rng.standard_cauchy(n)
            return np.clip(draws, -0.30, 0.15)
        return self.rng.normal(self.p.growth_mean, self.p.growth_scale, n)

    def _die(self, k: int) -> None:
        conqueror = int(self.conqueror[k])
        for j in self.border.pop(k):
            self.border[j].discard(k)
            if j != conqueror and self.power[j] > 1.0 and conqueror in self.border:
                self.border[j].add(conqueror)
                self.border[conqueror].add(j)
        self.alive.discard(k)
        self.death_turn[k] = self.turn
        self.deaths_this_turn += 1

    # ------------------------------------------------------------------ outcomes

    def outcomes(self) -> list[Outcome]:
        """Universal empire (and when; censored at the last turn if none), states left, median death turn."""
        deaths = self.death_turn[np.isfinite(self.death_turn)]
        empire = self.empire_turn is not None
        return [
            ("empire", float(empire), False),
            ("empire.turn", float(self.empire_turn if empire else self.turn), not empire),
            ("states.final", float(len(self.alive)), False),
            ("deaths.median_turn", float(np.median(deaths)) if deaths.size else float("nan"), False),
        ]


@lru_cache(maxsize=64)
def coalition_masks(n: int) -> np.ndarray:
    """(coalitions, n) membership of the coalitions of n candidates considered: by size, the first 100 of each."""
    rows = [combo for size in range(n + 1) for combo in islice(combinations(range(n), size), COALITIONS_PER_SIZE)]
    masks = np.zeros((len(rows), n))
    for r, combo in enumerate(rows):
        masks[r, list(combo)] = 1.0
    return masks


def _borders(p: RealpolitikParameters, rng: np.random.Generator) -> dict[int, set[int]]:
    """Each state's neighbours: cells of a 7 x 14 hexagonal map (98 cells) or a random regular graph."""
    if p.map == "random_regular":
        graph = nx.random_regular_graph(p.degree, p.states, seed=int(rng.integers(2**31)))
    else:
        rows = 7
        cols = -(-p.states // rows)
        graph = nx.Graph()
        graph.add_nodes_from(range(p.states))
        for cell in range(p.states):
            r, c = divmod(cell, cols)
            shift = r % 2  # odd rows sit half a cell to the right
            for dr, dc in ((0, 1), (1, shift - 1), (1, shift)):
                rr, cc = r + dr, c + dc
                if 0 <= cc < cols and rr * cols + cc < p.states and rr < rows:
                    graph.add_edge(cell, rr * cols + cc)
    return {k: set(graph.neighbors(k)) for k in range(p.states)}
