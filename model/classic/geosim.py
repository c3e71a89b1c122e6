"""Cederman's GeoSim (Cederman 1997; 2003), the model of "Modeling the size of wars".

States on a square grid of primitive units (provinces); each step they update resources,
allocate them to their fronts, decide on war and peace (grim trigger, unprovoked attacks under
a probabilistic 3:1 superiority criterion, context activation, campaigns), fight battles decided
by the local, distance-discounted balance, and conquer provinces one at a time. Wars are
spatio-temporal clusters of fighting; a war's size is its cumulated battle damage.

Source: Cederman, L.-E. (2003) "Modeling the size of wars: from billiard balls to sandpiles",
*American Political Science Review* 97(1):135–50, its Appendix and Table A1 (text in the public
repository `CleanestMink126/Power-Laws-and-Wars`, papers/1.pdf); Cederman (1997) *Emergent
Actors in World Politics*, Princeton. Where the Appendix is ambiguous or misprinted, the reading
used is stated in the docstring concerned and in `docs/docking.md`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from mesa import DataCollector
from pydantic import Field
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from bopsim.model.classic.base import ClassicModel, ClassicParameters, Outcome

APPENDIX = "Cederman (2003), Appendix and Table A1"
FIT_MIN_LOG10 = 2.5
"""Wars below 10^2.5 are left out of the fits (Cederman 2003, note 8)."""


class GeoSimParameters(ClassicParameters):
    """Parameters of GeoSim; defaults are the base runs of Cederman (2003), Table A1 (line 1 of Table 1)."""

    nx: int = Field(50, ge=4, description=f"grid width ({APPENDIX})")
    ny: int = Field(50, ge=4, description=f"grid height ({APPENDIX})")
    init_polarity: int = Field(200, ge=2, description=f"founding states (initPolarity, {APPENDIX})")
    init_period: int = Field(500, ge=0, description=f"steps before technological change and war counting ({APPENDIX})")
    duration: int = Field(10_000, ge=1, description=f"steps after the initial period ({APPENDIX})")
    res_change: float = Field(0.01, gt=0, le=1, description=f"share of new resources a step (resChange, {APPENDIX})")
    prop_mobile: float = Field(0.5, ge=0, le=1, description=f"mobile share of resources (propMobile, {APPENDIX})")
    p_drop_campaign: float = Field(0.2, ge=0, le=1, description=f"campaign dropped after a battle ({APPENDIX})")
    p_attack: float = Field(0.01, ge=0, le=1, description=f"unprovoked attack tried when not alerted ({APPENDIX})")
    p_deactivate: float = Field(0.1, ge=0, le=1, description=f"alert dropped a step without nearby combat ({APPENDIX})")
    sup_thresh: float = Field(3.0, gt=0, description=f"balance at which an attack is launched with p 0.5 ({APPENDIX})")
    sup_slope: float = Field(20.0, gt=0, description=f"slope of the attack criterion ({APPENDIX})")
    vict_thresh: float = Field(3.0, gt=0, description=f"balance at which the attacker wins with p 0.5 ({APPENDIX})")
    vict_slope: float = Field(20.0, gt=0, description=f"slope of the victory criterion ({APPENDIX})")
    prop_damage: float = Field(0.1, ge=0, le=1, description=f"share of a front's resources lost a battle step ({APPENDIX})")
    dist_offset: float = Field(0.1, ge=0, le=1, description=f"extraction rate far from the capital ({APPENDIX})")
    dist_thresh: float = Field(2.0, gt=0, description=f"distance of half extraction at time 0 ({APPENDIX})")
    dist_slope: float = Field(3.0, gt=0, description=f"slope of the distance function ({APPENDIX})")
    p_shock: float = Field(0.0001, ge=0, le=1, description=f"a state catches up with technology, per step ({APPENDIX})")
    shock_size: float = Field(20.0, ge=0, description=f"shift of the distance threshold by the end ({APPENDIX})")
    war_shadow: int = Field(20, ge=0, description=f"steps after its last battle a state stays in its war ({APPENDIX})")
    context_activation: bool = Field(True, description=(
        f"states enter alert when they or a neighbour fight (Table 1 line 4 turns it off; {APPENDIX})"))
    resource_unit: float = Field(100.0, gt=0, description=(
        "resources a site yields in steady state, the unit of resources, damage and war sizes: 1/resChange "
        "(the Appendix prints the equation for 1, under which Table 1's war sizes cannot be reached; "
        "docs/docking.md, GeoSim, 'Resource scale')"))


class GeoSimModel(ClassicModel):
    """GeoSim; one step is one period. States are named by their capital's cell index."""

    parameters_type: ClassVar = GeoSimParameters
    default_steps: ClassVar[int] = 10_500
    """initPeriod + duration (Cederman 2003, Table A1)."""

    def __init__(self, parameters: GeoSimParameters | None = None,
                 rng: int | np.random.Generator | None = None) -> None:
        super().__init__(parameters, rng=rng)
        p = self.p
        self.cells = p.nx * p.ny
        rows, cols = np.divmod(np.arange(self.cells), p.nx)
        self.xy = np.stack([cols, rows], axis=1).astype(float)
        self.owner = found_states(p.ny, p.nx, p.init_polarity, self.rng)
        self.thresh = np.full(self.cells, p.dist_thresh)
        self.res = np.zeros(self.cells)
        self.res[self.states()] = self.metabolism()[self.states()]
        self.damage = np.zeros(self.cells)
        self.alerted = np.zeros(self.cells, dtype=bool)
        self.campaign = np.full(self.cells, -1)
        self.battles: dict[tuple[int, int], tuple[int, int]] = {}
        """(attacker, defender) -> (agent cell, target cell) of each battle under way."""
        self.fought: set[int] = set()
        """State pairs in combat last step, keyed by min × cells + max."""
        self.allocation: dict[int, float] = {}
        """res(i, j) of each front, keyed by i × cells + j."""
        self.war_of = np.full(self.cells, -1)
        self.last_fought = np.full(self.cells, -(10**9))
        self.wars: dict[int, list[float]] = {}
        """war id -> [damage so far, first step]."""
        self.war_sizes: list[float] = []
        """Sizes of completed wars that began after the initial period."""
        self.states_t500 = float("nan")
        self.next_war = 0
        self.datacollector = DataCollector(model_reporters={
            "states": lambda m: int(m.states().size), "battles": lambda m: len(m.battles),
            "wars_completed": lambda m: len(m.war_sizes),
        })

    # ------------------------------------------------------------------ geography

    def states(self) -> np.ndarray:
        """Sovereign states (their capitals' cells), in increasing order."""
        return np.flatnonzero(self.owner == np.arange(self.cells))

    def borders(self) -> np.ndarray:
        """(k, 4) rows (cell, neighbouring cell, its owner, the neighbour's owner) across state borders, both ways."""
        grid = self.owner.reshape(self.p.ny, self.p.nx)
        index = np.arange(self.cells).reshape(self.p.ny, self.p.nx)
        pairs = []
        for a, b in ((index[:, :-1], index[:, 1:]), (index[:-1, :], index[1:, :])):
            differ = grid.ravel()[a.ravel()] != grid.ravel()[b.ravel()]
            pairs.append(np.stack([a.ravel()[differ], b.ravel()[differ]], axis=1))
        cells = np.concatenate(pairs)
        cells = np.concatenate([cells, cells[:, ::-1]])
        return np.column_stack([cells, self.owner[cells[:, 0]], self.owner[cells[:, 1]]])

    def extraction(self, distance: np.ndarray, thresh: np.ndarray) -> np.ndarray:
        """dist(d, t) = offset + (1 − offset) / (1 + (d / thresh)^slope): 1 at the capital, → offset far away.

        The Appendix prints the exponent as −distSlope, which would give the offset at the
        capital and 1 far away; the text and Figure 2 say the rate falls with distance, so the
        sign is reversed here.
        """
        p = self.p
        return p.dist_offset + (1 - p.dist_offset) / (1 + (distance / thresh) ** p.dist_slope)

    def distance(self, cells: np.ndarray, capitals: np.ndarray) -> np.ndarray:
        """Euclidean distance (in cells) between cells and capitals."""
        return np.hypot(*(self.xy[cells] - self.xy[capitals]).T)

    def metabolism(self) -> np.ndarray:
        """1 + tax of each state (indexed by capital), in units of resources: the sum over its cells of
        dist(d(capital, cell)) × resource_unit."""
        cells = np.arange(self.cells)
        rate = self.extraction(self.distance(cells, self.owner), self.thresh[self.owner])
        return self.p.resource_unit * np.bincount(self.owner, weights=rate, minlength=self.cells)

    # ------------------------------------------------------------------ the step

    def step(self) -> None:
        """Resources, allocation, decisions, interaction, structural change, wars, alerts, technology."""
        t = self.steps
        states = self.states()
        self.update_resources(states)
        self.damage[:] = 0.0
        border = self.borders()
        codes = np.unique(border[:, 2] * self.cells + border[:, 3])
        fronts = np.column_stack(np.divmod(codes, self.cells))
        self.allocation = self.allocate(fronts)
        self.decide(fronts, border)
        claims, combat = self.interact()
        self.conquer(claims)
        self.count_wars(combat, t)
        self.alert(fronts, combat)
        self.diffuse_technology(t)
        if t == self.p.init_period:
            self.states_t500 = float(self.states().size)
        self.datacollector.collect(self)

    def update_resources(self, states: np.ndarray) -> None:
        """res <- (1 − resChange) res + resChange (1 + tax − damage) (Cederman 2003, Appendix, "Resource
        updating"), 1 + tax in units of `resource_unit`, damage last step's battle losses."""
        p = self.p
        self.res[states] = (1 - p.res_change) * self.res[states] + p.res_change * (
            self.metabolism()[states] - self.damage[states])

    def allocate(self, fronts: np.ndarray) -> dict[int, float]:
        """res(i, j) for each front (i, j) (Cederman 2003, Appendix, "Resource allocation").

        fixed = (1 − propMobile) res_i / n_i. With no front in combat last step, each front gets
        fixed + all mobile resources (one new attack is expected); otherwise a front in combat
        gets fixed + res(j, i) / enemyRes(i) × mobile and a quiet one fixed + res(j, i) /
        (enemyRes(i) + res(j, i)) × mobile, enemyRes(i) summing res(j, i) over the fronts in
        combat. res(j, i) is last step's allocation of j against i (a new front: fixed + mobile).
        """
        p = self.p
        i, j = fronts[:, 0], fronts[:, 1]
        n = np.bincount(i, minlength=self.cells)
        fixed = (1 - p.prop_mobile) * self.res[i] / n[i]
        mobile = p.prop_mobile * self.res[i]
        default = (1 - p.prop_mobile) * self.res[j] / n[j] + p.prop_mobile * self.res[j]
        reverse = j * self.cells + i
        against = default.copy()
        if self.allocation:
            known = np.fromiter(self.allocation.keys(), dtype=np.int64, count=len(self.allocation))
            values = np.fromiter(self.allocation.values(), dtype=float, count=len(self.allocation))
            order = np.argsort(known)
            at = np.clip(np.searchsorted(known[order], reverse), 0, known.size - 1)
            found = known[order][at] == reverse
            against[found] = values[order][at[found]]
        fighting = np.isin(np.minimum(i, j) * self.cells + np.maximum(i, j), np.fromiter(self.fought, dtype=np.int64))
        enemy = np.bincount(i, weights=against * fighting, minlength=self.cells)[i]
        quiet = enemy + against
        share = np.where(fighting, against / np.where(enemy > 0, enemy, 1), against / np.where(quiet > 0, quiet, 1))
        alloc = fixed + np.where(enemy > 0, share, 1.0) * mobile
        return dict(zip((i * self.cells + j).tolist(), alloc.tolist()))

    def balance(self, attacker: int, defender: int, target: int) -> float:
        """bal = dist(d_att) res(att, def) / (dist(d_def) res(def, att)), d from each capital to the target cell."""
        d = self.distance(np.array([target, target]), np.array([attacker, defender]))
        rate = self.extraction(d, self.thresh[[attacker, defender]])
        defence = rate[1] * self.alloc(defender, attacker)
        return float(rate[0] * self.alloc(attacker, defender) / defence) if defence > 0 else np.inf

    def alloc(self, i: int, j: int) -> float:
        """res(i, j): what i allocated this step to its front with j."""
        return self.allocation[i * self.cells + j]

    @staticmethod
    def logistic(balance: float, thresh: float, slope: float) -> float:
        """1 / (1 + (bal / thresh)^−slope) (Cederman 2003, Appendix, "Decisions" and "Interaction")."""
        return 1.0 / (1.0 + (balance / thresh) ** -slope) if balance > 0 else 0.0

    def decide(self, fronts: np.ndarray, border: np.ndarray) -> None:
        """Unprovoked attacks, tried every step while alerted or campaigning.

        A state not on alert enters it with pAttack a step (Table A1: "probability of entering
        alerted status"), besides context activation (`alert`); it leaves it with pDeactivate
        a step without combat around it.

        Only a state with no battle under way, as attacker or defender, tries one ("if there is no
        action on any front and with pAttack or if in alerted status or campaign", Appendix,
        "Decision Rule of State i"; likewise Cederman and Girardin's course slides on GeoSim:
        "if there is no action on any front then select a neighboring state"). Battles under way
        go on first (`continue_battles`, the grim trigger), so a state at war opens no new front.

        The target is the campaign's, if still a neighbour, else a random neighbour; the battle
        path is a random cell of the target bordering the attacker and a random cell of the
        attacker bordering it; the attack is launched with p(bal) = logistic(bal, supThresh,
        supSlope). One battle at a time per pair of states.
        """
        p, rng = self.p, self.rng
        self.continue_battles(border)
        starts = np.searchsorted(fronts[:, 0], np.arange(self.cells + 1))
        busy = {a for pair in self.battles for a in pair}
        states = self.states()
        self.alerted[states] |= rng.random(states.size) < p.p_attack
        tries = states[self.alerted[states] | (self.campaign[states] >= 0)]
        for i in rng.permutation(tries).tolist():
            neighbours = fronts[starts[i]:starts[i + 1], 1]
            if neighbours.size == 0 or i in busy:
                continue
            j = int(self.campaign[i]) if self.campaign[i] in neighbours else int(rng.choice(neighbours))
            if (i, j) in self.battles or (j, i) in self.battles:
                continue
            paths = border[(border[:, 2] == j) & (border[:, 3] == i)]
            target, agent = paths[rng.integers(len(paths)), :2].tolist()
            if rng.random() < self.logistic(self.balance(i, j, target), p.sup_thresh, p.sup_slope):
                self.battles[(i, j)] = (agent, target)
                self.campaign[i] = j

    def continue_battles(self, border: np.ndarray) -> None:
        """Grim trigger (Cederman 2003, Appendix, "Decisions": act(i, j) = D if i or j played D in the
        previous period): a battle goes on while its states border each other. If its path changed
        hands (the attacker conquered the target cell, or either cell was lost elsewhere), the fighting
        goes on along a new random path: a cell of the defender bordering the attacker and a cell of
        the attacker bordering it."""
        kept = {}
        for (i, j), (agent, target) in self.battles.items():
            if i * self.cells + j not in self.allocation:
                continue
            if self.owner[agent] != i or self.owner[target] != j:
                paths = border[(border[:, 2] == j) & (border[:, 3] == i)]
                target, agent = paths[self.rng.integers(len(paths)), :2].tolist()
            kept[(i, j)] = (agent, target)
        self.battles = kept

    def interact(self) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, float]]]:
        """Each battle step (Cederman 2003, Appendix, "Interaction"): both sides lose propDamage of their
        allocation to the front; the attacker wins with q(bal) = logistic(bal, victThresh, victSlope),
        the defender, independently, with the same curve on its own balance 1/bal at threshold
        1/victThresh ("one or both sides could claim victory"). The attacker's victory advances a
        claim on the target cell and the fighting goes on (grim trigger); the defender's victory
        ends it ("all action is discontinued"); neither, and the battle goes on. After a decided
        battle the attacker drops its campaign with pDropCampaign. Returns (claims, combat with damage)."""
        p, rng = self.p, self.rng
        claims, combat = [], []
        for (i, j), (agent, target) in list(self.battles.items()):
            bal = self.balance(i, j, target)
            lost_i, lost_j = p.prop_damage * self.alloc(i, j), p.prop_damage * self.alloc(j, i)
            self.damage[i] += lost_i
            self.damage[j] += lost_j
            combat.append((i, j, lost_i + lost_j))
            attacker_wins = rng.random() < self.logistic(bal, p.vict_thresh, p.vict_slope)
            defender_wins = rng.random() < self.logistic(1 / bal, 1 / p.vict_thresh, p.vict_slope)
            if attacker_wins:
                claims.append((i, j, target))
            if defender_wins:
                del self.battles[(i, j)]
            if (attacker_wins or defender_wins) and rng.random() < p.p_drop_campaign:
                self.campaign[i] = -1
        self.fought = {min(i, j) * self.cells + max(i, j) for i, j, _ in combat}
        return claims, combat

    def conquer(self, claims: list[tuple[int, int, int]]) -> None:
        """Claims in random order; a unit changed this step is locked (Cederman 2003, Appendix, "Structural change").

        The target cell joins the victor. A unitary target is absorbed; a capital's fall
        collapses its state (all other provinces become sovereign); a province's loss frees
        every province no longer connected to its capital (4-neighbour contiguity).
        """
        locked: set[int] = set()
        for k in self.rng.permutation(len(claims)).tolist():
            victor, loser, target = claims[k]
            if {victor, loser} & locked or self.owner[target] != loser or self.owner[victor] != victor:
                continue
            locked |= {victor, loser}
            self.owner[target] = victor
            if target == loser:
                self.release(np.flatnonzero(self.owner == loser), self.thresh[loser])
                self.end_state(loser)
            else:
                self.release(self.cut_off(loser), self.thresh[loser])
            if not np.any(self.owner == loser):
                self.end_state(loser)

    def cut_off(self, state: int) -> np.ndarray:
        """Cells of `state` not connected to its capital."""
        mask = (self.owner == state).reshape(self.p.ny, self.p.nx)
        labels, _ = ndimage.label(mask)
        flat = labels.ravel()
        return np.flatnonzero((flat > 0) & (flat != flat[state]))

    def release(self, cells: np.ndarray, thresh: float) -> None:
        """Cells become sovereign unitary states (a unit's steady-state resources; the old technology)."""
        self.owner[cells] = cells
        self.res[cells] = self.p.resource_unit
        self.thresh[cells] = thresh
        self.alerted[cells] = False
        self.campaign[cells] = -1
        self.war_of[cells] = -1

    def end_state(self, state: int) -> None:
        """Forget a state that no longer exists: its battles and the campaigns against it."""
        self.battles = {pair: path for pair, path in self.battles.items() if state not in pair}
        self.campaign[self.campaign == state] = -1
        if self.owner[state] != state:
            self.campaign[state] = -1
            self.alerted[state] = False

    def count_wars(self, combat: list[tuple[int, int, float]], t: int) -> None:
        """Wars as spatio-temporal clusters (Cederman 2003, p. 141).

        Active states are those in combat now or in the last `warShadow` steps. A cluster is a set
        of active states bound together by fighting each other this step ("any group of adjacent
        fighting states as long as conflictual interaction binds them together"); an active state
        not fighting this step keeps its war ("states ... retain their cluster identification").
        A cluster inherits the wars of its members (merging them, their damage summed) and this
        step's battle damage (both sides') is added to it. A war none of whose states is active any
        more is complete; its size (cumulated damage) is kept if it began after the initial period.
        """
        fighting = np.zeros(self.cells, dtype=bool)
        for i, j, _ in combat:
            fighting[[i, j]] = True
        self.last_fought[fighting] = t
        active = self.last_fought >= t - self.p.war_shadow
        active &= self.owner == np.arange(self.cells)
        self.war_of[~active] = -1
        nodes = np.flatnonzero(active)
        if nodes.size:
            links = np.array([(i, j) for i, j, _ in combat], dtype=np.int64).reshape(-1, 2)
            links = links[active[links[:, 0]] & active[links[:, 1]]]
            index = np.full(self.cells, -1)
            index[nodes] = np.arange(nodes.size)
            graph = csr_matrix((np.ones(len(links)), (index[links[:, 0]], index[links[:, 1]])),
                               shape=(nodes.size, nodes.size))
            _, component = connected_components(graph, directed=False)
            damage = np.zeros(self.cells)
            for i, j, lost in combat:
                damage[i if active[i] else j] += lost
            for c in np.unique(component):
                self._cluster(nodes[component == c], damage, t)
        for war in [w for w in self.wars if not np.any(self.war_of == w)]:
            size, first = self.wars.pop(war)
            if first > self.p.init_period:
                self.war_sizes.append(size)

    def _cluster(self, members: np.ndarray, damage: np.ndarray, t: int) -> None:
        """Give one cluster of active states a single war (new, inherited or merged) and add its damage."""
        wars = np.unique(self.war_of[members])
        wars = wars[wars >= 0].tolist()
        added = float(damage[members].sum())
        if not wars:
            if added == 0:
                return
            war = self.next_war
            self.next_war += 1
            self.wars[war] = [0.0, t]
        else:
            war = wars[0]
            for other in wars[1:]:
                size, first = self.wars.pop(other)
                self.wars[war][0] += size
                self.wars[war][1] = min(self.wars[war][1], first)
                self.war_of[self.war_of == other] = war
        self.war_of[members] = war
        self.wars[war][0] += added

    def alert(self, fronts: np.ndarray, combat: list[tuple[int, int, float]]) -> None:
        """Context activation: states in combat and their neighbours are alerted; an alerted state with
        no combat around drops the alert with pDeactivate. Without context activation (Table 1, line
        4) the alert depends on no context at all: it is entered only through pAttack (`decide`) and
        dropped with pDeactivate a step whatever the fighting around."""
        if not self.p.context_activation:
            calm = self.alerted.copy()
            self.alerted[calm] = self.rng.random(int(calm.sum())) >= self.p.p_deactivate
            return
        fighting = np.zeros(self.cells, dtype=bool)
        for i, j, _ in combat:
            fighting[[i, j]] = True
        nearby = fighting.copy()
        nearby[fronts[fighting[fronts[:, 1]], 0]] = True
        self.alerted |= nearby
        calm = self.alerted & ~nearby
        self.alerted[calm] = self.rng.random(int(calm.sum())) >= self.p.p_deactivate

    def diffuse_technology(self, t: int) -> None:
        """After the initial period each state catches up with the state of the art with pShock a step:
        distThresh(t) = distThresh + (t − initPeriod) shockSize / duration."""
        p = self.p
        if t <= p.init_period or p.shock_size == 0:
            return
        art = p.dist_thresh + (t - p.init_period) * p.shock_size / p.duration
        states = self.states()
        self.thresh[states[self.rng.random(states.size) < p.p_shock]] = art

    # ------------------------------------------------------------------ outcomes

    def outcomes(self) -> list[Outcome]:
        """War-size statistics over completed wars of size ≥ 10^2.5, and the number of states."""
        fit = war_size_fit(np.array(self.war_sizes))
        return [
            ("wars.count", fit["count"], False),
            ("wars.slope", fit["slope"], False),
            ("wars.r2", fit["r2"], False),
            ("wars.range_orders", fit["range_orders"], False),
            ("wars.alpha_mle", fit["alpha_mle"], False),
            ("states.t500", self.states_t500, False),
            ("states.final", float(self.states().size), False),
        ]


