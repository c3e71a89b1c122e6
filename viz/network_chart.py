"""The alliance network as an ECharts graph: actors sized by capability, ties weighted, blocs ringed.

Nodes sit on a circle in scenario order (stable from month to month); node area is
proportional to capability (`NODE_SIZE` is the diameter of the actor with the largest initial
capability); a line's width grows with tie strength (ties below `MIN_TIE` are not drawn; ties at
or above the bloc threshold are dark, weaker ones pale and dashed); a coloured ring marks each
bloc of two or more actors, strongest bloc first. Actors not present are drawn faint.
"""

from __future__ import annotations

import math

import numpy as np

from model.palette import BLOC_COLOURS, MIN_TIE, ranked_blocs

NODE_SIZE = 56.0
"""Diameter (px) of the node of the actor with the largest initial capability."""

def network_option(actor_ids: list[str], colours: dict[str, str], names: dict[str, str], capability: np.ndarray,
                   active: np.ndarray, ties: np.ndarray, bloc: np.ndarray, threshold: float,
                   reference: float, month: str) -> dict:
    """The ECharts option of the network for one month (see the module docstring)."""
    n = len(actor_ids)
    angle = math.pi / 2 - 2 * math.pi * np.arange(n) / max(n, 1)
    ranked = ranked_blocs(capability, bloc)
    ring = {label: BLOC_COLOURS[rank % len(BLOC_COLOURS)] for rank, label in enumerate(ranked)}
    nodes = []
    for i, actor in enumerate(actor_ids):
        in_bloc = int(bloc[i]) in ring
        size = max(NODE_SIZE * math.sqrt(max(capability[i], 0.0) / max(reference, 1e-9)), 6.0)
        nodes.append({
            "name": actor, "x": round(100 * math.cos(angle[i]), 3), "y": round(-100 * math.sin(angle[i]), 3),
            "symbolSize": round(size, 2),
            "value": round(float(capability[i]), 3),
            "tooltip": {"formatter": f"{names.get(actor, actor)}: capability {capability[i]:.1f}"
                                     + ("" if active[i] else " (not present)")},
            "itemStyle": {"color": colours[actor], "opacity": 1.0 if active[i] else 0.2,
                          "borderColor": ring.get(int(bloc[i]), "#333333"), "borderWidth": 5 if in_bloc else 0.5},
            "label": {"show": True, "position": "top" if angle[i] % (2 * math.pi) < math.pi else "bottom",
                      "fontSize": 11},
        })
    links = []
    for i in range(n):
        for j in range(i + 1, n):
            strength = float(ties[i, j])
            if strength < MIN_TIE:
                continue
            strong = strength >= threshold
            links.append({"source": actor_ids[i], "target": actor_ids[j], "value": round(strength, 3),
                          "lineStyle": {"width": round(0.5 + 6 * strength, 2), "color": "#444444" if strong else "#AAAAAA",
                                        "type": "solid" if strong else "dashed", "opacity": 0.9}})
    return {
        "animation": False,
        "title": {"text": f"{month} · {len(ranked)} bloc{'s' if len(ranked) != 1 else ''} of 2+ actors",
                  "textStyle": {"fontSize": 12}, "left": 0, "top": 0},
        "tooltip": {},
        "series": [{"type": "graph", "layout": "none", "roam": False, "data": nodes, "links": links,
                    "left": "12%", "right": "12%", "top": "12%", "bottom": "10%", "z": 2}],
    }
