"""The global model parameters as the page's controls, read from the pydantic model (one source of truth).

Each numeric field of `model.scenario.Parameters` becomes a control: its default, its bounds
(the field's `ge`/`gt`/`le`/`lt` constraints, wherever pydantic keeps them), its unit (the
field's `json_schema_extra["unit"]` when given) and its one-line meaning (the description).
A parameter bounded on both sides (within SLIDER_SPAN) is a slider; any other a number field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.scenario import Parameters

SLIDER_STEPS = 200
"""Slider positions between a parameter's bounds."""
SLIDER_SPAN = 100.0
"""Widest range drawn as a slider (a wider one would make the step too coarse)."""


@dataclass(frozen=True)
class ParameterControl:
    """One global parameter as the page shows it."""

    name: str
    default: float
    low: float | None
    high: float | None
    low_open: bool
    """True if the lower bound itself is not allowed (gt rather than ge)."""
    high_open: bool
    unit: str
    meaning: str

    @property
    def slider(self) -> bool:
        """Bounded on both sides within SLIDER_SPAN: a slider; otherwise a number field."""
        return self.low is not None and self.high is not None and self.high - self.low <= SLIDER_SPAN

    @property
    def step(self) -> float:
        """Slider step: a round fraction of the range."""
        span = (self.high - self.low) / SLIDER_STEPS
        return 10 ** math.floor(math.log10(span))

    def range_text(self) -> str:
        """'0 to 1', '> 0', '≥ 0 and ≤ 2', or 'any value'."""
        low = None if self.low is None else f"{'>' if self.low_open else '≥'} {self.low:g}"
        high = None if self.high is None else f"{'<' if self.high_open else '≤'} {self.high:g}"
        if low and high and not (self.low_open or self.high_open):
            return f"{self.low:g} to {self.high:g}"
        return " and ".join(p for p in (low, high) if p) or "any value"

    def check(self, value: float) -> str | None:
        """Why `value` is out of range (one line), or None."""
        ok = math.isfinite(value)
        if ok and self.low is not None:
            ok = value > self.low if self.low_open else value >= self.low
        if ok and self.high is not None:
            ok = value < self.high if self.high_open else value <= self.high
        return None if ok else f"parameters.{self.name}: must be {self.range_text()}, got {value:g}"


def _bounds(info) -> dict[str, float]:
    """ge/gt/le/lt constraints of a field, from its metadata (annotated-types objects)."""
    found = {}
    for item in info.metadata:
        for key in ("ge", "gt", "le", "lt"):
            value = getattr(item, key, None)
            if isinstance(value, int | float):
                found[key] = float(value)
    return found


def control_for(name: str, info) -> ParameterControl:
    """The control of one pydantic field: default, bounds, unit and meaning."""
    default = info.get_default(call_default_factory=True)
    bounds = _bounds(info)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return ParameterControl(name, float(default) if isinstance(default, int | float) else math.nan,
                            bounds.get("ge", bounds.get("gt")), bounds.get("le", bounds.get("lt")),
                            "gt" in bounds, "lt" in bounds, str(extra.get("unit", "")), info.description or "")


def parameter_controls() -> list[ParameterControl]:
    """A control for every numeric global parameter, in the model's field order."""
    return [control_for(name, info) for name, info in Parameters.model_fields.items()
            if isinstance(info.default, int | float) and not isinstance(info.default, bool)]
