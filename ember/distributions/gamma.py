"""Gamma(concentration, rate), with reparameterized samples."""
from numbers import Number

from .._tensor import Size
from ..ops.binary import xlogy
from ..ops.special import digamma, gammainc, lgamma, standard_gamma
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Gamma"]


class Gamma(Distribution):
    """The gamma distribution, density rate**α x**(α-1) e**(-rate x) / Γ(α) for x > 0.

    rsample is differentiable in both parameters: the concentration through the implicit
    gradient of the gamma CDF (See NOTE [ Implicit reparameterization of gamma samples ] in
    ember/ops/special.py).

    Args:
        concentration (float or Tensor): shape α, > 0.
        rate (float or Tensor): rate = 1 / scale, > 0.

    Example:
        >>> Gamma(ember.tensor([2.0]), ember.tensor([4.0])).mean
        tensor([0.5000])
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, Number) and isinstance(rate, Number)
        batch_shape = Size() if scalar else self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        return standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (xlogy(self.concentration, self.rate) + xlogy(self.concentration - 1, value)
                - self.rate * value - lgamma(self.concentration))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)

    def entropy(self):
        return (self.concentration - self.rate.log() + lgamma(self.concentration)
                + (1.0 - self.concentration) * digamma(self.concentration))
