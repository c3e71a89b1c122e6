"""Composable behaviours: each turns what an actor perceives into part of its monthly plan.

A strategy is a list of behaviours. Each behaviour reads the model's arrays (threat, exposure,
control, deployment, ties, relations, geography) and writes into the actor's `Plan`: a share of
its forces with weights over regions (ground deployment or air strikes), tie wishes towards
other actors, aid, relation shifts and the ally its expeditionary forces fight for. The model
turns plans into arrays; nothing in the monthly step knows which behaviours exist, so a new
behaviour is one class registered with `@behaviour`.

Array conventions: n actors, R regions; capability in capability units (1 unit = 1,000
fighter-equivalents); shares are fractions of the actor's capability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from model.actors import Actor
    from model.model import RegionalModel
    from model.scenario import BehaviourSpec


@dataclass
class Plan:
    """What one actor intends this month."""

    ground: list[tuple[float, np.ndarray]] = field(default_factory=list)
    strike: list[tuple[float, np.ndarray]] = field(default_factory=list)
    tie_wish: np.ndarray | None = None
    """Tie targets towards each actor in [0, 1]; None = no wish."""
    aid_share: float = 0.0
    relation_shift: dict[int, float] = field(default_factory=dict)
    fights_for: int | None = None

    def deploy(self, share: float, weights: np.ndarray) -> None:
        """Commit `share` of capability to ground forces spread by `weights` (ignored if all zero)."""
        total = weights.sum()
        if share > 0 and total > 0:
            self.ground.append((share, weights / total))

    def air_strike(self, share: float, weights: np.ndarray) -> None:
        """Commit `share` of capability to strike power spread by `weights` (ignored if all zero)."""
        total = weights.sum()
        if share > 0 and total > 0:
            self.strike.append((share, weights / total))

    def wish_ties(self, strengths: np.ndarray) -> None:
        """Raise tie targets towards other actors (values in [0, 1]); keeps the larger wish."""
        self.tie_wish = strengths.copy() if self.tie_wish is None else np.maximum(self.tie_wish, strengths)


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

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
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
        params = cls.Params.model_validate(spec.params)
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


def allies_of(model: RegionalModel, a: int) -> np.ndarray:
    """Boolean mask (a copy) of the active actors tied to `a` at or above the bloc threshold."""
    return model.allied[a].copy()


def held(model: RegionalModel, a: int | np.ndarray) -> np.ndarray:
    """Regions where actor(s) `a` hold at least the domain share of control."""
    return model.control[a] >= model.params.domain_share


def accessible_regions(holder: np.ndarray, allied: np.ndarray, hostility: np.ndarray) -> np.ndarray:
    """(n, R) regions each actor may send forces into: its own, allies', hostile-held or ungoverned.

    `holder` (R,) is each region's largest holder (n = ungoverned); `allied` (n, n) boolean.
    A region whose largest holder is a non-hostile actor that is not an ally (a neutral
    state) is closed to the actor's forces.
    """
    n = allied.shape[0]
    ungoverned = holder == n
    owner = np.where(ungoverned, 0, holder)
    own = owner[None, :] == np.arange(n)[:, None]
    return ungoverned[None, :] | own | allied[:, owner] | (hostility[:, owner] > 0)


def strongest_threat(model: RegionalModel, a: int) -> int | None:
    """The actor posing the largest threat to `a`, or None if nobody threatens it."""
    row = model.threat[a]
    if row.max(initial=0.0) <= 0:
        return None
    return int(np.argmax(row))


# --------------------------------------------------------------------------- behaviours


class HomeDefenceParams(Params):
    garrison: float = Field(0.5, ge=0, le=1, description="share of home forces spread evenly over held regions")


@behaviour
class HomeDefence(Behaviour):
    """Forces left at home go to held regions: a garrison share evenly, the rest by threat.

    Always on: whatever other behaviours do not commit is deployed by this rule (external
    powers keep it at their basing regions). Reason: a state first defends what it holds,
    where the hostile forces are (Walt 1987, balance of threat).
    """

    name = "home_defence"
    Params = HomeDefenceParams
    claims_forces = False

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        """Home defence claims nothing explicitly: it takes the remainder (see `home_allocation`)."""


def home_allocation(domain: np.ndarray, exposure: np.ndarray, garrison: np.ndarray) -> np.ndarray:
    """(n, R) weights of the forces that stay home, for all actors at once.

    A `garrison` share (n,) goes evenly over the actor's domain (held regions), the rest in
    proportion to the hostile exposure there; all evenly where nothing threatens; zero rows
    for actors that hold nothing.
    """
    held = domain.astype(float)
    threat = held * exposure
    threatened = threat.sum(axis=1) > 0
    share = np.where(threatened, garrison, 1.0)[:, None]
    return share * _rows_normalised(held) + (1.0 - share) * _rows_normalised(threat)


def _rows_normalised(weights: np.ndarray) -> np.ndarray:
    total = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)


@behaviour
class Passive(Behaviour):
    """Inaction (buck-passing): home defence only; no forces abroad, no ties sought.

    Mearsheimer (2001, ch. 8) on buck-passing: a state leaves the costs of balancing to others.
    """

    name = "passive"
    claims_forces = False

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        """Nothing: the remainder of forces stays home."""


class ForwardParams(Params):
    depth: int = Field(2, ge=1, description="hops beyond the home border that forward defence reaches")
    share: float = Field(0.3, ge=0, le=1, description="share of capability committed forward")


@behaviour
class ForwardDefence(Behaviour):
    """Proactive cross-border defence in strategic depth.

    A share of forces goes to regions 1..depth hops beyond the border where hostile forces are
    present or adjacent, nearest first (weight exp(-(hops-1)) times the hostile force there),
    and to allied regions under attack in that range. Reason: meeting a threat before it
    reaches home ("forward defence" in "strategic depth"; Ostovar 2016 on Iran).
    """

    name = "forward_defence"
    Params = ForwardParams

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        a = actor.index
        hops = model.home_distance[a]
        in_range = (hops >= 1) & (hops <= self.params.depth) & model.access[a]
        nearest_first = np.exp(-(hops - 1.0).clip(min=0))
        weights = np.where(in_range, model.exposure[a] * nearest_first, 0.0)
        plan.deploy(self.params.share, weights)


class ExpansionParams(Params):
    ratio: float = Field(1.5, gt=0, description="attack where own force exceeds ratio x terrain x defence")
    share: float = Field(0.5, ge=0, le=1, description="share of capability used to attack")


@behaviour
class Expansion(Behaviour):
    """Insurgent proto-state expansion: attack adjacent ground where local superiority is assured.

    Candidates are regions next to (or inside) held ground not fully held already and not held
    by allies; the cost of a region is ratio x delta x (non-allied force there); the cheapest
    are taken in order until the attacking share is spent, each receiving its cost and the
    leftover spread in proportion. Recruitment from held population by identity affinity is in
    the monthly update (actor `mobilisation`). Reason: insurgent expansion into weakly held
    ground (Kalyvas 2006, control and collaboration; Cederman 1997, GeoSim conquest rule).
    """

    name = "expansion"
    Params = ExpansionParams

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        a = actor.index
        domain = model.domain(a)
        frontier = (model.geo.neighbourhood @ domain.astype(float)) > 0
        allies = allies_of(model, a)
        allied_held = held(model, np.flatnonzero(allies)).any(axis=0) if allies.any() else np.zeros_like(domain)
        candidates = frontier & (model.control[a] < 0.999) & ~(allied_held & ~domain) & model.access[a]
        if not candidates.any():
            return
        friendly = model.deployment[a] + (model.deployment[allies].sum(axis=0) if allies.any() else 0.0)
        defence = (model.total_force - friendly) * model.geo.defence
        cost = self.params.ratio * defence + model.params.presence
        budget = self.params.share * model.capability[a]
        order = np.flatnonzero(candidates)[np.argsort(cost[candidates], kind="stable")]
        spend = np.cumsum(cost[order])
        chosen = order[spend <= budget]
        if chosen.size == 0:
            return
        weights = np.zeros(model.geo.size)
        weights[chosen] = cost[chosen] / budget
        leftover = 1.0 - weights.sum()
        weights[chosen] += leftover * cost[chosen] / cost[chosen].sum()
        plan.deploy(self.params.share, weights)


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

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        a = actor.index
        score = model.shared_threat[a] * model.identity_affinity[a]
        score[a] = 0.0
        plan.wish_ties(np.where((score >= self.params.threshold) & model.active, score, 0.0))
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

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        a = actor.index
        c = strongest_threat(model, a)
        if c is None:
            return
        coalition = (model.threat[:, c] > 0) & model.active
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

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        a = actor.index
        if self.side is None:
            self.side = strongest_threat(model, a)
        c = self.side
        if c is None or not model.active[c]:
            return
        if model.relations[a, c] < self.params.alignment:
            plan.relation_shift[c] = self.params.rapprochement
        side = allies_of(model, c)
        side[c] = True
        side[a] = False
        plan.wish_ties(np.where(side, self.params.strength, 0.0))


class AirParams(Params):
    share: float = Field(0.5, ge=0, le=1, description="share of capability flown as strike power")
    targets: list[str] = Field(default_factory=list, description="actors struck; empty = all hostile actors")


@behaviour
class AirCampaign(Behaviour):
    """Strike power against named enemies where allies fight them: attrition, never control.

    Weights: the targets' ground forces in regions where an ally of the striking actor (tie at
    or above the bloc threshold, or the ally it fights for) has forces or holds ground in or
    next to the region. Reason: air power wears forces down but does not hold ground (Pape
    1996; coalition air campaign against ISIS from August 2014).
    """

    name = "air_campaign"
    Params = AirParams
    actor_refs = ("targets",)

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        a = actor.index
        targets = self.refs["targets"] if self.params.targets else np.flatnonzero(model.hostility[a] > 0)
        if targets.size == 0:
            return
        partners = allies_of(model, a)
        if plan.fights_for is not None:
            partners[plan.fights_for] = True
        if not partners.any():
            return
        partner_ground = (model.present[partners] | held(model, np.flatnonzero(partners))).any(axis=0)
        near_partners = (model.geo.neighbourhood @ partner_ground.astype(float)) > 0
        weights = np.where(near_partners, model.deployment[targets].sum(axis=0), 0.0)
        plan.air_strike(self.params.share, weights)


class ExpeditionaryParams(Params):
    ally: str = Field(description="the actor supported")
    share: float = Field(0.3, ge=0, le=1, description="share of capability sent as ground and air support")


@behaviour
class Expeditionary(Behaviour):
    """Ground and air support that keeps an ally's regions: forces go where the ally is threatened.

    Weights: the ally's control share x the hostile force in or next to each region, evenly over
    its held ground if none is threatened. Control won by these forces is credited to the ally
    (see combat.credit_external). List it before `air_campaign` so strikes follow the ally.
    """

    name = "expeditionary"
    Params = ExpeditionaryParams
    actor_refs = ("ally",)

    def act(self, actor: Actor, model: RegionalModel, plan: Plan) -> None:
        ally = self.refs["ally"]
        if ally.size == 0 or not model.active[ally[0]]:
            return
        b = int(ally[0])
        plan.fights_for = b
        share_held = np.where(model.control[b] >= model.params.domain_share, model.control[b], 0.0)
        weights = share_held * model.exposure[b]
        plan.deploy(self.params.share, weights if weights.sum() > 0 else share_held)
