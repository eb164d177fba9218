"""torch.fft: discrete Fourier transforms, their frequencies and shifts.

fft/ifft, rfft/irfft, hfft/ihfft and their 2-D and n-D forms follow torch's SpectralOps:
each checks its n/s and dim arguments, promotes the input (integers to the default float,
float16 and bfloat16 refused as on torch's CPU), cuts or zero-pads it to the transform's size,
and runs one of the ops of ember/ops/spectral.py (their gradients are written there).
norm= names which direction is scaled: "backward" (the default) scales the inverse by 1/n,
"forward" the forward transform, "ortho" both by 1/sqrt(n).

fftshift moves the zero-frequency term of an FFT's output to the middle of each dim;
ifftshift undoes it. Both are rolls, so their gradients are rolls back. fftfreq and
rfftfreq give the sample frequencies of an FFT's outputs.

Differs from PyTorch: fft and ifft of a real tensor transform it as a complex one (torch runs
a two-sided real transform), so their graphs show FftC2CBackward0 after a dtype conversion;
the values and gradients are the same. A lazy conjugate bit does not exist (see
ops/complex.py), so ihfft's result is a plain tensor.
"""
import builtins

from . import _dtype
from ._tensor import Tensor
from .ops.creation import _made, arange
from .ops.elementwise import _maybe_out
from .ops.join import cat, roll
from .ops.spectral import fft_c2c, fft_c2r, fft_r2c, resize_fft_input

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn",
           "fftshift", "ifftshift", "fftfreq", "rfftfreq"]


# -- argument handling, as torch's SpectralOps.cpp ------------------------------------------

def _normalization(norm, forward):
    """The scale of a transform in this direction under torch.fft's norm= string."""
    if norm is None or norm == "backward":
        return "none" if forward else "by_n"
    if norm == "forward":
        return "by_n" if forward else "none"
    if norm == "ortho":
        return "by_root_n"
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _check_tensor(input, op_name):
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def _promote(input, complex_result):
    """input in the dtype its transform computes in: integers and bools in the default float
    dtype, and that dtype's complex one when complex_result."""
    dtype = input.dtype
    if dtype.is_complex:
        return input
    if not dtype.is_floating_point:
        dtype = _dtype.get_default_dtype()
    if dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"Unsupported dtype {_dtype.scalar_type_name(dtype)}")
    if complex_result:
        dtype = dtype.to_complex()
    return input if dtype is input.dtype else input.to(dtype)


def _wrap(dim, ndim):
    """dim as an index in [0, ndim); a 0-d tensor has no dim to transform."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, "
                         f"{ndim - 1}], but got {dim})")
    return dim % ndim


def _as_list(value):
    return [value] if isinstance(value, builtins.int) else list(value)


def _shape_and_dims(input, s, dim):
    """The signal sizes and the dims they go along, from s and dim as torch reads them: dim
    defaults to the last len(s) dims (all of them without s), -1 in s to the input's size."""
    ndim = input.dim()
    if dim is not None:
        dims = [_wrap(d, ndim) for d in _as_list(dim)]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = _as_list(s)
        if dim is not None and len(dims) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{ndim} dimensions.")
        if dim is None:
            dims = list(range(ndim - len(s), ndim))
        shape = [input.shape[d] if n == -1 else n for d, n in zip(dims, s)]
    else:
        dims = list(range(ndim)) if dim is None else dims
        shape = [input.shape[d] for d in dims]
    for n in shape:
        if n <= 0:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return shape, dims


