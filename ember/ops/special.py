"""Special functions: lgamma, digamma, polygamma, mvlgamma, the regularized incomplete gamma
functions (gammainc, gammaincc), logit, erfcx, each with its gradient; the Hurwitz zeta
function (a gradient in q only, as torch); the orthogonal polynomials of torch.special
(Chebyshev, Hermite, Laguerre, Legendre), without gradients as in torch; and gamma sampling
with its implicit reparameterization gradient (`standard_gamma`), which Gamma, Beta and
Dirichlet rsample build on. The Bessel and Airy functions live in bessel.py.

Forward values come from scipy.special (cupyx.scipy.special on the GPU) through unary.py's
`_special`; integer inputs become the default float dtype first, as in torch.
"""
import math

import numpy as np

from .. import _dtype
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op, named
from ._inplace import inplace_method
from .bessel import require_float_or_double
from .binary import float_tensor_pair
from .elementwise import (_cast, _fused_multiply_add, _maybe_out, _not_implemented,
                          broadcast_error, promote, sum_to)
from . import _sampling
from .random import _generator, _on_device_of
from .unary import _float_unary, _special

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "logit", "igamma", "igammac", "ndtr",
           "ndtri", "log_ndtr", "entr", "xlog1py", "erfcx", "zeta", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
           "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
           "legendre_polynomial_p"]


def _scipy(xp):
    if xp.__name__ == "numpy":
        import scipy.special as special
    else:
        import cupyx.scipy.special as special
    return special


class Lgamma(Op):
    """y = ln|Γ(x)|;  grad_x = g * ψ(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp, "gammaln", x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * digamma(x)


class Digamma(Op):
    """y = ψ(x) = d/dx ln Γ(x);  grad_x = g * ψ'(x) (polygamma(1, x))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp, "psi", x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma(1, x)


class Polygamma(Op):
    """y = ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function;  grad_x = g * ψ⁽ⁿ⁺¹⁾(x)."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        wide = x if x.dtype.itemsize >= 4 else x.astype(ctx.xp.float32)
        return _scipy(ctx.xp).polygamma(n, wide).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma(ctx.n + 1, x), None


class GammaIncomplete(Op):
    """y = P(a, x) (gammainc) or Q(a, x) = 1 - P(a, x) (gammaincc), regularized;
    grad_x = ±g * x**(a-1) e**-x / Γ(a); no gradient for a (torch has none either)."""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        return getattr(_scipy(ctx.xp), "gammaincc" if upper else "gammainc")(a, x).astype(
            np.result_type(a, x), copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        need_a, need_x = ctx.needs_input_grad[:2]
        name = "igammac" if ctx.upper else "igamma"
        if need_a:
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        density = ((a - 1) * x.log() - x - lgamma(a)).exp()
        return None, sum_to(-grad * density if ctx.upper else grad * density, x.shape), None


def lgamma(input, *, out=None):
    """Elementwise ln|Γ(input)| (+inf at 0 and the negative integers).

    Example:
        >>> ember.lgamma(ember.tensor([1., 3.]))
        tensor([0.0000, 0.6931])
    """
    return _float_unary(Lgamma, "lgamma", input, out)


def digamma(input, *, out=None):
    """Elementwise ψ(input), the logarithmic derivative of Γ (-inf at 0, NaN at negative
    integers, as torch).

    Example:
        >>> ember.digamma(ember.tensor([1.]))
        tensor([-0.5772])
    """
    return _float_unary(Digamma, "digamma", input, out)


def polygamma(n, input, *, out=None):
    """Elementwise ψ⁽ⁿ⁾(input), the n-th derivative of digamma; n is an int >= 0.

    Example:
        >>> ember.polygamma(1, ember.tensor([1.]))
        tensor([1.6449])
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"polygamma(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _float_unary(Polygamma, "polygamma", input, out, n)


