"""bopsim.model: an agent-based model of regional balance of power (Mesa 3.5)."""

from bopsim.model.model import RegionalModel
from bopsim.model.scenario import ScenarioError, ScenarioSpec, load

__all__ = ["RegionalModel", "ScenarioError", "ScenarioSpec", "load"]
