"""Documented limits of what bopsim accepts, checked when files are validated.

Every limit keeps a run finite in time, memory and arithmetic: sizes bound the arrays (memory
grows as actors x regions plus borders), counts bound the work a file can ask for, and the
magnitudes of numeric parameters keep every product in the monthly step far below the largest
float (about 1.8e308), so no output overflows to inf or NaN. The values are generous for the
model's purpose (a regional theatre over years); docs/limits.md lists them with the guarantees.
"""

from __future__ import annotations

# ----------------------------------------------------------------- sizes of a scenario
MAX_REGIONS = 20_000
"""Regions of one scenario; arrays are actors x regions, the graph is kept sparse."""
MAX_BORDERS = 200_000
"""Borders (land adjacencies) of one scenario."""
MAX_ACTORS = 200
"""Actors of one scenario (actor x actor and actor x region arrays)."""
MAX_EVENTS = 10_000
"""Scheduled events of one scenario."""
MAX_STEPS = 1_200
"""Months of one run (100 years)."""
MAX_CLASSIC_STEPS = 20_000
"""Steps of one run of a classic model family (GeoSim's published runs have 10,500)."""

# ----------------------------------------------------------------- sizes of an experiment
MAX_REPLICATIONS = 100_000
"""Replications of each design point."""
MAX_SAMPLES = 100_000
"""`design.samples` (LHS points; Sobol and Morris base samples)."""
MAX_DESIGN_POINTS = 200_000
"""Design points after sampling (Sobol: samples x (factors + 2), or (2 factors + 2) with second order)."""
MAX_RUNS = 200_000
"""Runs of one experiment: scenarios x design points x replications (the run plan is held in memory)."""

# ----------------------------------------------------------------- files
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Scenario, experiment, region/border CSV and GeoJSON files."""
MAX_NESTING = 16
"""Depth of nested tables and arrays in a TOML file."""

# ----------------------------------------------------------------- magnitudes (units as in model/scenario.py)
MAX_CAPABILITY = 1e6
"""Capability units of one actor (1 unit = 1,000 fighter-equivalents: a billion fighters)."""
MAX_RATE = 1e4
"""Capability units per month (income, resources, recruits, training)."""
MAX_POPULATION = 1e10
"""People in one region."""
MAX_AREA_KM2 = 1e8
"""Area of one region (the Earth's land is about 1.5e8 km2)."""
MAX_IDENTITY = 1e3
"""Absolute value of an identity coordinate."""
MAX_MULTIPLIER = 100.0
"""Dimensionless multipliers: terrain defence, strike effect, threat exponent."""
MAX_EXPONENT = 10.0
"""The threat exponent alpha: K**alpha stays finite for any capability a run can reach (below 1e30)."""
MIN_MAGNITUDE = 1e-9
"""Smallest size of a non-zero number in a file (0 itself is allowed): dividing by a smaller one,
such as a subnormal 1e-320, overflows to inf."""
MIN_SCALE = 1e-6
"""Smallest distance-like scale (threat range, identity scale, front width), to keep divisions finite."""
MAX_SCALE = 1e6
"""Largest distance-like scale and per-unit conversion (deaths per unit, thresholds)."""


def nesting_depth(value: object) -> int:
    """Depth of nested dicts and lists in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        if depth + 1 <= MAX_NESTING:
            stack.extend((child, depth + 1) for child in children)
    return deepest
