"""LowRankMultivariateNormal(loc, cov_factor, cov_diag): N(loc, W Wᵀ + diag(D)), in O(n m²)."""
import math

from .._tensor import Size
from .. import linalg
from ..ops.creation import eye
from ..ops.random import randn
from ..ops.shape import broadcast_tensors
from . import constraints
from .distribution import Distribution
from .multivariate_normal import _solve_lower
from .utils import lazy_property

__all__ = ["LowRankMultivariateNormal"]


def _capacitance_tril(W, D):
    """The Cholesky factor of the capacitance C = I + Wᵀ D⁻¹ W, (..., m, m)."""
    m = W.shape[-1]
    K = (W.mT / D.unsqueeze(-2)) @ W
    return linalg.cholesky(K + eye(m, dtype=K.dtype, device=K.device))


def _lowrank_logdet(D, capacitance_tril):
    """log|W Wᵀ + D| = log|C| + log|D| (the matrix determinant lemma)."""
    return 2 * capacitance_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) + D.log().sum(-1)


def _lowrank_mahalanobis(W, D, x, capacitance_tril):
    """xᵀ (W Wᵀ + D)⁻¹ x = xᵀ D⁻¹ x - |L_C⁻¹ Wᵀ D⁻¹ x|² (the Woodbury identity)."""
    Wt_Dinv_x = ((W.mT / D.unsqueeze(-2)) @ x.unsqueeze(-1)).squeeze(-1)  # (..., m)
    return (x.pow(2) / D).sum(-1) - _solve_lower(capacitance_tril, Wt_Dinv_x).pow(2).sum(-1)


class LowRankMultivariateNormal(Distribution):
    """The multivariate normal with covariance Σ = W Wᵀ + diag(D) (W = cov_factor, n x m;
    D = cov_diag): log-determinant and Mahalanobis distance go through the m x m capacitance
    matrix C = I + Wᵀ D⁻¹ W, so m << n is cheap.

    Args:
        loc (Tensor): the mean, batch_shape + (n,).
        cov_factor (Tensor): W, batch_shape + (n, m).
        cov_diag (Tensor): D, positive, batch_shape + (n,).

    Example:
        >>> m = LowRankMultivariateNormal(ember.zeros(2), ember.tensor([[1.0], [0.0]]),
        ...                               ember.ones(2))
        >>> m.log_prob(ember.zeros(2))
        tensor(-2.1845)
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = loc.shape[-1:]
        if cov_factor.dim() < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if cov_factor.shape[-2:-1] != event_shape:
            raise ValueError(f"cov_factor must be a batch of matrices with shape "
                             f"{event_shape[0]} x m")
        if cov_diag.shape[-1:] != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, self.cov_factor, cov_diag_ = broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except RuntimeError as error:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor "
                             f"{cov_factor.shape}, cov_diag {cov_diag.shape}") from error
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        loc_shape = Size(batch_shape) + self.event_shape
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + self.cov_factor.shape[-1:])
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        return (self._unbroadcasted_cov_factor.pow(2).sum(-1)
                + self._unbroadcasted_cov_diag).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self):
        # Σ = D^½ (I + D^-½ W Wᵀ D^-½) D^½: factor the bracket, which is well conditioned.
        n = self._event_shape[0]
        diag_sqrt = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)  # (..., n, 1)
        Dinvsqrt_W = self._unbroadcasted_cov_factor / diag_sqrt
        K = Dinvsqrt_W @ Dinvsqrt_W.mT + eye(n, dtype=diag_sqrt.dtype, device=diag_sqrt.device)
        scale_tril = diag_sqrt * linalg.cholesky(K)
        return scale_tril.expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self):
        W = self._unbroadcasted_cov_factor
        covariance_matrix = W @ W.mT + self._unbroadcasted_cov_diag.diag_embed()
        return covariance_matrix.expand(
            self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self):
        # Woodbury: Σ⁻¹ = D⁻¹ - (L_C⁻¹ Wᵀ D⁻¹)ᵀ (L_C⁻¹ Wᵀ D⁻¹).
        Wt_Dinv = self._unbroadcasted_cov_factor.mT / self._unbroadcasted_cov_diag.unsqueeze(-2)
        A = linalg.solve_triangular(self._capacitance_tril, Wt_Dinv, upper=False)
        precision_matrix = self._unbroadcasted_cov_diag.reciprocal().diag_embed() - A.mT @ A
        return precision_matrix.expand(
            self._batch_shape + self._event_shape + self._event_shape)

    def rsample(self, sample_shape=Size()):
        """loc + W ε_W + D^½ ε_D with ε_W ~ N(0, I_m), ε_D ~ N(0, I_n), drawn in that order
        (as torch, so a seed gives torch's samples)."""
        shape = self._extended_shape(sample_shape)
        W_shape = shape[:-1] + self.cov_factor.shape[-1:]
        eps_W = randn(W_shape, dtype=self.loc.dtype, device=self.loc.device)
        eps_D = randn(shape, dtype=self.loc.dtype, device=self.loc.device)
        return (self.loc + (self._unbroadcasted_cov_factor @ eps_W.unsqueeze(-1)).squeeze(-1)
                + self._unbroadcasted_cov_diag.sqrt() * eps_D)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = _lowrank_mahalanobis(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                 value - self.loc, self._capacitance_tril)
        log_det = _lowrank_logdet(self._unbroadcasted_cov_diag, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + log_det + M)

    def entropy(self):
        log_det = _lowrank_logdet(self._unbroadcasted_cov_diag, self._capacitance_tril)
        H = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + log_det)
        return H if len(self._batch_shape) == 0 else H.expand(self._batch_shape)
