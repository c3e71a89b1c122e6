"""The map as an ECharts map series: regions in their holder's colour, hover and click readouts.

The region outlines (model.shapes) are sent once per run as a GeoJSON the browser registers;
a month only sends colours and readouts. A region takes its majority holder's colour as it is
(model.palette), contested regions are hatched and divided ones (holder under half) dotted, as
ECharts decals; hovering shows the region's readout, clicking selects it for the readout card.
"""

from __future__ import annotations

import html
import math

import numpy as np
from matplotlib.colors import to_rgb

from model.palette import UNGOVERNED, divided, holders
from model.shapes import RegionShapes

MAP_NAME = "bopsim-regions"
CONTESTED_DECAL = {"symbol": "rect", "symbolSize": 1, "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": math.pi / 4}
DIVIDED_DECAL = {"symbol": "circle", "symbolSize": 0.5, "dashArrayX": [[6, 6]], "dashArrayY": [6, 0]}
DARK = 0.35
"""Relative luminance below which a region's marks are drawn white instead of black."""


def mark_colour(face: str) -> str:
    """Hatch or dots over a face: white on dark faces, black on light ones (ITU-R BT.709 luminance)."""
    r, g, b = to_rgb(face)
    return "rgba(255, 255, 255, 0.8)" if 0.2126 * r + 0.7152 * g + 0.0722 * b < DARK else "rgba(0, 0, 0, 0.55)"


def geojson(shapes: RegionShapes, region_ids: list[str]) -> dict:
    """A FeatureCollection with one (Multi)Polygon per region, named by region id (curves flattened)."""
    features = []
    for rid, path in zip(region_ids, shapes.paths, strict=True):
        rings = [np.round(ring, 5).tolist() for ring in path.to_polygons(closed_only=True) if len(ring) >= 4]
        geometry = {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]}
        features.append({"type": "Feature", "properties": {"name": rid}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def readout_html(readout: dict[str, object]) -> str:
    """A region's readout as tooltip HTML (escaped): holder, shares, forces and last month's losses."""
    def listing(values: dict[str, float], digits: str) -> str:
        return ", ".join(f"{html.escape(k)} {v:{digits}}" for k, v in values.items()) or "none"

    lines = [f"<b>{html.escape(str(readout['region']))}</b> ({html.escape(str(readout['country']))})"
             + (" · contested" if readout["contested"] else ""),
             f"holder: {html.escape(str(readout['holder']))}",
             f"control: {listing(readout['shares'], '.0%')}",
             f"forces: {listing(readout['forces'], ',.2f')}",
             f"losses last month: {listing(readout['losses last month'], ',.2f')}"]
    return "<br/>".join(lines)


def map_option(run, snapshot, selected: int | None = None) -> dict:
    """The ECharts option of the map at `snapshot` of `run` (`selected` region outlined)."""
    colours = [run.colours[a] for a in run.actor_ids] + [UNGOVERNED]
    holder, share = holders(snapshot.control)
    thin = divided(share)
    data = []
    for r, region in enumerate(run.spec.region):
        style = {"areaColor": colours[holder[r]]}
        if snapshot.contested[r]:
            style["decal"] = CONTESTED_DECAL | {"color": mark_colour(colours[holder[r]])}
        elif thin[r]:
            style["decal"] = DIVIDED_DECAL | {"color": mark_colour(colours[holder[r]])}
        if r == selected:
            style |= {"borderColor": "#000000", "borderWidth": 2.5}
        data.append({"name": region.id, "value": round(float(share[r]), 4), "itemStyle": style,
                     "emphasis": {"itemStyle": {"areaColor": colours[holder[r]]}},
                     "tooltip": {"formatter": readout_html(run.region_readout(snapshot, r))}})
    x0, x1, y0, y1 = run.shapes.extent
    return {
        "animation": False,
        "title": {"text": f"{snapshot.date} · {int(snapshot.contested.sum())} contested", "left": 0, "top": 0,
                  "textStyle": {"fontSize": 12}},
        "tooltip": {"trigger": "item", "confine": True, "textStyle": {"fontSize": 11}},
        "series": [{"type": "map", "map": MAP_NAME, "roam": True, "aspectScale": 1 / run.shapes.aspect,
                    "boundingCoords": [[x0, y1], [x1, y0]],
                    "data": data, "selectedMode": False, "top": 36, "bottom": 4,
                    "itemStyle": {"borderColor": "#FFFFFF", "borderWidth": 0.6},
                    "emphasis": {"label": {"show": False}, "itemStyle": {"borderColor": "#000000", "borderWidth": 1.5}},
                    "label": {"show": False}}],
    }
