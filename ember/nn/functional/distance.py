"""Distances and normalisation: cosine_similarity, pairwise_distance, pdist, cdist, normalize.

All are built from ember ops; the p-norms come from ember.linalg.vector_norm, whose gradient
is 0 (not nan) at a zero vector, as torch's.
"""
from ..._dtype import FLOAT_NP
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...linalg import vector_norm
from ...ops.shape import broadcast_tensors

# cdist is torch.cdist only (ember/__init__.py exports it), not in torch.nn.functional
__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]

_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                "donot_use_mm_for_euclid_dist")


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


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """‖x1_i - x2_j‖_p for every row i of x1 and row j of x2: (B..., P, M) and (B..., R, M)
    give (B..., P, R), the batch dims broadcast.

    For p = 2 with more than 25 rows on either side (or compute_mode='use_mm_for_euclid_dist'),
    the distances come from one matrix product, sqrt(‖a‖² + ‖b‖² - 2 a·b), as in torch: far
    less memory than the differences, a little less accuracy for near points. Otherwise every
    difference is formed and its p-norm taken (p = 0 counts the nonzero differences, p = inf
    takes the largest). The gradient is 0 where a distance is 0, as in torch.

    Example:
        >>> ember.cdist(ember.tensor([[0., 0.], [1., 1.]]), ember.tensor([[3., 4.]]))
        tensor([[5.0000],
                [3.6056]])
    """
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{x.dim()}D")
        if x._data.dtype not in FLOAT_NP:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{str(x.dtype).replace('ember.', '')}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"cdist: expected both inputs to have the same dtype, got {x1.dtype} "
                           f"and {x2.dtype}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == _CDIST_MODES[0] and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    if use_mm:
        squares1 = (x1 * x1).sum(-1, keepdim=True)                   # (B, P, 1)
        squares2 = (x2 * x2).sum(-1).unsqueeze(-2)                   # (B, 1, R)
        squared = squares1 + squares2 - 2 * (x1 @ x2.transpose(-2, -1))
        # torch's floor: sqrt's gradient stays finite, and the clamp gives 0 at 0
        return squared.clamp_min(1e-30).sqrt()
    difference = x1.unsqueeze(-2) - x2.unsqueeze(-3)                 # (B, P, R, M)
    return vector_norm(difference, p, dim=-1)
