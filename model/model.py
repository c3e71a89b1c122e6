"""RegionalModel: the state arrays, the staged monthly step and data collection.

One step is one month: perceive (threat), decide (each actor's strategy -> plan), resolve
(attrition and the contest for control), update (control, income, recruitment, upkeep, aid,
ties, exits), collect (metrics and events). See docs/ODD.md for the rules and their sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from model import combat
from model.actors import KINDS, Actor
from model.alliances import aid_transfers, blocs, fighting_together, tie_targets, update_ties
from model.calendar import add_months
from model.geography import UNREACHABLE, build_geography
from model.linalg import actor_product
from model.metrics import (
    WarEpisodes,
    bloc_balance,
    concentration,
    effective_poles,
    forward_presence,
    power_shares,
    strategic_depth,
)
from model.scenario import ActorSpec, ScenarioSpec
from model.strategies import Plan, accessible_regions, build_strategy, home_allocation


class RegionalModel(mesa.Model):
    """A theatre of regions contested by state, non-state and external actors.

    Args:
        spec: a validated scenario (`model.scenario.load`).
        rng: seed or numpy Generator; the only source of randomness.
    """

    def __init__(self, spec: ScenarioSpec, rng: int | np.random.Generator | None = None, steps: int | None = None) -> None:
        super().__init__(rng=rng)
        self.spec = spec
        self.horizon = spec.steps if steps is None else steps
        self.params = spec.parameters
        self.geo = build_geography(spec)
        self.actor_ids = tuple(a.id for a in spec.actor)
        self.actor_index = {aid: i for i, aid in enumerate(self.actor_ids)}
        self.n_actors = len(self.actor_ids)
        self._init_arrays(spec)
        self.agents_by_index: list[Actor | None] = [None] * self.n_actors
        self.log: list[dict] = []
        self.history: list[RegionRecord] = []
        self.wars = WarEpisodes(self.n_actors, self.params.war_threshold)
        self._due: dict[float, list] = {}
        self._date = (-1, "")
        for i, a in enumerate(spec.actor):
            if a.enters is None or spec.month_of(a.enters) <= 0:
                self._enter(i)
            else:
                self._schedule(a.enters, self._enter, i)
        self._schedule_events(spec)
        self._set_base_income(spec)
        self.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)
        self.actor_records: list[dict[str, np.ndarray]] = []
        self.perceive()
        self.agents.do("decide")
        self.deployment, self.strike = self.planned, self.planned_strike
        self.battle = combat.Battle(np.zeros_like(self.deployment), np.zeros((self.n_actors,) * 2), np.zeros(self.geo.size, bool))
        self.collect()

    # ------------------------------------------------------------------ set-up

    def _init_arrays(self, spec: ScenarioSpec) -> None:
        n, r = self.n_actors, self.geo.size
        rix = self.geo.index
        self.kind = np.array([a.kind for a in spec.actor])
        self.holds_ground = np.array([KINDS[a.kind].holds_ground for a in spec.actor])
        self.capability = np.array([a.capability for a in spec.actor], dtype=float)
        self.mobilisation = np.array([a.mobilisation for a in spec.actor], dtype=float)
        self.home = np.zeros((n, r), dtype=bool)
        self.basing = np.zeros((n, r), dtype=bool)
        for i, a in enumerate(spec.actor):
            self.home[i, [rix[x] for x in a.home]] = True
            if a.home_country:
                self.home[i] |= np.array([c == a.home_country for c in self.geo.country])
            self.basing[i, [rix[x] for x in a.basing]] = True
        # external powers keep uncommitted forces evenly at their basing regions
        basing = self.basing.astype(float)
        self.basing_weights = np.divide(basing, basing.sum(axis=1, keepdims=True), out=np.zeros_like(basing),
                                        where=basing.any(axis=1, keepdims=True))
        self.home_distance = np.array([self.geo.distance_from(self.home[i] | self.basing[i]) for i in range(n)])
        self.control = _initial_control(spec, self.home, rix, self.kind)
        # regions of a country that no actor has as home (a state the scenario does not model):
        # no actor sends forces there or takes their ground
        countries = np.array(self.geo.country)
        modelled = np.isin(countries, countries[self.home.any(axis=0)])
        self.outside = (countries != "") & ~modelled
        identity = np.array([a.identity for a in spec.actor], dtype=float)
        sigma = self.params.identity_scale
        self.identity_affinity = np.exp(-((np.linalg.norm(identity[:, None] - identity[None], axis=2) / sigma) ** 2))
        self.region_affinity = np.exp(-((np.linalg.norm(identity[:, None] - self.geo.identity[None], axis=2) / sigma) ** 2))
        self.relations = np.zeros((n, n))
        for rel in spec.relation:
            i, j = self.actor_index[rel.a], self.actor_index[rel.b]
            self.relations[i, j] = self.relations[j, i] = rel.value
        self.ties = np.zeros((n, n))
        for tie in spec.tie:
            i, j = self.actor_index[tie.a], self.actor_index[tie.b]
            self.ties[i, j] = self.ties[j, i] = tie.strength
        self.active = np.zeros(n, dtype=bool)
        self.deployment = np.zeros((n, r))
        self.strike = np.zeros((n, r))
        self.fights_for = np.full(n, -1)
        self.tie_wish = np.zeros((n, n))
        self.aid_share = np.zeros(n)
        self.relation_shift = np.zeros((n, n))
        self.income = np.zeros(n)
        self.recruitment = np.zeros(n)
        self.diameter = int(self.geo.hops[self.geo.hops < UNREACHABLE].max(initial=0))

    def _set_base_income(self, spec: ScenarioSpec) -> None:
        """Home-economy income; unset values make the initial capability a steady state.

        Steady state: upkeep x K0 = base income + income from held ground + recruitment.
        """
        held_income, recruits = self._territorial_income()
        steady = np.maximum(self.params.upkeep * self.capability - held_income - recruits, 0.0)
        given = np.array([np.nan if a.income is None else a.income for a in spec.actor])
        self.base_income = np.where(np.isnan(given), steady, given)

    def _schedule(self, date: str, action, *args) -> None:
        """Run `action(*args)` just before the step that simulates month `date`.

        Steps run at whole times (step k at time k simulates month k of the scenario, counting
        from 1); an event dated month k is due at time k - 0.5, so it applies to that month.
        """
        at = self.spec.month_of(date) + 0.5
        if at not in self._due:
            self._due[at] = []
            self.schedule_event(self._run_due, at=at)
        self._due[at].append((action, args))

    def _run_due(self) -> None:
        """Apply the scenario events due now, in the order the scenario lists them."""
        for action, args in self._due.pop(self.time):
            action(*args)

    def _schedule_events(self, spec: ScenarioSpec) -> None:
        actions = {"entry": self._enter, "exit": self._exit, "strategy": self._change_strategy,
                   "relation": self._change_relation, "tie": self._change_tie}
        for event in spec.event:
            if spec.month_of(event.date) <= 0:
                actions[event.kind](event)
            else:
                self._schedule(event.date, actions[event.kind], event)

    # ------------------------------------------------------------------ scheduled events

    def _actor_of(self, event_or_index) -> int:
        return event_or_index if isinstance(event_or_index, int) else self.actor_index[event_or_index.actor]

    def _enter(self, event_or_index) -> None:
        i = self._actor_of(event_or_index)
        if self.active[i]:
            return
        spec: ActorSpec = self.spec.actor[i]
        strategy = [b.bind(self.actor_index) for b in build_strategy(list(spec.strategy), set(self.actor_ids))]
        self.agents_by_index[i] = KINDS[spec.kind](self, spec, i, strategy)
        self.active[i] = True
        self.record("entry", actor=i)

    def _exit(self, event_or_index) -> None:
        i = self._actor_of(event_or_index)
        if not self.active[i]:
            return
        self.active[i] = False
        self.deployment[i] = 0.0
        self.strike[i] = 0.0
        self.control[-1] += self.control[i]
        self.control[i] = 0.0
        self.ties[i, :] = self.ties[:, i] = 0.0
        self.agents_by_index[i].remove()
        self.agents_by_index[i] = None
        self.record("exit", actor=i)

    def _change_strategy(self, event) -> None:
        i = self._actor_of(event)
        agent = self.agents_by_index[i]
        if agent is None:
            return
        agent.strategy = [b.bind(self.actor_index) for b in build_strategy(list(event.strategy), set(self.actor_ids))]
        self.record("strategy", actor=i, detail=agent.strategy_name)

    def _change_relation(self, event) -> None:
        i, j = self._actor_of(event), self.actor_index[event.other]
        self.relations[i, j] = self.relations[j, i] = event.value
        self.record("relation", actor=i, other=j, value=event.value)

    def _change_tie(self, event) -> None:
        i, j = self._actor_of(event), self.actor_index[event.other]
        self.ties[i, j] = self.ties[j, i] = max(event.value, 0.0)
        self.record("tie", actor=i, other=j, value=event.value)

    # ------------------------------------------------------------------ the monthly step

    def step(self) -> None:
        """One month: perceive, decide, resolve, update, collect."""
        self.perceive()
        self.agents.do("decide")
        self.resolve()
        self.update()
        self.collect()
        if self.steps >= self.horizon:
            self.running = False

    @property
    def date(self) -> str:
        """The month at the start of which the current state holds ('YYYY-MM')."""
        if self._date[0] != self.steps:
            self._date = (self.steps, add_months(self.spec.start, self.steps))
        return self._date[1]

    def _hostility(self) -> np.ndarray:
        """H[a, b] = -R[a, b] where R is below -threshold (hostile), else 0; zero for inactive actors."""
        h = np.where(self.relations < -self.params.hostility_threshold, -self.relations, 0.0)
        return h * self.active[:, None] * self.active[None, :]

    def perceive(self) -> None:
        """Threat Theta[a, b] = max(0, -R[a,b]) K_b^alpha exp(-d(a,b)/lambda) and local exposure.

        d(a, b): hops from a's home (or basing) regions to the nearest region where b has
        forces or holds ground (Walt 1987: power, proximity, intent).
        """
        p = self.params
        self.present = (self.deployment > p.presence) & self.active[:, None]
        self.held_mask = (self.control[:-1] >= p.domain_share) & self.active[:, None]
        footprint = self.present | self.held_mask
        self.hostility = self._hostility()
        distance = _nearest_presence(self.home_distance, footprint)
        intent = np.maximum(0.0, -self.relations) * self.active[:, None] * self.active[None, :]
        self.threat = intent * self.capability[None, :] ** p.threat_exponent * np.exp(-distance / p.threat_range)
        norm = np.linalg.norm(self.threat, axis=1)
        unit = np.divide(self.threat, norm[:, None], out=np.zeros_like(self.threat), where=norm[:, None] > 0)
        self.shared_threat = unit @ unit.T
        self.total_force = self.deployment.sum(axis=0)
        nearby = (self.geo.neighbourhood @ self.deployment.T).T
        self.exposure = actor_product(self.hostility, nearby)
        self.majority_holder = np.argmax(self.control, axis=0)
        self.allied = self._allied()
        self.access = accessible_regions(self.majority_holder, self.allied, self.hostility) & ~self.outside
        garrison = np.array([a.garrison if a is not None else 0.5 for a in self.agents_by_index])
        self.home_weights = np.where(self.holds_ground[:, None],
                                     home_allocation(self.home | self.held_mask, self.exposure, garrison),
                                     self.basing_weights)
        self.planned = np.zeros_like(self.deployment)
        self.planned_strike = np.zeros_like(self.strike)
        self.tie_wish[:] = 0.0
        self.aid_share[:] = 0.0
        self.relation_shift[:] = 0.0
        self.fights_for[:] = -1

    def _allied(self) -> np.ndarray:
        """allied[a, b]: b is active and tied to a at or above the bloc threshold (a != b)."""
        allied = (self.ties >= self.params.bloc_threshold) & self.active[None, :]
        np.fill_diagonal(allied, False)
        return allied

    def domain(self, a: int) -> np.ndarray:
        """Regions actor `a` defends: its home regions and the ground it holds."""
        return self.home[a] | self.held_mask[a]

    def adopt(self, actor: Actor, plan: Plan) -> None:
        """Turn actor a's plan into its rows of next month's arrays; the uncommitted rest stays home.

        Plans go to `planned` so that every actor decides on the same perceived state.
        """
        a = actor.index
        commitments = plan.ground + plan.strike
        claimed = sum(share for share, _ in commitments)
        scale = 1.0 / claimed if claimed > 1.0 else 1.0
        k = self.capability[a]
        ground = self.planned[a]
        for share, weights in plan.ground:
            ground += (k * share * scale) * weights
        for share, weights in plan.strike:
            self.planned_strike[a] += (k * share * scale) * weights
        rest = max(0.0, 1.0 - claimed * scale)
        if rest > 0:
            ground += (k * rest) * self.home_weights[a]
        if plan.tie_wish is not None:
            self.tie_wish[a] = plan.tie_wish
        self.aid_share[a] = plan.aid_share
        self.fights_for[a] = -1 if plan.fights_for is None else plan.fights_for
        for other, shift in plan.relation_shift.items():
            self.relation_shift[a, other] = shift

    def resolve(self) -> None:
        """Attrition and the contest for control, in every contested region at once."""
        p = self.params
        h = self.hostility
        self.deployment, self.strike = self.planned, self.planned_strike
        present = (self.deployment > p.presence) & self.active[:, None]
        striking = (self.strike > p.presence) & self.active[:, None]
        contested = combat.contested_regions(h, present | self.held_mask | striking)
        effective = combat.effective_force(self.deployment, self.control, self.geo.defence)
        fire = effective + p.strike_effect * self.strike
        losses, dyads = combat.attrition(self.deployment, fire, h, p.attrition, contested)
        allied = (self.ties >= p.bloc_threshold) & (h == 0)
        strength = combat.credit_external(effective, self.fights_for, self.holds_ground, allied)
        speed = np.clip(p.front_speed * np.exp(p.front_noise * self.rng.standard_normal(self.geo.size)), 0.0, 1.0)
        control = combat.contest(self.control.copy(), strength, contested, p.decisiveness, speed, sides=self.bloc)
        combat.absorb_ungoverned(control, strength, ~contested & present.any(axis=0) & ~self.outside, p.absorption)
        self.battle = combat.Battle(losses, dyads, contested)
        _renormalise(control)
        self._control_events(control)
        self.control = control
        self.deployment = self.deployment - losses

    def _territorial_income(self) -> tuple[np.ndarray, np.ndarray]:
        """(income from held regions, recruits from held affine population), units per month.

        Recruitment is logistic in the actor's capability: mobilisation x pool x (1 - K / ceiling),
        where the pool is the affine population held (millions) and the ceiling is
        `mobilisation_ceiling` x pool — an armed group cannot field more than a fraction of the
        people it controls (diminishing returns; Verhulst growth towards a carrying capacity).
        """
        held = self.control[:-1] * self.holds_ground[:, None]
        income = held @ self.geo.resources
        pool = (held * self.region_affinity) @ (self.geo.population / 1e6)
        ceiling = self.params.mobilisation_ceiling * pool
        room = np.clip(1.0 - np.divide(self.capability, ceiling, out=np.ones_like(pool), where=ceiling > combat.TINY), 0.0, 1.0)
        return income, self.mobilisation * pool * room

    def update(self) -> None:
        """Capability, aid, ties, relations and exits after the month's fighting."""
        p = self.params
        held_income, self.recruitment = self._territorial_income()
        self.income = (self.base_income + held_income) * self.active
        losses = self.battle.losses.sum(axis=1)
        need = self.threat.sum(axis=1) / np.maximum(self.capability, p.presence)
        aid = aid_transfers(self.income, self.aid_share, self.ties, p.bloc_threshold, need)
        gain = self.income + self.recruitment * self.active + aid.sum(axis=0) - aid.sum(axis=1)
        after = np.maximum((self.capability - losses) * (1 - p.upkeep) + gain, 0.0)
        self.capability = np.where(self.active, after, self.capability)
        self.aid = aid
        together = fighting_together(self.present, self.battle.contested, self.hostility, p.bloc_threshold + 0.1)
        target = tie_targets(self.tie_wish, self.hostility, together)
        self._tie_events(update_ties(self.ties, target, p.tie_rate, p.tie_decay, self.hostility))
        shift = np.maximum(self.relation_shift, self.relation_shift.T)
        self.relations = np.clip(self.relations + shift, -1.0, 1.0)
        self._wars()
        for i in np.flatnonzero(self.active & (self.capability < p.presence)):
            if self.control[i].sum() < p.domain_share:
                self._exit(int(i))

    # ------------------------------------------------------------------ events and collection

    def record(self, kind: str, actor: int | None = None, other: int | None = None,
               region: int | None = None, value: float | None = None, detail: str = "") -> None:
        """Append an event to the log (step, date, kind, actor, other, region, value, detail).

        `step` is the step during which, or just before which, it happened (0 = set-up) and `date`
        the month that step simulates: a control change found in step 5 of a run from 2014-01
        happened in May 2014; an event scheduled for June runs just before step 6.
        """
        name = lambda i: "" if i is None else ("ungoverned" if i == self.n_actors else self.actor_ids[i])  # noqa: E731
        step = math.ceil(self.time)
        self.log.append({
            "step": step, "date": add_months(self.spec.start, max(step - 1, 0)), "kind": kind, "actor": name(actor), "other": name(other),
            "region": "" if region is None else self.geo.ids[region],
            "value": float("nan") if value is None else float(value), "detail": detail,
        })

    def _control_events(self, control: np.ndarray) -> None:
        before = np.argmax(self.control, axis=0)
        after = np.argmax(control, axis=0)
        for r in np.flatnonzero(before != after):
            self.record("control_change", actor=int(after[r]), other=int(before[r]), region=int(r),
                        value=float(control[after[r], r]))

    def _tie_events(self, ties: np.ndarray) -> None:
        threshold = self.params.bloc_threshold
        was, now = np.triu(self.ties >= threshold, 1), np.triu(ties >= threshold, 1)
        for a, b in zip(*np.nonzero(now & ~was)):
            self.record("tie_formed", actor=int(a), other=int(b), value=float(ties[a, b]))
        for a, b in zip(*np.nonzero(was & ~now)):
            self.record("tie_broken", actor=int(a), other=int(b), value=float(ties[a, b]))
        self.ties = ties

    def _wars(self) -> None:
        started, ended = self.wars.update(self.battle.dyad_losses, self.steps)
        for a, b in started:
            self.record("war_start", actor=a, other=b)
        for a, b, start, size in ended:
            self.record("war_end", actor=a, other=b, value=size, detail=f"started step {start}")

    def collect(self) -> None:
        """Compute the month's metrics, then let the DataCollector record them."""
        p = self.params
        self.shares = power_shares(self.capability, self.active)
        self.territory_km2 = self.control[:-1] @ self.geo.area_km2
        self.majority_holder = np.argmax(self.control, axis=0)
        held = (self.control[:-1] >= p.domain_share) & self.active[:, None]
        self.hostility = self._hostility()
        hostile_held = actor_product((self.hostility > 0).astype(float), held.astype(float)) > 0
        self.depth = strategic_depth(self.geo.hops, self.home, hostile_held, self.geo.area_km2, self.diameter + 1)
        self.forward = forward_presence((self.deployment > p.presence) | held, self._allied(), self.home)
        self.bloc = blocs(self.ties, p.bloc_threshold, self.active)
        self.bloc_top, self.bloc_second, self.bloc_ratio = bloc_balance(self.capability, self.bloc)
        self.history.append(RegionRecord.of(self))
        self.actor_records.append(self._actor_record())
        self.datacollector.collect(self)

    def _actor_record(self) -> dict[str, np.ndarray]:
        """This month's actor-level variables for all present actors, as columns.

        Read from the arrays at once rather than through one reporter call per agent and
        variable (the per-agent DataCollector path costs more than the rest of a step).
        """
        i = np.flatnonzero(self.active)
        ids = np.array(self.actor_ids)
        return {
            "actor": ids[i],
            "kind": self.kind[i],
            "capability": self.capability[i],
            "power_share": self.shares[i],
            "territory_km2": self.territory_km2[i],
            "territory_share": self.territory_km2[i] / self.geo.area_km2.sum(),
            "regions_held": np.bincount(self.majority_holder, minlength=self.n_actors + 1)[i],
            "strategic_depth": self.depth[i],
            "forward_presence": self.forward[i],
            "bloc": ids[self.bloc[i]],
            "deployed": self.deployment[i].sum(axis=1),
            "strike_power": self.strike[i].sum(axis=1),
            "losses": self.battle.losses[i].sum(axis=1),
            "strategy": np.array([self.agents_by_index[a].strategy_name for a in i], dtype=object),
        }

    # model-level reporters
    @property
    def effective_poles(self) -> float:
        return effective_poles(self.shares)

    @property
    def concentration(self) -> float:
        return concentration(self.shares)

    @property
    def battle_losses(self) -> float:
        return float(self.battle.losses.sum())

    @property
    def battle_deaths(self) -> float:
        return self.battle_losses * self.params.deaths_per_unit

    @property
    def contested_count(self) -> int:
        return int(self.battle.contested.sum())

    @property
    def ungoverned_km2(self) -> float:
        return float(self.control[-1] @ self.geo.area_km2)

    @property
    def actors_present(self) -> int:
        return int(self.active.sum())


