"""MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril)."""
import math

from .._tensor import Size
from .. import linalg
from ..ops.creation import eye
from ..ops.join import flip
from ..ops.random import randn
from ..ops.shape import broadcast_shapes
from . import constraints
from .distribution import Distribution
from .utils import lazy_property

__all__ = ["MultivariateNormal"]


def _solve_lower(L, b):
    """L⁻¹ b for lower-triangular L (..., n, n) and vectors b (..., n), batch dims broadcast."""
    n = L.shape[-1]
    batch = broadcast_shapes(L.shape[:-2], b.shape[:-1])
    rhs = b.expand(batch + (n,)).unsqueeze(-1)
    return linalg.solve_triangular(L, rhs, upper=False).squeeze(-1)


def _precision_to_scale_tril(P):
    """The lower Cholesky factor of P⁻¹, from the Cholesky factor of P with its rows and
    columns reversed (no inverse of P itself is formed)."""
    Lf = linalg.cholesky(flip(P, (-2, -1)))
    L_inv = flip(Lf, (-2, -1)).mT
    identity = eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return linalg.solve_triangular(L_inv, identity.expand(L_inv.shape), upper=False)


class MultivariateNormal(Distribution):
    """The multivariate normal N(loc, Σ), parameterized by exactly one of the covariance Σ,
    the precision Σ⁻¹ or the lower Cholesky factor L of Σ = L Lᵀ (the cheapest).

    Args:
        loc (Tensor): the mean, (..., n).
        covariance_matrix (Tensor): positive-definite Σ, (..., n, n).
        precision_matrix (Tensor): positive-definite Σ⁻¹, (..., n, n).
        scale_tril (Tensor): lower-triangular L with a positive diagonal, (..., n, n).

    Example:
        >>> m = MultivariateNormal(ember.zeros(2), ember.eye(2))
        >>> m.log_prob(ember.zeros(2))
        tensor(-1.8379)
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [(name, matrix) for name, matrix in (("scale_tril", scale_tril),
                                                     ("covariance_matrix", covariance_matrix),
                                                     ("precision_matrix", precision_matrix))
                 if matrix is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        name, matrix = given[0]
        if matrix.dim() < 2:
            raise ValueError(f"{name} matrix must be at least two-dimensional, with optional "
                             f"leading batch dimensions")
        batch_shape = broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = Size(batch_shape)
        new.loc = self.loc.expand(batch_shape + self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        matrix_shape = batch_shape + self.event_shape + self.event_shape
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(matrix_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(
            self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self):
        L = self._unbroadcasted_scale_tril
        identity = eye(L.shape[-1], dtype=L.dtype, device=L.device)
        L_inv = linalg.solve_triangular(L, identity.expand(L.shape), upper=False)
        return (L_inv.mT @ L_inv).expand(
            self._batch_shape + self._event_shape + self._event_shape)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(
            self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=Size()):
        """loc + L ε with ε ~ N(0, I)."""
        shape = self._extended_shape(sample_shape)
        eps = randn(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        mahalanobis = _solve_lower(self._unbroadcasted_scale_tril, value - self.loc).pow(2).sum(-1)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + mahalanobis) - self._half_log_det()

    def entropy(self):
        n = self._event_shape[0]
        entropy = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return entropy if len(self._batch_shape) == 0 else entropy.expand(self._batch_shape)
