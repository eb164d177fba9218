"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial, poisson,
the *_like forms and the in-place fills (uniform_, normal_, random_, ...).

Every function takes generator= (an ember.Generator; the default generator otherwise), so
ember.manual_seed makes all of them reproducible. Numbers are drawn on the host, from torch's
mt19937 stream and transformed as ATen's CPU kernels transform it (ember.ops._sampling), so a
seed gives the same values as torch on the CPU; they are then moved to the requested device.

Differs from PyTorch: non-contiguous tensors are filled in row-major order (torch: memory
order). Devices other than the CPU take their values from the CPU generator too.

Sampling ops whose law depends on tensors (normal, bernoulli, poisson) pass zero gradients
to those tensors, as torch does.
"""
import builtins
import math

import numpy as np

from .. import _dtype
from .._generator import Generator, default_generator
from .._settings import get_default_device
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import backend_for_device, backend_of
from ..backend.device import device as Device
from . import _sampling
from ._inplace import apply_inplace
from ._out import check_no_overlap, write_exact
from .creation import size_args
from .layout import check_layout, pinned

__all__ = [
    "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson",
    "binomial", "rand_like", "randn_like", "randint_like",
]


def _generator(generator):
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be an ember.Generator, not {type(generator).__name__}")
    return generator


def _float_dtype(dtype, op_name, complex_ok=False):
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    if not dtype.is_floating_point and not (complex_ok and dtype.is_complex):
        raise NotImplementedError(
            f'"{op_name}" not implemented for \'{dtype.name}\': it samples floating point '
            f"numbers; use randint for integers")
    return dtype


def _finish(array, dtype, device, requires_grad):
    """Wrap a host sample as `dtype` on `device`."""
    if array.dtype != dtype.np:
        array = array.astype(dtype.np)
    device = get_default_device() if device is None else Device(device)
    if device.type != "cpu":
        array = backend_for_device(device).to_device(array, device)
    out = Tensor._make(array)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _write_out(out, result):
    from .elementwise import _write_out as write
    return write(out, result)


def _size(args, size, op_name):
    if size is not None:
        if args:
            raise TypeError(f"{op_name}() got multiple values for argument 'size'")
        args = (size,)
    return size_args(args, op_name)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kwargs):
    """Uniform samples from [0, 1).

    Example:
        >>> x = ember.rand(2, 3)
        >>> bool(((x >= 0) & (x < 1)).all())
        True
    """
    shape = _size(size, kwargs.pop("size", None), "rand")
    _no_extra(kwargs, "rand")
    dtype = _float_dtype(dtype, "check_uniform_bounds", complex_ok=True)
    sample = _sampling.uniform_real(_generator(generator), math.prod(shape), dtype.np)
    result = _finish(sample.reshape(shape), dtype, device, requires_grad)
    return _made(result, out, layout, pin_memory, "rand")


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kwargs):
    """Samples from the standard normal distribution N(0, 1).

    Example:
        >>> ember.randn(2, 3).shape
        ember.Size([2, 3])
    """
    shape = _size(size, kwargs.pop("size", None), "randn")
    _no_extra(kwargs, "randn")
    dtype = _float_dtype(dtype, "normal_kernel_cpu", complex_ok=True)
    sample = _sampling.normal(_generator(generator), math.prod(shape), dtype.np)
    result = _finish(sample.reshape(shape), dtype, device, requires_grad)
    return _made(result, out, layout, pin_memory, "randn")


def _made(result, out, layout, pin_memory, op_name):
    """result written into out, or checked against layout= and pinned if pin_memory."""
    if layout is not None:
        check_layout(layout, op_name)
    if out is not None:
        return _write_out(out, result)
    return pinned(result, pin_memory)


def _no_extra(kwargs, op_name):
    if kwargs:
        raise TypeError(f"{op_name}() got an unexpected keyword argument '{next(iter(kwargs))}'")


def _integer_bounds(dtype):
    """The values `dtype` can hold, as torch's random_ sees them (floats: exact integers)."""
    if dtype is _dtype.bool:
        return 0, 1
    if dtype.is_floating_point:
        digits = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}[dtype.name]
        return -(1 << digits), 1 << digits
    info = np.iinfo(dtype.np)
    return builtins.int(info.min), builtins.int(info.max)


