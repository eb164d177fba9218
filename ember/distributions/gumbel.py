"""Gumbel(loc, scale): the distribution of maxima (type-I extreme value)."""
import math
from numbers import Number

from .._tensor import Size
from ..ops.random import rand
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, finfo

__all__ = ["Gumbel"]

_EULER = 0.57721566490153286060


class Gumbel(Distribution):
    """The Gumbel distribution: CDF e**(-e**(-(x - loc) / scale)).

    log p(x) = y - e**y - log scale with y = (loc - x) / scale.

    Differs from PyTorch: a Distribution of its own rather than a TransformedDistribution of
    a Uniform (same values; rsample is loc - scale * log(-log u)).

    Example:
        >>> Gumbel(0.0, 1.0).log_prob(ember.tensor(0.0))
        tensor(-1.)
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        scalar = isinstance(loc, Number) and isinstance(scale, Number)
        super().__init__(Size() if scalar else self.loc.size(), validate_args=validate_args)

    @property
    def mean(self):
        return self.loc + self.scale * _EULER

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def rsample(self, sample_shape=Size()):
        """loc - scale * log(-log u), u ~ U(tiny, 1 - eps) as torch's base Uniform."""
        shape = self._extended_shape(sample_shape)
        info = finfo(self.loc.dtype)
        u = rand(shape, dtype=self.loc.dtype, device=self.loc.device)
        u = u * (1 - float(info.eps) - float(info.tiny)) + float(info.tiny)
        return self.loc - self.scale * (-u.log()).log()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (self.loc - value) / self.scale
        return (y - y.exp()) - self.scale.log()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (-(-(value - self.loc) / self.scale).exp()).exp()

    def icdf(self, value):
        return self.loc - self.scale * (-value.log()).log()

    def entropy(self):
        return self.scale.log() + (1 + _EULER)
