"""The proposal of the ABC-SMC generations: one Student t fitted to the last population (pyabc Transition).

pyabc's default, `MultivariateNormalTransition`, perturbs a particle of the last population by a
Gaussian kernel: its density is a mixture of one bump per particle, which in ten dimensions and
with a few hundred particles is lumpy, so the importance weights (prior over proposal) vary
widely. Here the proposal is one distribution centred on the last population's weighted mean, its
shape the weighted covariance times `scaling` (an independent proposal, as in population Monte
Carlo, Cappé et al. 2004): its density is smooth, so the weights vary only as much as prior and
proposal differ in shape.

The width matters. Where the patterns say nothing, the posterior is the N(0, 1) prior of the
probit space (`run.prior`) and, with a Gaussian proposal of variance s², the second moment of the
normalised weight is s² / sqrt(2 s² - 1) in each such dimension: 1.014 at s² = 1.2 but 1.155 at
s² = 2 (Beaumont et al. 2009's twice-the-covariance kernel), which over ten dimensions is an
effective sample size of about 87% against 24% (measured with 2: 22% and 19% of 60 particles).
Below 1 the proposal's tails are lighter than the target's and the weights have no bound; the
sample covariance of a few hundred particles in ten dimensions is off by some tens of per cent in
its extreme directions, so 1.2 keeps a margin on both sides.

So do the tails. Where the patterns cut the prior unevenly the posterior is not Gaussian, and
the few accepted particles out in its tails, where a Gaussian fitted to the generation before is
thin, carry the largest weights (an importance density needs tails at least as heavy as the
target's: Geweke 1989). With `df` finite the proposal is a multivariate Student t with that shape
(covariance df / (df - 2) times it), whose density falls off as a power, not as exp(-d²/2): on the
Levant calibration (eleven free, 400 particles) the Gaussian kept 66%, 63%, 36% and 13% of the
particles effective after the first generation, the t with 5 degrees of freedom 45%, 45%, 42% and
41%. df = inf is the Gaussian. Neither can follow a posterior with several modes; a falling
acceptance rate would show that.

Cappé, O., Guillin, A., Marin, J.-M. & Robert, C. P. (2004). Population Monte Carlo. *Journal of
Computational and Graphical Statistics* 13(4), 907-929.
Geweke, J. (1989). Bayesian inference in econometric models using Monte Carlo integration.
*Econometrica* 57(6), 1317-1339.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyabc.parameters import Parameter
from pyabc.transition import Transition
from scipy import stats


class FittedProposal(Transition):
    """Multivariate Student t with `df` degrees of freedom, centred on the last population's weighted
    mean, with shape matrix `scaling` x its weighted covariance (df = inf: the Gaussian)."""

    def __init__(self, scaling: float, df: float) -> None:
        """`scaling` and `df` as the calibration file's `transition_scaling` and `transition_df` (config.ABCSettings)."""
        self.scaling = scaling
        self.df = df

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        self.mean = np.average(X.to_numpy(), axis=0, weights=w)
        cov = np.atleast_2d(np.cov(X.to_numpy(), rowvar=False, aweights=w))
        self.shape = cov * self.scaling
        if np.isinf(self.df):
            self.density = stats.multivariate_normal(mean=self.mean, cov=self.shape, allow_singular=True)
        else:
            self.density = stats.multivariate_t(loc=self.mean, shape=self.shape, df=self.df, allow_singular=True)

    def rvs_single(self) -> Parameter:
        # np.random's global state, which the sampler seeds per task (a frozen scipy distribution
        # would carry a copy of the state into each task and draw the same particle in all)
        draw = np.random.multivariate_normal(np.zeros(self.mean.size), self.shape)
        if not np.isinf(self.df):
            draw = draw / np.sqrt(np.random.chisquare(self.df) / self.df)
        return Parameter(dict(zip(self.X.columns, self.mean + draw)))

    def pdf(self, x: Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        if isinstance(x, pd.DataFrame):
            return np.atleast_1d(self.density.pdf(x[self.X.columns].to_numpy()))
        return float(self.density.pdf(np.array([x[key] for key in self.X.columns])))
