"""Complex tensors' own ops: real and imag (views), conj, angle, view_as_real and
view_as_complex (views), complex and polar (built from two real tensors).

Gradients follow torch's convention: a tensor's gradient is dL/dRe + i dL/dIm for a real loss
L, so a holomorphic op's backward multiplies by the conjugate of its derivative (see
Node.conj_saved_tensors), and a real tensor that took part in complex arithmetic receives the
real part of its gradient (convert.real_grad). For a real tensor, real() and conj() return the
tensor itself, as torch's do.

Differs from PyTorch: conj() copies instead of setting a lazy conjugate bit, so is_conj() is
always False and writing into a conjugate does not change the tensor it came from.
"""
import math

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Op
from . import compare
from .elementwise import _maybe_out, broadcast_error, sum_to
from .shape import _mark_view

__all__ = ["real", "imag", "conj", "conj_physical", "conj_physical_", "resolve_conj",
           "resolve_neg", "is_conj", "is_neg", "angle", "view_as_real", "view_as_complex",
           "complex", "polar"]


def _is_complex(tensor):
    return tensor._data.dtype.kind == "c"


class Real(Op):
    """y = Re z, a view;  grad_z = g (as a complex number)."""

    node_name = "RealBackward0"

    @staticmethod
    def forward(ctx, z):
        ctx.dtype = _dtype.BY_NUMPY[z.dtype]
        return z.real

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.dtype)


class Imag(Op):
    """y = Im z, a view;  grad_z = i g."""

    node_name = "ImagBackward0"

    @staticmethod
    def forward(ctx, z):
        return z.imag

    @staticmethod
    def backward(ctx, grad):
        return grad * 1j


def real(input):
    """The real parts of a complex tensor, as a view (writing into it writes into input); a
    real tensor itself.

    Example:
        >>> ember.tensor([1 + 2j, 3 - 4j]).real
        tensor([1., 3.])
    """
    if not _is_complex(input):
        return input
    return _mark_view(Real.apply(input), input, real, ())


def imag(input):
    """The imaginary parts of a complex tensor, as a view.

    Example:
        >>> ember.tensor([1 + 2j, 3 - 4j]).imag
        tensor([ 2., -4.])
    """
    if not _is_complex(input):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes. "
                           "A real tensor's imaginary parts are zeros: ember.zeros_like(x).")
    return _mark_view(Imag.apply(input), input, imag, ())


class Conj(Op):
    """y = conj z;  grad_z = conj g."""

    node_name = "ConjBackward0"

    @staticmethod
    def forward(ctx, z):
        return ctx.xp.conj(z)

    @staticmethod
    def backward(ctx, grad):
        return grad.conj()


def conj(input):
    """The complex conjugate (a new tensor); a real tensor itself.

    Example:
        >>> ember.tensor([1 + 2j]).conj()
        tensor([1.-2.j])
    """
    return Conj.apply(input) if _is_complex(input) else input


def conj_physical(input, *, out=None):
    """conj, always computed (torch's conj() is lazy; ember's always is this)."""
    return _maybe_out(out, conj(input), "conj_physical")


def conj_physical_(input):
    """input conjugated in place."""
    return input.conj_physical_()


def resolve_conj(input):
    return input


def resolve_neg(input):
    return input


def is_conj(input):
    return False


def is_neg(input):
    return False


class Angle(Op):
    """y = arg z in (-pi, pi];  grad_z = g * i z / |z|² (0 at 0). For real x: 0 or pi (NaN
    for NaN), with gradient 0."""

    @staticmethod
    def forward(ctx, z):
        xp = ctx.xp
        ctx.save_for_backward(z)
        if z.dtype.kind == "c":
            return xp.angle(z)
        return xp.where(z < 0, math.pi, xp.where(xp.isnan(z), z, 0)).astype(z.dtype)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        if not _is_complex(z):
            return grad * 0
        squared = (z * z.conj()).real
        return compare.where(squared == 0, 0.0, grad * 1j * z / squared)


def angle(input, *, out=None):
    """The argument of each element, in (-pi, pi] (0 or pi for real tensors; integers give
    the default float dtype).

    Example:
        >>> ember.angle(ember.tensor([1j, -1]))
        tensor([1.5708, 3.1416])
    """
    if input._data.dtype.kind in "iub":
        input = input.to(_dtype.get_default_dtype())
    return _maybe_out(out, Angle.apply(input), "angle")


class ViewAsReal(Op):
    """y[..., 0] = Re z, y[..., 1] = Im z, a view;  grad_z = view_as_complex(g)."""

    @staticmethod
    def forward(ctx, z):
        return z[..., None].view(z.real.dtype)

    @staticmethod
    def backward(ctx, grad):
        return ViewAsComplex.apply(grad)