def _check_range(low, high, dtype, op_name="random_"):
    if dtype.is_complex:
        raise RuntimeError(f"{op_name} handles only integral, floating-point and boolean types, "
                           f"not {dtype}")
    if low >= high:
        raise RuntimeError(f"{op_name} expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    smallest, largest = _integer_bounds(dtype)
    if low < smallest:
        raise RuntimeError(f"from is out of bounds for {dtype.name} (from={low}, smallest "
                           f"{dtype.name} is {smallest})")
    if high - 1 > largest:
        raise RuntimeError(f"to - 1 is out of bounds for {dtype.name} (to={high}, largest "
                           f"{dtype.name} is {largest})")


def _integers(generator, low, high, shape):
    """Uniform integers in [low, high), as int64."""
    count = math.prod(shape)
    if high - low == 1 << 64:
        return _sampling.full_range_integers(_generator(generator), count).reshape(shape)
    return _sampling.integers(_generator(generator), count, low, high - low).reshape(shape)


def _random_bits(generator, shape, dtype):
    """random_() with no range, as torch's uniform_int_distribution: int64 and float64 take
    64-bit draws, the rest 32-bit; integers mod max + 1, floats mod 2^digits + 1, bool the low
    bit."""
    generator = _generator(generator)
    count = math.prod(shape)
    if dtype is _dtype.bool:
        return (generator._random32(count) & 1).reshape(shape)
    modulus = np.uint64(_integer_bounds(dtype)[1] + 1)
    draws = (generator._random64(count) if dtype.name in ("int64", "float64")
             else generator._random32(count).astype(np.uint64))
    return (draws % modulus).astype(np.int64).reshape(shape)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, low=None, high=None):
    """Uniform integers in [low, high): randint(high, size) or randint(low, high, size).

    The dtype defaults to int64; floating dtypes hold the integers as floats.

    Example:
        >>> x = ember.randint(3, 10, (2, 2))
        >>> x.dtype, bool(((x >= 3) & (x < 10)).all())
        (ember.int64, True)
    """
    args = list(args)
    if size is None:
        if not args or not isinstance(args[-1], (tuple, list, Tensor)) or (
                isinstance(args[-1], Tensor) and args[-1].ndim == 0):
            raise TypeError("randint() missing the 'size' argument: call randint(high, size) "
                            "or randint(low, high, size), size a tuple of ints")
        size = args.pop()
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    elif len(args) > 2:
        raise TypeError(f"randint() takes at most 3 positional arguments, got {len(args) + 1}")
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    low = 0 if low is None else low
    low, high = builtins.int(low), builtins.int(high)
    shape = size_args((size,), "randint")
    dtype = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    _check_range(low, high, dtype)
    result = _finish(_integers(generator, low, high, shape), dtype, device,
                     requires_grad)
    return _made(result, out, layout, pin_memory, "randint")


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0 .. n-1.

    Example:
        >>> sorted(ember.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    n = builtins.int(n)
    if n < 0:
        raise RuntimeError(f"randperm: Trying to create tensor with negative dimension {n}: "
                           f"[{n}]")
    dtype = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    if n > 0:
        _check_range(0, n, dtype, "randperm")
    sample = _sampling.randperm(_generator(generator), n)
    result = _finish(sample, dtype, device, requires_grad)
    return _made(result, out, layout, pin_memory, "randperm")


# -- samples whose law depends on tensors -------------------------------------------------

class Sampled(Op):
    """y = a sample whose law depends on the tensor inputs (normal's mean and std, bernoulli's
    probabilities); grad_inputs = 0, as torch."""

    @staticmethod
    def forward(ctx, sample, *inputs):
        ctx.shapes = [getattr(x, "shape", None) for x in inputs]
        return sample

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(grad.new_zeros(shape) if need and shape is not None else None
                               for need, shape in zip(ctx.needs_input_grad[1:], ctx.shapes))


def _host(tensor):
    return tensor._host_array()


def _on_device_of(array, like):
    """`array` (a host sample) on `like`'s device."""
    if type(like._data) is np.ndarray:
        return array
    return backend_of(like._data).to_device(array, like.device)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """Samples from N(mean, std^2): mean and std tensors (broadcast) or numbers; with two
    numbers, `size` gives the shape.

    Example:
        >>> ember.normal(ember.zeros(3), 1.0).shape
        ember.Size([3])
        >>> ember.normal(2.0, 3.0, size=(2, 2)).shape
        ember.Size([2, 2])
    """
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mean_is_tensor or std_is_tensor):
        if size is None:
            raise TypeError("normal() with a number mean and std needs size=, e.g. "
                            "normal(0.0, 1.0, size=(2, 3))")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dtype = _float_dtype(dtype, "normal_kernel_cpu")
        shape = size_args((size,), "normal")
        sample = _sampling.normal(_generator(generator), math.prod(shape), dtype.np, mean, std)
        result = _finish(sample.reshape(shape), dtype, device, requires_grad)
        return _made(result, out, layout, pin_memory, "normal")
    if size is not None:
        raise TypeError("normal(): size= is only taken when mean and std are both numbers")
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    result_dtype = _dtype.result_type(mean, std) if mean_is_tensor and std_is_tensor \
        else tensors[0].dtype
    if not result_dtype.is_floating_point:
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for '
                                  f"'{result_dtype.name}'")
    std_values = _host(std) if std_is_tensor else std
    if std_is_tensor:
        if std_values.size and not (std_values >= 0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    mean_values = _host(mean) if mean_is_tensor else mean
    try:
        shape = np.broadcast_shapes(np.shape(mean_values), np.shape(std_values))
    except ValueError:
        raise RuntimeError(f"normal: mean of shape {list(np.shape(mean_values))} and std of "
                           f"shape {list(np.shape(std_values))} don't broadcast") from None
    # as torch: N(0, 1) noise times std plus mean, each step rounded to the dtype (a number
    # std goes into the noise's own fused multiply-add)
    work = result_dtype.np
    noise_std = 1.0 if std_is_tensor else std
    sample = _sampling.normal(_generator(generator), math.prod(shape), work, 0.0, noise_std)
    sample = sample.reshape(shape)
    if std_is_tensor:
        sample = sample * np.asarray(std_values, dtype=work)
    sample = (sample + np.asarray(mean_values, dtype=work)).astype(work, copy=False)
    result = Sampled.apply(_on_device_of(sample, tensors[0]), *tensors)
    return result if out is None else _write_out(out, result)


def _check_probabilities(values):
    if values.size and not ((values >= 0) & (values <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false. "
                           "(bernoulli: every probability must lie in [0, 1])")


def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability input (elementwise), else 0, in input's dtype; bernoulli(input, p)
    uses one probability p for input's shape.

    Example:
        >>> ember.bernoulli(ember.tensor([0., 1.]))
        tensor([0., 1.])
    """
    if p is None:
        if input._data.dtype not in _dtype.FLOAT_NP:
            raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for "
                                      f"'{input.dtype.name}': probabilities must be floats")
        probabilities = _host(input)
        _check_probabilities(probabilities)
        sample = _sampling.bernoulli_tensor(_generator(generator), probabilities)
    else:
        _check_probabilities(np.asarray(p))
        sample = _sampling.bernoulli_scalar(_generator(generator), input.numel(), p)
    sample = sample.reshape(input._data.shape).astype(input._data.dtype)
    result = Sampled.apply(_on_device_of(sample, input), input)
    if out is None:
        return result
    check_no_overlap(out, (input,))
    return _write_out(out, result)


def poisson(input, generator=None):
    """Samples from Poisson(rate) for each rate in input, in input's dtype."""
    rates = _host(input)
    if input._data.dtype not in _dtype.FLOAT_NP:
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for '{input.dtype.name}'")
    if rates.size and not (rates >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    sample = _sampling.poisson(_generator(generator), rates.astype(np.float64)).astype(rates.dtype)
    return Sampled.apply(_on_device_of(sample, input), input)


def binomial(count, prob, generator=None):
    """Samples from Binomial(count, prob) for each pair (broadcast), in prob's dtype.

    Example:
        >>> ember.binomial(ember.tensor([10.0, 0.0]), ember.tensor([1.0, 0.5]))
        tensor([10.,  0.])
    """
    if prob._data.dtype not in _dtype.FLOAT_NP:
        raise NotImplementedError(f"\"binomial_cpu\" not implemented for '{prob.dtype.name}'")
    counts, probs = np.broadcast_arrays(_host(count), _host(prob))
    sample = _sampling.binomial(_generator(generator), counts, np.ascontiguousarray(probs))
    return Sampled.apply(_on_device_of(sample, prob), count, prob)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn with probabilities proportional to the rows of input (1-D: one
    distribution, 2-D: one per row); without replacement each category is drawn at most once.

    Example:
        >>> ember.multinomial(ember.tensor([0., 1., 0.]), 2, replacement=True)
        tensor([1, 1])
    """
    if input._data.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got a tensor of shape "
                           f"{list(input.shape)}")
    if input._data.dtype not in _dtype.FLOAT_NP:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype.name.capitalize()}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    categories = input._data.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError(
            f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
            f"({num_samples} > {categories})")
    probabilities = _host(input).reshape(-1, categories)
    if not np.isfinite(probabilities).all() or (probabilities < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (probabilities.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if replacement and num_samples > 1:
        indices = _sampling.multinomial_with_replacement(_generator(generator), probabilities,
                                                         num_samples)
    else:
        # torch's fast path: the largest p / q, q ~ Exp(1), are a sample without replacement
        # in the order it would be drawn (exponential races); ties (zero-probability
        # categories) go by index
        race = _sampling.exponential(_generator(generator), probabilities.size, 1.0)
        with np.errstate(divide="ignore"):
            keys = probabilities / race.astype(probabilities.dtype).reshape(probabilities.shape)
        indices = np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    if input._data.ndim == 1:
        indices = indices[0]
    result = Tensor._make(_on_device_of(np.ascontiguousarray(indices, dtype=np.int64), input))
    if out is None:
        return result
    return write_exact(out, result, "multinomial", (input,), (
        f"multinomial expects Long tensor out, got: {_dtype.scalar_type_name(out.dtype)}"))


# -- the *_like forms ---------------------------------------------------------------------

def _like(input, dtype, device):
    return (input.dtype if dtype is None else dtype,
            input.device if device is None else device)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None, pin_memory=False):
    """rand with input's shape, dtype and device (unless given)."""
    dtype, device = _like(input, dtype, device)
    return rand(input.shape, generator=generator, dtype=dtype, layout=layout, device=device,
                requires_grad=requires_grad, pin_memory=pin_memory)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None, pin_memory=False):
    """randn with input's shape, dtype and device (unless given)."""
    dtype, device = _like(input, dtype, device)
    return randn(input.shape, generator=generator, dtype=dtype, layout=layout, device=device,
                 requires_grad=requires_grad, pin_memory=pin_memory)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None, pin_memory=False):
    """randint with input's shape, dtype and device: randint_like(input, high) or
    randint_like(input, low, high)."""
    if high is None:
        low, high = 0, low
    dtype, device = _like(input, dtype, device)
    return randint(low, high, input.shape, generator=generator, dtype=dtype, layout=layout,
                   device=device, requires_grad=requires_grad, pin_memory=pin_memory)


# -- in-place fills -----------------------------------------------------------------------

def _fill(self, sample, op_name):
    """Write a host sample (self's shape) into self, as an in-place op with zero gradient."""
    array = _on_device_of(np.asarray(sample).astype(self._data.dtype, copy=False), self)
    return apply_inplace(self, lambda old: Sampled.apply(array, old), (), {}, op_name)


def _require_float(self, kernel, complex_ok=False):
    if self._data.dtype not in (_dtype.DIFFERENTIABLE_NP if complex_ok else _dtype.FLOAT_NP):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{self.dtype.name}\'')


