"""ember.backends.cuda: cuBLAS switches, and the float32 matmul precision.

Example:
    >>> ember.backends.cuda.matmul.allow_tf32 = True    # same as:
    >>> ember.set_float32_matmul_precision("high")
    >>> ember.set_float32_matmul_precision("highest")   # back to full float32 (the default)
"""
import warnings

__all__ = ["matmul", "is_built", "set_float32_matmul_precision",
           "get_float32_matmul_precision"]

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
