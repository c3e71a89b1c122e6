"""Matrix products that exploit sparsity in large worlds.

Actor x actor relations (hostility, partners, allies) are mostly zero: an actor is hostile to,
or fights beside, a few of many actors. An (n x n) @ (n x R) product costs n^2 R dense; with
the left factor stored sparse it costs about (its non-zeros) x R. Small worlds, and dense
relations, stay dense, where sparse overhead dominates.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

SPARSE_FROM = 50_000
"""Size (n x R entries) of an actor-by-region array from which products may go through a sparse matrix
(and from which work restricted to the regions where something is non-zero pays for its gathers)."""

SPARSE_DENSITY = 0.05
"""Share of non-zero entries in the left factor up to which a sparse product is faster (measured
on the 2,500-region x 200-actor benchmark world: sparse x dense costs about 13 times a dense
product per multiplication)."""


def actor_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """left (m x n) @ right (n x R) as a dense (m x R) array."""
    if right.size < SPARSE_FROM or np.count_nonzero(left) > SPARSE_DENSITY * left.size:
        return left @ right
    return sparse.csr_array(left) @ right


def nonzero_2d(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the non-zero entries of a 2-D array, in row-major order: what np.nonzero
    gives, through one search of the flattened boolean array (np.nonzero on an (n, R) array of
    floats costs about 30 times as much in the 2,500-region x 200-actor world)."""
    return np.divmod((array if array.dtype == bool else array != 0).ravel().nonzero()[0], array.shape[1])


def connects(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """(m, R) bool: whether some k has left[i, k] and right[k, j], for boolean left (m, n) and right (n, R).

    The boolean product (left @ right > 0). Its result is exact whatever the order of the sums,
    so in large worlds it goes through the few true entries of `right` (a region is held by one
    or two actors) as a sparse matrix, in small worlds through a dense product.
    """
    if right.size < SPARSE_FROM:
        return left.astype(float) @ right.astype(float) > 0
    rows, cols = nonzero_2d(right)
    pairs = sparse.csr_array((np.ones(rows.size), (cols, rows)), shape=right.shape[::-1])
    return np.ascontiguousarray((pairs @ np.ascontiguousarray(left.T, dtype=float)).T > 0)


def matching_entries(keys: np.ndarray, table_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (query, table entry) pair with equal keys, grouped by query: a join on sorted keys.

    `table_keys` must be sorted (as the row indices np.nonzero returns are). Returns (query
    index, table index, start, count): the pairs of query i are the `count[i]` consecutive
    ones from `start[i]`, in table order. Used to reduce over the few regions where an actor
    is present instead of over all regions.
    """
    first = np.searchsorted(table_keys, keys)
    count = np.searchsorted(table_keys, keys, side="right") - first
    start = np.cumsum(count) - count
    query = np.repeat(np.arange(keys.size), count)
    return query, np.repeat(first - start, count) + np.arange(query.size), start, count


def grouped_min(values: np.ndarray, start: np.ndarray, count: np.ndarray, empty: float) -> np.ndarray:
    """(groups,) minimum of each group of consecutive `values` (`start`, `count` as from matching_entries); `empty` for empty groups."""
    out = np.full(count.size, empty, dtype=np.result_type(values, empty))
    filled = (count > 0).nonzero()[0]
    if filled.size:
        out[filled] = np.minimum.reduceat(values, start[filled])
    return out
