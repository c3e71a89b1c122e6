"""Composable behaviours: each turns what an actor perceives into part of its monthly plan.

A strategy is a list of behaviours. Each behaviour reads the month's `View` (model.contract:
threat, exposure, control, deployment, ties, relations, support, geography) and writes into the
actor's `Plan`: a share of its forces with weights over regions (ground deployment or air
strikes), tie wishes, aid, training, relation shifts and the ally its expeditionary forces fight
for. The model turns plans into arrays; nothing in the monthly step knows which behaviours exist,
so a new behaviour is one class registered with `@behaviour`.

Array conventions: n actors, R regions; capability in capability units (1 unit = 1,000
fighter-equivalents); shares are fractions of the actor's capability.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bopsim.model.contract import Plan, View
from bopsim.model.linalg import connects

if TYPE_CHECKING:
    from bopsim.model.scenario import BehaviourSpec


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Behaviour:
    """Base class. Subclasses set `name` and `Params`, and implement `act`."""

    name: ClassVar[str]
    Params: ClassVar[type[Params]] = Params
    actor_refs: ClassVar[tuple[str, ...]] = ()
    claims_forces: ClassVar[bool] = True

    def __init__(self, params: Params) -> None:
        self.params = params

    def bind(self, index: dict[str, int]) -> Behaviour:
        """Resolve actor ids in the parameters to array indices (after the model is built)."""
        self.refs = {key: _indices(getattr(self.params, key), index) for key in self.actor_refs}
        return self

    def act(self, a: int, view: View, plan: Plan) -> None:
        """Write actor `a`'s part of this month's plan from what it perceives."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.model_dump().items())
        return f"{self.name}({args})"


def _indices(value: Any, index: dict[str, int]) -> np.ndarray:
    ids = [value] if isinstance(value, str) else list(value or ())
    return np.array([index[i] for i in ids if i in index], dtype=int)


REGISTRY: dict[str, type[Behaviour]] = {}


def behaviour(cls: type[Behaviour]) -> type[Behaviour]:
    """Register a behaviour class under its `name`."""
    REGISTRY[cls.name] = cls
    return cls


def build_behaviour(spec: BehaviourSpec, actor_ids: set[str]) -> Behaviour:
    """A behaviour from its spec; ValueError with a readable reason if it is not valid."""
    cls = REGISTRY.get(spec.behaviour)
    if cls is None:
        raise ValueError(f"unknown behaviour {spec.behaviour!r} (known: {', '.join(sorted(REGISTRY))})")
    try:
        params = cls.Params.model_validate(spec.params, strict=True)  # "0.5" is not 0.5
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(x) for x in error["loc"])
        reason = "unknown parameter" if error["type"] == "extra_forbidden" else error["msg"]
        raise ValueError(f"{where}: {reason}") from None
    for key in cls.actor_refs:
        value = getattr(params, key)
        for ref in [value] if isinstance(value, str) else list(value or ()):
            if ref not in actor_ids:
                raise ValueError(f"{key}: unknown actor {ref!r}")
    return cls(params)


def build_strategy(specs: list[BehaviourSpec], actor_ids: set[str]) -> list[Behaviour]:
    """A strategy (list of behaviours); `passive` may not be combined with behaviours that claim forces.

    ValueError names the failing behaviour: "forward_defence.share: ...".
    """
    strategy = []
    for spec in specs:
        try:
            strategy.append(build_behaviour(spec, actor_ids))
        except ValueError as exc:
            raise ValueError(f"{spec.behaviour}: {exc}" if spec.behaviour in REGISTRY else str(exc)) from None
    if any(b.name == "passive" for b in strategy) and any(b.claims_forces for b in strategy):
        raise ValueError("'passive' cannot be combined with behaviours that commit forces")
    return strategy


# --------------------------------------------------------------------------- helpers


