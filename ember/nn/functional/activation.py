"""Activation functions: relu, gelu, softmax, log_softmax ...

Each smooth activation is one Op, and its backward is one more Op (`GeluGrad`, `SiluGrad`
...) that computes grad * f'(x) in a single pass; that Op is differentiable in turn (through
f''), so create_graph=True still records one node per derivative order. Piecewise-linear
activations (hardtanh, leaky_relu ...) keep their slope from forward: their backward is one
multiplication, and their second derivative is zero. softmax, log_softmax and softmin live in
_softmax.py and are re-exported here.
"""
import warnings

import numpy as np

from ... import _dtype
from ..._dtype import FLOAT_NP
from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops import compare, unary
from ...ops._dims import wrap_dim
from ...ops._inplace import apply_inplace
from ...amp import autocast_mode
from ...backend import fused
from ._softmax import log_softmax, softmax, softmin

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "elu",
    "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid", "tanh",
    "hardtanh", "hardtanh_", "hardsigmoid", "hardswish", "softplus", "softsign", "softshrink",
    "hardshrink", "tanhshrink", "threshold", "threshold_", "logsigmoid", "glu", "softmax",
    "log_softmax", "softmin", "gumbel_softmax",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_HALF_NP = (_dtype.float16.np, _dtype.bfloat16.np)
_SQRT_HALF = 0.7071067811865476          # 1 / sqrt(2)
_INV_SQRT_2PI = 0.3989422804014327       # 1 / sqrt(2 pi)
_GELU_BETA = 0.7978845608028654          # sqrt(2 / pi)
_GELU_KAPPA = 0.044715


# -- shared machinery ---------------------------------------------------------------------

def _check_float(input, op_name):
    """Smooth activations are defined for floating tensors only (torch: NotImplementedError)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input._data.dtype not in FLOAT_NP:
        kind = "complex" if input.is_complex() else "integer or bool"
        raise NotImplementedError(
            f"{op_name}: not implemented for dtype {input.dtype} ({kind} input); convert the "
            f"input to a real floating dtype first")


def _check_tensor(input, op_name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def _maybe_inplace(input, fn, args, inplace, op_name):
    """fn(input, *args), or written back into input when inplace (the trailing-_ forms)."""
    if inplace:
        return apply_inplace(input, fn, args, {}, op_name + "_")
    return fn(input, *args)


class _Smooth(Op):
    """y = f(x) for a smooth activation f; backward is the class's `grad_op`, one Op.

    A subclass gives `function(xp, x, *params)` on backend arrays and names its `grad_op`.
    """

    grad_op = None

    @staticmethod
    def forward(ctx, x, *params):
        ctx.save_for_backward(x)
        ctx.params = params
        kernel = fused(ctx.xp, ctx._op.__name__)  # one GPU launch where the backend has one
        y = None if kernel is None else kernel(x, *params)
        if y is not None:
            return y
        if x.dtype in _HALF_NP:  # computed in float32 and rounded once, as torch's kernels
            return ctx._op.function(ctx.xp, x.astype(np.float32), *params).astype(x.dtype)
        return ctx._op.function(ctx.xp, x, *params)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        params = ctx.params
        return (ctx._op.grad_op.apply(grad, x, *params),) + (None,) * len(params)


class _SmoothGrad(Op):
    """grad_x = g * f'(x), the backward of a smooth activation f, itself differentiable:
    d/dg = f'(x) (this op again), d/dx = g * f''(x).

    A subclass gives `derivative(xp, x, *params)` on backend arrays and
    `second_derivative(x, *params)` written with ember ops (so third order works too).
    """

    @staticmethod
    def forward(ctx, grad, x, *params):
        ctx.save_for_backward(grad, x)
        ctx.params = params
        kernel = fused(ctx.xp, ctx._op.__name__)  # one GPU launch where the backend has one
        grad_x = None if kernel is None else kernel(grad, x, *params)
        if grad_x is not None:
            return grad_x
        if x.dtype in _HALF_NP:  # computed in float32 and rounded once, as torch's kernels
            wide = grad.astype(np.float32) * ctx._op.derivative(ctx.xp, x.astype(np.float32),
                                                                 *params)
            return wide.astype(grad.dtype)
        return grad * ctx._op.derivative(ctx.xp, x, *params)

    @staticmethod
    def backward(ctx, grad_grad):
        grad, x = ctx.saved_tensors
        op, params = ctx._op, ctx.params
        need_grad, need_x = ctx.needs_input_grad[:2]
        grad_of_grad = op.apply(grad_grad, x, *params) if need_grad else None
        grad_x = grad_grad * grad * op.second_derivative(x, *params) if need_x else None
        return (grad_of_grad, grad_x) + (None,) * len(params)


class _PiecewiseLinear(Op):
    """y = f(x) for an f that is linear between breakpoints: grad_x = g * slope(x).

    A subclass gives `function(xp, x, *params) -> (y, slope)`. The slope is kept as a
    constant, so the second derivative is zero, as it is almost everywhere.
    """

    @staticmethod
    def forward(ctx, x, *params):
        y, slope = ctx._op.function(ctx.xp, x, *params)
        ctx.save_for_backward(slope)
        ctx.num_params = len(params)
        return y

    @staticmethod
    def backward(ctx, grad):
        (slope,) = ctx.saved_tensors
        return (grad * slope,) + (None,) * ctx.num_params


# NOTE [ Fast float32 erf ]
# scipy's erf costs ~30 ns an element on the CPU, most of gelu's time. For float32 and
# narrower inputs on the CPU, erf is evaluated as Eigen's rational approximation (odd degree-13
# numerator over even degree-8 denominator, x clamped to [-4, 4]): max error 4e-7, under
# float32's own rounding of gelu. float64 and the GPU keep the library erf.
_ERF_NUMERATOR = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
                  -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
                  -1.60960333262415e-02)
_ERF_DENOMINATOR = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
                    -7.37332916720468e-03, -1.42647390514189e-02)


def _erf(xp, x):
    """erf(x) in x's dtype; see NOTE [ Fast float32 erf ]."""
    if xp.__name__ != "numpy":
        from cupyx.scipy.special import erf
        return erf(x)
    if x.dtype.itemsize >= 8:
        from scipy.special import erf
        return erf(x)
    x = xp.clip(x, -4, 4).astype(xp.float32, copy=False)
    x_sq = x * x
    numerator = x_sq * _ERF_NUMERATOR[0] + _ERF_NUMERATOR[1]
    for coefficient in _ERF_NUMERATOR[2:]:
        numerator *= x_sq
        numerator += coefficient
    numerator *= x
    denominator = x_sq * _ERF_DENOMINATOR[0] + _ERF_DENOMINATOR[1]
    for coefficient in _ERF_DENOMINATOR[2:]:
        denominator *= x_sq
        denominator += coefficient
    numerator /= denominator
    return numerator


