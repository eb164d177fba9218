"""The `*_copy` forms of the view ops (view_copy, permute_copy ... slice_copy,
view_as_real_copy), which return
a tensor of their own instead of a view; the unsafe_ splits; torch.fill and torch.detach.

Each is its view op followed by clone, so its gradient is the view op's.
"""
from .. import _dtype
from .._tensor import Tensor
from .compare import where
from .convert import clone
from .elementwise import _write_out
from .complex import view_as_complex, view_as_real
from .shape import diagonal, narrow, permute, select, squeeze, transpose, unsqueeze

__all__ = ["view_copy", "permute_copy", "t_copy", "transpose_copy", "squeeze_copy",
           "unsqueeze_copy", "expand_copy", "diagonal_copy", "alias_copy", "unbind_copy",
           "split_with_sizes_copy", "split_copy", "unfold_copy", "narrow_copy", "detach_copy",
           "select_copy", "slice_copy", "view_as_real_copy", "view_as_complex_copy", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes", "fill",
           "detach"]


def _copied(view, out, op_name):
    result = clone(view)
    return result if out is None else _write_out(out, result, op_name)


def _copied_all(views, out, op_name):
    results = tuple(clone(v) for v in views)
    if out is None:
        return results
    if len(out) != len(results):
        raise RuntimeError(f"{op_name}: expected out to be a list of {len(results)} tensors, "
                           f"got {len(out)}")
    for target, result in zip(out, results):
        _write_out(target, result, op_name)
    return None


def view_copy(input, size, *, out=None):
    """input.view(size) (or .view(dtype)) as a new tensor.

    Example:
        >>> ember.view_copy(ember.arange(4), (2, 2))
        tensor([[0, 1],
                [2, 3]])
    """
    return _copied(input.view(size), out, "view_copy")


def permute_copy(input, dims, *, out=None):
    """permute(input, dims) as a new tensor."""
    return _copied(permute(input, dims), out, "permute_copy")


def t_copy(input, *, out=None):
    """input.t() as a new tensor."""
    return _copied(input.t(), out, "t_copy")


def transpose_copy(input, dim0, dim1, *, out=None):
    """transpose(input, dim0, dim1) as a new tensor."""
    return _copied(transpose(input, dim0, dim1), out, "transpose_copy")


def squeeze_copy(input, dim=None, *, out=None):
    """squeeze(input, dim) as a new tensor."""
    view = squeeze(input) if dim is None else squeeze(input, dim)
    return _copied(view, out, "squeeze_copy")


def unsqueeze_copy(input, dim, *, out=None):
    """unsqueeze(input, dim) as a new tensor."""
    return _copied(unsqueeze(input, dim), out, "unsqueeze_copy")


def expand_copy(input, size, *, implicit=False, out=None):
    """input.expand(size) as a new tensor (every element its own memory)."""
    return _copied(input.expand(size), out, "expand_copy")


def diagonal_copy(input, offset=0, dim1=0, dim2=1, *, out=None):
    """diagonal(input, offset, dim1, dim2) as a new tensor."""
    return _copied(diagonal(input, offset, dim1, dim2), out, "diagonal_copy")


def alias_copy(input, *, out=None):
    """A copy of input (the copy form of its alias, a view of the whole tensor)."""
    return _copied(input, out, "alias_copy")


def detach_copy(input, *, out=None):
    """input.detach() as a new tensor.

    Differs from PyTorch: the result does not require grad (torch's does, but raises
    "derivative for aten::detach_copy is not implemented" in backward)."""
    return _copied(input.detach(), out, "detach_copy")


def select_copy(input, dim, index, *, out=None):
    """select(input, dim, index) as a new tensor."""
    return _copied(select(input, dim, index), out, "select_copy")


def narrow_copy(input, dim, start, length, *, out=None):
    """narrow(input, dim, start, length) as a new tensor."""
    if dim >= input.dim():  # torch's narrow_copy checks this one bound itself
        raise RuntimeError(f"narrow_copy(): Expected dim < static_cast<int64_t>(self_sizes."
                           f"size()) to be true, but got dim={dim} for a tensor of "
                           f"{input.dim()} dims")
    return _copied(narrow(input, dim, start, length), out, "narrow_copy")


def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    """input[..., start:end:step] along dim, as a new tensor (torch's aten::slice)."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = dim % max(input.dim(), 1)
    view = input[(slice(None),) * dim + (slice(start, end, step),)]
    return _copied(view, out, "slice_copy")


def unfold_copy(input, dimension, size, step, *, out=None):
    """input.unfold(dimension, size, step) as a new tensor."""
    return _copied(input.unfold(dimension, size, step), out, "unfold_copy")


def unbind_copy(input, dim=0, *, out=None):
    """unbind(input, dim) as new tensors."""
    return _copied_all(input.unbind(dim), out, "unbind_copy")


def split_with_sizes_copy(input, split_sizes, dim=0, *, out=None):
    """split_with_sizes(input, split_sizes, dim) as new tensors."""
    return _copied_all(input.split_with_sizes(split_sizes, dim), out, "split_with_sizes_copy")


def split_copy(input, split_size, dim=0, *, out=None):
    """split(input, split_size, dim) as new tensors."""
    return _copied_all(input.split(split_size, dim), out, "split_copy")


def view_as_real_copy(input, *, out=None):
    """view_as_real(input) as a new tensor."""
    return _copied(view_as_real(input), out, "view_as_real_copy")


def view_as_complex_copy(input, *, out=None):
    """view_as_complex(input) as a new tensor."""
    return _copied(view_as_complex(input), out, "view_as_complex_copy")


def unsafe_chunk(input, chunks, dim=0):
    """chunk(input, chunks, dim). In torch the pieces are views whose in-place changes
    autograd does not check; here they are ordinary (checked) views."""
    return input.chunk(chunks, dim)


def unsafe_split(tensor, split_size, dim=0):
    """split(tensor, split_size, dim); see unsafe_chunk."""
    return tensor.split(split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """split_with_sizes(input, split_sizes, dim); see unsafe_chunk."""
    return input.split_with_sizes(split_sizes, dim)


def fill(input, value):
    """A tensor like input filled with value (a number or a 0-d tensor); the out-of-place
    fill_. Differentiable in value when it is a tensor (input's gradient is zero)."""
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor "
                               f"with {value.dim()} dimensions.")
        filled = value.to(input.dtype).expand(input.shape).clone()
    else:
        filled = clone(input.detach()).fill_(value)
    if input.requires_grad:  # torch's result stays in the graph, with a zero gradient
        return where(input.new_zeros((), dtype=_dtype.bool), input, filled)
    return filled


def detach(input):
    """input.detach(): the same data, cut from the graph."""
    return input.detach()


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("narrow_copy", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes"):
    setattr(Tensor, _name, globals()[_name])