def mvlgamma(input, p, *, out=None):
    """Elementwise multivariate log-gamma of dimension p:
    ln Γ_p(x) = p(p-1)/4 ln π + Σ_{i<p} ln Γ(x - i/2); every element must exceed (p-1)/2.

    Example:
        >>> ember.mvlgamma(ember.tensor([2.5]), 2)
        tensor([0.8570])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":
        _not_implemented("mvlgamma", input.dtype, "real floating-point")
    if not isinstance(input, Tensor) or input._data.dtype not in FLOAT_NP:
        input = _cast(input, _dtype.get_default_dtype(), input)
    if input.numel() and not bool((input > (p - 1) / 2).all()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    result = sum(lgamma(input - i / 2) for i in range(p)) + p * (p - 1) / 4 * math.log(math.pi)
    return _maybe_out(out, result, "mvlgamma")


def gammainc(input, other, *, out=None):
    """Regularized lower incomplete gamma P(input, other) = γ(a, x) / Γ(a)."""
    a, x = promote(input, other, "gammainc")
    return _maybe_out(out, GammaIncomplete.apply(a, x, False), "gammainc")


def gammaincc(input, other, *, out=None):
    """Regularized upper incomplete gamma Q(input, other) = 1 - P(input, other)."""
    a, x = promote(input, other, "gammaincc")
    return _maybe_out(out, GammaIncomplete.apply(a, x, True), "gammaincc")


def igamma(input, other, *, out=None):
    """torch.igamma: gammainc(input, other), the regularized lower incomplete gamma.

    Example:
        >>> ember.igamma(ember.tensor([1.]), ember.tensor([1.]))
        tensor([0.6321])
    """
    return gammainc(input, other, out=out)


def igammac(input, other, *, out=None):
    """torch.igammac: gammaincc(input, other) = 1 - igamma(input, other)."""
    return gammaincc(input, other, out=out)


def logit(input, eps=None, *, out=None):
    """Elementwise ln(p / (1 - p)); with eps, p is first clamped to [eps, 1 - eps].

    Example:
        >>> ember.logit(ember.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
    """
    if input._data.dtype.kind == "c":
        _not_implemented("logit", input.dtype, "real floating-point")
    if eps is not None:
        input = input.clamp(eps, 1 - eps)
    elif input._data.dtype not in FLOAT_NP:
        input = input.to(_dtype.get_default_dtype())
    return _maybe_out(out, input.log() - (-input).log1p(), "logit")


# -- the normal distribution's CDF, its inverse and log; entropy terms ------------------------

_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class Ndtr(Op):
    """y = Φ(x) = (1 + erf(x / sqrt 2)) / 2;  grad_x = g * e**(-x²/2) / sqrt(2π)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp, "ndtr", x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x * -0.5).exp() * _INV_SQRT_2PI


class Ndtri(Op):
    """y = Φ⁻¹(p);  grad_p = g * sqrt(2π) * e**(y²/2)."""

    @staticmethod
    def forward(ctx, p):
        y = _special(ctx.xp, "ndtri", p)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y * 0.5).exp() / _INV_SQRT_2PI