def _c2r_shape_and_dims(op_name, input, s, dim):
    """_shape_and_dims for a transform to a real signal, and that signal's size n along the
    last dim (s[-1], by default 2 * (size - 1)): the input is cut or padded to the n // 2 + 1
    one-sided entries there."""
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError(f"{op_name} must transform at least one axis")
    if s is None or _as_list(s)[-1] == -1:
        last_dim_size = 2 * (input.shape[dims[-1]] - 1)
    else:
        last_dim_size = shape[-1]
    if last_dim_size < 1:
        raise RuntimeError(f"Invalid number of data points ({last_dim_size}) specified")
    return shape[:-1] + [last_dim_size // 2 + 1], dims, last_dim_size


def _one_dim(op_name, input, n, dim):
    """fft's n and dim as fftn's s and dim, checked as torch's one-dimensional transforms."""
    _check_tensor(input, op_name)
    _wrap(dim, input.dim())
    if n is not None and n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return None if n is None else [n], [dim]


def _out(out, result, op_name, complex_out):
    """out= as torch's: out must be complex (floating point, for the real transforms)."""
    if isinstance(out, Tensor) and not (out.is_complex() if complex_out
                                        else out.is_floating_point()):
        wanted = "complex" if complex_out else "floating point"
        raise RuntimeError(f"{op_name} expects a {wanted} output tensor, but got "
                           f"{_dtype.scalar_type_name(out.dtype)}")
    return _maybe_out(out, result, op_name)


def _check_real(input, message):
    if input.is_complex():
        raise RuntimeError(f"{message}, but got {_dtype.scalar_type_name(input.dtype)}")


# -- complex to complex ---------------------------------------------------------------------

def _fftn(op_name, input, s, dim, norm, out, forward):
    _check_tensor(input, op_name)
    shape, dims = _shape_and_dims(input, s, dim)
    x = resize_fft_input(_promote(input, True), dims, shape)
    result = fft_c2c(x, dims, _normalization(norm, forward), forward)
    return _out(out, result, op_name if op_name in ("fft", "ifft") else "fftn", True)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """The discrete Fourier transform along dim, of n points (input cut or zero-padded):

        X[k] = sum_j x[j] e^{-2 pi i jk / n}   (times 1/n with norm="forward", 1/sqrt(n)
                                                 with "ortho")

    A real or integer input gives the complex dtype of its (default) float dtype.

    Example:
        >>> ember.fft.fft(ember.tensor([1., 0., 0., 0.]))
        tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    s, dims = _one_dim("fft", input, n, dim)
    return _fftn("fft", input, s, dims, norm, out, True)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of fft along dim: x[j] = 1/n sum_k X[k] e^{2 pi i jk / n} by default.

    Example:
        >>> ember.fft.ifft(ember.tensor([1., 1., 1., 1.]))
        tensor([1.+0.j, 0.+0.j, 0.+0.j, 0.+0.j])
    """
    s, dims = _one_dim("ifft", input, n, dim)
    return _fftn("ifft", input, s, dims, norm, out, False)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """fftn over the last two dims.

    Example:
        >>> ember.fft.fft2(ember.ones(2, 2))
        tensor([[4.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j]])
    """
    return _fftn("fft2", input, s, dim, norm, out, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """ifftn over the last two dims."""
    return _fftn("ifft2", input, s, dim, norm, out, False)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The DFT over several dims (every dim by default, the last len(s) ones when only s is
    given), s[i] points along dim[i] (-1: the input's size).

    Example:
        >>> ember.fft.fftn(ember.ones(2, 2), s=(2, 1))
        tensor([[2.+0.j],
                [0.+0.j]])
    """
    return _fftn("fftn", input, s, dim, norm, out, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of fftn over the same dims."""
    return _fftn("ifftn", input, s, dim, norm, out, False)


# -- real to one-sided complex, and back --------------------------------------------------

def _rfftn(op_name, input, s, dim, norm, out):
    _check_tensor(input, op_name)
    _check_real(input, "rfft expects a real input tensor" if op_name == "rfft"
                else "rfftn expects a real-valued input tensor")
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError("rfftn must transform at least one axis")
    x = resize_fft_input(_promote(input, False), dims, shape)
    result = fft_r2c(x, dims, _normalization(norm, True))
    return _out(out, result, op_name if op_name == "rfft" else "rfftn", True)


def _irfftn(op_name, input, s, dim, norm, out):
    _check_tensor(input, op_name)
    shape, dims, last_dim_size = _c2r_shape_and_dims("irfftn", input, s, dim)
    x = resize_fft_input(_promote(input, True), dims, shape)
    result = fft_c2r(x, dims, _normalization(norm, False), last_dim_size)
    return _out(out, result, op_name if op_name == "irfft" else "irfftn", False)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """fft of a real input, keeping the n // 2 + 1 frequencies 0 ... n // 2 (the others are
    their mirror images' conjugates).

    Example:
        >>> ember.fft.rfft(ember.tensor([1., 2., 3., 4.]))
        tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    s, dims = _one_dim("rfft", input, n, dim)
    return _rfftn("rfft", input, s, dims, norm, out)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The real signal of n points (2 * (size - 1) by default) whose rfft is input: ifft of
    the spectrum completed by conjugate symmetry (imaginary parts at frequencies 0 and n / 2
    don't count).

    Example:
        >>> ember.fft.irfft(ember.fft.rfft(ember.tensor([1., 2., 3., 4.])))
        tensor([1., 2., 3., 4.])
    """
    s, dims = _one_dim("irfft", input, n, dim)
    return _irfftn("irfft", input, s, dims, norm, out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """rfftn over the last two dims: the last is one-sided."""
    return _rfftn("rfft2", input, s, dim, norm, out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """irfftn over the last two dims."""
    return _irfftn("irfft2", input, s, dim, norm, out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """fftn of a real input, one-sided along the last of its dims.

    Example:
        >>> ember.fft.rfftn(ember.ones(2, 4)).shape
        ember.Size([2, 3])
    """
    return _rfftn("rfftn", input, s, dim, norm, out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of rfftn: ifftn over the leading dims, irfft along the last, whose output
    size is s[-1] (2 * (size - 1) by default)."""
    return _irfftn("irfftn", input, s, dim, norm, out)


# -- Hermitian signals: one-sided complex to real, and back --------------------------------

def _hfftn(op_name, input, s, dim, norm, out):
    _check_tensor(input, op_name)
    shape, dims, last_dim_size = _c2r_shape_and_dims("hfftn", input, s, dim)
    x = resize_fft_input(_promote(input, True), dims, shape)
    normalization = _normalization(norm, True)
    if len(dims) > 1:
        x = fft_c2c(x, dims[:-1], normalization, True)
    result = fft_c2r(x.conj(), dims[-1:], normalization, last_dim_size)
    return _out(out, result, op_name if op_name == "hfft" else "hfftn", False)


def _ihfftn(op_name, input, s, dim, norm, out):
    _check_tensor(input, op_name)
    if op_name == "ihfft":
        _check_real(input, "ihfft expects a real input tensor")
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError("ihfftn must transform at least one axis")
    if input.is_complex():
        raise RuntimeError(f"Only supports floating-point dtypes, but found: "
                           f"{_dtype.scalar_type_name(input.dtype)}")
    x = resize_fft_input(_promote(input, False), dims, shape)
    normalization = _normalization(norm, False)
    result = fft_r2c(x, dims[-1:], normalization).conj()
    if len(dims) > 1:
        result = fft_c2c(result, dims[:-1], normalization, False)
    return _out(out, result, op_name if op_name == "ihfft" else "ihfftn", True)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The real spectrum of a Hermitian-symmetric signal given by its first half: irfft of
    the conjugate, scaled as a forward transform (n = 2 * (size - 1) by default).

    Example:
        >>> ember.fft.hfft(ember.tensor([1 + 0j, 2, 1]))
        tensor([ 6.,  0., -2.,  0.])
    """
    s, dims = _one_dim("hfft", input, n, dim)
    return _hfftn("hfft", input, s, dims, norm, out)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of hfft: the conjugate of rfft, scaled as an inverse transform.

    Example:
        >>> ember.fft.ihfft(ember.tensor([6., 0., -2., 0.]))
        tensor([1.-0.j, 2.-0.j, 1.-0.j])
    """
    s, dims = _one_dim("ihfft", input, n, dim)
    return _ihfftn("ihfft", input, s, dims, norm, out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """hfftn over the last two dims."""
    return _hfftn("hfft2", input, s, dim, norm, out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """ihfftn over the last two dims."""
    return _ihfftn("ihfft2", input, s, dim, norm, out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """hfft in several dims: fftn over the leading dims, then hfft along the last (whose
    output size is s[-1], 2 * (size - 1) by default)."""
    return _hfftn("hfftn", input, s, dim, norm, out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of hfftn: ihfft along the last dim, then ifftn over the leading ones."""
    return _ihfftn("ihfftn", input, s, dim, norm, out)


# -- shifts and frequencies ---------------------------------------------------------------

def _dims(input, dim):
    if dim is None:
        return tuple(range(input.dim()))
    return (dim,) if isinstance(dim, int) else tuple(dim)


def fftshift(input, dim=None):
    """input rolled by n // 2 along each dim in `dim` (all dims when None), n its size there.

    Example:
        >>> ember.fft.fftshift(ember.tensor([0., 1., 2., -2., -1.]))
        tensor([-2., -1.,  0.,  1.,  2.])
    """
    dims = _dims(input, dim)
    return roll(input, [input.shape[d] // 2 for d in dims], dims)


def ifftshift(input, dim=None):
    """The inverse of fftshift: input rolled by -(n // 2) along each dim in `dim`.

    Example:
        >>> ember.fft.ifftshift(ember.tensor([-2., -1., 0., 1., 2.]))
        tensor([ 0.,  1.,  2., -2., -1.])
    """
    dims = _dims(input, dim)
    return roll(input, [-(input.shape[d] // 2) for d in dims], dims)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False):
    """The sample frequencies of fft's n outputs for samples d apart:
    [0, 1, ..., (n - 1) // 2, -(n // 2), ..., -1] / (n d), in the default float dtype.

    Example:
        >>> ember.fft.fftfreq(4)
        tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    index = cat([arange((n + 1) // 2, dtype=dtype, device=device),
                 arange(-(n // 2), 0, dtype=dtype, device=device)])
    result = (index * (1.0 / (n * d))).requires_grad_(requires_grad)  # as torch: one mul
    return _made(result, out, layout, pin_memory, "fftfreq")


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """The sample frequencies of rfft's n // 2 + 1 outputs: [0, 1, ..., n // 2] / (n d).

    Example:
        >>> ember.fft.rfftfreq(4)
        tensor([0.0000, 0.2500, 0.5000])
    """
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    result = arange(n // 2 + 1, dtype=dtype, device=device) * (1.0 / (n * d))
    return _made(result.requires_grad_(requires_grad), out, layout, pin_memory, "rfftfreq")
