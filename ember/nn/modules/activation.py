"""Activation layers: ReLU, GELU, Softmax ... each a Module around its functional form.

The arguments, defaults and repr strings are torch's, e.g. `LeakyReLU(negative_slope=0.01)`.
"""
import warnings

from ...ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Sigmoid", "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish", "Softplus", "Softsign",
    "Softshrink", "Hardshrink", "Tanhshrink", "Threshold", "LogSigmoid", "GLU", "Softmax",
    "LogSoftmax", "Softmin", "Softmax2d",
]


def _inplace_suffix(inplace, first=False):
    if not inplace:
        return ""
    return "inplace=True" if first else ", inplace=True"


class ReLU(Module):
    """max(x, 0), elementwise.

    Args:
        inplace: overwrite the input.

    Example:
        >>> ember.nn.ReLU()(ember.tensor([-1., 2.]))
        tensor([0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_suffix(self.inplace, first=True)


class Hardtanh(Module):
    """clamp(x, min_val, max_val), elementwise.

    Args:
        min_val, max_val: the range (min_value / max_value are deprecated spellings).
        inplace: overwrite the input.
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None,
                 max_value=None):
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`",
                          FutureWarning, stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`",
                          FutureWarning, stacklevel=2)
            max_val = max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        if self.max_val <= self.min_val:
            raise AssertionError(
                f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace_suffix(self.inplace)


class ReLU6(Hardtanh):
    """min(max(x, 0), 6), elementwise."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_suffix(self.inplace, first=True)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x.

    Example:
        >>> ember.nn.LeakyReLU(0.1)
        LeakyReLU(negative_slope=0.1)
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + _inplace_suffix(self.inplace)


class PReLU(Module):
    """x if x > 0 else a * x, with a learned slope a: one, or one per channel (dim 1).

    Args:
        num_parameters: 1, or the number of channels.
        init: the initial slope (0.25).

    Example:
        >>> ember.nn.PReLU(3).weight.shape
        ember.Size([3])
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky relu: a random negative slope from U(lower, upper) per element in
    training, (lower + upper) / 2 in eval."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + _inplace_suffix(self.inplace)


class ELU(Module):
    """x for x > 0, else alpha (e^x - 1)."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + _inplace_suffix(self.inplace)


class CELU(Module):
    """max(0, x) + min(0, alpha (e^(x/alpha) - 1))."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + _inplace_suffix(self.inplace)


class _InplaceActivation(Module):
    """An activation whose only argument is `inplace`; subclasses name their function."""

    _function = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._function(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_suffix(self.inplace, first=True)


class SELU(_InplaceActivation):
    """scale * elu(x, alpha), alpha ≈ 1.6733, scale ≈ 1.0507 (self-normalising)."""

    _function = staticmethod(F.selu)


class SiLU(_InplaceActivation):
    """x σ(x) (swish).

    Example:
        >>> ember.nn.SiLU()(ember.tensor([0.]))
        tensor([0.])
    """

    _function = staticmethod(F.silu)


class Mish(_InplaceActivation):
    """x tanh(softplus(x))."""

    _function = staticmethod(F.mish)


class Hardsigmoid(_InplaceActivation):
    """clamp(x + 3, 0, 6) / 6."""

    _function = staticmethod(F.hardsigmoid)

    def extra_repr(self):
        return ""  # torch shows no arguments here, inplace or not


class Hardswish(_InplaceActivation):
    """x clamp(x + 3, 0, 6) / 6."""

    _function = staticmethod(F.hardswish)

    def extra_repr(self):
        return ""  # torch shows no arguments here, inplace or not


class GELU(Module):
    """x Φ(x); approximate='tanh' uses the tanh formula.

    Example:
        >>> ember.nn.GELU()
        GELU(approximate='none')
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class _Stateless(Module):
    """An activation without arguments (any given are ignored, as torch's)."""

    _function = None

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return type(self)._function(input)


class Sigmoid(_Stateless):
    """1 / (1 + e^-x)."""

    _function = staticmethod(F.sigmoid)


class Tanh(_Stateless):
    """tanh x."""

    _function = staticmethod(F.tanh)


class Softsign(_Stateless):
    """x / (1 + |x|)."""

    _function = staticmethod(F.softsign)


class Tanhshrink(_Stateless):
    """x - tanh x."""

    _function = staticmethod(F.tanhshrink)


class LogSigmoid(_Stateless):
    """log σ(x)."""

    _function = staticmethod(F.logsigmoid)


class Softplus(Module):
    """log(1 + e^(beta x)) / beta, x where beta x > threshold."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Module):
    """x - lambd for x > lambd, x + lambd for x < -lambd, else 0."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(Module):
    """x where |x| > lambd, else 0."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Threshold(Module):
    """x if x > threshold else value.

    Example:
        >>> ember.nn.Threshold(0.1, 20)
        Threshold(threshold=0.1, value=20)
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}" + _inplace_suffix(self.inplace)


class GLU(Module):
    """a σ(b), with a and b the two halves of the input along `dim`."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class _SoftmaxFamily(Module):
    _function = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):
        return type(self)._function(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxFamily):
    """e^x / Σ e^x along `dim`.

    Example:
        >>> ember.nn.Softmax(dim=1)(ember.zeros(1, 2))
        tensor([[0.5000, 0.5000]])
    """

    _function = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxFamily):
    """x - log Σ e^x along `dim`."""

    _function = staticmethod(F.log_softmax)


class Softmin(_SoftmaxFamily):
    """softmax(-x) along `dim`."""

    _function = staticmethod(F.softmin)


class Softmax2d(Module):
    """Softmax over the channels (dim -3) of a (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             f"instead")
        return F.softmax(input, -3, _stacklevel=5)
