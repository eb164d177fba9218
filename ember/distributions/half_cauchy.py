"""HalfCauchy(scale): |x| for x ~ Cauchy(0, scale)."""
import math

from ..ops.creation import full
from ._half import Half
from .cauchy import Cauchy

__all__ = ["HalfCauchy"]


class HalfCauchy(Half):
    """The half-Cauchy distribution: log p(x) = log Cauchy(x; 0, scale) + log 2 for x >= 0;
    cdf(x) = 2 Cauchy.cdf(x) - 1.  Its mean is infinite.

    Args:
        scale (float or Tensor): the scale of the full Cauchy distribution.

    Example:
        >>> HalfCauchy(1.0).log_prob(ember.tensor(1.0))
        tensor(-1.1447)
    """

    def __init__(self, scale, validate_args=None):
        super().__init__(Cauchy(0, scale, validate_args=False), validate_args=validate_args)

    @property
    def mean(self):
        return full(self._extended_shape(), math.inf, dtype=self.scale.dtype,
                    device=self.scale.device)

    @property
    def variance(self):
        return self.base_dist.variance