def accessible_regions(held: np.ndarray, allied: np.ndarray, hostility: np.ndarray) -> np.ndarray:
    """(n, R) regions each actor may send forces into: where it, an ally, an enemy or nobody holds ground.

    `held` (n + 1, R) is boolean: actor (or, last row, the ungoverned share) holds at least the
    domain share of the region; `allied` (n, n) boolean. A region held only by actors that are
    neither allies nor enemies (neutrals) is closed to the actor's forces; a neutral's region
    where an enemy also holds ground is open (Turkey entered northern Aleppo in August 2016
    against IS and the YPG while the government, a neutral to it, held part of the governorate).
    """
    n = allied.shape[0]
    open_to = allied | (hostility > 0) | np.eye(n, dtype=bool)
    return held[-1][None, :] | connects(open_to, held[:-1])


def strongest_threat(view: View, a: int) -> int | None:
    """The actor posing the largest threat to `a`, or None if nobody threatens it."""
    row = view.threat[a]
    if row.max(initial=0.0) <= 0:
        return None
    return int(np.argmax(row))


def home_allocation(domain: np.ndarray, exposure: np.ndarray, garrison: np.ndarray, people: np.ndarray) -> np.ndarray:
    """(n, R) weights of the forces that stay home, for all actors at once.

    `people` (n, R) is the population each actor holds in each region (control share x
    population). A `garrison` share (n,) is spread over the domain in proportion to the people
    held there, the rest in proportion to the hostile exposure where people are held; all by
    people where nothing threatens; evenly over the domain where it holds nobody; zero rows for
    actors without a domain. Reason: forces guard the population they control, the object of
    irregular war (Kalyvas 2006), and a state under strain holds its core first.
    """
    held = domain * people
    held_total = held.sum(axis=1)
    nobody = (held_total == 0).nonzero()[0]
    held[nobody] = domain[nobody]
    held_total[nobody] = held[nobody].sum(axis=1)
    threat = held * exposure
    threat_total = threat.sum(axis=1)
    share = np.where(threat_total > 0, garrison, 1.0)
    return held * _per_total(share, held_total)[:, None] + threat * _per_total(1.0 - share, threat_total)[:, None]


def _per_total(share: np.ndarray, total: np.ndarray) -> np.ndarray:
    """share / total where total > 0, else 0 (the factor that spreads `share` over a row summing to `total`)."""
    return np.divide(share, total, out=np.zeros(total.shape), where=total > 0)


def enemy_strength(view: View, a: int) -> np.ndarray:
    """(R,) what a's enemies bring to each region: their forces x terrain x their support there."""
    enemies = view.enemies[a]
    if not enemies.any():
        return np.zeros(view.geo.size)
    return view.strength_of(enemies)


def weakest_holder_strength(view: View, a: int, all_enemies: np.ndarray) -> np.ndarray:
    """(R,) strength of the weakest enemy of a holding ground (the domain share) in each region.

    The contest takes b's share by the superiority of b's enemies over b alone
    (`combat.contest`), so the holder an attacker can beat is the weakest one. Where no enemy
    holds ground, all the enemies' strength there (`all_enemies`, from `enemy_strength`): they
    contest the open ground by strength.
    """
    holders = (view.enemies[a] & view.holds_ground_somewhere).nonzero()[0]  # the others hold nothing
    if holders.size == 0:
        return all_enemies
    weakest = view.weakest_strength(holders)
    return np.where(np.isfinite(weakest), weakest, all_enemies)


def enemy_share(view: View, a: int) -> np.ndarray:
    """(R,) control share of each region held by the enemies of `a`, summed over them."""
    return view.control[:-1][view.enemies[a]].sum(axis=0)


def takeable_share(view: View, held_by_enemies: np.ndarray) -> np.ndarray:
    """(R,) share of each region a campaign could take: held by the actor's enemies
    (`held_by_enemies`, from `enemy_share`) or by nobody.

    The contest moves ground only from enemies (`combat.contest`) and absorbs the ungoverned
    share; the ground of allies, of neutrals and of the actor itself is no prize.
    """
    return held_by_enemies + view.control[-1]


