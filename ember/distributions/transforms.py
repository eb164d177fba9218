"""Transforms: invertible maps y = f(x) with log|det df/dx|, for TransformedDistribution.

Only the elementwise transforms LogNormal and everyday code need are here: ExpTransform,
AffineTransform and SigmoidTransform.
"""
import math

from .._tensor import Tensor
from ..nn.functional import softplus
from . import constraints
from .utils import finfo

__all__ = ["AffineTransform", "ExpTransform", "SigmoidTransform", "Transform"]


class Transform:
    """An invertible map; `t(x)`, `t.inv(y)`, `t.log_abs_det_jacobian(x, y)`.

    domain, codomain: the Constraints x and y live in; sign: +1 or -1 for monotone maps.
    """

    bijective = True
    sign = 1
    domain = constraints.real
    codomain = constraints.real

    def __call__(self, x):
        return self._call(x)

    @property
    def inv(self):
        return _InverseTransform(self)

    def _call(self, x):
        raise NotImplementedError

    def _inverse(self, y):
        raise NotImplementedError

    def log_abs_det_jacobian(self, x, y):
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__ + "()"


class _InverseTransform(Transform):
    def __init__(self, transform):
        self._inv = transform

    @property
    def sign(self):
        return self._inv.sign

    @property
    def domain(self):
        return self._inv.codomain

    @property
    def codomain(self):
        return self._inv.domain

    @property
    def inv(self):
        return self._inv

    def _call(self, x):
        return self._inv._inverse(x)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)


class ExpTransform(Transform):
    """y = e**x."""

    codomain = constraints.positive

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class SigmoidTransform(Transform):
    """y = 1 / (1 + e**-x), kept inside (0, 1) by the dtype's eps on the way back."""

    codomain = constraints.unit_interval

    def _call(self, x):
        eps = float(finfo(x.dtype).eps)
        return x.sigmoid().clamp(min=eps, max=1 - eps)

    def _inverse(self, y):
        eps = float(finfo(y.dtype).eps)
        y = y.clamp(min=eps, max=1 - eps)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        return -softplus(-x) - softplus(x)


class AffineTransform(Transform):
    """y = loc + scale * x (elementwise; event_dim > 0 sums the log-determinant over the
    rightmost event_dim dims)."""

    def __init__(self, loc, scale, event_dim=0):
        self.loc = loc
        self.scale = scale
        self.event_dim = event_dim

    @property
    def domain(self):
        return constraints.independent(constraints.real, self.event_dim) if self.event_dim \
            else constraints.real

    codomain = domain

    @property
    def sign(self):
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        return 1 if self.scale > 0 else -1

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        if isinstance(self.scale, Tensor):
            result = self.scale.abs().log().expand(x.shape)
        else:
            result = x.new_full(x.shape, math.log(abs(self.scale)))
        if self.event_dim:
            result = result.reshape(tuple(result.shape[:result.dim() - self.event_dim]) + (-1,))
            result = result.sum(-1)
        return result