def _sigmoid_tensor(x):
    return unary.sigmoid(x)


# -- piecewise-linear activations ---------------------------------------------------------

class Hardtanh(_PiecewiseLinear):
    """y = clamp(x, min_val, max_val);  grad_x = g * (min_val < x < max_val)."""

    @staticmethod
    def function(xp, x, min_val, max_val):
        y = xp.clip(x, min_val, max_val).astype(x.dtype, copy=False)
        return y, ((x > min_val) & (x < max_val)).astype(x.dtype)


class LeakyRelu(_PiecewiseLinear):
    """y = x if x > 0 else negative_slope * x;  grad_x = g * (1 if x > 0 else negative_slope)."""

    @staticmethod
    def function(xp, x, negative_slope):
        positive = x > 0
        slope = xp.where(positive, 1, negative_slope).astype(x.dtype, copy=False)
        return x * slope, slope


class Threshold(_PiecewiseLinear):
    """y = x if x > threshold else value;  grad_x = g * (x > threshold)."""

    @staticmethod
    def function(xp, x, threshold, value):
        above = x > threshold
        return xp.where(above, x, value).astype(x.dtype, copy=False), above.astype(x.dtype)


class Hardshrink(_PiecewiseLinear):
    """y = x if |x| > lambd else 0;  grad_x = g * (|x| > lambd)."""

    @staticmethod
    def function(xp, x, lambd):
        outside = ((x < -lambd) | (x > lambd)).astype(x.dtype)
        return x * outside, outside


class Softshrink(_PiecewiseLinear):
    """y = x - lambd if x > lambd, x + lambd if x < -lambd, else 0;
    grad_x = g * (|x| > lambd)."""

    @staticmethod
    def function(xp, x, lambd):
        outside = ((x < -lambd) | (x > lambd)).astype(x.dtype)
        return (x - xp.clip(x, -lambd, lambd)).astype(x.dtype, copy=False), outside


