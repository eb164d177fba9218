"""Checking and normalising `dim` arguments, shared by reductions and shape ops."""
import builtins

__all__ = ["wrap_dim", "wrap_dims"]


def wrap_dim(dim, ndim, op_name="op"):
    """A dim in [-ndim, ndim) as a non-negative index; 0-d tensors accept 0 and -1."""
    if not isinstance(dim, builtins.int) or isinstance(dim, builtins.bool):
        if hasattr(dim, "__index__"):
            dim = dim.__index__()
        else:
            raise TypeError(f"{op_name}(): argument 'dim' must be int, not {type(dim).__name__}")
    rank = builtins.max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"{op_name}(): Dimension out of range (expected to be in range of [{-rank}, "
            f"{rank - 1}], but got {dim})")
    return dim % rank if ndim else 0


def wrap_dims(dim, ndim, op_name="op"):
    """A sorted tuple of distinct dims; None means every dim."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = tuple(wrap_dim(d, ndim, op_name) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"{op_name}(): dim {dims} appears multiple times in the list of dims")
        if ndim == 0:
            return ()
        return tuple(sorted(dims))
    dim = wrap_dim(dim, ndim, op_name)  # checks the range even for 0-d tensors
    return (dim,) if ndim else ()
