"""A pyabc sampler whose result depends on the seed only, on any of the project's executors.

pyabc's own parallel samplers draw each worker's random state from the operating system
(`MappingSampler` reseeds with `np.random.seed()`; the multicore and Dask samplers keep whichever
particles arrive first), so their posterior changes from run to run and from executor to
executor. Here generation t is n tasks, task k seeded with the k-th seed of
`SeedSequence([root_seed, t + 1])`; a task draws and simulates particles until one is accepted, and
the tasks are mapped in order (`map`-like on the serial, process and Dask executors), so the
population is the same whichever executor ran it and however many workers it had.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler
from tqdm import tqdm

Mapper = Callable[[Callable, list[bytes], list[int]], Iterator]
"""map(function, payloads, seeds) -> results in the order of the inputs."""


def accepted_particle(payload: bytes, seed: int):
    """One task: simulate particles from `seed` until one is accepted; (sample, evaluations)."""
    simulate_one, sample = cloudpickle.loads(payload)
    np.random.seed(seed)
    random.seed(seed)
    evaluations = 0
    while True:
        particle = simulate_one()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


class SeededSampler(Sampler):
    """Map one seeded task per wanted particle over `mapper` (see the module docstring)."""

    def __init__(self, mapper: Mapper, root_seed: int, progress: bool = True) -> None:
        super().__init__()
        self.mapper = mapper
        self.root_seed = root_seed
        self.progress = progress

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):  # noqa: ARG002
        seeds = [int(s) for s in np.random.SeedSequence([self.root_seed, t + 1]).generate_state(n)]
        payload = cloudpickle.dumps((simulate_one, self._create_empty_sample()))
        results: Iterable = self.mapper(accepted_particle, [payload] * n, seeds)
        label = "prior sample" if t < 0 else f"generation {t}"
        sample, evaluations = self._create_empty_sample(), 0
        for part, count in tqdm(results, total=n, desc=label, unit="particle", disable=not self.progress, leave=False):
            sample += part
            evaluations += count
        self.nr_evaluations_ = evaluations
        return sample
