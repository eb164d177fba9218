"""Weibull(scale, concentration): lifetimes with a power-law hazard."""
from .._tensor import Size
from ..ops.random import rand
from ..ops.special import lgamma
from . import constraints
from .distribution import Distribution
from .gumbel import _EULER
from .utils import broadcast_all, clamp_probs

__all__ = ["Weibull"]


class Weibull(Distribution):
    """The Weibull distribution: CDF 1 - e**(-(x / scale)**k), k = concentration.

    log p(x) = log(k / scale) + (k - 1) log(x / scale) - (x / scale)**k.

    Differs from PyTorch: a Distribution of its own rather than a TransformedDistribution of
    an Exponential (same values; rsample is scale * (-log u)**(1/k)).

    Example:
        >>> Weibull(ember.tensor(1.0), ember.tensor(2.0)).cdf(ember.tensor(1.0))
        tensor(0.6321)
    """

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        super().__init__(self.scale.size(), validate_args=validate_args)

    @property
    def mean(self):
        return self.scale * (lgamma(1 + self.concentration.reciprocal())).exp()

    @property
    def mode(self):
        k = self.concentration
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self):
        k_inv = self.concentration.reciprocal()
        return self.scale.pow(2) * (lgamma(1 + 2 * k_inv).exp()
                                     - lgamma(1 + k_inv).exp().pow(2))

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(rand(shape, dtype=self.scale.dtype, device=self.scale.device))
        return self.scale * (-u.log()).pow(self.concentration.reciprocal())

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        k, ratio = self.concentration, value / self.scale
        return (k / self.scale).log() + (k - 1) * ratio.log() - ratio.pow(k)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-(value / self.scale).pow(self.concentration)).exp()

    def icdf(self, value):
        return self.scale * (-(-value).log1p()).pow(self.concentration.reciprocal())

    def entropy(self):
        return (_EULER * (1 - self.concentration.reciprocal())
                + (self.scale / self.concentration).log() + 1)
