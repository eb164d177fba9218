"""Dirichlet(concentration): distributions over the probability simplex."""
from ..nn.functional import one_hot
from ..ops.binary import xlogy
from ..ops.special import digamma, lgamma, standard_gamma
from . import constraints
from .distribution import Distribution
from .utils import finfo

__all__ = ["Dirichlet"]


def _dirichlet_sample(concentration):
    """Normalized gamma samples; differentiable in the concentration, since each gamma
    sample is (See NOTE [ Implicit reparameterization of gamma samples ]). As torch's
    _sample_dirichlet: gammas and their sums in float64, kept inside (0, 1) in the dtype."""
    gammas = standard_gamma(concentration.double())
    share = (gammas / gammas.sum(-1, keepdim=True)).to(concentration.dtype)
    info = finfo(concentration.dtype)
    return share.clamp(min=float(info.tiny), max=1 - float(info.eps) / 2)


class Dirichlet(Distribution):
    """The Dirichlet distribution, density Γ(Σα) / ΠΓ(α_i) · Π x_i**(α_i - 1) on the simplex.

    Args:
        concentration (Tensor): α, > 0, at least one-dimensional (the last dim is the event).

    Example:
        >>> m = Dirichlet(ember.tensor([1.0, 1.0]))
        >>> m.sample().shape
        ember.Size([2])
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return _dirichlet_sample(self.concentration.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (xlogy(self.concentration - 1.0, value).sum(-1)
                + lgamma(self.concentration.sum(-1)) - lgamma(self.concentration).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        """(α - 1) / Σ(α - 1) with α - 1 clamped at 0; a vertex where every α < 1, as torch."""
        shifted = (self.concentration - 1).clamp(min=0.0)
        mode = shifted / shifted.sum(-1, keepdim=True)
        vertex = one_hot(mode.argmax(-1), shifted.shape[-1]).to(mode.dtype)
        all_below_one = (self.concentration < 1).all(-1, keepdim=True)
        return vertex.where(all_below_one, mode)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total.pow(2) * (total + 1))

    def entropy(self):
        k = self.concentration.size(-1)
        total = self.concentration.sum(-1)
        return (lgamma(self.concentration).sum(-1) - lgamma(total)
                - (k - total) * digamma(total)
                - ((self.concentration - 1.0) * digamma(self.concentration)).sum(-1))