def allied_strength(view: View, a: int) -> np.ndarray:
    """(R,) strength that a's partners (View.partnered) already have in each region (View.strength)."""
    beside = view.partnered[a]
    if not beside.any():
        return np.zeros(view.geo.size)
    return view.strength_of(beside)


def partner_forces(view: View, a: int) -> np.ndarray:
    """(R,) ground forces of a's partners (View.partnered) in each region last month, capability units."""
    return view.deployment[view.partnered[a]].sum(axis=0)


# --------------------------------------------------------------------------- behaviours


class HomeDefenceParams(Params):
    garrison: float = Field(0.5, ge=0, le=1, description="share of home forces spread evenly over the domain")


@behaviour
class HomeDefence(Behaviour):
    """Forces left at home go to the domain: a garrison share evenly, the rest by threat.

    Always on: whatever other behaviours do not commit is deployed by this rule (external
    powers keep it at their basing regions). A state's domain is its own country; an armed
    group's is the ground it holds (View.domain). Reason: a state first defends what it holds,
    where the hostile forces are (Walt 1987, balance of threat).
    """

    name = "home_defence"
    Params = HomeDefenceParams
    claims_forces = False

    def act(self, a: int, view: View, plan: Plan) -> None:
        """Sets the garrison share; the remainder of forces is placed by `home_allocation`."""
        plan.garrison = self.params.garrison


@behaviour
class Passive(Behaviour):
    """Inaction (buck-passing): home defence only; no forces abroad, no ties sought.

    Mearsheimer (2001, ch. 8) on buck-passing: a state leaves the costs of balancing to others.
    """

    name = "passive"
    claims_forces = False

    def act(self, a: int, view: View, plan: Plan) -> None:
        """Nothing: the remainder of forces stays home."""


class ForwardParams(Params):
    depth: int = Field(2, ge=1, le=50, description="hops beyond the home border that forward defence reaches")
    share: float = Field(0.3, ge=0, le=1, description="share of capability committed forward")


@behaviour
class ForwardDefence(Behaviour):
    """Proactive cross-border defence in strategic depth, beside partners.

    A share of forces goes to regions 1..depth hops beyond the border where hostile forces are
    present or adjacent and where its partners' forces stand: weight exp(-(hops-1)) (nearest
    first) x the hostile force there x the partners' ground forces there (`partner_forces`).
    Where no partner's force stands on threatened ground within reach, the forces meet the threat
    where it is (the same weight without the last factor). Ground these forces win in a partner
    state's country is credited to that state (combat.credit_sovereign). Reason: meeting a threat
    before it reaches home ("forward defence" in "strategic depth") beside the partners' forces,
    as Iran's advisers and the militias it organised fought with the Syrian army, the Iraqi forces
    and the PMF rather than alone (Ostovar 2016). ODD 7.2 gives the rules this one replaced (the
    hostile force alone, which sent a small force to the enemy's strongest ground; then the
    partners' control share, which sent nothing to a partner fighting for another state).
    """

    name = "forward_defence"
    Params = ForwardParams

    def act(self, a: int, view: View, plan: Plan) -> None:
        hops = view.home_distance[a]
        in_range = (hops >= 1) & (hops <= self.params.depth) & view.access[a]
        nearest_first = np.exp(-np.maximum(hops - 1.0, 0))
        threat = np.where(in_range, view.exposure[a] * nearest_first, 0.0)
        beside = threat * partner_forces(view, a)
        plan.deploy(self.params.share, beside if beside.sum() > 0 else threat)


