"""Process-wide settings torch keeps at its top level: thread counts, deterministic algorithms,
the default device.

Threads: ember's parallel CPU work is the shares of ops/_parallel.py (a convolution split over
the batch, a large GEMM over its rows); `set_num_threads` sets how many threads they use. The
default is the thread count NumPy's BLAS had when ember was imported (so OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS count). From then on the BLAS itself runs on one thread while ember's
shares run, and on ember's thread count once none have run for a while: see NOTE [ One-thread
BLAS ] in ops/_parallel.py. NumPy code of your own in the same process multiplies on as many
threads as ember's last GEMM did; `threadpoolctl.threadpool_limits` sets that where it matters.
ember has no inter-op pool, so the inter-op count is only recorded.

Determinism: every ember op on the CPU is deterministic already, so the flags are recorded for
code that reads them back.

Warnings: torch gives some warnings (deprecations mostly) once per process; `warn_once` does
the same, and `set_warn_always(True)` makes them come every time, as in torch.
"""
import builtins
import os
import warnings

from .backend.device import CPU
from .backend.device import device as Device

__all__ = ["set_num_threads", "get_num_threads", "set_num_interop_threads",
           "get_num_interop_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "set_flush_denormal",
           "set_default_device", "get_default_device", "set_warn_always",
           "is_warn_always_enabled"]

import threadpoolctl

_state = {"num_threads": None, "num_interop_threads": None, "deterministic": False,
          "warn_only": False, "default_device": None, "warn_always": False}
_warned = set()  # the messages warn_once has given


def _positive_int(value, op_name):
    if not isinstance(value, builtins.int) or isinstance(value, builtins.bool):
        raise RuntimeError(f"{op_name} expects an int, but got {type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{op_name} expects a positive integer")
    return value


BLAS = threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers


_blas_threads = [None]  # the thread count ember last gave NumPy's BLAS


def use_blas_threads(count):
    """Run NumPy's BLAS on `count` threads from now on (a no-op when it already does)."""
    if _blas_threads[0] != count:
        for blas in BLAS:
            blas.set_num_threads(count)
        _blas_threads[0] = count


def _take_blas_threads():
    """The threads NumPy's BLAS runs with (the CPU count when it can't be asked), leaving it on
    one until ember's GEMMs ask for more."""
    counts = [blas.num_threads for blas in BLAS]
    use_blas_threads(1)
    return builtins.max(counts) if counts else os.cpu_count() or 1


_state["num_threads"] = _take_blas_threads()


def set_num_threads(int):
    """Set the number of threads ember's parallel CPU work (an op's shares) uses.

    Example:
        >>> ember.set_num_threads(1); ember.get_num_threads()
        1
    """
    _state["num_threads"] = _positive_int(int, "set_num_threads")
    use_blas_threads(1)


def get_num_threads():
    """The number of threads used for parallel work on the CPU."""
    return _state["num_threads"]


def set_num_interop_threads(int):
    """Set the number of inter-op threads.

    Differs from PyTorch: ember runs ops one after another, so the number is only recorded,
    and a second call doesn't raise.
    """
    _state["num_interop_threads"] = _positive_int(int, "set_num_interop_threads")


def get_num_interop_threads():
    """The number of inter-op threads (torch's default: the number of CPU threads)."""
    if _state["num_interop_threads"] is None:
        return get_num_threads()
    return _state["num_interop_threads"]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Ask for deterministic algorithms only. ember's ops are deterministic, so this records
    the flags for `are_deterministic_algorithms_enabled` and its kin.

    Example:
        >>> ember.use_deterministic_algorithms(True); ember.are_deterministic_algorithms_enabled()
        True
    """
    if not isinstance(mode, builtins.bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
                        f"bool, not {type(mode).__name__}")
    if not isinstance(warn_only, builtins.bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'warn_only' must be bool, "
                        f"not {type(warn_only).__name__}")
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


_DEBUG_MODES = ("default", "warn", "error")


def set_deterministic_debug_mode(debug_mode):
    """use_deterministic_algorithms by another name: 'default' (0) off, 'warn' (1) on with
    warn_only, 'error' (2) on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, builtins.int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """0, 1 or 2: see set_deterministic_debug_mode."""
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_flush_denormal(mode):
    """Whether flushing subnormal floats to zero could be set: True for mode=False, which is
    how ember computes already; False for mode=True, which NumPy can't do (torch too answers
    False where the CPU can't)."""
    return not mode


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]


def set_default_device(device):
    """The device creation functions (zeros, tensor, arange ...) use when given none; None
    restores the CPU.

    Example:
        >>> ember.set_default_device("cpu"); ember.zeros(2).device
        device(type='cpu')
    """
    _state["default_device"] = None if device is None else Device(device)


def get_default_device():
    return _state["default_device"] or CPU


def set_warn_always(b, /):
    """True: warnings torch gives once per process (see `warn_once`) come every time.

    Example:
        >>> ember.set_warn_always(True); ember.is_warn_always_enabled()
        True
    """
    if not isinstance(b, builtins.bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


def is_warn_always_enabled():
    """Whether once-per-process warnings come every time (`set_warn_always`)."""
    return _state["warn_always"]


def warn_once(message, category=UserWarning, stacklevel=2):
    """warnings.warn, the first time this message is given in the process (every time after
    set_warn_always(True)): torch's TORCH_WARN_ONCE."""
    if message in _warned and not _state["warn_always"]:
        return
    _warned.add(message)
    warnings.warn(message, category, stacklevel=stacklevel + 1)
