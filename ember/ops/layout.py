"""torch's tensor layouts (`ember.strided`, `ember.sparse_coo` ...) and the `layout=` and
`pin_memory=` arguments of the functions that make tensors.

Every ember tensor is strided (dense); `Tensor.layout` is `ember.strided`. The sparse
layouts exist so that code naming them runs up to the point where it would make a sparse
tensor, which raises NotImplementedError.
"""
from .._tensor import Tensor

__all__ = ["layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
           "sparse_bsc", "jagged"]


class layout:
    """How a tensor's elements are stored (torch.layout)."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"ember.{self._name}"

    def __reduce__(self):
        return self._name  # pickles as the module-level singleton


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
jagged = layout("jagged")
_BY_NAME = {value._name: value for value in (strided, sparse_coo, sparse_csr, sparse_csc,
                                             sparse_bsr, sparse_bsc, jagged)}


def check_layout(layout_, op_name):
    """torch's check of a layout= argument; ember makes strided tensors only.

    Differs from PyTorch: a sparse layout raises NotImplementedError (torch makes a sparse
    tensor where the op supports one).
    """
    if layout_ is None or layout_ is strided:
        return
    if type(layout_).__module__ == "torch" and type(layout_).__name__ == "layout":
        layout_ = _BY_NAME.get(str(layout_).replace("torch.", ""), layout_)  # as torch dtypes
        if layout_ is strided:
            return
    if not isinstance(layout_, layout):
        raise TypeError(f"{op_name}(): argument 'layout' must be torch.layout, not "
                        f"{type(layout_).__name__}")
    raise NotImplementedError(f"{op_name}(): ember makes only strided (dense) tensors; "
                              f"layout={layout_!r} is not supported. Drop the layout argument.")


def pinned(result, pin_memory):
    """result, copied into page-locked host memory when pin_memory (torch's pin_memory=True
    of the creation functions; RuntimeError without CUDA, as torch)."""
    if not pin_memory:
        return result
    from ..cuda.memory import pin_memory as pin
    copy = pin(result.detach())
    return copy.requires_grad_() if result.requires_grad else copy


Tensor.layout = property(lambda self: strided, doc="The tensor's layout: always ember.strided.")
