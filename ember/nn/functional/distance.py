"""Distances and normalisation: cosine_similarity, pairwise_distance, pdist, normalize.

All are built from ember ops; the p-norms come from ember.linalg.vector_norm, whose gradient
is 0 (not nan) at a zero vector, as torch's.
"""
from ..._dtype import FLOAT_NP
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...linalg import vector_norm
from ...ops.shape import broadcast_tensors

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(‖input‖_p, eps) along `dim`: each slice scaled to unit p-norm.

    Args:
        input: a floating tensor.
        p: the norm's exponent.
        dim: the dim to normalise over.
        eps: the smallest divisor, so a zero slice stays zero.

    Example:
        >>> F.normalize(ember.tensor([[3., 4.]]))
        tensor([[0.6000, 0.8000]])
    """
    denominator = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denominator
    return input.div(denominator, out=out)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ x1 x2 / (max(‖x1‖, eps) max(‖x2‖, eps)) along `dim`, inputs broadcast together.

    Each input is divided by its norm first (more stable, and the result stays in [-1, 1]);
    the clamp at eps does not block the gradient, as in torch.

    Example:
        >>> F.cosine_similarity(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]))
        tensor([0.7071])
    """
    for x in (x1, x2):
        if not isinstance(x, Tensor):
            raise TypeError(f"cosine_similarity(): arguments must be Tensors, not "
                            f"{type(x).__name__}")
    if x1._data.dtype not in FLOAT_NP and x2._data.dtype not in FLOAT_NP:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{str(x1.dtype).replace('ember.', '')}")
    x1, x2 = broadcast_tensors(x1, x2)
    # clones, clamped in place outside the graph: the clamp must not block the gradient
    norm1 = vector_norm(x1, 2, dim=dim, keepdim=True).clone()
    norm2 = vector_norm(x2, 2, dim=dim, keepdim=True).clone()
    with grad_mode.no_grad():
        norm1.clamp_min_(eps)
        norm2.clamp_min_(eps)
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 - x2 + eps‖_p along the last dim, inputs broadcast together.

    Example:
        >>> F.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]), eps=0.)
        tensor([5.])
    """
    difference = x1 - x2 + eps
    last = max(x1.dim(), x2.dim()) - 1
    return vector_norm(difference, p, dim=max(last, 0) if difference.dim() else None,
                       keepdim=keepdim)


def pdist(input, p=2):
    """‖x_i - x_j‖_p for every pair of rows i < j of an (N, M) input, as (N (N - 1) / 2,).

    Example:
        >>> F.pdist(ember.tensor([[0., 0.], [3., 4.], [0., 1.]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from ...backend import xp_of
    xp = xp_of(input._data)
    rows, cols = xp.triu_indices(input.shape[0], 1)
    first = input.index_select(0, Tensor._make(rows))
    second = input.index_select(0, Tensor._make(cols))
    return vector_norm(first - second, p, dim=1)
