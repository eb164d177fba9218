"""The pieces that every update rule shares: argument checks, state tensors, the opening of
each update (maximize and weight decay), and in-place arithmetic on backend arrays.

Update rules run on the parameters' arrays (`p._data`) in place, outside autograd. The
loop that feeds them (parameters with a gradient, their state, the step counter) is
`Optimizer._params_with_grad` in optimizer.py.

NOTE [ Matching torch's rounding ]
The helpers below order their arithmetic as torch's CPU kernels do (addcdiv computes
value * t1 / t2, lerp switches formula at weight 0.5), so float32 trajectories agree with
torch.optim to a few ulps per step rather than drifting apart, and float64 ones to the last
bits.
"""
from .. import _dtype
from .._tensor import Tensor
from ..backend import _BY_ARRAY_TYPE as _ARRAY_TYPES
from ..backend import xp_of

# -- argument checks (torch's messages) ------------------------------------------------------


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_non_negative(name, value):
    """Raise torch's "Invalid {name} value: ..." ValueError unless 0 <= value."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {name} value: {value}")


def check_betas(betas, eps, weight_decay):
    """The checks of the Adam family, in torch's order."""
    check_non_negative("epsilon", eps)
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    check_non_negative("weight_decay", weight_decay)


# -- state tensors ---------------------------------------------------------------------------

def scalar_dtype():
    """The dtype of the 'step' state entries: float64 when that is the default, as torch."""
    return _dtype.float64 if _dtype.get_default_dtype() is _dtype.float64 else _dtype.float32


def new_step_tensor(value=0.0):
    """A 0-d CPU tensor counting steps (torch keeps 'step' as a tensor in the state)."""
    from ..ops.creation import tensor
    return tensor(value, dtype=scalar_dtype())


def new_state_like(param, fill=0.0):
    """A state tensor of the parameter's shape, dtype and device, filled with `fill`."""
    return Tensor._make(xp_of(param._data).full_like(param._data, fill))


def real_view(array):
    """A complex array as a real one with a last dim of 2 (real, imag), sharing its memory; a
    real array as it is. Update rules treat a complex parameter, its gradient and its state
    as pairs of independent real numbers, as torch's do (through torch.view_as_real)."""
    if array.dtype.kind != "c":
        return array
    return array[..., None].view(array.real.dtype)


def bump_version(tensor):
    """Count an in-place change of tensor (autograd checks saved tensors against it)."""
    tensor._version[0] += 1


# -- the opening lines of every update rule --------------------------------------------------

def grad_for_update(p, group):
    """The gradient array an update rule starts from, as the first lines of its pseudocode:

        g = -g                                   if maximize
        p = p * (1 - lr * weight_decay)          if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p                 otherwise, if weight_decay != 0

    p.grad is never changed: negating and L2 decay make new arrays, and with neither the
    result is p.grad's own array, which the caller only reads. Decoupled decay changes p in
    place. Groups without a "weight_decay" (Rprop) only negate.
    """
    grad = -p.grad._data if group["maximize"] else p.grad._data
    weight_decay = group.get("weight_decay", 0)
    if weight_decay != 0:
        if group.get("decoupled_weight_decay", False):
            p._data *= 1 - float(group["lr"]) * weight_decay
        else:
            grad = with_weight_decay(grad, p._data, weight_decay)
    return grad


def with_weight_decay(grad, param, weight_decay):
    """grad + weight_decay * param, as a new array (L2 regularisation folded in)."""
    decayed = param * weight_decay
    decayed += grad
    return decayed


# -- in-place array helpers (see NOTE [ Matching torch's rounding ]) --------------------------

def lerp_(out, end, weight):
    """out += weight * (end - out), with torch's two formulas for accuracy near 0 and 1."""
    diff = end - out
    if abs(weight) < 0.5:
        diff *= weight
        out += diff
    else:
        diff *= 1 - weight
        xp_of(out).subtract(end, diff, out=out)


def addcmul_(out, tensor1, tensor2, value):
    """out += value * tensor1 * tensor2."""
    product = tensor1 * value
    product *= tensor2
    out += product


def addcdiv_(out, tensor1, tensor2, value):
    """out += value * tensor1 / tensor2."""
    quotient = tensor1 * value
    quotient /= tensor2
    out += quotient


def add_scaled_(out, other, alpha):
    """out += alpha * other."""
    if alpha == 1:
        out += other
    else:
        out += other * alpha


def sqrt_(array):
    """sqrt of a temporary array, in place where possible (numpy's arithmetic on 0-d arrays
    returns scalars, which cannot be written into)."""
    xp = xp_of(array) if type(array) in _ARRAY_TYPES else None
    if xp is None:
        return array ** 0.5
    return xp.sqrt(array, out=array)