class Hardsigmoid(_PiecewiseLinear):
    """y = clamp(x + 3, 0, 6) / 6;  grad_x = g / 6 where -3 < x < 3, else 0."""

    @staticmethod
    def function(xp, x):
        y = (xp.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)
        return y, (((x > -3) & (x < 3)) / 6).astype(x.dtype)


# -- smooth activations -------------------------------------------------------------------

class GeluGrad(_SmoothGrad):
    """grad_x = g * gelu'(x).

    exact:  gelu'(x) = Φ(x) + x φ(x),  gelu''(x) = φ(x) (2 - x²);
    tanh:   with u = √(2/π)(x + κx³), t = tanh u:
            gelu'(x) = (1 + t)/2 + x (1 - t²) u'/2,
            gelu''(x) = (1 - t²)(u' - x t u'² + x u''/2).
    """

    @staticmethod
    def derivative(xp, x, approximate):
        if approximate == "tanh":
            x_sq = x * x
            t = xp.tanh(_GELU_BETA * (x + _GELU_KAPPA * x_sq * x))
            inner_slope = _GELU_BETA * (1 + 3 * _GELU_KAPPA * x_sq)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner_slope
        cdf = 0.5 * (1 + _erf(xp, x * _SQRT_HALF))
        pdf = xp.exp(-0.5 * x * x) * _INV_SQRT_2PI
        return (cdf + x * pdf).astype(x.dtype, copy=False)

    @staticmethod
    def second_derivative(x, approximate):
        x_sq = x * x
        if approximate == "tanh":
            t = ((x_sq * _GELU_KAPPA + 1) * x * _GELU_BETA).tanh()
            inner_slope = (x_sq * (3 * _GELU_KAPPA) + 1) * _GELU_BETA
            inner_curve = x * (6 * _GELU_BETA * _GELU_KAPPA)
            return (1 - t * t) * (inner_slope - x * t * inner_slope * inner_slope
                                  + x * inner_curve * 0.5)
        return (x_sq * -0.5).exp() * _INV_SQRT_2PI * (2 - x_sq)


class Gelu(_Smooth):
    """y = x Φ(x) = x/2 (1 + erf(x/√2)), or with approximate='tanh'
    y = x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)));  grad: GeluGrad."""

    grad_op = GeluGrad

    @staticmethod
    def function(xp, x, approximate):
        if approximate == "tanh":
            inner = _GELU_BETA * (x + _GELU_KAPPA * x * x * x)
            return 0.5 * x * (1 + xp.tanh(inner))
        return (0.5 * x * (1 + _erf(xp, x * _SQRT_HALF))).astype(x.dtype, copy=False)


class SiluGrad(_SmoothGrad):
    """grad_x = g * silu'(x);  silu' = σ(1 + x(1 - σ)),  silu'' = σ(1 - σ)(2 + x(1 - 2σ))."""

    @staticmethod
    def derivative(xp, x):
        s = unary.sigmoid_array(xp, x)
        return s * (1 + x * (1 - s))

    @staticmethod
    def second_derivative(x):
        s = _sigmoid_tensor(x)
        return s * (1 - s) * (x * (1 - 2 * s) + 2)


class Silu(_Smooth):
    """y = x σ(x);  grad: SiluGrad."""

    grad_op = SiluGrad

    @staticmethod
    def function(xp, x):
        return x * unary.sigmoid_array(xp, x)


class MishGrad(_SmoothGrad):
    """grad_x = g * mish'(x), with t = tanh(softplus x), s = σ(x):
    mish' = t + x s (1 - t²),  mish'' = (1 - t²) s (2 + x(1 - s) - 2 x s t)."""

    @staticmethod
    def derivative(xp, x):
        s = unary.sigmoid_array(xp, x)
        t = xp.tanh(xp.logaddexp(x, 0))
        return t + x * s * (1 - t * t)

    @staticmethod
    def second_derivative(x):
        s = _sigmoid_tensor(x)
        t = softplus(x).tanh()
        return (1 - t * t) * s * (2 + x * (1 - s) - 2 * x * s * t)


class Mish(_Smooth):
    """y = x tanh(softplus(x));  grad: MishGrad."""

    grad_op = MishGrad

    @staticmethod
    def function(xp, x):
        return x * xp.tanh(xp.logaddexp(x, 0))  # logaddexp(x, 0) = log(1 + e^x), no overflow