def _parameters(args, kwargs, names, defaults, op_name):
    """Bind positional and keyword arguments whose torch names ('from') aren't identifiers."""
    if len(args) > len(names):
        raise TypeError(f"{op_name}() takes at most {len(names)} arguments ({len(args)} given)")
    values = dict(zip(names, defaults))
    values.update(zip(names, args))
    for key, value in kwargs.items():
        if key not in names:
            raise TypeError(f"{op_name}() got an unexpected keyword argument '{key}'")
        values[key] = value
    return [values[name] for name in names]


def uniform_(self, *args, generator=None, **kwargs):
    """Fill with samples from U[from, to): uniform_(from=0, to=1)."""
    low, high = _parameters(args, kwargs, ("from", "to"), (0.0, 1.0), "uniform_")
    _require_float(self, "check_uniform_bounds", complex_ok=True)
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={low} > to={high}")
    sample = _sampling.uniform_real(_generator(generator), self.numel(), self._data.dtype,
                                    low, high)
    return _fill(self, sample.reshape(self._data.shape), "uniform_")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with samples from N(mean, std^2)."""
    _require_float(self, "normal_kernel_cpu", complex_ok=True)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    sample = _sampling.normal(_generator(generator), self.numel(), self._data.dtype, mean, std,
                              contiguous=self._data.flags.c_contiguous)
    return _fill(self, sample.reshape(self._data.shape), "normal_")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 (probability p, a number or a tensor broadcast to self) or 0."""
    if isinstance(p, Tensor):
        probabilities = _host(p)
        _check_probabilities(probabilities)
        probabilities = np.broadcast_to(probabilities, self._data.shape)
        sample = _sampling.bernoulli_tensor(_generator(generator), probabilities)
    else:
        _check_probabilities(np.asarray(p))
        sample = _sampling.bernoulli_scalar(_generator(generator), self.numel(), p)
    return _fill(self, sample.reshape(self._data.shape), "bernoulli_")


