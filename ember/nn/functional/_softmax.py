"""softmax, log_softmax and softmin along a dim, each one Op with a one-Op backward.

The backward Ops (`SoftmaxGrad`, `LogSoftmaxGrad`) are differentiable in turn, so
create_graph=True records one node per derivative order. ember.nn.functional exports these
through activation.py; Tensor.softmax and Tensor.log_softmax are bound here.
"""
import warnings

from ..._dtype import FLOAT_NP
from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops._dims import wrap_dim
from ...amp import autocast_mode
from ...backend import fused

__all__ = ["softmax", "log_softmax", "softmin"]


def _check_tensor(input, op_name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


class SoftmaxGrad(Op):
    """grad_x = y (g - Σ g y), the backward of softmax (y its output), itself differentiable:
    d/dg = y (gg - Σ gg y) (this op again, the Jacobian is symmetric),
    d/dy = gg (g - Σ g y) - g Σ gg y."""

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.save_for_backward(grad, y)
        ctx.dim = dim
        kernel = fused(ctx.xp, "softmax_grad")  # one GPU launch where the backend has one
        grad_x = None if kernel is None else kernel(grad, y, dim)
        if grad_x is not None:
            return grad_x
        grad_y = grad * y
        grad_y -= y * grad_y.sum(axis=dim, keepdims=True)
        return grad_y

    @staticmethod
    def backward(ctx, grad_grad):
        grad, y = ctx.saved_tensors
        dim = ctx.dim
        need_grad, need_y = ctx.needs_input_grad[:2]
        grad_of_grad = SoftmaxGrad.apply(grad_grad, y, dim) if need_grad else None
        grad_y = None
        if need_y:
            total = (grad * y).sum(dim, keepdim=True)
            grad_y = grad_grad * (grad - total) - grad * (grad_grad * y).sum(dim, keepdim=True)
        return grad_of_grad, grad_y, None


class Softmax(Op):
    """y = e^x / Σ e^x along dim (shifted by the max, so no overflow);  grad: SoftmaxGrad."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        kernel = fused(xp, "softmax")  # one GPU launch where the backend has one
        y = None if kernel is None else kernel(x, dim)
        if y is None:
            y = x - x.max(axis=dim, keepdims=True) if x.size else x.copy()  # no overflow
            xp.exp(y, out=y)
            y /= y.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)  # backward needs only the output
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return SoftmaxGrad.apply(grad, y, ctx.dim), None


class LogSoftmaxGrad(Op):
    """grad_x = g - e^y Σ g, the backward of log_softmax (y its output), differentiable:
    d/dg = gg - Σ gg e^y,  d/dy = -gg e^y Σ g."""

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.save_for_backward(grad, y)
        ctx.dim = dim
        kernel = fused(ctx.xp, "log_softmax_grad")  # one GPU launch where there is one
        grad_x = None if kernel is None else kernel(grad, y, dim)
        if grad_x is not None:
            return grad_x
        return grad - ctx.xp.exp(y) * grad.sum(axis=dim, keepdims=True)

    @staticmethod
    def backward(ctx, grad_grad):
        grad, y = ctx.saved_tensors
        dim = ctx.dim
        need_grad, need_y = ctx.needs_input_grad[:2]
        probs = y.exp()
        grad_of_grad = grad_grad - (grad_grad * probs).sum(dim, keepdim=True) if need_grad \
            else None
        grad_y = -grad_grad * probs * grad.sum(dim, keepdim=True) if need_y else None
        return grad_of_grad, grad_y, None


class LogSoftmax(Op):
    """y = x - log Σ e^x along dim (shifted by the max);  grad: LogSoftmaxGrad."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        kernel = fused(xp, "log_softmax")  # one GPU launch where the backend has one
        y = None if kernel is None else kernel(x, dim)
        if y is None and x.size == 0:  # max() of an empty slice would raise
            y = x.copy()
        elif y is None:
            y = x - x.max(axis=dim, keepdims=True)
            y -= xp.log(xp.exp(y).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return LogSoftmaxGrad.apply(grad, y, ctx.dim), None


def _softmax_dim(name, ndim, stacklevel):
    """torch's implicit-dim rule (deprecated): 0 for 0-, 1- and 3-d inputs, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  f"to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_args(input, dim, dtype, name, stacklevel):
    _check_tensor(input, name)
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype not in FLOAT_NP:
        raise NotImplementedError(
            f"{name}: not implemented for dtype {input.dtype}; pass dtype=ember.float32 or "
            f"convert the input with .float() first")
    ndim = input._data.ndim
    if dim is None:
        dim = _softmax_dim(name, ndim, stacklevel + 1)
    return input, wrap_dim(dim, ndim, name)


def _apply_along(op, input, dim):
    """op along dim; a 0-d input goes through as one element (numpy's reductions of 0-d
    arrays return scalars, not arrays)."""
    if input._data.ndim:
        return op.apply(input, dim)
    return op.apply(input.reshape(1), 0).reshape(())


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """e^x / Σ e^x along `dim`: each slice becomes a probability distribution.

    Args:
        input: a floating tensor.
        dim: the dim to normalise over (None: torch's deprecated implicit choice, with a
            warning).
        dtype: cast the input to this dtype first.

    Example:
        >>> F.softmax(ember.tensor([0., 0.]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("softmax", softmax, input, dim, _stacklevel, dtype=dtype)
    input, dim = _softmax_args(input, dim, dtype, "softmax", _stacklevel)
    return _apply_along(Softmax, input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - log Σ e^x along `dim`, the log of softmax computed stably.

    Example:
        >>> F.log_softmax(ember.tensor([0., 0.]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("log_softmax", log_softmax, input, dim, _stacklevel,
                                      dtype=dtype)
    input, dim = _softmax_args(input, dim, dtype, "log_softmax", _stacklevel)
    return _apply_along(LogSoftmax, input, dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along `dim`.

    x is negated in its own dtype, before the cast to dtype, as torch does: a uint8 input
    wraps around (-1 becomes 255).

    Example:
        >>> F.softmin(ember.tensor([0., 0.]), dim=0)
        tensor([0.5000, 0.5000])
    """
    input, dim = _softmax_args(-input, dim, dtype, "softmin", _stacklevel)
    return _apply_along(Softmax, input, dim)


# torch's Tensor methods; Tensor.softmin does not exist in torch.
def _softmax_method(self, dim, dtype=None):
    return softmax(self, dim, dtype=dtype)


def _log_softmax_method(self, dim, dtype=None):
    return log_softmax(self, dim, dtype=dtype)


Tensor.softmax = _softmax_method
Tensor.log_softmax = _log_softmax_method
