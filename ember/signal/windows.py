"""torch.signal.windows: window functions of length M, symmetric (sym=True, for filter
design) or periodic (sym=False, for spectral analysis), as torch computes them: positions
from linspace, then one elementwise formula.

Differs from PyTorch: with requires_grad=True the window is a leaf tensor (torch's is the
result of ops on a linspace leaf).
"""
import math

from .. import _dtype
from ..autograd import grad_mode
from ..ops.creation import arange, empty, linspace, ones, tensor

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]


def _checks(function_name, M, dtype, layout=None):
    if layout is not None and str(layout) != "torch.strided":
        raise ValueError(f"{function_name} is implemented for strided tensors only, got: "
                         f"{layout}")
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    if M < 0:
        raise ValueError(f"{function_name} requires non-negative window length, got M={M}")
    if dtype not in (_dtype.float32, _dtype.float64):
        raise ValueError(f"{function_name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _finish(window, requires_grad):
    return window.requires_grad_(True) if requires_grad else window


def _window(function_name, M, dtype, layout, device, requires_grad, formula,
            formula_at_one=False):
    """formula(dtype), the window; length 0 gives [] and length 1 [1.] unless formula_at_one
    (torch evaluates some windows' formulas at length 1 too)."""
    dtype = _checks(function_name, M, dtype, layout)
    if M == 0 or (M == 1 and not formula_at_one):
        window = (empty if M == 0 else ones)((M,), dtype=dtype, device=device)
        return _finish(window, requires_grad)
    with grad_mode.no_grad():
        window = formula(dtype)
    return _finish(window, requires_grad)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None,
                requires_grad=False):
    """w[n] = exp(-|n - c| / tau), c the center (default: the middle of the window).

    Example:
        >>> ember.signal.windows.exponential(3)
        tensor([0.3679, 1.0000, 0.3679])
    """
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    def formula(dtype):
        middle = (M if not sym and M > 1 else M - 1) / 2.0 if center is None else center
        k = linspace(-middle / tau, (-middle + (M - 1)) / tau, M, dtype=dtype, device=device)
        return (-k.abs()).exp()

    return _window("exponential", M, dtype, layout, device, requires_grad, formula, True)


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """w[n] = sin(pi (n + 1/2) / M) (the sine window, as SciPy's).

    Example:
        >>> ember.signal.windows.cosine(3)
        tensor([0.5000, 1.0000, 0.5000])
    """
    def formula(dtype):
        constant = math.pi / (M + 1 if not sym and M > 1 else M)
        return linspace(0.5 * constant, (0.5 + (M - 1)) * constant, M, dtype=dtype,
                        device=device).sin()

    return _window("cosine", M, dtype, layout, device, requires_grad, formula, True)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None,
             requires_grad=False):
    """w[n] = exp(-(n - (M - 1) / 2)**2 / (2 std**2)).

    Example:
        >>> ember.signal.windows.gaussian(3)
        tensor([0.6065, 1.0000, 0.6065])
    """
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    def formula(dtype):
        start = -(M if not sym and M > 1 else M - 1) / 2.0
        constant = 1 / (std * math.sqrt(2))
        k = linspace(start * constant, (start + (M - 1)) * constant, M, dtype=dtype,
                     device=device)
        return (-(k ** 2)).exp()

    return _window("gaussian", M, dtype, layout, device, requires_grad, formula, True)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None,
           requires_grad=False):
    """w[n] = I0(beta sqrt(1 - ((n - N/2) / (N/2))**2)) / I0(beta), N = M - 1 (sym) or M.

    Example:
        >>> ember.signal.windows.kaiser(3, beta=0.)
        tensor([1., 1., 1.])
    """
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")

    def formula(dtype):
        b = tensor(beta, dtype=dtype, device=device)
        start = -b
        constant = 2.0 * b / (M if not sym else M - 1)
        end = b.minimum(start + (M - 1) * constant)
        k = linspace(start.item(), end.item(), M, dtype=dtype, device=device)
        return (b * b - k.pow(2)).sqrt().i0() / b.i0()

    return _window("kaiser", M, dtype, layout, device, requires_grad, formula)


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """w[n] = 1 - |2 n / (M - 1) - 1| (the triangular window).

    Example:
        >>> ember.signal.windows.bartlett(5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    def formula(dtype):
        constant = 2 / (M if not sym else M - 1)
        k = linspace(-1, -1 + (M - 1) * constant, M, dtype=dtype, device=device)
        return 1 - k.abs()

    return _window("bartlett", M, dtype, layout, device, requires_grad, formula)


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """w[n] = sum_i (-1)**i a[i] cos(2 pi i n / (M - 1)).

    Example:
        >>> ember.signal.windows.general_cosine(3, a=[0.5, 0.5])
        tensor([0., 1., 0.])
    """
    if M > 1:
        if not isinstance(a, (list, tuple)):
            raise TypeError("Coefficients must be a list/tuple")
        if not a:
            raise ValueError("Coefficients cannot be empty")

    def formula(dtype):
        constant = 2 * math.pi / (M if not sym else M - 1)
        k = linspace(0, (M - 1) * constant, M, dtype=dtype, device=device)
        a_i = tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype, device=device)
        i = arange(a_i.shape[0], dtype=dtype, device=device)
        return (a_i.unsqueeze(-1) * (i.unsqueeze(-1) * k).cos()).sum(0)

    return _window("general_cosine", M, dtype, layout, device, requires_grad, formula)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None,
                    requires_grad=False):
    """w[n] = alpha - (1 - alpha) cos(2 pi n / (M - 1))."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """general_hamming with alpha = 0.54."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """general_hamming with alpha = 0.5: w[n] = sin(pi n / (M - 1))**2."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """general_cosine with a = [0.42, 0.5, 0.08]."""
    _checks("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """general_cosine with Nuttall's four coefficients (minimum 4-term Blackman-Harris)."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
