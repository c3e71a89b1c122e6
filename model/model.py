"""RegionalModel: the state arrays, the staged monthly step and data collection.

One step is one month: perceive (the month's View: threat, exposure, support, alliances),
decide (each actor's strategy turns the View into a Plan, model.contract), resolve (attrition
and the contest for control), update (force generation, income, upkeep, aid, training, ties,
relations, exits), collect (metrics and events). See docs/ODD.md for the rules and sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from bopsim.model import combat
from bopsim.model.actors import KINDS, Actor
from bopsim.model.alliances import aid_transfers, blocs, fighting_together, relation_targets, tie_targets, update_ties
from bopsim.model.calendar import add_months
from bopsim.model.geography import UNREACHABLE, Geography, build_geography
from bopsim.model.linalg import actor_product, nonzero_2d
from bopsim.model.memo import LastResult, LastRows
from bopsim.model.metrics import (
    WarEpisodes,
    bloc_balance,
    concentration,
    effective_poles,
    forward_presence,
    power_shares,
)
from bopsim.model.consequences import ConsequenceRecord, month_record
from bopsim.model.contract import Plan, View
from bopsim.model.scenario import ActorSpec, ScenarioSpec
from bopsim.model.strategies import accessible_regions, build_strategy, home_allocation


class RegionalModel(mesa.Model):
    """A theatre of regions contested by state, non-state and external actors.

    Args:
        spec: a validated scenario (`bopsim.model.scenario.load`).
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
        self.id_array = np.array(self.actor_ids)
        self.n_actors = len(self.actor_ids)
        self.strategy_names = np.full(self.n_actors, "", dtype=object)
        """(n,) each actor's strategy name (Actor.strategy_name), set on entry and on strategy events."""
        self._init_arrays(spec)
        self.agents_by_index: list[Actor | None] = [None] * self.n_actors
        self.log: list[dict] = []
        self.history: list[RegionRecord] = []
        self.consequences: list[ConsequenceRecord] = []
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
        self._stand_at_home()
        self.perceive()
        self.agents.do("decide")
        self.station_reserves()
        self.deployment, self.strike = self.planned, self.planned_strike
        none = np.zeros_like(self.deployment)
        n, empty = self.n_actors, np.zeros((self.n_actors, 0))
        self.battle = combat.Battle(none, np.zeros((n, n)), np.zeros(self.geo.size, bool), none, np.zeros(self.geo.size),
                                    np.zeros(0, dtype=int), empty, empty, np.zeros((n, n)), self.params.attrition,
                                    np.zeros(n))
        self.collect()

    # ------------------------------------------------------------------ set-up

    def _stand_at_home(self) -> None:
        """Before the first decisions every force stands where home defence puts it (ODD §5).

        The first month's plans are then made on a perceived state with forces on the ground:
        without it the first campaigns were chosen against no enemy strength at all (odds 1,
        every objective feasible) and kept for their whole duration.
        """
        self.perceive()
        self.reserve[:] = self.active
        self.station_reserves()
        self.deployment = self.planned

    def _init_arrays(self, spec: ScenarioSpec) -> None:
        n, r = self.n_actors, self.geo.size
        rix = self.geo.index
        self.kind = np.array([a.kind for a in spec.actor])
        self.holds_ground = np.array([KINDS[a.kind].holds_ground for a in spec.actor])
        self.government = np.array([KINDS[a.kind].government if a.government is None else a.government
                                    for a in spec.actor])
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
        self.based_rows = (~self.holds_ground).nonzero()[0]
        """Actors whose uncommitted forces stand at their bases (those that hold no ground)."""
        self.bases = self.basing.any(axis=0)
        """(R,) bool: regions where some external power is based."""
        self.basing_weights = np.divide(basing, basing.sum(axis=1, keepdims=True), out=np.zeros(basing.shape),
                                        where=basing.any(axis=1, keepdims=True))
        self.home_distance = np.array([self.geo.distance_from(self.home[i] | self.basing[i]) for i in range(n)])
        self.proximity = np.exp(-self.home_distance / self.params.threat_range)
        """(n, R) exp(-hops from home / threat_range), fixed for the run (View.proximity)."""
        self.control = _initial_control(spec, self.home, rix, self.kind)
        self.majority_holder = np.argmax(self.control, axis=0)
        """(R,) largest holder of each region (n = ungoverned), refreshed whenever `control` changes."""
        self._support_kept, self._bloc_kept = LastResult(), LastResult()
        self._hostility_kept, self._allied_kept, self._partnered_kept = LastResult(), LastResult(), LastResult()
        self._access_kept, self._pairs_kept = LastResult(), LastResult()
        self._nearest_kept = LastRows()
        self.upper = np.triu(np.ones((n, n), dtype=bool), 1)
        """(n, n) bool: the pairs a < b (each unordered pair once)."""
        self.sovereign = _sovereign(self.home, self.kind == "state")
        self.state_support = combat.standing_support(_capital_hops(spec, self.geo, self.sovereign),
                                                     self.params.sovereign_support, self.params.capital_reach)
        """(R,) support the standing of each region's state gives there (combat.standing_support)."""
        self.state = np.zeros(n, dtype=bool)
        self.state[self.sovereign[self.sovereign >= 0]] = True
        # regions of a country that no actor has as home (a state the scenario does not model):
        # no actor sends forces there or takes their ground
        countries = self.geo.country_codes
        modelled = np.isin(countries, countries[self.home.any(axis=0)])
        self.outside = (countries != "") & ~modelled
        identity = np.array([a.identity for a in spec.actor], dtype=float)
        sigma = self.params.identity_scale
        self.actor_affinity = np.exp(-((np.linalg.norm(identity[:, None] - identity[None], axis=2) / sigma) ** 2))
        self.region_affinity = np.exp(-((np.linalg.norm(identity[:, None] - self.geo.identity[None], axis=2) / sigma) ** 2))
        self.relations = np.zeros((n, n))
        self.latent = np.zeros((n, n))
        for rel in spec.relation:
            i, j = self.actor_index[rel.a], self.actor_index[rel.b]
            self.relations[i, j] = self.relations[j, i] = rel.value
            self.latent[i, j] = self.latent[j, i] = rel.value if rel.latent is None else rel.latent
        self.ties = np.zeros((n, n))
        for tie in spec.tie:
            i, j = self.actor_index[tie.a], self.actor_index[tie.b]
            self.ties[i, j] = self.ties[j, i] = tie.strength
        self.active = np.zeros(n, dtype=bool)
        self.deployment = np.zeros((n, r))
        self.strike = np.zeros((n, r))
        self.fights_for = np.full(n, -1)
        self.training = np.zeros(n)
        self.garrison = np.full(n, 0.5)
        self.reserve = np.zeros(n)
        self.foreign_fighters = np.array([a.foreign_fighters for a in spec.actor], dtype=float)
        countries = self.geo.country_codes
        transit = np.array([a.transit_country or "\0" for a in spec.actor])
        next_to = [(self.geo.neighbourhood @ (countries == c).astype(float)) > 0 for c in transit]
        self.crossings = np.array(next_to, dtype=bool).reshape(n, r) & (countries[None, :] != transit[:, None])
        self.crossing_area = self.crossings * self.geo.area_km2[None, :]
        self.crossers = np.flatnonzero(self.crossings.any(axis=1))
        """Actors with crossing points (the only ones with border access to foreign recruits)."""
        self.mobilising = (self.mobilisation > 0).nonzero()[0]
        """Actors that recruit from the ground they hold (mobilisation > 0)."""
        self.pool_initial = self.params.mobilisation_ceiling * self.geo.population / 1e6
        self.pool = self.pool_initial.copy()
        self.peak_territory = np.zeros(n)
        self.tie_wish = np.zeros((n, n))
        self.aid_share = np.zeros(n)
        self.relation_shift = np.zeros((n, n))
        self.income = np.zeros(n)
        self.recruitment = np.zeros(n)
        self.diameter = self.geo.diameter
        self.total_area_km2 = self.geo.area_km2.sum()

    def _set_base_income(self, spec: ScenarioSpec) -> None:
        """Home-economy income of states and external powers, and the share of held ground's
        revenue that pays for each actor's forces; non-state actors live off held ground.

        An unset income makes a state's (or an external power's) initial capability a steady
        state: upkeep x K0 = base income + revenue share x income from held ground. Where the
        revenue of its ground falls short of the upkeep, the base income makes up the rest and
        the share is 1; where it exceeds it, the base income is 0 and the share is upkeep x K0 /
        revenue: the state spends on its forces the part of its revenue it spent at the start,
        the rest going to the rest of the state. A non-state actor's base income is 0 unless
        given and its share is 1: its upkeep is paid by the revenue of the ground it holds, and
        it grows by recruitment.
        """
        self.revenue_share = np.ones(self.n_actors)
        revenue, upkeep = self._held_income(), self.params.upkeep * self.capability
        given = np.array([np.nan if a.income is None else a.income for a in spec.actor])
        steady = (self.kind != "non_state") & np.isnan(given)
        self.revenue_share = np.divide(upkeep, revenue, out=np.ones(revenue.shape), where=steady & (revenue > upkeep))
        self.base_income = np.where(np.isnan(given), np.where(steady, np.maximum(upkeep - revenue, 0.0), 0.0), given)

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
        self.strategy_names[i] = self.agents_by_index[i].strategy_name
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
        self.majority_holder = np.argmax(self.control, axis=0)
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
        self.strategy_names[i] = agent.strategy_name
        self.record("strategy", actor=i, detail=agent.strategy_name)

    def _change_relation(self, event) -> None:
        i, j = self._actor_of(event), self.actor_index[event.other]
        self.relations[i, j] = self.relations[j, i] = event.value
        self.latent[i, j] = self.latent[j, i] = event.value
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
        self.station_reserves()
        self.redeploy()
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
        """H[a, b] = -R[a, b] where R is below -threshold (hostile), else 0; zero for inactive actors.

        Kept while relations and the actors present are unchanged (from the end of a month to
        the start of the next, unless a scheduled event changes them).
        """
        return self._hostility_kept.get(self._hostility_now, self.relations, self.active)

    def _hostility_now(self) -> np.ndarray:
        h = np.where(self.relations < -self.params.hostility_threshold, -self.relations, 0.0)
        return h * self._active_pairs()

    def _active_pairs(self) -> np.ndarray:
        """(n, n) 1.0 where both actors are active, else 0.0: a product with it is the product with
        the two activity masks in turn. Kept while the actors present are unchanged."""
        return self._pairs_kept.get(lambda: (self.active[:, None] & self.active[None, :]).astype(float), self.active)

    def perceive(self) -> None:
        """Build the month's View: threat, exposure, support, alliances and access.

        Threat Theta[a, b] = max(0, -R[a,b]) K_b^alpha exp(-d(a,b)/lambda), d(a, b) the hops
        from a's home (or basing) regions to the nearest region where b has forces or holds
        ground (Walt 1987: power, proximity, intent).
        """
        p = self.params
        footprint = ((self.deployment > p.presence) | (self.control[:-1] >= p.domain_share)) & self.active[:, None]
        self.hostility = self._hostility()
        intent = np.maximum(0.0, -self.relations) * self._active_pairs()
        nearest = self._nearest_kept.get(lambda rows: _nearest_presence(self.home_distance, footprint[rows]), footprint)
        distance = np.where(intent > 0, nearest.T, float(UNREACHABLE))
        threat = intent * self.capability[None, :] ** p.threat_exponent * np.exp(-distance / p.threat_range)
        norm = np.sqrt(np.add.reduce(threat * threat, axis=1))  # row norms, np.linalg.norm's own formula
        unit = np.divide(threat, norm[:, None], out=np.zeros(threat.shape), where=norm[:, None] > 0)
        self.allied = self._allied()
        self.partnered = self._partnered()
        self.view = View(
            params=p, geo=self.geo, active=self.active, holds_ground=self.holds_ground,
            capability=self.capability, control=self.control, deployment=self.deployment,
            home=self.home, home_distance=self.home_distance, proximity=self.proximity,
            sovereign=self.sovereign, state=self.state,
            relations=self.relations, ties=self.ties, hostility=self.hostility,
            allied=self.allied, partnered=self.partnered, threat=threat, shared_threat=unit @ unit.T,
            exposure=self._exposure(), actor_affinity=self.actor_affinity,
            support=self._support(),
            access=self._access(),
        )
        self.threat = threat
        self.planned = np.zeros(self.deployment.shape)
        self.planned_strike = np.zeros(self.strike.shape)
        self.tie_wish[:] = 0.0
        self.aid_share[:] = 0.0
        self.relation_shift[:] = 0.0
        self.training[:] = 0.0
        self.reserve[:] = 0.0
        self.fights_for[:] = -1

    def _exposure(self) -> np.ndarray:
        """(n, R) hostile force in or next to each region: sum_b H[a, b] x (forces of b in r and its neighbours).

        Summed over the regions where someone has forces (the others add nothing).
        """
        forces = self.deployment.any(axis=0).nonzero()[0]
        hostile = actor_product(self.hostility, self.deployment[:, forces])
        return np.asarray(hostile @ self.geo.neighbourhood[forces])

    def _access(self) -> np.ndarray:
        """(n, R) bool: regions each actor may send forces into (`accessible_regions`), never those `outside`.

        Kept while the ground held at the domain share, alliances and enmities are unchanged.
        """
        held, hostile = self.control >= self.params.domain_share, self.hostility > 0
        return self._access_kept.get(lambda: accessible_regions(held, self.allied, hostile) & ~self.outside,
                                     held, self.allied, hostile)

    def _allied(self) -> np.ndarray:
        """allied[a, b]: b is active and tied to a at or above the bloc threshold (a != b).

        Kept while the ties at the threshold and the actors present are unchanged (for months on end).
        """
        tied = self.ties >= self.params.bloc_threshold
        return self._allied_kept.get(lambda: _allied_pairs(tied, self.active), tied, self.active)

    def _partnered(self) -> np.ndarray:
        """partnered[a, b]: a fights beside b this month (allied and not hostile, or a fights for b).

        Kept while alliances, hostility and the allies fought for are unchanged (from perceiving
        a month to resolving it, unless an actor takes up or leaves an expedition).
        """
        return self._partnered_kept.get(self._partnered_now, self.allied, self.hostility, self.fights_for)

    def _partnered_now(self) -> np.ndarray:
        partnered = self.allied & (self.hostility == 0)
        fighting = (self.fights_for >= 0).nonzero()[0]
        partnered[fighting, self.fights_for[fighting]] = True
        np.fill_diagonal(partnered, False)
        return partnered

    def _restoring(self) -> np.ndarray:
        """restoring[a, s]: what a takes in state s's country is s's (`combat.credit_sovereign`).

        A state fighting beside s abroad, or any actor fighting for s, restores s's control; a
        non-state actor that is only allied to s (a tie from fighting a common enemy) keeps what it
        takes: its cause is its own, and the alliance does not hand its ground to the state.
        """
        n = self.n_actors
        fights_for = self.fights_for[:, None] == np.arange(n)[None, :]
        return self.partnered & ((self.kind == "state")[:, None] | fights_for)

    def _support(self, cols: np.ndarray | slice = slice(None)) -> np.ndarray:
        """(n, C) popular support of each actor in the regions `cols` (all by default; combat.support).

        Support changes only when partnerships do: the last result is kept and reused while
        `partnered` is unchanged.
        """
        return self._support_kept.get(self._support_everywhere, self.partnered)[:, cols]

    def _support_everywhere(self) -> np.ndarray:
        standing = self.partnered | np.eye(self.n_actors, dtype=bool)
        return combat.support(self.region_affinity, self.sovereign, standing, self.state_support)

    def adopt(self, a: int, plan: Plan) -> None:
        """Turn actor a's plan into its rows of next month's arrays; the uncommitted rest stays home.

        Plans go to `planned` so that every actor decides on the same perceived state. Shares
        that add up to more than one are scaled down to one.
        """
        if plan.ground or plan.strike:
            claimed = sum(share for share, _ in plan.ground + plan.strike)
            scale = 1.0 / claimed if claimed > 1.0 else 1.0
            k = float(self.capability[a])  # Python floats: the same products, without NumPy scalar arithmetic
            ground = self.planned[a]
            for share, weights in plan.ground:
                ground += (k * share * scale) * weights
            for share, weights in plan.strike:
                self.planned_strike[a] += (k * share * scale) * weights
            self.reserve[a] = max(0.0, 1.0 - claimed * scale)
        else:
            self.reserve[a] = 1.0
        if plan.tie_wish is not None:
            self.tie_wish[a] = plan.tie_wish
        self.aid_share[a] = plan.aid_share
        self.fights_for[a] = -1 if plan.fights_for is None else plan.fights_for
        for other, units in plan.training.items():
            self.training[other] += units
        for other, shift in plan.relation_shift.items():
            self.relation_shift[a, other] = shift
        self.garrison[a] = plan.garrison

    def station_reserves(self) -> None:
        """Forces no behaviour committed stand in the domain (home_allocation) or at the bases.

        Done for all actors at once after every plan is in: `reserve` (n,) is the share of
        capability left uncommitted, `garrison` the share of it spread evenly. Computed in the
        regions that are someone's domain or base (the weights are zero elsewhere).
        """
        view = self.view
        cols = (view.domain.any(axis=0) | self.bases).nonzero()[0]
        people = self.control[:-1, cols] * self.geo.population[cols]
        weights = home_allocation(view.domain[:, cols], view.exposure[:, cols], self.garrison, people)
        based = self.based_rows
        weights[based] = self.basing_weights[based][:, cols]
        self.planned[:, cols] += (self.capability * self.reserve)[:, None] * weights

    def redeploy(self) -> None:
        """Only a `redeployment` share of ground forces reaches its planned position this month.

        planned <- rho x planned + (1 - rho) x last month's deployment rescaled to the actor's
        planned total: the rest of the force stays where it fought. Forces take time to move
        and to concentrate; offensives build up over months (Epstein 1985 on rates of
        advance and withdrawal). rho = 1 (the default) moves every force within the month.
        Air power (`strike`) redeploys at once.
        """
        rho = self.params.redeployment
        if rho >= 1.0:
            return
        total, before = self.planned.sum(axis=1), self.deployment.sum(axis=1)
        moving = before > 0
        carried = self.deployment * np.divide(total, before, out=np.zeros(total.shape), where=moving)[:, None]
        self.planned = np.where(moving[:, None], rho * self.planned + (1.0 - rho) * carried, self.planned)

    def resolve(self) -> None:
        """Attrition and the contest for control, in every contested region at once.

        Strength S = effective force x support (+ the strength of external partners credited to
        the ground-holders they fight beside), plus `air_support` x the strike fire flown for it x
        its support (`combat.air_supported`). Every actor with forces or any control share in a
        region is in it: no share is too small to be contested. The fighting is computed only in
        the regions where it can change something (`_fight`): contested regions, and regions
        where forces meet ungoverned ground; desertion of beaten forces (`combat.desertion`);
        abandonment (of held ground) and renormalisation in the regions whose shares may have
        changed.
        """
        p = self.params
        self.deployment, self.strike = self.planned, self.planned_strike
        self.partnered = self._partnered()
        forces = (self.deployment > p.presence) & self.active[:, None]
        striking = (self.strike > p.presence) & self.active[:, None]
        holding = (self.control[:-1] > 0) & self.active[:, None]
        # the month's enemies as perceived (View.enemies is self.hostility > 0: relations move
        # only in update, and events run between months)
        contested = combat.contested_regions(self.view.enemies, forces | holding | striking)
        speed = (p.front_speed * np.exp(p.front_noise * self.rng.standard_normal(self.geo.size))).clip(0.0, 1.0)
        absorbing = forces.any(axis=0) & ~self.outside
        fighting = contested | (absorbing & (self.control[-1] > 0))
        cols = fighting.nonzero()[0]
        support = self._support(cols)
        attrition, change, taken = self._fight(cols, contested[cols], absorbing[cols], speed[cols], support)
        losses_there = attrition.losses
        losses = np.zeros(self.deployment.shape)
        losses[:, cols] = losses_there
        nonstate = np.zeros(self.geo.size)
        nonstate[cols] = attrition.nonstate
        fought = self.deployment[:, cols] - losses_there
        deserted_there = combat.desertion(fought, self.control[:-1, cols], change, support, p.desertion)
        deserted = np.zeros(self.deployment.shape)
        deserted[:, cols] = deserted_there
        control = self.control.copy()
        control[:-1, cols] += change
        control[-1, cols] -= taken.sum(axis=0)
        changed = (fighting | holding.any(axis=0)).nonzero()[0]
        forceless = holding[:, changed] & ~forces[:, changed]
        control[:, changed] = _renormalised(combat.abandon(control[:, changed], forceless, p.abandonment), p.share_floor)
        self.battle = combat.Battle(losses, attrition.dyads, contested, deserted, nonstate, cols[contested[cols]],
                                    attrition.exposed, attrition.aimed, self.hostility, p.attrition,
                                    attrition.strike_kills)
        self._control_events(control)
        self.control = control
        deployment = self.deployment.copy()  # deployment - losses - deserted: both are zero outside `cols`
        deployment[:, cols] = fought - deserted_there
        self.deployment = deployment

    def _fight(self, cols: np.ndarray, contested: np.ndarray, absorbing: np.ndarray, speed: np.ndarray,
               support: np.ndarray) -> tuple[combat.Attrition, np.ndarray, np.ndarray]:
        """Attrition, contest and absorption in the regions `cols` (C of them).

        `contested`, `absorbing` (forces present, region in the game) and `speed` are (C,),
        `support` (n, C) the actors' popular support there (`_support`).
        Returns (the attrition, over the C regions, control change (n, C) after crediting
        sovereign partners, ungoverned share taken (n, C)).
        """
        p = self.params
        control, deployment = self.control[:, cols], self.deployment[:, cols]
        effective = combat.effective_force(deployment, control, self.geo.defence[cols]) * support
        strike_fire = p.strike_effect * self.strike[:, cols]
        attrition = combat.attrition(deployment, effective + strike_fire, self.hostility, p.attrition, contested,
                                     self.government, strike_fire)
        ground = combat.credit_external(effective, self.fights_for, self.holds_ground, self.partnered)
        strength = combat.air_supported(ground, strike_fire, p.air_support, support, self.fights_for,
                                        self.holds_ground, self.partnered)
        change = combat.contest(control, strength, self.view.enemies, contested, speed, p.front_width)
        taken = combat.absorb_ungoverned(control, strength, absorbing, p.absorption)
        change = combat.credit_sovereign(change + taken, self.sovereign[cols], self._restoring())
        return attrition, change, taken

    def _held_income(self) -> np.ndarray:
        """(n,) income from held regions, capability units per month (their resources x share held x
        the actor's revenue share, `_set_base_income`)."""
        return (self.control[:-1] @ self.geo.resources) * self.holds_ground * self.revenue_share

    def _recruits(self, momentum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(recruits per actor (n,), recruits drawn from each region (m, R) by the m actors that
        mobilise, rows in actor order), capability units per month.

        Actor a draws mobilisation_a x people (millions) x base[a, r] x affinity(a, r) x
        pool_r / pool0_r from region r, where base is the share of r it holds times its
        `momentum` (n,) — or, in its own home regions, the share held by it or its partners (a
        militia raised in its community under a friendly government), whatever its fortunes —
        and the pool is the region's recruitable people left (`mobilisation_ceiling` units per
        million at the start), which recruitment depletes. Momentum: the people an actor rules
        beyond its own community join it as they join a winning side, and stop joining as it
        loses ground (Kalyvas 2006, ch. 5 and 7: collaboration follows control and expected
        control; Weinstein 2007 on opportunistic joiners), as foreign volunteers do.
        Computed for the actors that mobilise, in the regions where some actor holds ground (the
        draw is zero elsewhere).
        """
        held = self.control[:-1] * (self.holds_ground & self.active)[:, None]
        cols = held.any(axis=0).nonzero()[0]
        rows = self.mobilising
        held = held[:, cols]
        friendly = held[rows] + actor_product(self.partnered[rows].astype(float), held)
        base = np.maximum(held[rows] * momentum[rows, None], self.home[rows][:, cols] * friendly)
        pool, pool_initial = self.pool[cols], self.pool_initial[cols]
        left = np.divide(pool, pool_initial, out=np.zeros(pool.shape), where=pool_initial > 0)
        per_region = (self.mobilisation[rows, None] * base * self.region_affinity[rows][:, cols]
                      * (self.geo.population[cols] / 1e6 * left)[None, :])
        drawn = per_region.sum(axis=0)
        scale = np.divide(np.minimum(drawn, pool), drawn, out=np.ones(drawn.shape), where=drawn > 0)
        per_region *= scale[None, :]
        recruits = np.zeros(self.n_actors)
        recruits[rows] = per_region.sum(axis=1)
        drawn_rows = np.zeros((rows.size, self.geo.size))
        drawn_rows[:, cols] = per_region
        return recruits, drawn_rows

    def _foreign_fighters(self, momentum: np.ndarray) -> np.ndarray:
        """(n,) foreign recruits per month: inflow x border access x `momentum` (n,).

        Border access is the area-weighted share an actor holds of the regions next to its
        transit country (the crossing points); recruits join a winning cause (Hegghammer 2010
        on foreign-fighter mobilisation). Data: force_generation_2014_2016.csv.
        """
        area = self.crossing_area
        total = area.sum(axis=1)
        held = np.zeros(total.shape)
        rows = self.crossers
        held[rows] = (self.control[rows] * area[rows]).sum(axis=1)
        access = np.divide(held, total, out=np.zeros(held.shape), where=total > 0)
        return self.foreign_fighters * access * momentum

    def _momentum(self) -> np.ndarray:
        """(n,) each actor's territory (km2) over its peak territory so far, in [0, 1]; updates the peak."""
        territory = self.control[:-1] @ self.geo.area_km2
        self.peak_territory = np.maximum(self.peak_territory, territory)
        return np.divide(territory, self.peak_territory, out=np.zeros(territory.shape), where=self.peak_territory > 0)

    def update(self) -> None:
        """Capability, aid, training, ties, relations and exits after the month's fighting."""
        p = self.params
        held_income = self._held_income()
        momentum = self._momentum()
        recruits, drawn = self._recruits(momentum)
        self.pool = np.maximum(self.pool - drawn.sum(axis=0), 0.0)
        self.recruitment = (recruits + self._foreign_fighters(momentum)) * self.active
        self.income = (self.base_income + held_income) * self.active
        losses = self.battle.actor_losses + self.battle.actor_deserted
        need = self.threat.sum(axis=1) / np.maximum(self.capability, p.presence)
        aid = aid_transfers(self.income, self.aid_share, self.ties, p.bloc_threshold, need)
        gain = self.income + self.recruitment + self.training * self.active + aid.sum(axis=0) - aid.sum(axis=1)
        after = np.maximum((self.capability - losses) * (1 - p.upkeep) + gain, 0.0)
        self.capability = np.where(self.active, after, self.capability)
        self.aid = aid
        beside = (self.deployment > p.presence) | (self.strike > p.presence)
        enemies = self.view.enemies  # the month's hostility, unchanged since it was perceived
        together = fighting_together(beside & self.active[:, None], self.battle.contested, enemies, p.bloc_threshold + 0.1)
        target = tie_targets(self.tie_wish, self.hostility, together, self.allied)
        self._tie_events(update_ties(self.ties, target, p.tie_rate, p.tie_decay, enemies))
        shift = np.maximum(self.relation_shift, self.relation_shift.T)
        self.latent = (self.latent + shift).clip(-1.0, 1.0)
        self.relations = relation_targets(self.relations, self.latent, self.view.shared_threat, p.common_enemy_lift, p.relation_rate)
        self._wars()
        for i in (self.active & (self.capability < p.presence)).nonzero()[0]:
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
        before = self.majority_holder
        after = self.majority_holder = control.argmax(axis=0)
        for r in (before != after).nonzero()[0]:
            self.record("control_change", actor=int(after[r]), other=int(before[r]), region=int(r),
                        value=float(control[after[r], r]))

    def _tie_events(self, ties: np.ndarray) -> None:
        threshold = self.params.bloc_threshold
        was, now = self.ties >= threshold, ties >= threshold
        crossed = (was != now) & self.upper
        if crossed.any():  # most months no tie crosses the threshold
            for a, b in zip(*(crossed & now).nonzero()):
                self.record("tie_formed", actor=int(a), other=int(b), value=float(ties[a, b]))
            for a, b in zip(*(crossed & was).nonzero()):
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
        self.settled_km2 = self.control[:-1] @ self.geo.settled_km2
        held = (self.control[:-1] >= p.domain_share) & self.active[:, None]
        self.hostility = self._hostility()
        allied = self._allied()
        self.forward = forward_presence((self.deployment > p.presence) | held, allied, self.home)
        tied = self.ties >= p.bloc_threshold
        self.bloc = self._bloc_kept.get(lambda: blocs(self.ties, p.bloc_threshold, self.active), tied, self.active)
        self.bloc_top, self.bloc_second, self.bloc_ratio = bloc_balance(self.capability, self.bloc)
        self.consequences.append(month_record(self, allied))
        self.depth = self.consequences[-1].depth
        self.history.append(RegionRecord.of(self))
        self.actor_records.append(self._actor_record())
        self.datacollector.collect(self)

    def _actor_record(self) -> dict[str, np.ndarray]:
        """This month's actor-level variables for all present actors, as columns.

        Read from the arrays at once rather than through one reporter call per agent and
        variable (the per-agent DataCollector path costs more than the rest of a step).
        """
        i = self.active.nonzero()[0]
        ids = self.id_array
        return {
            "actor": ids[i],
            "kind": self.kind[i],
            "capability": self.capability[i],
            "power_share": self.shares[i],
            "territory_km2": self.territory_km2[i],
            "territory_share": self.territory_km2[i] / self.total_area_km2,
            "settled_km2": self.settled_km2[i],
            "regions_held": np.bincount(self.majority_holder, minlength=self.n_actors + 1)[i],
            "strategic_depth": self.depth[i],
            "forward_presence": self.forward[i],
            "bloc": ids[self.bloc[i]],
            "deployed": self.deployment.sum(axis=1)[i],
            "strike_power": self.strike.sum(axis=1)[i],
            "strike_deaths": self.battle.strike_kills[i] * self.params.deaths_per_unit,
            "losses": self.battle.actor_losses[i],
            "strategy": self.strategy_names[i],
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
        return self.battle.total

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
    battle_deaths: np.ndarray
    """(R,) battle deaths in the region this month (losses x deaths_per_unit)."""
    state_based_deaths: np.ndarray
    """(R,) the part of them in fighting with a government on one side at least (what UCDP's
    state-based battle-related deaths count; `combat.Attrition.nonstate` is the rest)."""
    shares: tuple[np.ndarray, np.ndarray, np.ndarray]
    """(actor row, region, share) of every non-zero control share; row n is ungoverned."""

    @classmethod
    def of(cls, model: RegionalModel) -> RegionRecord:
        control = model.control
        holder = model.majority_holder
        who, where = nonzero_2d(control)  # row-major: the actors' shares, then the ungoverned row's
        losses = model.battle.losses.sum(axis=0)
        deaths_per_unit = model.params.deaths_per_unit
        return cls(
            holder=holder,
            holder_share=control[holder, np.arange(control.shape[1])],
            ungoverned=control[-1].copy(),
            forces=model.deployment.sum(axis=0),
            losses=losses,
            battle_deaths=losses * deaths_per_unit,
            state_based_deaths=np.maximum(losses - model.battle.nonstate, 0.0) * deaths_per_unit,  # >= 0 despite rounding
            shares=(who, where, control[who, where]),
        )


MODEL_REPORTERS = {
    "date": "date",
    "actors_present": "actors_present",
    "effective_poles": "effective_poles",
    "concentration": "concentration",
    "bloc_count": lambda m: len(set(m.bloc.tolist()) - {-1}),  # labels other than -1 (in no bloc)
    "bloc_top_share": "bloc_top",
    "bloc_second_share": "bloc_second",
    "bloc_balance": "bloc_ratio",
    "battle_losses": "battle_losses",
    "battle_deaths": "battle_deaths",
    "contested_regions": "contested_count",
    "wars_ongoing": lambda m: m.wars.count,
    "ungoverned_km2": "ungoverned_km2",
}


def _allied_pairs(tied: np.ndarray, active: np.ndarray) -> np.ndarray:
    """(n, n) bool: tied[a, b] and b active, a != b (RegionalModel._allied)."""
    allied = tied & active[None, :]
    np.fill_diagonal(allied, False)
    return allied


def _nearest_presence(home_distance: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """(m, n) d[b, a] = min over the regions where b is present of a's hop distance to it (UNREACHABLE if none).

    `footprint` (m, R) holds the rows b of the actors asked about; `home_distance` is (n, R).
    """
    m, n = footprint.shape[0], home_distance.shape[0]
    owners, regions = nonzero_2d(footprint)
    count = np.bincount(owners, minlength=m)
    filled = (count > 0).nonzero()[0]
    distance = np.full((m, n), float(UNREACHABLE))
    if filled.size:
        start = count.cumsum() - count
        distance[filled] = np.minimum.reduceat(home_distance.T[regions], start[filled], axis=0)
    return distance


def _sovereign(home: np.ndarray, is_state: np.ndarray) -> np.ndarray:
    """(R,) the state whose home each region is (the first listed if several), or -1."""
    sovereign_of = home & is_state[:, None]
    return np.where(sovereign_of.any(axis=0), np.argmax(sovereign_of, axis=0), -1)


def _capital_hops(spec: ScenarioSpec, geo: Geography, sovereign: np.ndarray) -> np.ndarray:
    """(R,) hops from the capital of each region's state to the region; UNREACHABLE where the
    region has no state or its state no `capital`."""
    hops = np.full(geo.size, UNREACHABLE, dtype=np.int32)
    for i, a in enumerate(spec.actor):
        if a.capital is not None:
            own = sovereign == i
            hops[own] = geo.distance_from(geo.among([a.capital]))[own]
    return hops


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


def _renormalised(control: np.ndarray, floor: float) -> np.ndarray:
    """Clip rounding noise, send shares below `floor` to the ungoverned row, make columns sum to one (in place; returned)."""
    np.maximum(control, 0.0, out=control)
    crumbs = control[:-1] < floor
    control[-1] += np.where(crumbs, control[:-1], 0.0).sum(axis=0)
    control[:-1][crumbs] = 0.0
    control /= control.sum(axis=0, keepdims=True)
    return control
