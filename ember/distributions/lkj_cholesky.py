"""LKJCholesky(dim, concentration): Cholesky factors of LKJ-distributed correlation matrices."""
import math

from .._tensor import Size
from ..autograd.grad_mode import no_grad
from ..ops.compare import where
from ..ops.creation import arange
from ..ops.join import cat
from ..ops.random import randn
from ..ops.special import lgamma, mvlgamma
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all, finfo

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """The LKJ distribution over lower Cholesky factors L of dim x dim correlation matrices,
    p(L L^T) ∝ det(L L^T)**(η - 1), η = concentration;  in terms of L:
    log p(L) = Σ_{i=2..D} (2(η - 1) + D - i) log L_ii - log Z(η).

    Sampling is the onion method (Ghosh & Henderson, 2003, as torch): each row gets a
    Beta-distributed squared norm and a uniform direction. Its Beta draws are gamma-based, so
    a seed does not give torch's samples.

    Example:
        >>> LKJCholesky(3, 0.5).sample().shape
        ember.Size([3, 3])
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = arange(self.dim - 1, dtype=self.concentration.dtype,
                        device=self.concentration.device)
        offset = cat([offset.new_zeros((1,)), offset])  # (D,): 0, 0, 1, ..., D-2
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.shape, Size((dim, dim)), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=Size()):
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)  # (..., D, 1): squared row norms
            u_normal = randn(self._extended_shape(sample_shape), dtype=y.dtype,
                             device=y.device).tril(-1)
            u_hypersphere = u_normal / u_normal.pow(2).sum(-1, keepdim=True).sqrt()
            first_row = arange(self.dim, device=y.device).unsqueeze(-1) == 0  # (D, 1)
            u_hypersphere = where(first_row, 0.0, u_hypersphere)  # row 0 was 0 / 0
            w = y.sqrt() * u_hypersphere
            tiny = float(finfo(w.dtype).tiny)
            diag_elems = (1 - w.pow(2).sum(-1)).clamp(min=tiny).sqrt()
            return w + diag_elems.diag_embed()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = (order * diag_elems.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = lgamma(alpha) * dm1
        numerator = mvlgamma(alpha - 0.5, dm1)
        normalize_term = 0.5 * dm1 * math.log(math.pi) + numerator - denominator
        return unnormalized_log_pdf - normalize_term
