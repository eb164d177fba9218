"""torch's top-level spellings of functions whose body lives in another namespace.

torch.det is torch.linalg.det and torch.softmax is torch.nn.functional.softmax, but under the
argument names and positions of torch's top level: torch.det(input=A), torch.pinverse(A,
rcond), torch.softmax(x, 0, torch.float64) (where F.softmax's third argument is _stacklevel).
The bodies are imported when first called: ember.linalg and ember.nn sit above ops.
"""
from ._out import write_exact

__all__ = ["det", "logdet", "slogdet", "inverse", "matrix_power", "pinverse", "softmax",
           "log_softmax", "hardshrink"]


def det(input):
    """det(A) of a square matrix (batched): torch.det, the same as ember.linalg.det.

    Example:
        >>> ember.det(ember.eye(2) * 2)
        tensor(4.)
    """
    from .. import linalg
    return linalg.det(input)


def logdet(input):
    """log det(A): nan where det(A) < 0, -inf where it is 0."""
    from .. import linalg
    return linalg.logdet(input)


def slogdet(input, *, out=None):
    """(sign, logabsdet) of det(A), as ember.linalg.slogdet."""
    from .. import linalg
    return linalg.slogdet(input, out=out)


def inverse(input, *, out=None):
    """A^-1 of a square matrix (batched), as ember.linalg.inv.

    Example:
        >>> ember.inverse(ember.eye(2) * 2)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.5000]])
    """
    from .. import linalg
    return linalg.inv(input, out=out)


def matrix_power(input, n, *, out=None):
    """A @ A @ ... @ A (n times), as ember.linalg.matrix_power."""
    from .. import linalg
    return linalg.matrix_power(input, n, out=out)


def pinverse(input, rcond=1e-15):
    """The Moore-Penrose pseudo-inverse, singular values at most rcond * largest taken as
    zero: ember.linalg.pinv(input, rtol=rcond).

    Example:
        >>> ember.pinverse(ember.eye(2) * 2)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.5000]])
    """
    from .. import linalg
    return linalg.pinv(input, rtol=rcond)


def softmax(input, dim, dtype=None, *, out=None):
    """e^x / Σ e^x along dim, after casting input to dtype when given (torch.softmax).

    Example:
        >>> ember.softmax(ember.tensor([0., 0.]), 0, ember.float64)
        tensor([0.5000, 0.5000], dtype=ember.float64)
    """
    from ..nn import functional
    result = functional.softmax(input, dim, dtype=dtype)
    return result if out is None else write_exact(out, result, "softmax", (input,))


def hardshrink(input, lambd=0.5, *, out=None):
    """x where |x| > lambd, else 0 (torch.hardshrink)."""
    from ..nn import functional
    result = functional.hardshrink(input, lambd)
    return result if out is None else write_exact(out, result, "hardshrink", (input,))


def log_softmax(input, dim, dtype=None, *, out=None):
    """x - log Σ e^x along dim, after casting input to dtype when given (torch.log_softmax)."""
    from ..nn import functional
    result = functional.log_softmax(input, dim, dtype=dtype)
    return result if out is None else write_exact(out, result, "log_softmax", (input,))