class ViewAsComplex(Op):
    """z = x[..., 0] + i x[..., 1], a view of x's pairs;  grad_x = view_as_real(g)."""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        if x.strides[-1] != x.itemsize or any(
                stride % (2 * x.itemsize) for stride in x.strides[:-1]):
            x = xp.ascontiguousarray(x)  # a gradient may be expanded; the public op checks
        return x.view(_dtype.BY_NUMPY[x.dtype].to_complex().np)[..., 0]

    @staticmethod
    def backward(ctx, grad):
        return ViewAsReal.apply(grad)


def view_as_real(input):
    """A complex tensor's elements as pairs (real, imag) in a new last dim of size 2, a view.

    Example:
        >>> ember.view_as_real(ember.tensor([1 + 2j]))
        tensor([[1., 2.]])
    """
    if not _is_complex(input):
        raise RuntimeError(f"view_as_real is only supported for complex tensors, got "
                           f"{input.dtype}")
    return _mark_view(ViewAsReal.apply(input), input, view_as_real, ())


def view_as_complex(input):
    """A float32/float64 tensor whose last dim holds (real, imag) pairs as a complex tensor
    without it, a view. The last dim must have size 2 and stride 1, the others even strides.

    Example:
        >>> ember.view_as_complex(ember.tensor([[1., 2.]]))
        tensor([1.+2.j])
    """
    data = input._data
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"view_as_complex is only supported for float and double tensors, "
                           f"but got a tensor of scalar type: {input.dtype} (ember has no "
                           f"complex32: convert with .float() first)")
    if data.ndim == 0 or data.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    strides = input.stride()
    if strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(stride % 2 for stride in strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return _mark_view(ViewAsComplex.apply(input), input, view_as_complex, ())


class Complex(Op):
    """z = a + i b;  grad_a = Re g,  grad_b = Im g (each summed to its shape)."""

    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        ctx.shapes = (a.shape, b.shape)
        try:
            shape = xp.broadcast_shapes(a.shape, b.shape)
        except ValueError as error:
            raise broadcast_error(error, "complex", a, b) from None
        out = xp.empty(shape, _dtype.BY_NUMPY[a.dtype].to_complex().np)
        out.real[...] = a
        out.imag[...] = b
        return out

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to(grad.real, a_shape) if need_a else None,
                sum_to(grad.imag, b_shape) if need_b else None)


def _check_parts(op_name, a, b, names):
    for value, name in zip((a, b), names):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op_name}(): argument '{name}' must be Tensor, not "
                            f"{type(value).__name__}")
    if a.dtype not in (_dtype.float32, _dtype.float64) or (
            b.dtype not in (_dtype.float32, _dtype.float64)):
        raise RuntimeError(f"Expected both inputs to be Float or Double tensors but got "
                           f"{_dtype.scalar_type_name(a.dtype)} and "
                           f"{_dtype.scalar_type_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_dtype.scalar_type_name(a.dtype)} "
                           f"but got scalar type {_dtype.scalar_type_name(b.dtype)} for second "
                           f"argument")


def complex(real, imag, *, out=None):
    """The complex tensor real + i imag, from two float32 or two float64 tensors
    (broadcast).

    Example:
        >>> ember.complex(ember.tensor([1.]), ember.tensor([2.]))
        tensor([1.+2.j])
    """
    _check_parts("complex", real, imag, ("real", "imag"))
    return _maybe_out(out, Complex.apply(real, imag), "complex")


def polar(abs, angle, *, out=None):
    """The complex tensor abs * (cos(angle) + i sin(angle)).

    Example:
        >>> ember.polar(ember.tensor([2.]), ember.tensor([0.]))
        tensor([2.+0.j])
    """
    _check_parts("polar", abs, angle, ("abs", "angle"))
    return _maybe_out(out, complex(abs * angle.cos(), abs * angle.sin()), "polar")


def _set_part(part):
    def setter(self, value):
        part(self).copy_(value)
    return setter


Tensor.cfloat = lambda self, memory_format=None: self.to(_dtype.complex64)
Tensor.cdouble = lambda self, memory_format=None: self.to(_dtype.complex128)
Tensor.real = property(real, _set_part(real))
Tensor.imag = property(imag, _set_part(imag))
for _name in ("conj", "conj_physical", "resolve_conj", "resolve_neg", "is_conj", "is_neg",
              "angle"):
    setattr(Tensor, _name, globals()[_name])