@dataclass(frozen=True)
class RegionRecord:
    """What the region tables keep of one month: per-region summaries and non-zero control shares."""

    holder: np.ndarray
    holder_share: np.ndarray
    ungoverned: np.ndarray
    forces: np.ndarray
    losses: np.ndarray
    shares: tuple[np.ndarray, np.ndarray, np.ndarray]
    """(actor row, region, share) of every non-zero control share; row n is ungoverned."""

    @classmethod
    def of(cls, model: RegionalModel) -> RegionRecord:
        control = model.control
        holder = np.argmax(control, axis=0)
        who, where = np.nonzero(control)
        return cls(
            holder=holder,
            holder_share=control[holder, np.arange(control.shape[1])],
            ungoverned=control[-1].copy(),
            forces=model.deployment.sum(axis=0),
            losses=model.battle.losses.sum(axis=0),
            shares=(who, where, control[who, where]),
        )


MODEL_REPORTERS = {
    "date": "date",
    "actors_present": "actors_present",
    "effective_poles": "effective_poles",
    "concentration": "concentration",
    "bloc_count": lambda m: int(len(set(m.bloc[m.bloc >= 0]))),
    "bloc_top_share": "bloc_top",
    "bloc_second_share": "bloc_second",
    "bloc_balance": "bloc_ratio",
    "battle_losses": "battle_losses",
    "battle_deaths": "battle_deaths",
    "contested_regions": "contested_count",
    "wars_ongoing": lambda m: m.wars.count,
    "ungoverned_km2": "ungoverned_km2",
}



