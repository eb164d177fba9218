"""ember.nn.attention: choosing scaled_dot_product_attention's kernel, as torch.nn.attention.

torch has several kernels for F.scaled_dot_product_attention (math, flash, memory-efficient,
cuDNN) and picks the first enabled one that fits the inputs; `sdpa_kernel` enables a chosen
few for the length of a `with` block. ember has one implementation; it runs while a kernel
torch would have on that device is enabled (math or flash on the CPU, any of the four on a
GPU), and otherwise raises torch's "No viable backend" error. The switches are
ember.backends.cuda's (`math_sdp_enabled()` ...), as in torch.

Example:
    >>> from ember.nn.attention import SDPBackend, sdpa_kernel
    >>> q = ember.randn(2, 4, 8, 16)
    >>> with sdpa_kernel(SDPBackend.MATH):
    ...     F.scaled_dot_product_attention(q, q, q).shape
    ember.Size([2, 4, 8, 16])
"""
import contextlib
import enum

from ...backends import cuda as _cuda_flags

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

# torch warns with the reasons its fused kernels could not run when this is True; ember has
# no fused kernels, so it is only recorded.
WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.Enum):
    """The kernels of scaled_dot_product_attention, with torch's values:
    ERROR (-1), MATH (0), FLASH_ATTENTION (1), EFFICIENT_ATTENTION (2), CUDNN_ATTENTION (3),
    OVERRIDEABLE (4)."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __int__(self):  # torch's enum converts to its value: int(SDPBackend.MATH) == 0
        return self.value

    __index__ = __int__


# the switch in ember.backends.cuda of each backend that has one (ERROR has none)
_SWITCHES = {"cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION,
             "mem_efficient": SDPBackend.EFFICIENT_ATTENTION, "math": SDPBackend.MATH,
             "overrideable": SDPBackend.OVERRIDEABLE}


def _cur_sdpa_kernel_backends(with_priority=False):
    """The enabled backends, in torch's order of preference when with_priority is True."""
    backends = [backend for name, backend in _SWITCHES.items()
                if _cuda_flags._sdp_enabled[name]]
    if with_priority:
        backends.sort(key=lambda backend: _cuda_flags._sdp_priority.index(int(backend)))
    return backends


def _sdpa_kernel(backends, set_priority=False):
    """Enable exactly `backends` (anything else in the list is ignored, as torch does); with
    set_priority, prefer them in their order, before the others in their old order."""
    for name, backend in _SWITCHES.items():
        _cuda_flags._sdp_enabled[name] = backend in backends
    if set_priority:
        priority = [int(backend) for backend in backends]
        priority += [value for value in _cuda_flags._sdp_priority if value not in priority]
        _cuda_flags._sdp_priority[:] = priority


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Enable only `backends` for scaled_dot_product_attention inside a `with` block (or a
    function it decorates); the previous switches come back on exit, even after an error.

    Args:
        backends: an SDPBackend or a list of them.
        set_priority: also make the list's order the order of preference.

    Raises:
        AssertionError: backends is neither an SDPBackend nor a list (torch's check).

    Example:
        >>> with sdpa_kernel([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION]):
        ...     out = F.scaled_dot_product_attention(q, k, v)
    """
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError(f"Backend must be an instance of SDPBackend or a list of SDPBackend "
                             f"instances, got {type(backends).__name__}")
    if isinstance(backends, SDPBackend):
        backends = [backends]
    backends = list(dict.fromkeys(backends))  # unique, in order
    previous = _cur_sdpa_kernel_backends(with_priority=set_priority)
    try:
        _sdpa_kernel(backends, set_priority)
        yield {}
    finally:
        _sdpa_kernel(previous, set_priority)
