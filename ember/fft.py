"""torch.fft: so far the shifts, which need no complex dtype (ember has none).

fftshift moves the zero-frequency term of an FFT's output to the middle of each dim;
ifftshift undoes it. Both are rolls, so their gradients are rolls back.
"""
from .ops.join import roll

__all__ = ["fftshift", "ifftshift"]


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
