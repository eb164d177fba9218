"""Distance layers: CosineSimilarity and PairwiseDistance, Modules around their functional
forms."""
from .. import functional as F
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Σ x1 x2 / (max(‖x1‖, eps) max(‖x2‖, eps)) along `dim`.

    Example:
        >>> ember.nn.CosineSimilarity(dim=0)(ember.tensor([1., 0.]), ember.tensor([1., 1.]))
        tensor(0.7071)
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """‖x1 - x2 + eps‖_p along the last dim.

    Example:
        >>> ember.nn.PairwiseDistance(eps=0.)(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))
        tensor([5.])
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
