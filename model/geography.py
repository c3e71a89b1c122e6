"""The region graph: areas, populations, resources, terrain, land adjacency and hop distances."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from bopsim.model.memo import LastRows
from bopsim.model.scenario import ScenarioSpec

UNREACHABLE = 10_000
"""Hop distance used for pairs of regions with no land path between them."""

DENSE_LIMIT = 400
"""Region count below which the neighbourhood matrix is kept dense."""

HOPS_DENSE_LIMIT = 2_000
"""Region count up to which all hop distances are kept as a matrix (at most 16 MB); above it,
hops are computed by breadth-first search when needed, so memory stays linear in regions + borders."""



@dataclass(frozen=True)
class Geography:
    """Static attributes of the regions (arrays of length R) and their graph."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    area_km2: np.ndarray
    settled_km2: np.ndarray
    """(R,) area outside desert, km2 (area x (1 - desert share)): territory as monitors of populated ground count it."""
    population: np.ndarray
    resources: np.ndarray
    defence: np.ndarray
    terrain: tuple[str, ...]
    country: tuple[str, ...]
    identity: np.ndarray
    adjacency: sparse.csr_array
    hops: np.ndarray | None
    """(R, R) int32 hop distances (UNREACHABLE without a land path); None above HOPS_DENSE_LIMIT regions."""

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def neighbourhood(self) -> sparse.csr_array | np.ndarray:
        """Adjacency plus the identity: a region and its land neighbours.

        Dense below `DENSE_LIMIT` regions, where a dense product is faster than a sparse one.
        """
        matrix = (self.adjacency + sparse.eye_array(self.size, format="csr")).tocsr()
        return matrix.toarray() if self.size < DENSE_LIMIT else matrix

    @cached_property
    def country_codes(self) -> np.ndarray:
        """(R,) str: `country` as an array (\"\" where the region belongs to no country)."""
        return np.array(self.country)

    def among(self, ids: list[str]) -> np.ndarray:
        """(R,) bool, read-only: the regions `ids` (kept: behaviours ask every month)."""
        key = ("regions",) + tuple(ids)
        if key not in self._masks:
            mask = np.isin(np.asarray(self.ids), ids)
            mask.flags.writeable = False
            self._masks[key] = mask
        return self._masks[key]

    def in_countries(self, codes: list[str]) -> np.ndarray:
        """(R,) bool, read-only: the regions of the countries `codes` (kept: behaviours ask every month)."""
        key = tuple(codes)
        if key not in self._masks:
            mask = np.isin(self.country_codes, codes)
            mask.flags.writeable = False
            self._masks[key] = mask
        return self._masks[key]

    @cached_property
    def _masks(self) -> dict[tuple[str, ...], np.ndarray]:
        return {}

    def near(self, regions: np.ndarray) -> np.ndarray:
        """(m, R) bool, read-only: the regions in or next to the regions marked in each row of `regions` (m, R).

        Rows equal to those of the previous call are reused (actors' domains change in a few
        rows a month).
        """
        return self._near_kept.get(lambda rows: (self.neighbourhood @ regions[rows].T.astype(float)).T > 0, regions)

    @cached_property
    def _near_kept(self) -> LastRows:
        return LastRows()

    @cached_property
    def index(self) -> dict[str, int]:
        """Region id -> position in the arrays."""
        return {rid: i for i, rid in enumerate(self.ids)}

    def distance_from(self, regions: np.ndarray) -> np.ndarray:
        """(R,) int32 hops from the nearest of `regions` (boolean mask) to every region; UNREACHABLE if none."""
        if not regions.any():
            return np.full(self.size, UNREACHABLE, dtype=np.int32)
        if self.hops is not None:
            return self.hops[regions].min(axis=0)
        nearest = csgraph.dijkstra(self.adjacency, directed=False, indices=np.flatnonzero(regions),
                                   unweighted=True, min_only=True)
        return _as_hops(nearest)

    @cached_property
    def diameter(self) -> int:
        """The longest hop distance between two regions joined by land (0 for a single region).

        Without the matrix: per connected part, the bounding-diameters algorithm of networkx
        (Takes & Kosters 2011, Algorithms 4:200-225), exact with few searches.
        """
        if self.hops is not None:
            return int(self.hops[self.hops < UNREACHABLE].max(initial=0))
        graph = networkx.from_scipy_sparse_array(self.adjacency)
        return max((networkx.diameter(graph.subgraph(part), usebounds=True) for part in networkx.connected_components(graph)),
                   default=0)


def _as_hops(distances: np.ndarray) -> np.ndarray:
    """Float distances from scipy as int32 hops, UNREACHABLE where infinite."""
    return np.where(np.isfinite(distances), distances, UNREACHABLE).astype(np.int32)


def build_geography(spec: ScenarioSpec) -> Geography:
    """Arrays and the adjacency graph from a validated scenario."""
    p = spec.parameters
    ids = tuple(r.id for r in spec.region)
    index = {rid: i for i, rid in enumerate(ids)}
    population = np.array([r.population for r in spec.region], dtype=float)
    resources = np.array(
        [r.resources if r.resources is not None else p.resources_per_million * r.population / 1e6 for r in spec.region]
    )
    rows = [index[b.a] for b in spec.border] + [index[b.b] for b in spec.border]
    cols = [index[b.b] for b in spec.border] + [index[b.a] for b in spec.border]
    n = len(ids)
    adjacency = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    adjacency.data[:] = 1.0
    hops = _as_hops(csgraph.shortest_path(adjacency, method="D", unweighted=True, directed=False)) if n <= HOPS_DENSE_LIMIT else None
    return Geography(
        ids=ids,
        names=tuple(r.name or r.id for r in spec.region),
        area_km2=np.array([r.area_km2 for r in spec.region], dtype=float),
        settled_km2=np.array([r.area_km2 * (1.0 - r.desert_share) for r in spec.region], dtype=float),
        population=population,
        resources=resources,
        defence=np.array([p.terrain_defence[r.terrain] for r in spec.region]),
        terrain=tuple(r.terrain for r in spec.region),
        country=tuple(r.country for r in spec.region),
        identity=np.array([r.identity for r in spec.region], dtype=float),
        adjacency=adjacency,
        hops=hops,
    )
