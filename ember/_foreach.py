"""torch._foreach_*: one op applied to every tensor of a list, as torch's multi-tensor kernels.

Custom optimizers are written with them (`torch._foreach_mul_(exp_avgs, beta1)`,
`torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)`). The out-of-place forms return
a tuple of new tensors, the in-place forms (trailing `_`) update the tensors and return the list.
A second operand may be a number, a list of numbers (one per tensor), a list of tensors, or
(for add, sub, mul, div) one tensor used with every element.

Differs from PyTorch: there is no fused multi-tensor kernel; each form loops over the list with
ember's single-tensor op, so values, dtypes, broadcasting and autograd are exactly that op's.

Example:
    >>> params = [ember.ones(2), ember.ones(3)]
    >>> ember._foreach_mul_(params, 0.5)
    [tensor([0.5000, 0.5000]), tensor([0.5000, 0.5000, 0.5000])]
    >>> ember._foreach_norm(params)
    (tensor(0.7071), tensor(0.8660))
"""
from numbers import Number

from ._tensor import Tensor
from .linalg import vector_norm
from .ops import binary, elementwise
from .ops.linalg import matmul

_UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1",
          "floor", "frac", "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal",
          "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc")

__all__ = ["_foreach_" + name + suffix for name in _UNARY + (
    "add", "sub", "mul", "div", "pow", "clamp_max", "clamp_min", "maximum", "minimum",
    "addcmul", "addcdiv", "lerp", "copy", "zero") for suffix in ("", "_")] + [
    "_foreach_norm", "_foreach_max", "_foreach_powsum", "_foreach_mm", "_foreach_clone"]
__all__.remove("_foreach_copy")  # torch has only the in-place copy and zero
__all__.remove("_foreach_zero")


def _tensor_list(op_name, tensors, what="self"):
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"{op_name}(): argument '{what}' must be a list of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{op_name}(): Tensor list must have at least one tensor.")
    return tensors


def _per_tensor(op_name, self, other, what="other"):
    """The second operand for each tensor of self: a number or tensor repeated, or the items
    of a list of the same length (a 1-d tensor of scalars gives its numbers)."""
    count = len(self)
    if isinstance(other, (list, tuple)):
        if len(other) != count:
            raise RuntimeError(f"{op_name}(): Tensor lists must have the same number of "
                               f"tensors, got {count} and {len(other)}")
        return other
    if isinstance(other, Tensor) and other.dim() == 1 and what == "scalars":
        if other.numel() != count:
            raise RuntimeError(f"{op_name}(): expected {count} scalars, got {other.numel()}")
        return other.tolist()
    if isinstance(other, (Number, Tensor)):
        return [other] * count
    raise TypeError(f"{op_name}(): argument '{what}' must be a number, a Tensor or a list, "
                    f"not {type(other).__name__}")


def _make_unary(name):
    def out_of_place(self):
        return tuple(getattr(t, name)() for t in _tensor_list(f"_foreach_{name}", self))

    def in_place(self):
        for t in _tensor_list(f"_foreach_{name}_", self):
            getattr(t, name + "_")()
        return self

    out_of_place.__doc__ = f"tuple({name}(t) for t in self)."
    in_place.__doc__ = f"{name}_(t) for each t of self; returns self."
    return out_of_place, in_place


def _make_binary(name, apply, apply_, has_alpha):
    op_name = f"_foreach_{name}"
    if has_alpha:
        def out_of_place(self, other, *, alpha=1):
            self = _tensor_list(op_name, self)
            return tuple(apply(t, o, alpha) for t, o in zip(self, _per_tensor(op_name, self,
                                                                              other)))

        def in_place(self, other, *, alpha=1):
            self = _tensor_list(op_name + "_", self)
            for t, o in zip(self, _per_tensor(op_name + "_", self, other)):
                apply_(t, o, alpha)
            return self
    else:
        def out_of_place(self, other):
            self = _tensor_list(op_name, self)
            return tuple(apply(t, o) for t, o in zip(self, _per_tensor(op_name, self, other)))

        def in_place(self, other):
            self = _tensor_list(op_name + "_", self)
            for t, o in zip(self, _per_tensor(op_name + "_", self, other)):
                apply_(t, o)
            return self
    out_of_place.__doc__ = f"tuple({name}(t, o) for t, o in zip(self, other))."
    in_place.__doc__ = f"{name}_(t, o) for each pair; returns self."
    return out_of_place, in_place


def _make_pointwise(name, apply, apply_):
    """addcmul / addcdiv: self + value * tensor1 (* or /) tensor2, value per tensor."""
    op_name = f"_foreach_{name}"

    def out_of_place(self, tensor1, tensor2, value=1):
        self = _tensor_list(op_name, self)
        values = _per_tensor(op_name, self, value, "scalars")
        return tuple(apply(t, a, b, value=v) for t, a, b, v in zip(
            self, _per_tensor(op_name, self, tensor1), _per_tensor(op_name, self, tensor2),
            values))

    def in_place(self, tensor1, tensor2, value=1):
        self = _tensor_list(op_name + "_", self)
        values = _per_tensor(op_name + "_", self, value, "scalars")
        for t, a, b, v in zip(self, _per_tensor(op_name, self, tensor1),
                              _per_tensor(op_name, self, tensor2), values):
            apply_(t, a, b, value=v)
        return self

    out_of_place.__doc__ = f"tuple({name}(t, a, b, value=v)) over the lists."
    in_place.__doc__ = f"{name}_(t, a, b, value=v) over the lists; returns self."
    return out_of_place, in_place


