"""Region outlines for the map: GeoJSON polygons, or a stand-in drawn from the scenario.

Three sources, in this order: the scenario's `geometry` GeoJSON (feature property `id` = region
id; lon/lat degrees); squares on a grid at the regions' lon/lat; circles (area proportional to
the region's area) placed by a Kamada–Kawai layout of the land-border graph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from model.scenario import ScenarioError, ScenarioSpec


@dataclass(frozen=True)
class RegionShapes:
    """One closed path per region (scenario order), a drawing kind and the data extent."""

    paths: list[MplPath]
    kind: str
    """'polygons' (from GeoJSON), 'grid' (lon/lat squares) or 'graph' (border-graph circles)."""
    borders: list[tuple[int, int]]
    """Region index pairs to draw as lines (graph layout only)."""
    centres: np.ndarray
    """(R, 2) a point per region: polygon vertex mean, grid cell or layout position."""
    aspect: float
    """y/x display ratio: 1/cos(mean latitude) for lon/lat, 1 for a layout."""
    extent: tuple[float, float, float, float]
    """(x0, x1, y0, y1) shown: for polygons, the regions up to the FOCUS quantile of area."""


def region_shapes(spec: ScenarioSpec) -> RegionShapes:
    """Outlines for every region of `spec` (see the module docstring for the choice)."""
    if spec.geometry:
        return _from_geojson(Path(spec.geometry), [r.id for r in spec.region])
    if all(r.lon is not None and r.lat is not None for r in spec.region):
        return _grid(np.array([(r.lon, r.lat) for r in spec.region], dtype=float))
    return _graph(spec)


def _from_geojson(path: Path, ids: list[str]) -> RegionShapes:
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        by_id = {f["properties"]["id"]: f["geometry"] for f in features}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ScenarioError(f"{path}: not a GeoJSON FeatureCollection with an 'id' per feature: {exc}") from None
    missing = [r for r in ids if r not in by_id]
    if missing:
        raise ScenarioError(f"{path}: no polygon for region(s) {', '.join(missing[:5])}")
    paths = [_geometry_path(by_id[r]) for r in ids]
    centres = np.array([p.vertices.mean(axis=0) for p in paths])
    return RegionShapes(paths, "polygons", [], centres, _lat_aspect(centres), _focus(paths))


def _geometry_path(geometry: dict) -> MplPath:
    """A (Multi)Polygon as one compound path (GeoJSON holes wind the other way and stay empty)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rings = [np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon]
    return MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in rings))


def _grid(lonlat: np.ndarray) -> RegionShapes:
    """A square per region centred on its lon/lat, sized by the closest pair of regions."""
    gaps = np.linalg.norm(lonlat[:, None] - lonlat[None], axis=2)
    np.fill_diagonal(gaps, np.inf)
    side = 0.9 * float(np.min(gaps)) if len(lonlat) > 1 else 1.0
    half = side / 2
    paths = [MplPath.unit_rectangle().transformed(_affine(side, x - half, y - half)) for x, y in lonlat]
    return RegionShapes(paths, "grid", [], lonlat, _lat_aspect(lonlat), _bounds(paths))


def _graph(spec: ScenarioSpec) -> RegionShapes:
    """Circles at a Kamada–Kawai layout of the border graph, area proportional to region area."""
    ids = [r.id for r in spec.region]
    index = {r: i for i, r in enumerate(ids)}
    graph = nx.Graph()
    graph.add_nodes_from(range(len(ids)))
    borders = [(index[b.a], index[b.b]) for b in spec.border]
    graph.add_edges_from(borders)
    layout = nx.kamada_kawai_layout(graph) if len(ids) > 1 else {0: np.zeros(2)}
    centres = np.array([layout[i] for i in range(len(ids))], dtype=float)
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(gaps, np.inf)
    largest = 0.45 * float(np.min(gaps)) if len(ids) > 1 else 0.5
    area = np.array([r.area_km2 for r in spec.region])
    radius = largest * np.sqrt(area / area.max())
    paths = [MplPath.circle((x, y), r) for (x, y), r in zip(centres, radius, strict=True)]
    return RegionShapes(paths, "graph", borders, centres, 1.0, _bounds(paths))


FOCUS = 0.9
"""Maps of polygons are framed on the regions up to this quantile of bounding-box size, so that
a few very large regions at the edge (the rest of a neighbouring country) do not shrink the
theatre; they are cut at the frame."""


def _bounds(paths: list[MplPath], margin: float = 0.05) -> tuple[float, float, float, float]:
    """Bounding box of `paths`, widened by `margin` of its size on each side."""
    boxes = np.array([p.get_extents().bounds for p in paths])
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = (boxes[:, 0] + boxes[:, 2]).max(), (boxes[:, 1] + boxes[:, 3]).max()
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - dx, x1 + dx, y0 - dy, y1 + dy)


def _focus(paths: list[MplPath]) -> tuple[float, float, float, float]:
    """Bounds of the regions whose bounding box is not larger than the FOCUS quantile."""
    sizes = np.array([p.get_extents().width * p.get_extents().height for p in paths])
    kept = [p for p, size in zip(paths, sizes, strict=True) if size <= np.quantile(sizes, FOCUS)]
    return _bounds(kept)


def _affine(scale: float, dx: float, dy: float) -> Affine2D:
    return Affine2D().scale(scale).translate(dx, dy)


def _lat_aspect(lonlat: np.ndarray) -> float:
    """Equirectangular display: one degree of latitude is 1/cos(latitude) degrees of longitude."""
    return float(1.0 / np.cos(np.deg2rad(np.clip(lonlat[:, 1].mean(), -80, 80))))
