"""Autocast: inside `with ember.autocast(device_type):`, ops pick their own precision.

NOTE [ How autocast reaches the ops ]
A few dozen public op functions (matmul, linear, conv, softmax, layer_norm, the losses, sum,
exp ...) start with two lines:

    if autocast_mode.active:
        return autocast_mode.dispatch("matmul", matmul, input, other, out=out)

`active` is one module flag, False outside autocast, so an op pays one attribute read when
autocast is off. `dispatch` looks the op up in the policy table of the device its tensors
are on (torch keeps a table per device type, and so does ember: _POLICIES), casts the float
arguments as the policy says, and calls the op again with autocast switched off, so that the
ops it is made of run as it decided (dot, built on matmul, stays float32 where torch's does).
Casts are ordinary differentiable `.to(dtype)` ops: gradients flow back in each parameter's
own dtype. Ops in no table run as they are and promote mixed inputs to the widest type, as
every ember op does.

This module sits below ember.ops (they import it), so it imports only _dtype and backend.

Differs from PyTorch: the autocast state is one per process, not one per thread.
"""
import functools
import warnings

from .. import _dtype
from ..backend import _BY_ARRAY_TYPE

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "set_autocast_enabled",
           "get_autocast_dtype", "set_autocast_dtype", "is_autocast_cache_enabled",
           "set_autocast_cache_enabled", "clear_autocast_cache", "custom_fwd", "custom_bwd",
           "active", "dispatch", "autocast_increment_nesting", "autocast_decrement_nesting",
           "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "get_autocast_cpu_dtype",
           "set_autocast_cpu_dtype", "get_autocast_gpu_dtype", "set_autocast_gpu_dtype"]

active = False  # whether autocast is on for any device type: the flag hooked ops read

_enabled = {"cpu": False, "cuda": False}
_fast_dtype = {"cpu": _dtype.bfloat16, "cuda": _dtype.float16}
_settings = {"cache_enabled": True, "nesting": 0}
_cache = {}  # id(leaf) -> (leaf, its version, dtype, cast copy); see autocast's docstring


def _refresh_active():
    global active
    active = _enabled["cpu"] or _enabled["cuda"]


# -- policies (torch's aten/src/ATen/autocast_mode.cpp lists) -----------------------------

LOWER = "lower_precision_fp"        # float32 inputs -> the autocast dtype
FP32 = "fp32"                       # float16/bfloat16 inputs -> float32
FP32_SET_OPT_DTYPE = "fp32_set_opt_dtype"  # dtype=float32 unless given (sum, softmax ...)
PROMOTE = "promote"                 # all float inputs -> the widest of them
NORM = "norm"                       # ember: computed in float32, output in the input's dtype
BANNED = "banned"                   # raises: unsafe to autocast

_BCE_BANNED = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_"
    "logits\nor torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits"
    " are\nsafe to autocast.")


def _table(**lists):
    return {name: policy for policy, names in lists.items() for name in names.split()}


# Only the ops that call dispatch consult these tables (NOTE [ How autocast reaches the ops ]).
# NORM is ember's answer for normalisations given a half input and float32 parameters (an
# autocast CNN's batch_norm after a conv): torch's kernels take such mixed inputs, compute in
# float32 and return the input's dtype; ember's want one dtype, so dispatch casts up and back.
_POLICIES = {
    "cuda": _table(
        lower_precision_fp="matmul mm bmm mv addmm addmv addbmm baddbmm einsum linear conv "
                           "conv_transpose prelu",
        fp32="exp expm1 log log10 log2 log1p reciprocal rsqrt acos asin cosh sinh tan erfinv "
             "pow softplus layer_norm group_norm nll_loss cross_entropy mse_loss l1_loss "
             "smooth_l1_loss huber_loss kl_div binary_cross_entropy_with_logits logsumexp",
        fp32_set_opt_dtype="softmax log_softmax sum prod cumsum cumprod norm",
        promote="dot addcmul addcdiv bilinear cross tensordot",
        norm="batch_norm",
        banned="binary_cross_entropy"),
    "cpu": _table(
        lower_precision_fp="matmul mm bmm addmm addbmm baddbmm einsum linear conv "
                           "conv_transpose prelu",
        fp32="nll_loss cross_entropy mse_loss l1_loss smooth_l1_loss huber_loss kl_div "
             "binary_cross_entropy binary_cross_entropy_with_logits prod",
        norm="batch_norm layer_norm group_norm"),
}
_HALF = (_dtype.float16, _dtype.bfloat16)


# -- dispatch -----------------------------------------------------------------------------

