"""Matrix products that exploit sparsity in large worlds.

Actor x region arrays (forces, held ground) are mostly zero: an actor is present in a few of
many regions. An (n x n) @ (n x R) product costs n^2 R dense; with the right factor stored
sparse it costs about n x (non-zeros). Small worlds stay dense, where sparse overhead dominates.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

SPARSE_FROM = 50_000
"""Size (n x R entries) of the right factor from which products go through a sparse matrix."""


def actor_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """left (n x n) @ right (n x R) as a dense (n x R) array."""
    if right.size < SPARSE_FROM:
        return left @ right
    return np.asarray((sparse.csr_array(right).T @ left.T).T)