class OffensiveParams(Params):
    share: float = Field(0.5, ge=0, le=1, description="share of capability massed on the objectives (the campaign's mass)")
    ratio: float = Field(1.5, gt=0, le=100, description="local superiority (own strength / enemy strength) needed to launch")
    fronts: int = Field(1, ge=1, le=20, description="objectives pursued at once, the mass split evenly")
    duration: int = Field(6, ge=1, le=120, description="months a campaign is pursued before a new objective is chosen")
    reach: Literal["adjacent", "home"] = Field("adjacent", description="objectives next to held ground, or in the own country only")
    countries: list[str] = Field(default_factory=list, description="countries (region `country` codes) objectives may lie in; empty = any")
    regions: list[str] = Field(default_factory=list, description="regions (ids) objectives may lie in, for example a claimed territory; empty = any")
    first: list[str] = Field(default_factory=list, description="regions (ids) of the campaign under way at the start; empty = chosen by the rule")


@behaviour
class Offensive(Behaviour):
    """Campaigns: mass forces on a few objectives until they are taken or the time runs out.

    Objectives are regions within reach (next to the domain, or the actor's own country for
    `reach = "home"`) where an enemy holds ground or ungoverned ground lies. The value of an
    objective is the population on the ground the campaign could take (`takeable_share`), times
    the actor's support there, discounted with distance from home, times the odds S / (S + E) of
    the mass with its allies' strength S against all the enemies' strength E there (an objective
    is worth its prize times the probability of winning it, estimated from relative strength:
    Bueno de Mesquita 1981); it is feasible if the mass, together with the strength its allies
    already have there, can bring `ratio` times the strength of the weakest enemy holding ground
    there (`weakest_holder_strength`: the contest takes each holder's share by superiority
    over that holder alone), or of all enemies present where none holds ground. The best feasible
    objectives are pursued for `duration` months or until the enemy share falls below the
    domain share. Reason: offensives concentrate force at a point of decision (Clausewitz;
    Biddle 2004 on force employment; Epstein 1985 on the adaptive concentration of attackers)
    — combined with the difference-form contest this is what breaks fronts. Counting allies
    present makes campaigns coalition operations, as those of 2014-2016 were planned (Kobani:
    YPG with Peshmerga and coalition air; Sinjar: Peshmerga with Yazidi units; Euphrates
    Shield: the Turkish army with Syrian rebel groups; offensives_2014_2016.csv).
    """

    name = "offensive"
    Params = OffensiveParams

    def __init__(self, params: Params) -> None:
        super().__init__(params)
        self.objectives = np.zeros(0, dtype=int)
        self.months_left = 0
        self.started = False

    def act(self, a: int, view: View, plan: Plan) -> None:
        held_by_enemies = enemy_share(view, a)
        contestable = self._contestable(a, view, held_by_enemies)
        if not self.started:  # a campaign under way at the start is a fact of the initial state
            self.started = True
            if self.params.first:
                self.objectives = view.geo.among(self.params.first).nonzero()[0]
                self.months_left = self.params.duration
        live = self.objectives[contestable[self.objectives]] if self.months_left > 0 else self.objectives[:0]
        if live.size == 0:
            live = self._choose(a, view, contestable, held_by_enemies)
            self.months_left = self.params.duration
        self.objectives = live
        self.months_left -= 1
        if live.size:
            weights = np.zeros(view.geo.size)
            weights[live] = 1.0
            plan.deploy(self.params.share, weights)

    def _contestable(self, a: int, view: View, held_by_enemies: np.ndarray) -> np.ndarray:
        enemy_held = held_by_enemies >= view.params.domain_share
        if self.params.reach == "home":
            reach = view.home[a]
        else:
            reach = view.near_domain[a]
        if self.params.countries:
            reach = reach & view.geo.in_countries(self.params.countries)
        if self.params.regions:
            reach = reach & view.geo.among(self.params.regions)
        return reach & view.access[a] & (enemy_held | view.open_ground)

    def _choose(self, a: int, view: View, contestable: np.ndarray, held_by_enemies: np.ndarray) -> np.ndarray:
        """The `fronts` most valuable feasible objectives (`held_by_enemies` from `enemy_share`).

        Value: population x takeable share x support x exp(-hops from home / lambda) x S / (S + E):
        the people on ground the campaign could take, the loss of strength with distance from
        the home base (Boulding 1962) at the decay the model uses for threat, and the odds of the
        campaign's strength S (mass x support + allies there) against all enemies' strength E;
        divided by N^epsilon, N the strength superiority needs there (`ratio` x the weakest
        holder's, at least `presence`) and epsilon the model's `campaign_economy` (0: not
        divided): a prize that needs less force is worth more (economy of force, the line of
        least resistance: Liddell Hart 1954).
        """
        mass = self.params.share * view.capability[a] / self.params.fronts
        strength = mass * view.support[a] + allied_strength(view, a)
        all_enemies = enemy_strength(view, a)
        needed = self.params.ratio * weakest_holder_strength(view, a, all_enemies)
        feasible = contestable & (strength >= needed)
        reach = view.proximity[a]
        odds = _per_total(strength, strength + all_enemies)
        value = view.geo.population * takeable_share(view, held_by_enemies) * view.support[a] * reach * odds
        economy = view.params.campaign_economy
        if economy > 0:
            value = value / np.maximum(needed, view.params.presence) ** economy
        candidates = (feasible & (value > 0)).nonzero()[0]
        order = candidates[(-value[candidates]).argsort(kind="stable")]
        return order[: self.params.fronts]