def _device_type(args, kwargs):
    """The device type of the first tensor among the arguments (or in a list of them)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        data = getattr(value, "_data", None)
        if data is not None:
            return _BY_ARRAY_TYPE[type(data)].name
    return "cpu"


def _eligible(value):
    """A float tensor autocast may cast: floating, but not float64 (as torch's is_eligible)."""
    data = getattr(value, "_data", None)
    return data is not None and data.dtype in _dtype.FLOAT_NP and data.dtype.itemsize < 8


def _cast(value, dtype):
    """value as `dtype` if it is an eligible tensor (a cached copy for leaf parameters);
    lists and tuples of tensors (einsum's operands) are cast element by element."""
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, dtype) for v in value)
    if not _eligible(value) or value._data.dtype == dtype.np:
        return value
    if not (_settings["cache_enabled"] and value._requires_grad and value.grad_fn is None):
        return value.to(dtype)
    key = id(value)
    hit = _cache.get(key)
    if hit is not None and hit[0] is value and hit[1] == value._version[0] and hit[2] is dtype:
        return hit[3]
    cast = value.to(dtype)
    _cache[key] = (value, value._version[0], dtype, cast)  # keeps `value` alive: ids stay
    return cast


def _cast_all(args, kwargs, dtype):
    return (tuple(_cast(a, dtype) for a in args),
            {k: _cast(v, dtype) for k, v in kwargs.items()})


def _widest(args, kwargs, start):
    """The promotion of `start` with every eligible tensor's dtype (torch's promote_type)."""
    widest = start
    for value in (*args, *kwargs.values()):
        if _eligible(value):
            widest = _dtype.promote_types(widest, _dtype.BY_NUMPY[value._data.dtype])
    return widest


def _first_tensor(args):
    return next((a for a in args if getattr(a, "_data", None) is not None), None)


def dispatch(op_name, fn, *args, **kwargs):
    """Run fn(*args, **kwargs) as autocast's policy for `op_name` says; see NOTE [ How
    autocast reaches the ops ]. fn is the public op itself, re-entered with autocast off."""
    global active
    device_type = _device_type(args, kwargs)
    policy = _POLICIES.get(device_type, {}).get(op_name) if _enabled.get(device_type) \
        else None
    restore = None
    if policy == LOWER:
        args, kwargs = _cast_all(args, kwargs, _fast_dtype[device_type])
    elif policy == FP32:
        args, kwargs = _cast_all(args, kwargs, _dtype.float32)
    elif policy == FP32_SET_OPT_DTYPE:
        first = _first_tensor(args)
        if kwargs.get("dtype") is None and first is not None and _eligible(first):
            kwargs["dtype"] = _dtype.float32
    elif policy == PROMOTE:
        widest = _widest(args, kwargs, _fast_dtype[device_type])
        args, kwargs = _cast_all(args, kwargs, widest)
    elif policy == NORM:
        first = _first_tensor(args)
        if first is not None and first.dtype in _HALF:
            restore = first.dtype
        args, kwargs = _cast_all(args, kwargs, _dtype.float32)
    elif policy == BANNED:
        raise RuntimeError(_BCE_BANNED)
    active = False
    try:
        out = fn(*args, **kwargs)
    finally:
        _refresh_active()
    if restore is not None:
        out = out.to(restore) if not isinstance(out, tuple) else tuple(
            o.to(restore) if _eligible(o) else o for o in out)
    return out


# -- the context manager ------------------------------------------------------------------

def is_autocast_available(device_type):
    """Whether autocast knows `device_type` ('cpu' and 'cuda')."""
    return device_type in _enabled