class LogNdtr(Op):
    """y = ln Φ(x), accurate far into the lower tail;  grad_x = g * e**(-x²/2 - y) / sqrt(2π)."""

    @staticmethod
    def forward(ctx, x):
        y = _special(ctx.xp, "log_ndtr", x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (-(y + x * x * 0.5)).exp() * _INV_SQRT_2PI


class Entr(Op):
    """y = -x ln x for x > 0, 0 at 0, -inf for x < 0;  grad_x = -g * (1 + ln x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp, "entr", x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * (1 + x.log())


class Xlog1py(Op):
    """z = x * ln(1 + y), and 0 where x == 0 (unless y is NaN);
    grad_x = g * ln(1 + y) (0 where x == 0),  grad_y = g * x / (1 + y)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        dtype = x.dtype
        if dtype.itemsize < 4:  # scipy has no half loops
            x, y = x.astype(ctx.xp.float32), y.astype(ctx.xp.float32)
        try:
            return _scipy(ctx.xp).xlog1py(x, y).astype(dtype, copy=False)
        except ValueError as error:
            raise broadcast_error(error, "special_xlog1py", x, y) from None

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        grad_x = grad_y = None
        if need_x:
            grad_x = sum_to(grad * xlog1py((x != 0).to(grad.dtype), y), x.shape)
        if need_y:
            grad_y = sum_to(grad * x / (y + 1), y.shape)
        return grad_x, grad_y


def ndtr(input, *, out=None):
    """Elementwise standard normal CDF Φ(x) = (1 + erf(x / sqrt 2)) / 2.

    Example:
        >>> ember.special.ndtr(ember.tensor([0., 1.]))
        tensor([0.5000, 0.8413])
    """
    return _float_unary(Ndtr, "special_ndtr", input, out)


def ndtri(input, *, out=None):
    """Elementwise inverse of the standard normal CDF, Φ⁻¹(p); ±inf at 1 and 0, NaN outside."""
    return _float_unary(Ndtri, "special_ndtri", input, out)


def log_ndtr(input, *, out=None):
    """Elementwise ln Φ(x), finite far into the lower tail where Φ(x) underflows."""
    return _float_unary(LogNdtr, "special_log_ndtr", input, out)


def entr(input, *, out=None):
    """Elementwise entropy term -x ln x (0 at x = 0, -inf for x < 0)."""
    return _float_unary(Entr, "special_entr", input, out)


def xlog1py(input, other, *, out=None):
    """Elementwise input * log1p(other), defined as 0 where input == 0 (unless other is NaN).

    Example:
        >>> ember.special.xlog1py(ember.tensor([0., 2.]), ember.tensor([-1., 0.]))
        tensor([0., 0.])
    """
    x, y = float_tensor_pair("special_xlog1py", input, other)
    return _maybe_out(out, Xlog1py.apply(x, y), "special_xlog1py")


# -- erfcx and the Hurwitz zeta function -----------------------------------------------------

class Erfcx(Op):
    """y = erfcx(x) = e**(x²) erfc(x);  grad_x = g * (2 x y - 2 / sqrt(pi))."""

    node_name = "SpecialErfcxBackward0"

    @staticmethod
    def forward(ctx, x):
        y = _special(ctx.xp, "erfcx", x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (2.0 * x * y - 2.0 / math.sqrt(math.pi))


def erfcx(input, *, out=None):
    """Elementwise scaled complementary error function e**(x²) erfc(x), finite for large x
    where erfc underflows.

    Example:
        >>> ember.special.erfcx(ember.tensor([0., 10.]))
        tensor([1.0000, 0.0561])
    """
    require_float_or_double("special_erfcx", input)
    return _float_unary(Erfcx, "special_erfcx", input, out)


class Zeta(Op):
    """z = ζ(x, q) = Σ_{k>=0} (k + q)**-x;  grad_q = -g * x * ζ(x + 1, q). torch has no
    derivative in x: backward raises NotImplementedError when x needs one."""

    node_name = "SpecialZetaBackward0"

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        try:
            z = _scipy(ctx.xp).zeta(x, q).astype(x.dtype, copy=False)
        except ValueError as error:
            raise broadcast_error(error, "special_zeta", x, q) from None
        # torch's Cephes loop gives NaN at q = +inf (inf * 0 in its tail term) where scipy
        # has the limit 0
        return ctx.xp.where((q == ctx.xp.inf) & (x > 1), ctx.xp.nan, z)

    @staticmethod
    def backward(ctx, grad):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, sum_to(grad * -x * zeta(x + 1, q), q.shape)


def zeta(input, other, *, out=None):
    """Elementwise Hurwitz zeta function ζ(input, other) = Σ_{k>=0} (k + other)**-input
    (inf at input = 1, NaN below); differentiable in other only, as in torch.

    Example:
        >>> ember.special.zeta(ember.tensor([2.]), 1.)
        tensor([1.6449])
    """
    x, q = float_tensor_pair("special_zeta", input, other)
    require_float_or_double("special_zeta", x)
    result = Zeta.apply(x, q)
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        # torch's node for a number operand is another overload's
        named(result, "SpecialZetaBackward1" if isinstance(other, Tensor) else
              "SpecialZetaBackward2")
    return _maybe_out(out, result, "special_zeta")


# -- orthogonal polynomials (torch's recurrences, elementwise) -------------------------------

# NOTE [ torch's orthogonal polynomials ]
# torch evaluates T_n(x) ... P_n(x) per element with a degree n = static_cast<int64_t>(n): a
# float degree is truncated toward zero, and NaN, ±inf and |n| >= 2**63 become INT64_MIN on
# x86, so a negative degree: the polynomial is 0. Then come early returns (endpoints, small
# degrees, and for Chebyshev polynomials with n past a threshold and |x| < 1 the closed form
# cos(n acos x) and kin), and otherwise the three-term recurrence, run in the input's dtype,
# stopping early once it turns NaN (Chebyshev, Laguerre, Legendre; so for |x| > 1 and large n
# the result is NaN once the values overflowed). Hermite polynomials are NaN past degree 128
# (float32) or 512 (float64). The functions below replay those steps on whole arrays: the
# early returns as masks, the recurrence for the elements that reach it, each for its own n,
# with torch's fused multiply-adds. One difference: for NaN x and n >= 2, torch's kernels
# but T's (unshifted) and the Hermite ones return an uninitialized variable (their
# recurrence never runs); ember returns NaN.

def _degree(xp, n):
    """torch's static_cast<int64_t>(n): -1 stands for INT64_MIN, as any negative degree
    gives 0."""
    in_range = xp.abs(n) < 2.0 ** 63  # False for NaN and ±inf
    return xp.where(in_range, n, -1).astype(xp.int64)


def _first_of(xp, cases, otherwise):
    """Elementwise, the value of the first case whose condition holds (torch's early
    returns, in order), else `otherwise`."""
    result = otherwise
    for condition, value in reversed(cases):
        result = xp.where(condition, value, result)
    return result


def _recurrence(xp, step, x, n, p, q, stop_at_nan):
    """For j = 1 ... n - 1, each element to its own n: (p, q) <- (q, step(j, x, p, q)),
    stopping early where q is NaN if stop_at_nan; returns the last q. Elements drop out
    of the arrays as they finish, so the work follows each element's degree."""
    result = q.copy()
    index = xp.arange(x.size)
    j = 1
    while index.size:
        going = j < n
        if stop_at_nan:
            going &= ~xp.isnan(q)
        if not bool(going.all()):
            result[index[~going]] = q[~going]
            index, x, n, p, q = index[going], x[going], n[going], p[going], q[going]
            if not index.size:
                break
        p, q = q, step(j, x, p, q)
        j += 1
    return result


def _parity(xp, n, value, dtype):
    """value for even n, -value for odd n."""
    return xp.where(n % 2 == 0, value, -value).astype(dtype)


def _evaluate(xp, cases, variable, n, first, step, stop_at_nan):
    """torch's early returns `cases`, else its recurrence from p = 1, q = first."""
    rest = ~xp.any(xp.stack([condition for condition, _ in cases]), axis=0)
    result = xp.zeros_like(variable)
    if bool(rest.any()):
        result[rest] = _recurrence(xp, step, variable[rest], n[rest],
                                   xp.ones_like(variable[rest]), first[rest], stop_at_nan)
    return _first_of(xp, cases, result)


def _chebyshev(xp, x, n, kind, shifted):
    """T, U, V or W of degree n at y = x, or at y = 2x - 1 for the shifted ones (on [0, 1])."""
    dtype = x.dtype
    y = x + x - 1.0 if shifted else x
    upper, lower = (x == 1, x == 0) if shifted else (x == 1, x == -1)
    degree = n.astype(dtype)
    once, twice = (n + 1).astype(dtype), (n + n + 1).astype(dtype)
    theta = xp.arccos(y)
    if kind == "t":
        at_upper, at_lower = 1.0, _parity(xp, n, 1.0, dtype)
        closed = xp.cos(degree * theta)
        first = y
    elif kind == "u":
        at_upper, at_lower = once, _parity(xp, n, once, dtype)
        sine = xp.sin(theta)
        closed = xp.where(sine != 0, xp.sin(once * theta) / sine,
                          once * xp.cos(once * theta) / y)
        first = y + y
    elif kind == "v":
        at_upper, at_lower = 1.0, _parity(xp, n, twice, dtype)
        closed = xp.where(xp.sin(theta / 2.0) != 1,
                          xp.cos((degree + 0.5) * theta) / xp.cos(theta / 2.0), at_lower)
        first = y + y - 1.0
    else:
        at_upper, at_lower = twice, _parity(xp, n, 1.0, dtype)
        # where cos(θ/2) rounds to 1 torch returns the value at x = 1, but not when shifted
        edge = at_lower if shifted else xp.where(x > 0, twice, at_lower)
        closed = xp.where(xp.cos(theta / 2.0) != 1,
                          xp.sin((degree + 0.5) * theta) / xp.sin(theta / 2.0), edge)
        first = y + y + 1.0
    threshold = _CLOSED_FORM_PAST[shifted][kind]
    cases = [(n < 0, 0.0), (upper, at_upper), (lower, at_lower),
             ((n > threshold) & (xp.abs(y) < 1), closed), (n == 0, 1.0), (n == 1, first)]
    def step(j, y, p, q):
        return _fused_multiply_add(xp, y + y, q, -p)

    return _evaluate(xp, cases, y, n, first, step, True)


# the degree past which torch uses the closed form for |y| < 1: {shifted: {kind: degree}}
_CLOSED_FORM_PAST = {False: {"t": 6, "u": 8, "v": 8, "w": 8},
                     True: {"t": 6, "u": 6, "v": 6, "w": 4}}


def _hermite(xp, x, n, physicists):
    """H_n (physicists') by H_{k+1} = 2x H_k - 2k H_{k-1}, or He_n (probabilists') by
    He_{k+1} = x He_k - k He_{k-1}; NaN past degree 128 (float32) or 512 (float64)."""
    limit = 128 if x.dtype == xp.float32 else 512
    def step(j, x, p, q):
        if physicists:  # the k of H_{k+1} = 2x H_k - 2k H_{k-1} is 2j
            return _fused_multiply_add(xp, x + x, q, -((j + j) * p))
        return _fused_multiply_add(xp, x, q, -(j * p))

    first = x + x if physicists else x
    cases = [(n < 0, 0.0), (n == 0, 1.0), (n == 1, first), (n > limit, xp.nan)]
    return _evaluate(xp, cases, x, n, first, step, False)


def _laguerre(xp, x, n):
    """L_n by (k + 1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}; 1 at x = 0."""
    first = 1.0 - x
    cases = [(n < 0, 0.0), (xp.abs(x) == 0, 1.0), (n == 0, 1.0), (n == 1, first)]
    def step(j, x, p, q):
        return _fused_multiply_add(xp, (j + j) + (1.0 - x), q, -(j * p)) / (j + 1)

    return _evaluate(xp, cases, x, n, first, step, True)


def _legendre(xp, x, n):
    """P_n by (k + 1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}; ±1 at x = ±1."""
    at_one = xp.where((x > 0) | (n % 2 == 0), 1.0, -1.0).astype(x.dtype)
    cases = [(n < 0, 0.0), (xp.abs(x) == 1, at_one), (n == 0, 1.0), (n == 1, x)]
    def step(j, x, p, q):
        return _fused_multiply_add(xp, (j + j + 1) * x, q, -(j * p)) / (j + 1)

    return _evaluate(xp, cases, x, n, x, step, True)


_POLYNOMIALS = {
    "chebyshev_polynomial_t": lambda xp, x, n: _chebyshev(xp, x, n, "t", False),
    "chebyshev_polynomial_u": lambda xp, x, n: _chebyshev(xp, x, n, "u", False),
    "chebyshev_polynomial_v": lambda xp, x, n: _chebyshev(xp, x, n, "v", False),
    "chebyshev_polynomial_w": lambda xp, x, n: _chebyshev(xp, x, n, "w", False),
    "shifted_chebyshev_polynomial_t": lambda xp, x, n: _chebyshev(xp, x, n, "t", True),
    "shifted_chebyshev_polynomial_u": lambda xp, x, n: _chebyshev(xp, x, n, "u", True),
    "shifted_chebyshev_polynomial_v": lambda xp, x, n: _chebyshev(xp, x, n, "v", True),
    "shifted_chebyshev_polynomial_w": lambda xp, x, n: _chebyshev(xp, x, n, "w", True),
    "hermite_polynomial_h": lambda xp, x, n: _hermite(xp, x, n, True),
    "hermite_polynomial_he": lambda xp, x, n: _hermite(xp, x, n, False),
    "laguerre_polynomial_l": _laguerre,
    "legendre_polynomial_p": _legendre,
}


class OrthogonalPolynomial(Op):
    """y = P_n(x) for one of torch.special's polynomial families; no gradient (torch has
    none): the result never requires grad. See NOTE [ torch's orthogonal polynomials ]."""

    differentiable = False

    @staticmethod
    def forward(ctx, x, n, name):
        xp = ctx.xp
        try:
            x, n = xp.broadcast_arrays(x, n)
        except ValueError as error:
            raise broadcast_error(error, f"special_{name}", x, n) from None
        y = _POLYNOMIALS[name](xp, x.reshape(-1), _degree(xp, n.reshape(-1)))
        return y.astype(x.dtype, copy=False).reshape(x.shape)


def _polynomial(name, x, n, out):
    """torch's parser names the arguments x and n (its docs say input)."""
    x, n = float_tensor_pair(f"special_{name}", x, n)
    require_float_or_double(f"special_{name}", x)
    return _maybe_out(out, OrthogonalPolynomial.apply(x, n, name), f"special_{name}")


def chebyshev_polynomial_t(x, n, *, out=None):
    """Chebyshev polynomial of the first kind T_n(x); x and n are tensors or numbers, n is
    truncated to an integer (a negative n gives 0). No gradient.

    Example:
        >>> ember.special.chebyshev_polynomial_t(ember.tensor([0.5, 2.]), 3)
        tensor([-1., 26.])
    """
    return _polynomial("chebyshev_polynomial_t", x, n, out)


def chebyshev_polynomial_u(x, n, *, out=None):
    """Chebyshev polynomial of the second kind U_n(x). No gradient."""
    return _polynomial("chebyshev_polynomial_u", x, n, out)


def chebyshev_polynomial_v(x, n, *, out=None):
    """Chebyshev polynomial of the third kind V_n(x). No gradient."""
    return _polynomial("chebyshev_polynomial_v", x, n, out)


def chebyshev_polynomial_w(x, n, *, out=None):
    """Chebyshev polynomial of the fourth kind W_n(x). No gradient."""
    return _polynomial("chebyshev_polynomial_w", x, n, out)


def shifted_chebyshev_polynomial_t(x, n, *, out=None):
    """Shifted Chebyshev polynomial of the first kind T*_n(x) = T_n(2x - 1). No gradient."""
    return _polynomial("shifted_chebyshev_polynomial_t", x, n, out)


def shifted_chebyshev_polynomial_u(x, n, *, out=None):
    """Shifted Chebyshev polynomial of the second kind U*_n(x) = U_n(2x - 1). No gradient."""
    return _polynomial("shifted_chebyshev_polynomial_u", x, n, out)


def shifted_chebyshev_polynomial_v(x, n, *, out=None):
    """Shifted Chebyshev polynomial of the third kind V*_n(x) = V_n(2x - 1). No gradient."""
    return _polynomial("shifted_chebyshev_polynomial_v", x, n, out)


def shifted_chebyshev_polynomial_w(x, n, *, out=None):
    """Shifted Chebyshev polynomial of the fourth kind W*_n(x) = W_n(2x - 1). No gradient."""
    return _polynomial("shifted_chebyshev_polynomial_w", x, n, out)


def hermite_polynomial_h(x, n, *, out=None):
    """Physicists' Hermite polynomial H_n(x) (NaN past degree 128 in float32, 512 in
    float64, as torch). No gradient.

    Example:
        >>> ember.special.hermite_polynomial_h(ember.tensor([1.]), 3)
        tensor([-4.])
    """
    return _polynomial("hermite_polynomial_h", x, n, out)


def hermite_polynomial_he(x, n, *, out=None):
    """Probabilists' Hermite polynomial He_n(x) (NaN past degree 128 in float32, 512 in
    float64, as torch). No gradient."""
    return _polynomial("hermite_polynomial_he", x, n, out)


def laguerre_polynomial_l(x, n, *, out=None):
    """Laguerre polynomial L_n(x). No gradient."""
    return _polynomial("laguerre_polynomial_l", x, n, out)


def legendre_polynomial_p(x, n, *, out=None):
    """Legendre polynomial P_n(x). No gradient.

    Example:
        >>> ember.special.legendre_polynomial_p(ember.tensor([0.5]), 2)
        tensor([-0.1250])
    """
    return _polynomial("legendre_polynomial_p", x, n, out)


# -- gamma samples and their implicit gradient ----------------------------------------------

# NOTE [ Implicit reparameterization of gamma samples ]
# A gamma sample x ~ Gamma(α, 1) has no closed-form x = f(α, noise), but it is the inverse CDF
# of a uniform u: P(α, x) = u. Holding u fixed, dP/dα + dP/dx · dx/dα = 0, so
#     dx/dα = -(∂P/∂α) / (∂P/∂x),   ∂P/∂x = x**(α-1) e**-x / Γ(α)   (the density).
# ∂P/∂α has no closed form either; we take a central difference of scipy's P in float64 with a
# step of 1e-5·α (error near 1e-10, far below float32's resolution), differencing Q = 1 - P
# instead where P > 1/2 so that the difference never cancels against 1. torch evaluates series
# and asymptotic approximations of the same quantity, within 3e-4 of these values.

def standard_gamma_grad(concentration, sample):
    """dx/dα for gamma samples x of concentration α (host arrays, same shape); See NOTE above."""
    xp_special = _scipy(np)
    alpha = concentration.astype(np.float64)
    x = sample.astype(np.float64)
    step = 1e-5 * alpha
    lower = xp_special.gammainc(alpha, x) < 0.5
    function = np.where(lower, 1.0, -1.0)
    forward = np.where(lower, xp_special.gammainc(alpha + step, x),
                       xp_special.gammaincc(alpha + step, x))
    backward = np.where(lower, xp_special.gammainc(alpha - step, x),
                        xp_special.gammaincc(alpha - step, x))
    d_alpha = function * (forward - backward) / (2 * step)
    log_density = (alpha - 1) * np.log(x) - x - xp_special.gammaln(alpha)
    return (-d_alpha / np.exp(log_density)).astype(sample.dtype)


class StandardGamma(Op):
    """x ~ Gamma(α, 1), drawn before the call;  grad_α = g * dx/dα (implicit gradient,
    See NOTE [ Implicit reparameterization of gamma samples ]). Its backward is not itself
    differentiable."""

    @staticmethod
    def forward(ctx, concentration, sample):
        ctx.save_for_backward(concentration, sample)
        return sample

    @staticmethod
    def backward(ctx, grad):
        concentration, sample = ctx.saved_tensors
        d_sample = standard_gamma_grad(concentration._host_array(), sample._host_array())
        return grad * Tensor._make(_on_device_of(d_sample, grad)), None


def standard_gamma(concentration, generator=None):
    """Samples x ~ Gamma(concentration, 1), differentiable in the concentration (torch's
    `_standard_gamma`, drawing the same numbers from the same seed); values below the dtype's
    smallest normal are raised to it, as torch's kernel does."""
    alpha = concentration._host_array()
    work = alpha if alpha.dtype in (np.float32, np.float64) else alpha.astype(np.float32)
    sample = _sampling.standard_gamma(_generator(generator), work).astype(alpha.dtype)
    return StandardGamma.apply(concentration, _on_device_of(sample, concentration))


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("lgamma", "digamma", "mvlgamma", "logit", "igamma", "igammac"):
    setattr(Tensor, _name, globals()[_name])
    setattr(Tensor, _name + "_", inplace_method(globals()[_name], _name + "_"))


def _polygamma_method(self, n):
    return polygamma(n, self)


Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = inplace_method(_polygamma_method, "polygamma_")
