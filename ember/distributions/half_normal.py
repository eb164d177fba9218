"""HalfNormal(scale): |x| for x ~ Normal(0, scale)."""
import math

from ._half import Half
from .normal import Normal

__all__ = ["HalfNormal"]


class HalfNormal(Half):
    """The half-normal distribution: log p(x) = log N(x; 0, scale) + log 2 for x >= 0.

    Example:
        >>> HalfNormal(1.0).mean
        tensor(0.7979)
    """

    def __init__(self, scale, validate_args=None):
        super().__init__(Normal(0, scale, validate_args=False), validate_args=validate_args)

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)