def random_(self, *args, generator=None, **kwargs):
    """Fill with uniform integers: random_() over [0, largest exact integer of the dtype],
    random_(to) over [0, to), random_(from, to) over [from, to)."""
    if self.is_complex():
        raise NotImplementedError(f'"random_" not implemented for \'{self.dtype.name}\': '
                                  f'fill the real and imaginary parts (x.real, x.imag)')
    if not args and not kwargs:
        return _fill(self, _random_bits(generator, self._data.shape, self.dtype), "random_")
    low, high = _parameters(args, kwargs, ("from", "to"), (0, None), "random_")
    if len(args) == 1 and "to" not in kwargs:
        low, high = 0, args[0]
    if high is None:
        high = _integer_bounds(self.dtype)[1] + 1
    low, high = builtins.int(low), builtins.int(high)
    _check_range(low, high, self.dtype)
    sample = _integers(generator, low, high, self._data.shape)
    return _fill(self, sample, "random_")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with samples from Exp(lambd): density lambd * exp(-lambd x)."""
    if self.is_complex():
        raise RuntimeError(f"Exponential distribution is a continuous probability "
                           f"distribution. dtype must be a floating point but you specified "
                           f"{_dtype.scalar_type_name(self.dtype)}")
    _require_float(self, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    sample = _sampling.exponential(_generator(generator), self.numel(), lambd)
    return _fill(self, sample.reshape(self._data.shape), "exponential_")


def geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    sample = _sampling.geometric(_generator(generator), self.numel(), p)
    return _fill(self, sample.reshape(self._data.shape), "geometric_")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp(N(mean, std^2)) samples."""
    _require_float(self, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    sample = _sampling.log_normal(_generator(generator), self.numel(), mean, std)
    return _fill(self, sample.reshape(self._data.shape), "log_normal_")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with samples from the Cauchy distribution: median + sigma * tan(pi (u - 1/2))."""
    _require_float(self, "cauchy_cpu")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    sample = _sampling.cauchy(_generator(generator), self.numel(), median, sigma)
    return _fill(self, sample.reshape(self._data.shape), "cauchy_")


# -- Tensor methods -----------------------------------------------------------------------

Tensor.bernoulli = bernoulli
Tensor.multinomial = multinomial
Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.bernoulli_ = bernoulli_
Tensor.random_ = random_
Tensor.exponential_ = exponential_
Tensor.geometric_ = geometric_
Tensor.log_normal_ = log_normal_
Tensor.cauchy_ = cauchy_
