"""torch.fft: so far the functions that need no complex dtype (ember has none).

fftshift moves the zero-frequency term of an FFT's output to the middle of each dim;
ifftshift undoes it. Both are rolls, so their gradients are rolls back. fftfreq and
rfftfreq give the sample frequencies of an FFT's outputs.
"""
from . import _dtype
from .ops.creation import _made, arange
from .ops.join import cat, roll

__all__ = ["fftshift", "ifftshift", "fftfreq", "rfftfreq"]


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