def _maximum(t, o):
    return binary.maximum(t, o) if isinstance(o, Tensor) else t.clamp(min=o)


def _minimum(t, o):
    return binary.minimum(t, o) if isinstance(o, Tensor) else t.clamp(max=o)


_BINARY = {
    "add": (lambda t, o, a: elementwise.add(t, o, alpha=a), lambda t, o, a: t.add_(o, alpha=a),
            True),
    "sub": (lambda t, o, a: elementwise.sub(t, o, alpha=a), lambda t, o, a: t.sub_(o, alpha=a),
            True),
    "mul": (lambda t, o: t.mul(o), lambda t, o: t.mul_(o), False),
    "div": (lambda t, o: t.div(o), lambda t, o: t.div_(o), False),
    "clamp_max": (lambda t, o: t.clamp(max=o), lambda t, o: t.clamp_(max=o), False),
    "clamp_min": (lambda t, o: t.clamp(min=o), lambda t, o: t.clamp_(min=o), False),
    "maximum": (_maximum, lambda t, o: t.copy_(_maximum(t, o)), False),
    "minimum": (_minimum, lambda t, o: t.copy_(_minimum(t, o)), False),
}

for _name in _UNARY:
    globals()[f"_foreach_{_name}"], globals()[f"_foreach_{_name}_"] = _make_unary(_name)
for _name, (_apply, _apply_, _alpha) in _BINARY.items():
    globals()[f"_foreach_{_name}"], globals()[f"_foreach_{_name}_"] = _make_binary(
        _name, _apply, _apply_, _alpha)
_foreach_addcmul, _foreach_addcmul_ = _make_pointwise(
    "addcmul", elementwise.addcmul, lambda t, a, b, value: t.addcmul_(a, b, value=value))
_foreach_addcdiv, _foreach_addcdiv_ = _make_pointwise(
    "addcdiv", elementwise.addcdiv, lambda t, a, b, value: t.addcdiv_(a, b, value=value))


def _foreach_pow(self, exponent):
    """tuple(t ** e): self a list with a number, list of numbers or list of tensors as the
    exponent, or self a number and exponent a list of tensors."""
    if isinstance(self, Number):
        exponent = _tensor_list("_foreach_pow", exponent, "exponent")
        return tuple(elementwise.pow(self, e) for e in exponent)
    self = _tensor_list("_foreach_pow", self)
    return tuple(t.pow(e) for t, e in zip(self, _per_tensor("_foreach_pow", self, exponent)))


def _foreach_pow_(self, exponent):
    """t.pow_(e) for each tensor; returns self."""
    self = _tensor_list("_foreach_pow_", self)
    for t, e in zip(self, _per_tensor("_foreach_pow_", self, exponent)):
        t.pow_(e)
    return self


def _foreach_lerp(self, tensors1, weight):
    """tuple(lerp(t, end, w)): weight a number, a list of numbers or a list of tensors."""
    self = _tensor_list("_foreach_lerp", self)
    ends = _per_tensor("_foreach_lerp", self, _tensor_list("_foreach_lerp", tensors1))
    weights = _per_tensor("_foreach_lerp", self, weight)
    return tuple(t.lerp(e, w) for t, e, w in zip(self, ends, weights))


def _foreach_lerp_(self, tensors1, weight):
    """t.lerp_(end, w) for each tensor; returns self."""
    self = _tensor_list("_foreach_lerp_", self)
    ends = _per_tensor("_foreach_lerp_", self, _tensor_list("_foreach_lerp_", tensors1))
    for t, e, w in zip(self, ends, _per_tensor("_foreach_lerp_", self, weight)):
        t.lerp_(e, w)
    return self


def _foreach_norm(self, ord=2, dtype=None):
    """tuple(vector_norm(t, ord)) over the whole of each tensor (0-d results)."""
    return tuple(vector_norm(t, ord, dtype=dtype)
                 for t in _tensor_list("_foreach_norm", self))


def _foreach_powsum(self, ord=2, dtype=None):
    """tuple(sum(|t| ** ord)): the norms before the root."""
    self = _tensor_list("_foreach_powsum", self)
    return tuple(vector_norm(t, ord, dtype=dtype).pow(ord) for t in self)


def _foreach_max(self):
    """tuple(t.max()) (0-d results)."""
    return tuple(t.max() for t in _tensor_list("_foreach_max", self))


def _foreach_mm(self, mat2):
    """tuple(t @ m) for 2-d tensors."""
    self = _tensor_list("_foreach_mm", self)
    return tuple(matmul(t, m) for t, m in zip(
        self, _per_tensor("_foreach_mm", self, _tensor_list("_foreach_mm", mat2, "mat2"))))


def _foreach_clone(self, *, memory_format=None):
    """tuple(t.clone())."""
    return tuple(t.clone() for t in _tensor_list("_foreach_clone", self))


def _foreach_copy_(self, src, non_blocking=False):
    """t.copy_(s) for each pair; returns self."""
    self = _tensor_list("_foreach_copy_", self)
    for t, s in zip(self, _per_tensor("_foreach_copy_", self,
                                      _tensor_list("_foreach_copy_", src, "src"))):
        t.copy_(s)
    return self


def _foreach_zero_(self):
    """t.zero_() for each tensor; returns self."""
    for t in _tensor_list("_foreach_zero_", self):
        t.zero_()
    return self
