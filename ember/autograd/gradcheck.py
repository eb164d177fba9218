"""Gradients checked against central finite differences, as torch.autograd.gradcheck."""
import numpy as np

from .. import _tensor as _tensor_module

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    pass


def _as_tuple(value):
    return value if isinstance(value, (tuple, list)) else (value,)


def _differentiable_outputs(func, inputs):
    from . import grad_mode
    with grad_mode.enable_grad():
        outputs = _as_tuple(func(*inputs))
    return [o for o in outputs if isinstance(o, _tensor_module.Tensor) and o._requires_grad]


# Complex tensors are checked in real coordinates, as torch checks them: a complex input's
# entries are perturbed along the real and the imaginary axis, and a complex output counts as
# its real and imaginary parts (so backward is asked for g = 1 and g = 1j).

def _real_coordinates(tensor):
    """A tensor's values as float64 real coordinates: (re, im) pairs for a complex one."""
    array = np.asarray(tensor._host_array())
    if array.dtype.kind == "c":
        return np.ascontiguousarray(array, dtype=np.complex128).reshape(-1).view(np.float64)
    return array.astype(np.float64).ravel()


def _directions(tensor):
    """The unit steps along each real coordinate of a tensor's entries: 1, and 1j too."""
    return (1, 1j) if tensor._data.dtype.kind == "c" else (1,)


def _numerical_jacobians(func, inputs, wrt, eps):
    """For each input in wrt: array (input coordinates, output coordinates) of d(out)/d(in)."""
    from . import grad_mode

    def flat_outputs():
        with grad_mode.no_grad():
            outs = _as_tuple(func(*inputs))
        return np.concatenate([_real_coordinates(o) for o in outs
                               if isinstance(o, _tensor_module.Tensor)
                               and o._data.dtype.kind in "fc"])

    jacobians = []
    for tensor in wrt:
        data = tensor._data
        flat = data.reshape(-1)
        if not np.shares_memory(flat, data):
            raise GradcheckError("gradcheck needs contiguous inputs")
        rows = []
        for i in range(flat.size):
            original = flat[i].item()
            for direction in _directions(tensor):
                flat[i] = original + eps * direction
                plus = flat_outputs()
                flat[i] = original - eps * direction
                minus = flat_outputs()
                flat[i] = original
                rows.append((plus - minus) / (2 * eps))
        jacobians.append(np.array(rows).reshape(len(rows), -1))
    return jacobians


def _analytical_jacobians(outputs, wrt):
    from . import grad
    from ..ops.creation import zeros_like
    total = sum(o._data.size * len(_directions(o)) for o in outputs)
    jacobians = [np.zeros((t._data.size * len(_directions(t)), total)) for t in wrt]
    column = 0
    for out_index, out in enumerate(outputs):
        for k in range(out._data.size):
            for direction in _directions(out):
                grad_outputs = [zeros_like(o) for o in outputs]
                grad_outputs[out_index]._data.reshape(-1)[k] = direction
                grads = grad(outputs, wrt, grad_outputs, retain_graph=True, allow_unused=True)
                for j, g in enumerate(grads):
                    if g is not None:
                        jacobians[j][:, column] = _real_coordinates(g)
                column += 1
    return jacobians


def _forward_jacobians(func, inputs, wrt):
    """For each input in wrt: array (input coordinates, output coordinates) of J e_k, one
    Jacobian-vector product per real coordinate (ember's jvp, by double backward)."""
    from ..ops.creation import zeros_like
    from .functional import jvp
    positions = [i for i, t in enumerate(inputs)
                 if isinstance(t, _tensor_module.Tensor) and t._requires_grad]

    def func_of_wrt(*tensors):
        args = list(inputs)
        for position, tensor in zip(positions, tensors):
            args[position] = tensor
        return tuple(o for o in _as_tuple(func(*args))
                     if isinstance(o, _tensor_module.Tensor) and o._requires_grad)

    jacobians = []
    for j, tensor in enumerate(wrt):
        rows = []
        for k in range(tensor._data.size):
            for direction in _directions(tensor):
                tangents = [zeros_like(w) for w in wrt]
                tangents[j]._data.reshape(-1)[k] = direction
                _, out_tangents = jvp(func_of_wrt, tuple(wrt), tuple(tangents))
                rows.append(np.concatenate([_real_coordinates(t) for t in out_tangents]))
        jacobians.append(np.array(rows).reshape(len(rows), -1))
    return jacobians


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True if the autograd gradients of func at inputs match finite differences.

    Inputs that require grad should be float64 or complex128 (checked in real coordinates, as
    torch checks them). check_backward_ad compares the vector-Jacobian products (reverse
    mode), check_forward_ad the Jacobian-vector products.

    Differs from PyTorch: ember has no separate forward-mode AD; check_forward_ad checks the
    Jacobian-vector products that ember.autograd.functional.jvp computes (by double backward).
    check_batched_grad and check_batched_forward_grad are accepted and not checked.

    Example:
        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> gradcheck(ember.sin, (x,), check_forward_ad=True)
        True
    """
    inputs = _as_tuple(inputs)
    wrt = [t for t in inputs if isinstance(t, _tensor_module.Tensor) and t._requires_grad]
    outputs = _differentiable_outputs(func, inputs)
    if not outputs:
        raise GradcheckError("gradcheck expects at least one output that requires grad")
    numerical = _numerical_jacobians(func, inputs, wrt, eps)
    checks = []
    if check_backward_ad:
        checks.append(("analytical", _analytical_jacobians(outputs, wrt)))
    if check_forward_ad:
        checks.append(("forward AD", _forward_jacobians(func, inputs, wrt)))
    for kind, jacobians in checks:
        for index, (a, n) in enumerate(zip(jacobians, numerical)):
            if a.shape != n.shape or not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output 0 with respect to input {index},\n"
                    f"numerical:{n}\n{kind}:{a}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True,
                  fast_mode=False, masked=False):
    """True if the gradients of func's gradients match finite differences (second order)."""
    from . import grad
    from ..ops.creation import tensor
    inputs = _as_tuple(inputs)
    outputs = _differentiable_outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype,
                               device=o.device, requires_grad=True) for o in outputs]
    grad_outputs = list(_as_tuple(grad_outputs))
    count = len(inputs)

    def first_derivatives(*args):
        outs = _differentiable_outputs(func, args[:count])
        wanted = [t for t in args[:count] if isinstance(t, _tensor_module.Tensor)
                  and t._requires_grad]
        grads = grad(outs, wanted, args[count:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, tuple(inputs) + tuple(grad_outputs), eps=eps,
                     atol=atol, rtol=rtol, raise_exception=raise_exception)
