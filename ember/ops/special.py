"""Special functions: lgamma, digamma, polygamma, mvlgamma, the regularized incomplete gamma
functions (gammainc, gammaincc), logit, each with its gradient; and gamma sampling with its
implicit reparameterization gradient (`standard_gamma`), which Gamma, Beta and Dirichlet
rsample build on.

Forward values come from scipy.special (cupyx.scipy.special on the GPU) through unary.py's
`_special`; integer inputs become the default float dtype first, as in torch.
"""
import math

import numpy as np

from .. import _dtype
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op
from ._inplace import inplace_method
from .binary import float_tensor_pair
from .elementwise import _cast, _maybe_out, broadcast_error, promote, sum_to
from . import _sampling
from .random import _generator, _on_device_of
from .unary import _float_unary, _special

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "logit", "igamma", "igammac", "ndtr",
           "ndtri", "log_ndtr", "entr", "xlog1py"]


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