class AllianceParams(Params):
    threshold: float = Field(0.3, ge=0, le=1, description="shared-enemy x identity score from which a tie is sought")
    aid_share: float = Field(0.1, ge=0, le=1, description="share of monthly income given to allies in need")


@behaviour
class AllianceBuilding(Behaviour):
    """Ties with actors that share enemies and are close in identity; aid to allies in need.

    Score(a, b) = cos(Theta[a, :], Theta[b, :]) x exp(-(|id_a - id_b| / sigma)^2): the cosine of
    the two threat profiles measures common enemies (sum_c Theta[a,c] Theta[b,c], normalised);
    the second factor is identity affinity. Ties are sought where the score reaches the
    threshold (Walt 1987: alliances against common threats; Barnett 1996: identity and
    alliances). Aid goes to allies in proportion to tie strength x need (threat per unit of
    their capability).
    """

    name = "alliance_building"
    Params = AllianceParams
    claims_forces = False

    def act(self, a: int, view: View, plan: Plan) -> None:
        score = view.shared_threat[a] * view.actor_affinity[a]
        score[a] = 0.0
        plan.wish_ties(np.where((score >= self.params.threshold) & view.active, score, 0.0))
        plan.aid_share = max(plan.aid_share, self.params.aid_share)


class AlignmentParams(Params):
    strength: float = Field(0.8, ge=0, le=1, description="tie target with the chosen side")


@behaviour
class Balancing(Behaviour):
    """Join the coalition against the strongest threat: tie with every actor it threatens too.

    Reason: balance of threat (Walt 1987) — states ally against the most threatening power.
    """

    name = "balancing"
    Params = AlignmentParams
    claims_forces = False

    def act(self, a: int, view: View, plan: Plan) -> None:
        c = strongest_threat(view, a)
        if c is None:
            return
        coalition = (view.threat[:, c] > 0) & view.active
        coalition[a] = False
        plan.wish_ties(np.where(coalition, self.params.strength, 0.0))


class BandwagonParams(AlignmentParams):
    rapprochement: float = Field(0.1, ge=0, le=1, description="relation gained per month towards the chosen side")
    alignment: float = Field(0.5, ge=-1, le=1, description="relation level at which rapprochement stops")