class EluGrad(_SmoothGrad):
    """grad_x = g * elu'(x);  elu' = scale for x > 0, else scale α s e^(s x);
    elu'' = 0 for x > 0, else scale α s² e^(s x)  (s = input_scale)."""

    @staticmethod
    def derivative(xp, x, alpha, scale, input_scale):
        negative = xp.exp(xp.minimum(x, 0) * input_scale) * (alpha * scale * input_scale)
        return xp.where(x > 0, scale, negative).astype(x.dtype, copy=False)

    @staticmethod
    def second_derivative(x, alpha, scale, input_scale):
        curve = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale ** 2)
        return curve * (x <= 0).to(x.dtype)


class Elu(_Smooth):
    """y = scale x for x > 0, else scale α (e^(input_scale x) - 1); elu, selu and celu.
    grad: EluGrad."""

    grad_op = EluGrad

    @staticmethod
    def function(xp, x, alpha, scale, input_scale):
        # expm1 of min(x, 0): no overflow in the branch where() discards
        negative = xp.expm1(xp.minimum(x, 0) * input_scale) * (alpha * scale)
        return xp.where(x > 0, x * scale, negative).astype(x.dtype, copy=False)


class SoftplusGrad(_SmoothGrad):
    """grad_x = g * σ(βx), or g where βx > threshold;  second: β σ(βx)(1 - σ(βx))."""

    @staticmethod
    def derivative(xp, x, beta, threshold):
        scaled = x * beta
        slope = unary.sigmoid_array(xp, scaled)
        return xp.where(scaled > threshold, 1, slope).astype(x.dtype, copy=False)

    @staticmethod
    def second_derivative(x, beta, threshold):
        s = _sigmoid_tensor(x * beta)
        return s * (1 - s) * beta * (x * beta <= threshold).to(x.dtype)


class Softplus(_Smooth):
    """y = log(1 + e^(βx)) / β, or x where βx > threshold;  grad: SoftplusGrad."""

    grad_op = SoftplusGrad

    @staticmethod
    def function(xp, x, beta, threshold):
        scaled = x * beta
        smooth = xp.logaddexp(scaled, 0) / beta
        return xp.where(scaled > threshold, x, smooth).astype(x.dtype, copy=False)


class LogsigmoidGrad(_SmoothGrad):
    """grad_x = g * σ(-x);  second: -σ(x)(1 - σ(x))."""

    @staticmethod
    def derivative(xp, x):
        return unary.sigmoid_array(xp, -x)

    @staticmethod
    def second_derivative(x):
        s = _sigmoid_tensor(x)
        return s * (s - 1)


class Logsigmoid(_Smooth):
    """y = log σ(x) = min(x, 0) - log(1 + e^-|x|), stable for any x;  grad: LogsigmoidGrad."""

    grad_op = LogsigmoidGrad

    @staticmethod
    def function(xp, x):
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))


class HardswishGrad(_SmoothGrad):
    """grad_x = g * (0 for x <= -3, x/3 + 1/2 for x < 3, else 1);
    second: 1/3 for -3 < x < 3, else 0 (torch's convention at the breakpoints)."""

    @staticmethod
    def derivative(xp, x):
        slope = xp.where(x < 3, x / 3 + 0.5, 1)
        return xp.where(x <= -3, 0, slope).astype(x.dtype, copy=False)

    @staticmethod
    def second_derivative(x):
        return ((x > -3) & (x < 3)).to(x.dtype) / 3


class Hardswish(_Smooth):
    """y = x clamp(x + 3, 0, 6) / 6;  grad: HardswishGrad."""

    grad_op = HardswishGrad

    @staticmethod
    def function(xp, x):
        return (x * xp.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


# -- public functions: the relu family ----------------------------------------------------

def relu(input, inplace=False):
    """Rectified linear unit, max(x, 0), elementwise.

    Args:
        input: a tensor (integer tensors are allowed, as in torch).
        inplace: write the result into `input`.

    Example:
        >>> F.relu(ember.tensor([-1., 2.]))
        tensor([0., 2.])
    """
    if inplace:
        return apply_inplace(input, relu, (), {}, "relu_")
    _check_tensor(input, "relu")
    return unary.relu(input)


def relu_(input):
    """In-place relu."""
    return relu(input, inplace=True)


def _hardtanh(input, min_val, max_val):
    _check_tensor(input, "hardtanh")
    if input.is_complex():
        raise NotImplementedError("clamp is not supported for complex types")
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return Hardtanh.apply(input, min_val, max_val)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val), elementwise; the gradient is 1 strictly inside, else 0.

    Example:
        >>> F.hardtanh(ember.tensor([-2., 0.5]))
        tensor([-1.0000,  0.5000])
    """
    return _maybe_inplace(input, _hardtanh, (min_val, max_val), inplace, "hardtanh")


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place hardtanh."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """min(max(x, 0), 6) elementwise: hardtanh(x, 0, 6)."""
    return _maybe_inplace(input, _hardtanh, (0.0, 6.0), inplace, "relu6")


def _leaky_relu(input, negative_slope):
    _check_float(input, "leaky_relu")
    return LeakyRelu.apply(input, negative_slope)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x, elementwise.

    Example:
        >>> F.leaky_relu(ember.tensor([-1., 2.]), 0.1)
        tensor([-0.1000,  2.0000])
    """
    return _maybe_inplace(input, _leaky_relu, (negative_slope,), inplace, "leaky_relu")


