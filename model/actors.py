"""Actors as Mesa agents: states, non-state armed groups and external powers.

An actor's state lives in the model's arrays at row `index` (e.g. `model.capability[actor.index]`);
the agent owns its strategy and turns it into a plan each month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa

from bopsim.model.contract import Plan
from bopsim.model.strategies import Behaviour

if TYPE_CHECKING:
    from bopsim.model.model import RegionalModel
    from bopsim.model.scenario import ActorSpec


class Actor(mesa.Agent):
    """An actor of the theatre. Subclasses fix what its kind may do."""

    kind: ClassVar[str]
    holds_ground: ClassVar[bool] = True
    """Whether forces of this kind take and hold control (external powers do not)."""
    government: ClassVar[bool] = True
    """Whether it is the government of a state: UCDP counts as state-based the fighting where one
    side at least is (UCDP definitions, "armed conflict"), the rest as non-state conflict. The
    kind's default; an actor's `government` field in the scenario overrides it (a militia fighting
    for a state, read as part of the state's side)."""

    def __init__(self, model: RegionalModel, spec: ActorSpec, index: int, strategy: list[Behaviour]) -> None:
        super().__init__(model)
        self.actor_id = spec.id
        self.name = spec.name or spec.id
        self.index = index
        self.strategy = strategy

    @property
    def strategy_name(self) -> str:
        return "+".join(b.name for b in self.strategy)

    def decide(self) -> None:
        """Turn the strategy into this month's plan from the month's view, and hand it to the model."""
        plan = Plan()
        for behaviour in self.strategy:
            behaviour.act(self.index, self.model.view, plan)
        self.model.adopt(self.index, plan)


class StateActor(Actor):
    """A state: home regions are its sovereign territory; income from its economy and held ground."""

    kind = "state"


class NonStateActor(Actor):
    """A non-state armed group (insurgent proto-state, militia): recruits from held population."""

    kind = "non_state"
    government = False


class ExternalPower(Actor):
    """A great power acting from outside: basing regions and strike power; holds no ground.

    Its capability is what it commits to the theatre, not its global military power. Ground it
    helps to win is credited to the partners it fights beside (combat.credit_external).
    """

    kind = "external"
    holds_ground = False


KINDS: dict[str, type[Actor]] = {cls.kind: cls for cls in (StateActor, NonStateActor, ExternalPower)}
