"""Tensor.unfold: sliding windows along one dim, as a view, and the in-place shape methods
(squeeze_, unsqueeze_, t_, transpose_, swapaxes_, swapdims_) that re-point a tensor at a view
of itself.
"""
from .._tensor import Tensor
from ..autograd.function import Op
from ._dims import wrap_dim
from .shape import _mark_view, squeeze, t, transpose, unsqueeze

__all__ = []  # Tensor methods only, as in torch


class Unfold(Op):
    """y[..., i, ..., k] = x[..., i * step + k, ...] (windows of `size` along dim, as a new
    last dim; a view);  grad_x = each window's gradient added back where it came from."""

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.args = (x.shape, dim, size, step)
        if not x.ndim:  # a 0-d tensor unfolds to shape (1,)
            return x.reshape(1)
        count = (x.shape[dim] - size) // step + 1
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        strides = (x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:]
                   + (x.strides[dim],))
        return ctx.xp.lib.stride_tricks.as_strided(x, shape, strides)

    @staticmethod
    def backward(ctx, grad):
        return UnfoldBackward.apply(grad, *ctx.args), None, None, None


class UnfoldBackward(Op):
    """y = zeros(shape) with window i of x added at positions i * step ... i * step + size - 1
    along dim (the adjoint of Unfold);  grad_x = unfold(g)."""

    @staticmethod
    def forward(ctx, x, shape, dim, size, step):
        ctx.args = (dim, size, step)
        if not shape:
            return x.reshape(())
        out = ctx.xp.zeros(shape, x.dtype)
        count = x.shape[dim]
        lead = (slice(None),) * dim
        for k in range(size):  # one strided add per offset inside the window
            target = lead + (slice(k, k + (count - 1) * step + 1, step), Ellipsis)
            out[target] += x[..., k]
        return out

    @staticmethod
    def backward(ctx, grad):
        return unfold(grad, *ctx.args), None, None, None, None


def unfold(self, dimension, size, step):
    """All windows of `size` elements along `dimension`, `step` apart, as a new last dim
    (a view).

    Example:
        >>> ember.arange(5).unfold(0, 2, 2)
        tensor([[0, 1],
                [2, 3]])
    """
    shape = self._data.shape
    dim = wrap_dim(dimension, len(shape), "unfold")
    length = shape[dim] if shape else 1
    if size > length:
        raise RuntimeError(
            f"maximum size for tensor at dimension {dim} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    out = Unfold.apply(self, dim, size, step)
    return _mark_view(out, self, unfold, (dim, size, step))


def _in_place_view(view_fn, name):
    """A shape method that makes the tensor itself the view (torch changes its metadata):
    it takes the view's array, node and view steps; the data and version are shared."""
    def method(self, *args, **kwargs):
        if self._requires_grad and self.grad_fn is None:
            from ..autograd import grad_mode
            if grad_mode._state["enabled"]:
                raise RuntimeError(
                    f"a leaf Variable that requires grad is being used in an in-place "
                    f"operation ({name}). Hint: use the out-of-place {name[:-1]}.")
        view = view_fn(self, *args, **kwargs)
        self._data = view._data
        if view.grad_fn is not None:
            self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
        if self._base is not None and view._base is self._base:
            self._view_fn = view._view_fn
        return self
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place form of `{view_fn.__name__}`: the tensor takes the new shape."
    return method


Tensor.unfold = unfold
Tensor.squeeze_ = _in_place_view(squeeze, "squeeze_")
Tensor.unsqueeze_ = _in_place_view(unsqueeze, "unsqueeze_")
Tensor.t_ = _in_place_view(t, "t_")
Tensor.transpose_ = _in_place_view(transpose, "transpose_")
Tensor.swapaxes_ = _in_place_view(transpose, "swapaxes_")
Tensor.swapdims_ = _in_place_view(transpose, "swapdims_")