def war_size_fit(sizes: np.ndarray) -> dict[str, float]:
    """Cederman's fit of war sizes: least squares of log10 P(S ≥ s) on log10 s over wars with log10 s ≥ 2.5.

    Also the range (log10 of the largest over the smallest fitted war) and the maximum-likelihood
    exponent alpha of a continuous power law above 10^2.5 (Clauset, Shalizi & Newman 2009;
    `powerlaw`); the survival function's slope is 1 − alpha.
    """
    fitted = np.sort(sizes[sizes >= 10**FIT_MIN_LOG10])
    n = fitted.size
    result = {"count": float(n), "slope": np.nan, "r2": np.nan, "range_orders": np.nan, "alpha_mle": np.nan}
    if n < 3:
        return result
    x = np.log10(fitted)
    y = np.log10((n - np.arange(n)) / n)
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    result.update(slope=float(slope), r2=float(1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))),
                  range_orders=float(x[-1] - x[0]),
                  alpha_mle=float(1 + n / np.log(fitted / 10**FIT_MIN_LOG10).sum()))
    return result


def found_states(ny: int, nx: int, founders: int, rng: np.random.Generator) -> np.ndarray:
    """Owner of each cell: `founders` random cells found states whose territory grows, one random
    unclaimed neighbouring cell at a time, until the grid is full (Cederman 2003, Appendix,
    "Model setup"); each state is 4-connected."""
    cells = nx * ny
    owner = np.full(cells, -1)
    seeds = rng.choice(cells, founders, replace=False)
    owner[seeds] = seeds
    grid = owner.reshape(ny, nx)
    while np.any(owner < 0):
        candidates = []
        for shift, axis in ((1, 0), (-1, 0), (1, 1), (-1, 1)):
            source = np.roll(grid, shift, axis=axis)
            valid = np.ones_like(grid, dtype=bool)
            edge = 0 if shift == 1 else -1
            if axis == 0:
                valid[edge, :] = False
            else:
                valid[:, edge] = False
            take = (grid < 0) & (source >= 0) & valid
            candidates.append(np.where(take, source, -1))
        options = np.stack(candidates)
        open_cells = np.flatnonzero((options >= 0).any(axis=0).ravel())
        chosen = open_cells[rng.random(open_cells.size) < 0.5] if open_cells.size > 1 else open_cells
        flat = options.reshape(4, -1)[:, chosen]
        picks = rng.random(flat.shape) * (flat >= 0)
        owner[chosen] = flat[picks.argmax(axis=0), np.arange(chosen.size)]
    return owner