def _check_device_type(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if device_type not in _enabled:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for `device_type` (without one: for CUDA, as torch)."""
    if device_type is None:
        return _enabled["cuda"]
    _check_device_type(device_type)
    return _enabled[device_type]


def set_autocast_enabled(device_type, enabled=None):
    """Switch autocast on or off for a device type (set_autocast_enabled(bool) means CUDA)."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    _check_device_type(device_type)
    _enabled[device_type] = bool(enabled)
    _refresh_active()


def get_autocast_dtype(device_type):
    """The low-precision dtype autocast uses on a device type (float16 on cuda, bfloat16
    on cpu, unless changed)."""
    _check_device_type(device_type)
    return _fast_dtype[device_type]


def set_autocast_dtype(device_type, dtype):
    _check_device_type(device_type)
    _fast_dtype[device_type] = _dtype.to_dtype(dtype)


def is_autocast_cache_enabled():
    return _settings["cache_enabled"]


def set_autocast_cache_enabled(enabled):
    _settings["cache_enabled"] = bool(enabled)


def clear_autocast_cache():
    """Forget the low-precision copies of parameters made inside autocast regions."""
    _cache.clear()


def autocast_increment_nesting():
    """Count one more autocast region entered; returns the new depth."""
    _settings["nesting"] += 1
    return _settings["nesting"]


def autocast_decrement_nesting():
    """Count one autocast region left; returns the new depth (0: outside all regions)."""
    _settings["nesting"] -= 1
    return _settings["nesting"]


# -- torch's deprecated per-device spellings (each warns as torch's C++ does) ------------

def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    """Deprecated: is_autocast_enabled("cpu")."""
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return _enabled["cpu"]


def set_autocast_cpu_enabled(enabled):
    """Deprecated: set_autocast_enabled("cpu", enabled)."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool (got {type(enabled).__name__})")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    """Deprecated: get_autocast_dtype("cpu")."""
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return _fast_dtype["cpu"]


def set_autocast_cpu_dtype(dtype):
    """Deprecated: set_autocast_dtype("cpu", dtype)."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    """Deprecated: get_autocast_dtype("cuda")."""
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return _fast_dtype["cuda"]


def set_autocast_gpu_dtype(dtype):
    """Deprecated: set_autocast_dtype("cuda", dtype)."""
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


class autocast:
    """Run the ops of a region in mixed precision, as torch.autocast: matmul-like ops
    (matmul, linear, conv, bmm, addmm, einsum) in the low-precision `dtype`, ops that need
    range or accuracy (softmax on cuda, the losses, norms, sum, exp, log ...) in float32,
    everything else in the widest type of its inputs. See NOTE [ How autocast reaches the ops ].

    Wrap the forward pass and the loss only; call backward after the region (backward ops
    run in the dtypes forward chose). A parameter cast to the low dtype is cast once per
    region and reused (cache_enabled), as torch does.

    Args:
        device_type: 'cuda' or 'cpu'.
        dtype: the low-precision dtype; default ember.get_autocast_dtype(device_type):
            float16 on cuda, bfloat16 on cpu.
        enabled: False makes the region a no-op (or switches autocast off inside an outer
            autocast region).
        cache_enabled: reuse the casts of parameters within the region. Default: True.

    Example:
        >>> with ember.autocast("cpu"):
        ...     y = ember.nn.functional.linear(ember.randn(2, 3), ember.randn(4, 3))
        >>> y.dtype
        ember.bfloat16
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        _check_device_type(device_type)
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None \
            else _dtype.to_dtype(dtype)
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None \
            else cache_enabled
        if enabled and device_type == "cuda":
            from .. import cuda
            if not cuda.is_available():
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                              "autocast.", stacklevel=2)
                enabled = False
            elif self.fast_dtype is _dtype.bfloat16 and not cuda.is_bf16_supported():
                raise RuntimeError("Current CUDA Device does not support bfloat16. Please "
                                   "switch dtype to float16.")
        elif enabled and self.fast_dtype not in _HALF:
            warnings.warn(
                "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                "CPU Autocast only supports dtypes of ember.bfloat16, ember.float16 "
                "currently.", stacklevel=2)
            enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = _settings["cache_enabled"]
        self.prev = _enabled[self.device]
        self.prev_fastdtype = _fast_dtype[self.device]
        _enabled[self.device] = self._enabled
        _fast_dtype[self.device] = self.fast_dtype
        _settings["cache_enabled"] = self._cache_enabled
        autocast_increment_nesting()
        _refresh_active()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            _cache.clear()
        _enabled[self.device] = self.prev
        _fast_dtype[self.device] = self.prev_fastdtype
        _settings["cache_enabled"] = self.prev_cache_enabled
        _refresh_active()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


# -- custom autograd Functions under autocast ---------------------------------------------

def _cast_nested(value, device_type, dtype):
    """value with its float tensors on `device_type` cast to dtype (lists, tuples, dicts)."""
    data = getattr(value, "_data", None)
    if data is not None:
        on_device = _BY_ARRAY_TYPE[type(data)].name == device_type
        return value.to(dtype) if on_device and _eligible(value) else value
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_nested(v, device_type, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast_nested(v, device_type, dtype) for k, v in value.items()}
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom Function's forward: with cast_inputs=dtype, forward runs with
    autocast off on inputs cast to dtype; otherwise it runs in the caller's autocast state,
    which custom_bwd then restores for backward.

    Example:
        >>> class Square(ember.autograd.Function):
        ...     @staticmethod
        ...     @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
        ...     def forward(ctx, x):
        ...         return x * x
    """
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            ctx._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        ctx._fwd_used_autocast = False
        if not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*_cast_nested(args, device_type, cast_inputs),
                       **_cast_nested(kwargs, device_type, cast_inputs))
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom Function's backward: runs it in the autocast state that its
    forward (decorated with custom_fwd) ran in."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=ctx._fwd_used_autocast,
                      dtype=ctx._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
