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
"""Size (n x R entries) of the right factor from which products may go through a sparse matrix."""

SPARSE_DENSITY = 0.05
"""Share of non-zero entries in the left factor up to which a sparse product is faster (measured
on the 2,500-region x 200-actor benchmark world: sparse x dense costs about 13 times a dense
product per multiplication)."""


def actor_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """left (m x n) @ right (n x R) as a dense (m x R) array."""
    if right.size < SPARSE_FROM or np.count_nonzero(left) > SPARSE_DENSITY * left.size:
        return left @ right
    return sparse.csr_array(left) @ right