def _nearest_presence(home_distance: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """d[a, b] = min over regions where b is present of a's hop distance to it (UNREACHABLE if none)."""
    n = footprint.shape[0]
    owners, regions = np.nonzero(footprint)
    distance = np.full((n, n), float(UNREACHABLE))
    if owners.size == 0:
        return distance
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    reduced = np.minimum.reduceat(home_distance[:, regions], starts, axis=1)
    distance[:, owners[starts]] = reduced
    return distance


def _initial_control(spec: ScenarioSpec, home: np.ndarray, rix: dict[str, int], kind: np.ndarray) -> np.ndarray:
    """Control shares (n + 1, R): explicit shares, the rest to the sovereign state, else ungoverned."""
    n, r = home.shape
    control = np.zeros((n + 1, r))
    for i, a in enumerate(spec.actor):
        for region, share in a.control.items():
            control[i, rix[region]] = share
    rest = 1.0 - control.sum(axis=0)
    sovereign = np.where((kind == "state")[:, None] & home, 1, 0)
    has_state = sovereign.any(axis=0)
    owner = np.argmax(sovereign, axis=0)
    control[owner[has_state], np.flatnonzero(has_state)] += rest[has_state]
    control[n, ~has_state] += rest[~has_state]
    return control


def _renormalise(control: np.ndarray) -> None:
    """Clip rounding noise and make every column sum to exactly one (in place)."""
    np.clip(control, 0.0, None, out=control)
    control /= control.sum(axis=0, keepdims=True)
