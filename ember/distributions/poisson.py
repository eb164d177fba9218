"""Poisson(rate): counts of events at a constant rate."""
from numbers import Number

from .._tensor import Size
from ..autograd.grad_mode import no_grad
from ..ops.random import poisson
from ..ops.special import lgamma
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(Distribution):
    """The Poisson distribution, P(k) = rate**k e**(-rate) / k! for k = 0, 1, 2, ...

    Args:
        rate (Number or Tensor): the mean, >= 0.

    Example:
        >>> Poisson(ember.tensor([4.0])).log_prob(ember.tensor([2.0]))
        tensor([-1.9206])
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        scalar = isinstance(rate, Number)
        super().__init__(Size() if scalar else self.rate.size(), validate_args=validate_args)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return poisson(self.rate.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - lgamma(value + 1)
