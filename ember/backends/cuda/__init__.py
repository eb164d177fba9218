"""ember.backends.cuda: cuBLAS switches, and the float32 matmul precision.

Example:
    >>> ember.backends.cuda.matmul.allow_tf32 = True    # same as:
    >>> ember.set_float32_matmul_precision("high")
    >>> ember.set_float32_matmul_precision("highest")   # back to full float32 (the default)
"""
import warnings

__all__ = ["matmul", "is_built", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "flash_sdp_enabled", "enable_flash_sdp",
           "mem_efficient_sdp_enabled", "enable_mem_efficient_sdp", "math_sdp_enabled",
           "enable_math_sdp", "cudnn_sdp_enabled", "enable_cudnn_sdp"]

_PRECISIONS = ("highest", "high", "medium")
_precision = ["highest"]


def _push_tf32():
    """Tell the CUDA backend (CuPy's cuBLAS compute type for float32) what is allowed."""
    from ...backend import cupy_backend
    cupy_backend.set_matmul_tf32(_precision[0] != "highest")


class cuBLASModule:
    """torch.backends.cuda.matmul: allow_tf32 (default False) lets float32 GEMMs round their
    inputs to TF32 (10-bit mantissa) on tensor cores, several times faster on Ampere and
    later. The reduced-precision-reduction flags are accepted; CuPy's half GEMMs always
    accumulate in float32."""

    _flags = {"allow_fp16_reduced_precision_reduction": True,
              "allow_bf16_reduced_precision_reduction": True}

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _precision[0] != "highest"
        if name in self._flags:
            return self._flags[name]
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            _precision[0] = "high" if value else "highest"
            _push_tf32()
        elif name in self._flags:
            self._flags[name] = bool(value)
        else:
            raise AttributeError(f"Unknown attribute {name}")


matmul = cuBLASModule()


def is_built():
    """Whether this ember can run on CUDA: True, the backend loads CuPy at run time."""
    return True


def set_float32_matmul_precision(precision):
    """'highest' (default): float32 GEMMs in full float32; 'high' and 'medium': TF32 tensor
    cores allowed (matmul.allow_tf32 = True). Other strings warn and change nothing."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _precision[0] = precision
    _push_tf32()


def get_float32_matmul_precision():
    return _precision[0]


# -- scaled_dot_product_attention's kernels ------------------------------------------------
# torch keeps one switch per attention kernel, process-wide (they rule the CPU too), and an
# order of preference; ember.nn.attention.sdpa_kernel sets both and puts them back. ember has
# one implementation, which runs while a kernel torch could use on that device is enabled:
# see scaled_dot_product_attention in ember/nn/functional/attention.py.
_sdp_enabled = {"cudnn": True, "flash": True, "mem_efficient": True, "math": True,
                "overrideable": True}
_sdp_priority = [1, 2, 0, 3, 4]  # torch's default: flash, efficient, math, cuDNN, overrideable


def _set_sdp(name, enabled):
    if not isinstance(enabled, bool):
        raise RuntimeError(f"set_sdp_use_{name} expects a bool, but got "
                           f"{type(enabled).__name__}")
    _sdp_enabled[name] = enabled


def flash_sdp_enabled():
    """Whether scaled_dot_product_attention may use the flash attention kernel."""
    return _sdp_enabled["flash"]


def enable_flash_sdp(enabled):
    """Allow (True) or forbid (False) the flash attention kernel."""
    _set_sdp("flash", enabled)


def mem_efficient_sdp_enabled():
    """Whether scaled_dot_product_attention may use the memory-efficient kernel."""
    return _sdp_enabled["mem_efficient"]


def enable_mem_efficient_sdp(enabled):
    """Allow (True) or forbid (False) the memory-efficient attention kernel."""
    _set_sdp("mem_efficient", enabled)


def math_sdp_enabled():
    """Whether scaled_dot_product_attention may use the math (reference) kernel."""
    return _sdp_enabled["math"]


def enable_math_sdp(enabled):
    """Allow (True) or forbid (False) the math attention kernel."""
    _set_sdp("math", enabled)


def cudnn_sdp_enabled():
    """Whether scaled_dot_product_attention may use the cuDNN attention kernel."""
    return _sdp_enabled["cudnn"]


def enable_cudnn_sdp(enabled):
    """Allow (True) or forbid (False) the cuDNN attention kernel."""
    _set_sdp("cudnn", enabled)