def leaky_relu_(input, negative_slope=0.01):
    """In-place leaky_relu."""
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """x if x > 0 else a * x, with a learned slope `weight` per channel (dim 1).

    Args:
        input: (N, C, *) or any shape when `weight` has one element.
        weight: one slope, or C of them (a scalar or 1-D tensor).
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("prelu", prelu, input, weight)
    _check_float(input, "prelu")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    count = weight.numel()
    if count != 1:
        channels = input.shape[1] if input.dim() >= 2 else 1
        if count != channels:
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {count} and channel size = {channels}.")
        weight = weight.reshape((channels,) + (1,) * (input.dim() - 2))  # (C, 1, ...)
    elif weight.dim():
        weight = weight.reshape(())
    return compare.where(input > 0, input, weight * input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: in training the negative slope of each element is drawn from
    U(lower, upper); in eval it is (lower + upper) / 2.
    """
    return _rrelu(input, lower, upper, training, inplace, None)


def _rrelu(input, lower, upper, training, inplace, generator):
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    _check_float(input, "rrelu")
    if input.dtype == _dtype.float16:
        raise NotImplementedError('"rrelu_with_noise_out_cpu" not implemented for \'Half\'')
    from ...ops.creation import empty, ones_like
    # torch's kernel draws one double u per element <= 0, in order, takes the slope
    # u * (upper - lower) + lower (unfused, with the bounds in the input's math type: float32
    # below float64), and multiplies in that math type; elements > 0 keep slope 1.
    math_dtype = _dtype.float64 if input.dtype == _dtype.float64 else _dtype.float32
    if math_dtype == _dtype.float32:
        lower, upper = float(np.float32(lower)), float(np.float32(upper))
    slopes = ones_like(input, dtype=math_dtype)
    negative = input.detach() <= 0
    unit = empty(int(negative.sum()), dtype=_dtype.float64, device=input.device)
    unit.uniform_(generator=generator)
    slopes[negative] = (unit * (upper - lower) + lower).to(math_dtype)
    if inplace:
        return apply_inplace(input, lambda x: (x * slopes).to(x.dtype), (), {}, "rrelu_")
    return (input * slopes).to(input.dtype)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place rrelu; in training the slopes are drawn from `generator` (the default one
    when None)."""
    return _rrelu(input, lower, upper, training, True, generator)


def threshold(input, threshold, value, inplace=False):
    """x if x > threshold else value, elementwise.

    Example:
        >>> F.threshold(ember.tensor([0.5, 2.]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    _check_tensor(input, "threshold")
    return _maybe_inplace(input, Threshold.apply, (threshold, value), inplace, "threshold")


def threshold_(input, threshold, value):
    """In-place threshold."""
    _check_tensor(input, "threshold_")
    return apply_inplace(input, Threshold.apply, (threshold, value), {}, "threshold_")


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    _check_float(input, "hardshrink")
    return Hardshrink.apply(input, lambd)


def softshrink(input, lambd=0.5):
    """x - lambd for x > lambd, x + lambd for x < -lambd, else 0."""
    _check_float(input, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf) but found {lambd}")
    return Softshrink.apply(input, lambd)


def hardsigmoid(input, inplace=False):
    """clamp(x + 3, 0, 6) / 6, a piecewise-linear sigmoid."""
    _check_float(input, "hardsigmoid")
    return _maybe_inplace(input, Hardsigmoid.apply, (), inplace, "hardsigmoid")


# -- public functions: smooth activations -------------------------------------------------

def _elu(input, alpha, scale, input_scale, op_name):
    _check_float(input, op_name)
    return Elu.apply(input, alpha, scale, input_scale)


def elu(input, alpha=1.0, inplace=False):
    """Exponential linear unit: x for x > 0, else alpha (e^x - 1).

    Example:
        >>> F.elu(ember.tensor([-1., 2.]))
        tensor([-0.6321,  2.0000])
    """
    return _maybe_inplace(input, _elu, (alpha, 1.0, 1.0, "elu"), inplace, "elu")


def elu_(input, alpha=1.0, scale=1.0, input_scale=1.0):
    """In-place elu, with torch's extra factors: scale * x for x > 0, else
    scale * alpha * (e^(input_scale * x) - 1)."""
    return _maybe_inplace(input, _elu, (alpha, scale, input_scale, "elu"), True, "elu")


def selu(input, inplace=False):
    """Scaled elu: scale * elu(x, alpha), with alpha ≈ 1.6733 and scale ≈ 1.0507."""
    return _maybe_inplace(input, _elu, (_SELU_ALPHA, _SELU_SCALE, 1.0, "selu"), inplace, "selu")


def selu_(input):
    """In-place selu."""
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """Continuously differentiable elu: max(0, x) + min(0, alpha (e^(x/alpha) - 1))."""
    return _maybe_inplace(input, _elu, (alpha, 1.0, 1.0 / alpha, "celu"), inplace, "celu")


def celu_(input, alpha=1.0):
    """In-place celu."""
    return celu(input, alpha, inplace=True)


def gelu(input, *, approximate="none"):
    """Gaussian error linear unit, x Φ(x); approximate='tanh' uses the tanh formula.

    Example:
        >>> F.gelu(ember.tensor([1.]))
        tensor([0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_float(input, "gelu")
    return Gelu.apply(input, approximate)


def silu(input, inplace=False):
    """Sigmoid linear unit (swish), x σ(x).

    Example:
        >>> F.silu(ember.tensor([1.]))
        tensor([0.7311])
    """
    _check_float(input, "silu")
    return _maybe_inplace(input, Silu.apply, (), inplace, "silu")


def mish(input, inplace=False):
    """x tanh(softplus(x))."""
    _check_float(input, "mish")
    return _maybe_inplace(input, Mish.apply, (), inplace, "mish")


def hardswish(input, inplace=False):
    """x clamp(x + 3, 0, 6) / 6, a piecewise approximation of silu."""
    _check_float(input, "hardswish")
    return _maybe_inplace(input, Hardswish.apply, (), inplace, "hardswish")


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold.

    Example:
        >>> F.softplus(ember.tensor([0.]))
        tensor([0.6931])
    """
    _check_float(input, "softplus")
    return Softplus.apply(input, beta, threshold)


def logsigmoid(input):
    """log σ(x), computed without overflow."""
    _check_float(input, "logsigmoid")
    return Logsigmoid.apply(input)


def sigmoid(input):
    """1 / (1 + e^-x); the same as ember.sigmoid."""
    return unary.sigmoid(input)


def tanh(input):
    """tanh x; the same as ember.tanh."""
    return unary.tanh(input)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh x."""
    return input - input.tanh()


def glu(input, dim=-1):
    """Gated linear unit: split `input` in halves a, b along `dim`; a * σ(b).

    Example:
        >>> F.glu(ember.tensor([1., 0.]))
        tensor([0.5000])
    """
    _check_tensor(input, "glu")
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = wrap_dim(dim, input.dim(), "glu")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {size}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample from the Gumbel-softmax (Concrete) distribution over `dim`:

        y = softmax((logits + g) / tau),   g = -log(E),  E ~ Exponential(1)

    With hard=True the output is the one-hot of argmax y, with the gradient of y
    (straight-through: y_hard - y.detach() + y). The noise comes from ember's generator.

    Args:
        logits: unnormalised log-probabilities.
        tau: temperature; lower is closer to one-hot. Default: 1.
        hard: return one-hot samples. Default: False.
        eps: deprecated, unused (torch warns when it is given).
        dim: the category dim. Default: -1.

    Example:
        >>> y = ember.nn.functional.gumbel_softmax(ember.zeros(2, 5), hard=True)
        >>> y.sum(-1)
        tensor([1., 1.])
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from ...ops.creation import empty_like, zeros_like
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