@behaviour
class Bandwagoning(Behaviour):
    """Side with the strongest threat: relations with it improve, ties with it and its allies.

    The side is chosen once, when a threat first appears, and kept: once relations improve the
    former threat no longer threatens, but the alignment stays. Reason: bandwagoning with the
    source of danger (Walt 1987; Schweller 1994).
    """

    name = "bandwagoning"
    Params = BandwagonParams
    claims_forces = False
    side: int | None = None

    def act(self, a: int, view: View, plan: Plan) -> None:
        if self.side is None:
            self.side = strongest_threat(view, a)
        c = self.side
        if c is None or not view.active[c]:
            return
        if view.relations[a, c] < self.params.alignment:
            plan.relation_shift[c] = self.params.rapprochement
        side = view.allied[c].copy()
        side[c] = True
        side[a] = False
        plan.wish_ties(np.where(side, self.params.strength, 0.0))


class AirParams(Params):
    share: float = Field(0.5, ge=0, le=1, description="share of capability flown as strike power")
    targets: list[str] = Field(default_factory=list, description="actors struck; empty = all hostile actors")
    partners: list[str] = Field(default_factory=list, description="actors supported from the air; empty = allies")
    theatre: list[str] = Field(default_factory=list, description="countries (region `country` codes) struck in; empty = anywhere")


@behaviour
class AirCampaign(Behaviour):
    """Strike power against named enemies where named partners fight them, in named theatres.

    Weights: the targets' ground forces in theatre regions where a partner (the `partners`, or
    the actor's allies, plus the ally it fights for) has forces or holds ground in or next to
    the region. Strikes wear forces down but never take ground; flying for a partner counts
    as fighting beside it (ties, View.allied). Reason: air power wears forces down but does not
    hold ground (Pape 1996; the coalition air campaign against ISIS from August 2014, flown for
    Iraqi and Kurdish forces on the ground).
    """

    name = "air_campaign"
    Params = AirParams
    actor_refs = ("targets", "partners")

    def act(self, a: int, view: View, plan: Plan) -> None:
        targets = self.refs["targets"] if self.params.targets else view.enemies[a].nonzero()[0]
        if targets.size == 0:
            return
        partners = np.zeros(view.n_actors, dtype=bool)
        if self.params.partners:
            partners[self.refs["partners"]] = True
        else:
            partners |= view.allied[a]
        if plan.fights_for is not None:
            partners[plan.fights_for] = True
        partners &= view.active
        if not partners.any():
            return
        ground = ((view.deployment[partners] > view.params.presence) | view.held(partners.nonzero()[0])).any(axis=0)
        near = (view.geo.neighbourhood @ ground.astype(float)) > 0
        if self.params.theatre:
            near &= view.geo.in_countries(self.params.theatre)
        plan.air_strike(self.params.share, np.where(near, view.deployment[targets].sum(axis=0), 0.0))


class ExpeditionaryParams(Params):
    ally: str = Field(description="the actor supported")
    share: float = Field(0.3, ge=0, le=1, description="share of capability sent as ground and air support")
    training: float = Field(0.0, ge=0, le=100, description="the ally's forces trained per month, capability units")


@behaviour
class Expeditionary(Behaviour):
    """Ground and air support that keeps an ally's regions, and training of the ally's forces.

    Weights: the ally's control share x the hostile force in or next to each region, evenly over
    its held ground if none is threatened. Control won by these forces goes to the ally (an
    external power's strength is credited to the partners it fights beside,
    combat.credit_external; ground taken in the ally's country goes to the ally,
    combat.credit_sovereign). `training` adds trained units to the ally's capability each month
    (train-and-equip programmes). List it before `air_campaign` so strikes follow the ally.
    """

    name = "expeditionary"
    Params = ExpeditionaryParams
    actor_refs = ("ally",)

    def act(self, a: int, view: View, plan: Plan) -> None:
        ally = self.refs["ally"]
        if ally.size == 0 or not view.active[ally[0]] or ally[0] == a:
            return
        b = int(ally[0])
        plan.fights_for = b
        plan.training[b] = plan.training.get(b, 0.0) + self.params.training
        share_held = np.where(view.held(b), view.control[b], 0.0)
        weights = share_held * view.exposure[b]
        plan.deploy(self.params.share, weights if weights.sum() > 0 else share_held)
