"""Axelrod's tribute model (Axelrod 1995; 1997, ch. 6), as programmed in his Tribute40 v4.0.

Ten actors on a ring. Each year three actors are drawn (with replacement) to become active; an
active actor may demand tribute from a reachable actor, who pays or fights; then every actor
produces 20. Commitment c[i, j] (percent, steps of 10, c[i, i] = 100) is i's commitment to j.

Sources: Axelrod, R. (1997) *The Complexity of Cooperation*, Princeton, ch. 6 "Building new
political actors" (reprinting Axelrod 1995 in Gilbert & Conte (eds.) *Artificial Societies*);
the rules' exact order and ties follow his Pascal program Tribute40 v4.0 (public repository
`brandonminta/conflictmodel`, file `conflictmodel/Tribute-Axelrod.pas`, commit c638c4b), with
its common rules A2 (demand) and B4 (response) and contiguous alliances. `docs/docking.md`
lists where the program and the text differ and which reading is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import networkx as nx
import numpy as np
from mesa import DataCollector
from pydantic import Field

from model.classic.base import ClassicModel, ClassicParameters, Outcome, gini

PROGRAM = "Tribute40 v4.0 (Axelrod), conflictmodel/Tribute-Axelrod.pas at c638c4b"


class TributeParameters(ClassicParameters):
    """Parameters of the tribute model; defaults are Axelrod's (1997, ch. 6) and Tribute40's constants."""

    actors: int = Field(10, ge=3, description=f"actors on the ring (Imax = 10, {PROGRAM})")
    activations: int = Field(3, ge=1, description=f"active actors a year (Demand_phase_max = 3, {PROGRAM})")
    wealth_low: float = Field(300.0, ge=0, description=f"initial wealth, uniform low end (W_base - 100, {PROGRAM})")
    wealth_high: float = Field(500.0, ge=0, description=f"initial wealth, uniform high end (W_base + 100, {PROGRAM})")
    income: float = Field(20.0, ge=0, description=f"wealth produced by each actor a year (Productivity, {PROGRAM})")
    demand: float = Field(250.0, gt=0, description=f"tribute demanded (Standard_Demand, {PROGRAM})")
    destructiveness: float = Field(0.25, ge=0, le=1,
                                   description=f"share of the other side's wealth destroyed in a fight ({PROGRAM})")
    commitment_step: int = Field(10, ge=1, le=100,
                                 description=f"change of commitment per event, percent (loyalty_pc_increment, {PROGRAM})")
    cluster_threshold: int = Field(50, ge=0, le=100, description=(
        "mutual commitment (percent) for two actors to be in one cluster (reading of Axelrod 1997, ch. 6; "
        "docs/docking.md)"))
    payment_rule: Literal["cheaper", "inverted"] = Field("cheaper", description=(
        "target's response: 'cheaper' pays when fighting would cost it at least the payment (rule B4, "
        f"{PROGRAM}); 'inverted' fights exactly then — a deliberately wrong rule, the docking negative control"))


@dataclass(frozen=True)
class Alliance:
    """The two sides of a demand of `attacker` on `target` and the wealth each can muster."""

    attackers: tuple[int, ...]
    defenders: tuple[int, ...]
    w_att: float
    w_def: float


def muster(c: list[list[int]], w: list[float], attacker: int, target: int, direction: int,
           distance: int) -> Alliance | None:
    """Both sides of a demand on the target `distance` steps from the attacker in `direction` (±1).

    `c` is the commitment matrix (percent) and `w` the wealths, as lists (ten actors: plain
    Python is faster than numpy here). Every actor between the two must be more committed to the
    attacker than to the target (else the target is out of reach: None) and joins the attack;
    beyond the target, actors more committed to it than to the attacker join the defence,
    contiguously; behind the attacker, actors more committed to it join the attack, contiguously.
    Each member adds commitment to its leader × its wealth / 100 (Axelrod 1997, ch. 6;
    Calc_Alliance of Tribute40).
    """
    n = len(w)
    attackers, defenders = [attacker], [target]
    for d in range(1, distance):
        k = (attacker + direction * d) % n
        if c[k][attacker] <= c[k][target]:
            return None
        attackers.append(k)
    for d in range(1, n):
        k = (target + direction * d) % n
        if c[k][attacker] >= c[k][target]:
            break
        defenders.append(k)
    for d in range(1, n):
        k = (attacker - direction * d) % n
        if c[k][attacker] <= c[k][target]:
            break
        attackers.append(k)
    w_att = sum(c[k][attacker] * w[k] for k in attackers) / 100
    w_def = sum(c[k][target] * w[k] for k in defenders) / 100
    return Alliance(tuple(attackers), tuple(defenders), w_att, w_def)


class TributeModel(ClassicModel):
    """Axelrod's tribute model; one step is one year."""

    parameters_type: ClassVar = TributeParameters
    default_steps: ClassVar[int] = 1000
    """Years of a run (Axelrod 1997, ch. 6: populations of 1,000 years)."""

    def __init__(self, parameters: TributeParameters | None = None,
                 rng: int | np.random.Generator | None = None) -> None:
        super().__init__(parameters, rng=rng)
        p = self.p
        self.wealth = self.rng.uniform(p.wealth_low, p.wealth_high, p.actors)
        self.initial_wealth = float(self.wealth.sum())
        self.commitment = np.eye(p.actors, dtype=np.int64) * 100
        self.destroyed = 0.0
        """Wealth destroyed in fights so far."""
        self.paid = 0.0
        """Tribute paid so far."""
        self.fights_this_year = 0
        self.year = 0
        self.datacollector = DataCollector(model_reporters={
            "fights": "fights_this_year",
            "wealth_total": lambda m: float(m.wealth.sum()),
        })

    # ------------------------------------------------------------------ the year

    def step(self) -> None:
        """One year: `activations` demand phases, then production."""
        self.year += 1
        self.fights_this_year = 0
        for _ in range(self.p.activations):
            self.activate(int(self.rng.integers(self.p.actors)))
        self.wealth += self.p.income
        self.datacollector.collect(self)

    def activate(self, actor: int) -> None:
        """`actor` chooses a target (if any), who pays or fights."""
        choice = self.choose_target(actor)
        if choice is None:
            return
        target, alliance = choice
        if self.pays(target, alliance):
            self.pay(actor, target)
        else:
            self.fight(actor, target, alliance)

    # ------------------------------------------------------------------ rules

    def alliance(self, attacker: int, target: int, direction: int, distance: int) -> Alliance | None:
        """Both sides of a demand of `attacker` on `target` (see `muster`), on the current state."""
        return muster(self.commitment.tolist(), self.wealth.tolist(), attacker, target, direction, distance)

    def choose_target(self, actor: int) -> tuple[int, Alliance] | None:
        """The reachable target maximising min(demand, W_target) × (W_att − W_def) / W_att, if positive.

        Candidates are scanned to the left, then to the right, each direction stopping after the
        first actor with no commitment to `actor`; ties go to the first found (Make_Demand of Tribute40).
        """
        n = self.p.actors
        c, w = self.commitment.tolist(), self.wealth.tolist()
        best, best_value = None, 0.0
        for direction in (-1, 1):
            for distance in range(1, n):
                target = (actor + direction * distance) % n
                alliance = muster(c, w, actor, target, direction, distance)
                if alliance is not None:
                    value = self.demand_value(target, alliance)
                    if value > best_value:
                        best, best_value = (target, alliance), value
                if c[target][actor] == 0:
                    break
        return best

    def demand_value(self, target: int, alliance: Alliance) -> float:
        """Payment × vulnerability: min(demand, W_target) × (W_att − W_def) / W_att (rule A2)."""
        payment = min(self.p.demand, self.wealth[target])
        vulnerability = (alliance.w_att - alliance.w_def) / alliance.w_att if alliance.w_att > 0 else -1.0
        return payment * vulnerability

    def fight_cost(self, target: int, alliance: Alliance) -> float:
        """What a fight would cost the target alone: min(d × W_att × W_target / W_def, W_target)."""
        w = self.wealth[target]
        upper = self.p.destructiveness * alliance.w_att * w / alliance.w_def if alliance.w_def > 0 else 0.0
        return min(upper, w)

    def pays(self, target: int, alliance: Alliance) -> bool:
        """Rule B4: pay when fighting would cost the target at least the payment (ties pay)."""
        cheaper = self.fight_cost(target, alliance) >= min(self.p.demand, self.wealth[target])
        return cheaper if self.p.payment_rule == "cheaper" else not cheaper

    def pay(self, receiver: int, payer: int) -> None:
        """Transfer min(demand, W_payer); both become more committed to each other."""
        tribute = min(self.p.demand, self.wealth[payer])
        self.wealth[payer] -= tribute
        self.wealth[receiver] += tribute
        self.paid += tribute
        step = self.p.commitment_step
        c = self.commitment
        c[receiver, payer] = min(c[receiver, payer] + step, 100)
        c[payer, receiver] = min(c[payer, receiver] + step, 100)

    def fight(self, attacker: int, target: int, alliance: Alliance) -> None:
        """Each side destroys d × its own strength of the other's (at most all of it).

        A member's loss is its side's loss × (its commitment to its leader × its wealth / 100) /
        its side's strength; members of one side become more committed to each other, and less
        to every member of the other side (Conduct_Fight of Tribute40).
        """
        d, c, w = self.p.destructiveness, self.commitment, self.wealth
        a, t = np.array(alliance.attackers), np.array(alliance.defenders)
        to_defence = min(d * alliance.w_att, alliance.w_def)
        to_attack = min(d * alliance.w_def, alliance.w_att)
        loss_a = to_attack * c[a, attacker] * w[a] / (100 * alliance.w_att) if alliance.w_att > 0 else 0 * w[a]
        loss_t = to_defence * c[t, target] * w[t] / (100 * alliance.w_def) if alliance.w_def > 0 else 0 * w[t]
        w[a] -= loss_a
        w[t] -= loss_t
        self.destroyed += float(loss_a.sum() + loss_t.sum())
        for side, other in ((alliance.attackers, alliance.defenders), (alliance.defenders, alliance.attackers)):
            self.raise_commitment(side, side)
            self.lower_commitment(side, other)
        self.fights_this_year += 1

    def raise_commitment(self, rows, cols) -> None:
        """c[i, j] += step for i in rows, j in cols, at most 100."""
        self._shift_commitment(rows, cols, self.p.commitment_step)

    def lower_commitment(self, rows, cols) -> None:
        """c[i, j] -= step for i in rows, j in cols, at least 0."""
        self._shift_commitment(rows, cols, -self.p.commitment_step)

    def _shift_commitment(self, rows, cols, change: int) -> None:
        r, k = np.asarray(rows)[:, None], np.asarray(cols)
        self.commitment[r, k] = np.clip(self.commitment[r, k] + change, 0, 100)

    # ------------------------------------------------------------------ outcomes

    def largest_cluster(self) -> int:
        """Size of the largest set of actors all committed to each other at least `cluster_threshold`."""
        c = self.commitment
        mutual = np.minimum(c, c.T) >= self.p.cluster_threshold
        np.fill_diagonal(mutual, False)
        mutual = nx.from_numpy_array(mutual.astype(int))
        return max(len(clique) for clique in nx.find_cliques(mutual))

    def outcomes(self) -> list[Outcome]:
        """Fights in years 1–100 and 901–1000 (NaN if the run is shorter), final wealth and clusters."""
        fights = self.series()["fights"].to_numpy()
        years = fights.size
        late = float(fights[900:1000].sum()) if years >= 1000 else float("nan")
        return [
            ("fights.years_1_100", float(fights[:100].sum()) if years >= 100 else float("nan"), False),
            ("fights.years_901_1000", late, False),
            ("wealth.gini.final", gini(self.wealth), False),
            ("wealth.top_share.final", float(self.wealth.max() / self.wealth.sum()), False),
            ("wealth.total.final", float(self.wealth.sum()), False),
            ("clusters.largest.final", float(self.largest_cluster()), False),
        ]
