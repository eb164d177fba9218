"""Forward-mode AD, as torch.autograd.forward_ad: dual tensors carry a tangent through ops.

Inside `dual_level()`, `make_dual(primal, tangent)` gives a tensor whose tangent every result
computed from it has; `unpack_dual(y)` returns (primal, tangent), the tangent being the
Jacobian-vector product J v of y with respect to the dual inputs and their tangents v.

ember computes J v when it is asked for, by the double-backward trick (functional.py): for u
a dummy cotangent, g(u) = J^T u is linear in u, so d<g(u), v>/du = J v.

Differs from PyTorch: tangents ride on the reverse-mode graph. A dual tensor requires grad
(so results computed from it do), ops run under no_grad lose the tangent, each unpack_dual
costs two backward passes, and ops whose backward is once_differentiable have no tangent.

Example:
    >>> import ember.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 0.0]))
    ...     fwAD.unpack_dual(x * x).tangent
    tensor([2., 0.])
"""
from collections import namedtuple

from .. import _tensor as _tensor_module
from . import grad_mode

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])

_levels = []  # per open level: {id(dual): (dual, tangent, primal required grad)}


def enter_dual_level():
    """Open a new forward-AD level and return its index (only one level may be open)."""
    if _levels:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _levels.append({})
    return len(_levels) - 1


def exit_dual_level(*, level=None):
    """Close the level: its dual tensors lose their tangents."""
    level = len(_levels) - 1 if level is None else level
    if level != len(_levels) - 1 or level < 0:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    _levels.pop()


class dual_level:
    """Context manager: a forward-AD level for make_dual / unpack_dual; tangents are
    dropped on exit."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, exc_type, exc_value, traceback):
        exit_dual_level()
        return False


def _level_duals(level):
    if not _levels:
        return None
    return _levels[len(_levels) - 1 if level is None else level]


def make_dual(tensor, tangent, *, level=None):
    """A tensor with the values of `tensor` whose tangent (forward gradient) is `tangent`.

    Args:
        tensor: the primal, a floating-point tensor.
        tangent: a tensor of the same shape.
    """
    duals = _level_duals(level)
    if duals is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if not tensor.is_floating_point() and not tensor.is_complex():
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(
            f"Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    with grad_mode.enable_grad():
        dual = (tensor.view_as(tensor) if tensor.requires_grad
                else tensor.detach().requires_grad_())
    duals[id(dual)] = (dual, tangent, tensor.requires_grad)
    return dual


def unpack_dual(tensor, *, level=None):
    """(primal, tangent) of `tensor`: tangent is None where it depends on no dual tensor.

    Example:
        >>> with fwAD.dual_level():
        ...     x = fwAD.make_dual(ember.tensor(3.0), ember.tensor(1.0))
        ...     fwAD.unpack_dual(x.exp()).tangent
        tensor(20.0855)
    """
    duals = _level_duals(level)
    if not duals or not isinstance(tensor, _tensor_module.Tensor) or not tensor.requires_grad:
        return UnpackedDualTensor(tensor, None)
    entries = list(duals.values())
    keeps_graph = any(entry[2] for entry in entries)
    primal = tensor if keeps_graph else tensor.detach()
    own = duals.get(id(tensor))
    if own is not None and own[0] is tensor:
        return UnpackedDualTensor(primal, own[1])
    return UnpackedDualTensor(primal, _jvp(tensor, entries, keeps_graph))


def _jvp(output, entries, keeps_graph):
    """J v of output with respect to the dual tensors (None if it depends on none of them)."""
    from . import grad
    from ..ops.creation import zeros_like
    dual_tensors = [entry[0] for entry in entries]
    with grad_mode.enable_grad():
        cotangent = zeros_like(output).requires_grad_()
        transposed = grad(output, dual_tensors, cotangent, retain_graph=True, create_graph=True,
                          allow_unused=True)
        products = [(g * entry[1]).sum() for g, entry in zip(transposed, entries)
                    if g is not None]
        if not products:
            return None
        total = products[0]
        for product in products[1:]:
            total = total + product
        create_graph = keeps_graph or any(entry[1].requires_grad for entry in entries)
        if not total.requires_grad:  # J^T u does not depend on u: J is zero
            return zeros_like(output)
        (tangent,) = grad(total, cotangent, retain_graph=True, create_graph=create_graph,
                          allow_unused=True)
    return zeros_like(output) if tangent is None else tangent
