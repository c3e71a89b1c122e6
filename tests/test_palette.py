"""The actor palette under simulated colour-vision deficiencies, and what the palette module shares.

Distances are Euclidean in CAM02-UCS (Luo, Cui & Li 2006), where about 1 is a just-noticeable
difference; deficiencies are simulated after Machado, Oliveira & Fernandes (2009) at full
severity (dichromacy), as `colorspacious` implements them.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from model import palette
from model.scenario import load

colorspacious = pytest.importorskip("colorspacious", reason="colorspacious (test extra) not installed")

ROOT = Path(__file__).resolve().parent.parent
LEVANT = ROOT / "scenarios" / "levant_2014.toml"
VISIONS = ("normal", "deuteranomaly", "protanomaly", "tritanomaly")
MIN_DISTANCE = 15.0
"""Smallest CAM02-UCS distance measured between two Levant actors (or an actor and the
ungoverned grey) under any of VISIONS: 15.1 (the palette's search, model/palette.py)."""


def _seen(hex_colours: list[str], vision: str) -> np.ndarray:
    rgb = np.array([to_rgb(c) for c in hex_colours])
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        rgb = np.clip(colorspacious.cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest_pair(colours: dict[str, str]) -> tuple[float, str, str, str]:
    """(distance, vision, name, name) of the two colours closest under any of VISIONS."""
    names = list(colours)
    found = (np.inf, "", "", "")
    for vision in VISIONS:
        seen = _seen([colours[n] for n in names], vision)
        for i, j in itertools.combinations(range(len(names)), 2):
            d = float(np.linalg.norm(seen[i] - seen[j]))
            if d < found[0]:
                found = (d, vision, names[i], names[j])
    return found


@pytest.mark.skipif(not LEVANT.is_file(), reason="scenarios/levant_2014.toml not present")
def test_every_levant_actor_stays_distinguishable_under_colour_vision_deficiencies():
    spec = load(LEVANT)
    colours = palette.colour_map([a.id for a in spec.actor], {a.id: a.colour for a in spec.actor})
    distance, vision, a, b = closest_pair(colours | {"ungoverned": palette.UNGOVERNED})
    assert distance >= MIN_DISTANCE, f"{a} and {b} are {distance:.1f} apart under {vision}"


def test_the_palette_itself_is_as_measured():
    distance, *_ = closest_pair({c: c for c in (*palette.PALETTE, palette.UNGOVERNED)})
    assert distance == pytest.approx(15.1, abs=0.05)


def test_no_actor_colour_is_a_bloc_marker():
    actor = {c.upper() for c in (*palette.PALETTE, *palette.KNOWN.values())}
    assert actor.isdisjoint(c.upper() for c in palette.BLOC_COLOURS)


def test_blocs_are_ranked_by_total_capability():
    capability = np.array([1.0, 2.0, 5.0, 1.0, 9.0])
    bloc = np.array([0, 0, 1, 1, -1])  # bloc 0 totals 3, bloc 1 totals 6; actor 4 is alone
    assert palette.ranked_blocs(capability, bloc) == [1, 0]
    rings = palette.bloc_rings(list("abcde"), capability, bloc)
    assert rings == [(palette.BLOC_COLOURS[0], ["c", "d"]), (palette.BLOC_COLOURS[1], ["a", "b"])]


def test_experiments_do_not_import_the_dashboard():
    """Only the command that serves the dashboard loads it (when it runs)."""
    importers = []
    for path in (ROOT / "experiments").rglob("*.py"):
        if path == ROOT / "experiments" / "commands" / "dashboard.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "viz" or n.startswith("viz.") for n in names):
                importers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert importers == []
