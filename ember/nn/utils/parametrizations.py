"""Ready-made parametrizations (see parametrize.py): weight_norm, spectral_norm, orthogonal.

Each registers a small Module on the tensor, so the state dict keys are torch's:
`parametrizations.weight.original0/original1` (weight_norm's g and v),
`parametrizations.weight.original` plus `parametrizations.weight.0._u/_v` (spectral_norm),
`parametrizations.weight.original` plus `parametrizations.weight.0.base` (orthogonal).
"""
from enum import Enum, auto

from ... import _dtype
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...linalg import householder_product, matrix_exp, qr, solve
from ...ops.creation import eye, zeros_like
from ...ops.join import cat
from ...ops.linalg import mv, vdot
from ...ops.random import randn
from ...ops.reduce import _weight_norm, norm_except_dim
from .. import functional as F
from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _is_orthogonal(Q):
    n, k = Q.size(-2), Q.size(-1)
    identity = eye(k, dtype=Q.dtype, device=Q.device)
    eps = 10.0 * n * _dtype.finfo(Q.dtype).eps
    return bool((Q.mH @ Q).allclose(identity, atol=eps))


def _make_orthogonal(A):
    """The Q of A's QR decomposition, columns signed so that R has a positive diagonal
    (torch's geqrf + householder_product; LAPACK's QR gives the same Q)."""
    Q, R = qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """Maps an unconstrained matrix X to an orthogonal one (tall: orthonormal columns; wide:
    rows): matrix_exp / cayley of the skew-symmetric A = tril(X) - tril(X)^T, or the
    Householder reflectors below X's diagonal. With the trivialization, the result is
    multiplied by the `base` buffer, the orthogonal matrix assigned last."""

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:  # pad to square: (*, n, k) -> (*, n, n)
                X = cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:
                identity = eye(n, dtype=A.dtype, device=A.device)
                Q = solve(identity - 0.5 * A, identity + 0.5 * A)  # (I - A/2)^-1 (I + A/2)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = householder_product(A, tau)
            # the sign of each reflector comes from X's diagonal, truncated to an integer
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        with grad_mode.no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        Q_init = Q
        n, k = Q.size(-2), Q.size(-1)
        if n < k:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False.")
            raise NotImplementedError(
                "orthogonal(use_trivialization=False, orthogonal_map='householder'): ember "
                "has no geqrf; keep the default use_trivialization=True")
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:  # complete Q's columns into an n x n orthogonal matrix
            N = randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _make_orthogonal(cat([Q, N], dim=-1))
        self.base = Q
        # -Id: the householder map sends zeros below the diagonal and -1 on it to Id
        neg_identity = zeros_like(Q_init)
        neg_identity.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_identity


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Constrain module.<name> to an orthogonal matrix (or batch): Q^T Q = I for tall and
    square ones, Q Q^T = I for wide ones.

    orthogonal_map: "matrix_exp", "cayley" or "householder"; by default matrix_exp for a
    square matrix and householder otherwise, as torch. The initial value (and each value
    assigned later) is made orthogonal through QR and kept in the `base` buffer.

    Differs from PyTorch: use_trivialization=False works only with matrix_exp and cayley
    (torch's householder path needs geqrf), and real tensors only.

    Example:
        >>> m = orthogonal(ember.nn.Linear(3, 3))
        >>> bool((m.weight @ m.weight.T).allclose(ember.eye(3), atol=1e-5))
        True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. Got a tensor of "
                         f"{weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.size(-2) == weight.size(-1) else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


class _WeightNorm(Module):
    """w = g * v / ||v||, from original0 = g and original1 = v."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Weight normalisation: module.<name> = g * v / ||v||, the norm over every dim but
    `dim` (dim=None: over all of it), g and v learned instead of the weight.

    g and v are `parametrizations.<name>.original0` and `original1`; state dicts with the
    old keys `<name>_g` / `<name>_v` (from nn.utils.weight_norm) load into them.

    Example:
        >>> m = weight_norm(ember.nn.Linear(4, 2))
        >>> m.parametrizations.weight.original0.shape
        ember.Size([2, 1])
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(module, state_dict, prefix, local_metadata, strict,
                                 missing_keys, unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module.register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    """w / sigma(w), sigma the largest singular value of w as a matrix (`dim` first, the
    rest flattened), estimated by power iteration on the buffers _u and _v; the iteration
    advances only in training mode."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)  # start from a good estimate, as torch

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        with grad_mode.no_grad():
            for _ in range(n_power_iterations):
                # in place, like torch's out=: the buffers stay the same tensors
                self._u.copy_(F.normalize(mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(mv(weight_mat.H, self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # clones: the next training forward overwrites the buffers this graph would save
        u = self._u.clone()
        v = self._v.clone()
        sigma = vdot(u, mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalisation: module.<name> = W / sigma(W), sigma W's largest singular
    value, estimated by `n_power_iterations` steps of power iteration per training forward.

    dim: the output dim (default 0; 1 for ConvTranspose). The original weight is
    `parametrizations.<name>.original`, the iteration's vectors the buffers
    `parametrizations.<name>.0._u` and `._v`.

    Example:
        >>> m = spectral_norm(ember.nn.Linear(20, 40))
        >>> m.parametrizations.weight.original.shape
        ember.Size([40, 20])
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        transposed = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, transposed) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
