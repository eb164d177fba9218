"""numpy's argument names that torch's builtin functions take for their own.

torch's C argument parser accepts `axis` for `dim`, `keepdims` for `keepdim`, `x`, `a` or
`x1` for `input` and `x2` for `other` (python_arg_parser.cpp, numpy_compatibility_arg_names),
so `x.sum(axis=1)` and `torch.cumsum(x, axis=0)` run. ember gives its functions that take a
`dim` the same aliases by wrapping them once, at import: the wrapper only renames keywords,
and costs one call frame.

Differs from PyTorch: functions that take no `dim` or `keepdim` (torch.add(x1=..., x2=...))
do not take the `input`/`other` aliases, and Tensor.size and Tensor.stride, called on every
hot path, take no `axis`.
"""
import functools

__all__ = ["accept_numpy_names"]

_CANONICAL = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input",
              "x1": "input", "x2": "other"}
_ALIASES = frozenset(_CANONICAL)

# torch's builtins with a `dim` or `keepdim` argument that ember also has (from the parser's
# own signatures, torch 2.13)
FUNCTIONS = (
    "all", "amax", "amin", "aminmax", "any", "argmax", "argmin", "argsort", "cat", "chunk",
    "concat", "concatenate", "cosine_similarity", "count_nonzero", "cross", "cummax", "cummin",
    "cumprod", "cumsum", "cumulative_trapezoid", "diff", "gather", "gradient", "index_add",
    "index_copy", "index_fill", "index_reduce", "index_select", "kthvalue", "log_softmax",
    "logcumsumexp", "logsumexp", "max", "mean", "median", "min", "mode", "nanmean", "nanmedian",
    "nanquantile", "nansum", "narrow", "narrow_copy", "norm_except_dim", "pairwise_distance",
    "prod", "quantile", "renorm", "repeat_interleave", "scatter", "scatter_add",
    "scatter_reduce", "select", "select_copy", "select_scatter", "slice_copy", "slice_scatter",
    "softmax", "sort", "split_with_sizes", "split_with_sizes_copy", "squeeze", "squeeze_copy",
    "stack", "std", "std_mean", "sum", "take_along_dim", "tensor_split", "topk", "trapezoid",
    "trapz", "unbind", "unbind_copy", "unflatten", "unsafe_chunk", "unsafe_split",
    "unsafe_split_with_sizes", "unsqueeze", "unsqueeze_copy", "var", "var_mean"
)
TENSOR_METHODS = (
    "all", "amax", "amin", "aminmax", "any", "argmax", "argmin", "argsort", "chunk",
    "count_nonzero", "cross", "cummax", "cummin", "cumprod", "cumprod_", "cumsum", "cumsum_",
    "diff", "gather", "index_add", "index_add_", "index_copy", "index_copy_", "index_fill",
    "index_fill_", "index_reduce", "index_reduce_", "index_select", "kthvalue", "log_softmax",
    "logcumsumexp", "logsumexp", "max", "mean", "median", "min", "mode", "nanmean", "nanmedian",
    "nanquantile", "nansum", "narrow", "narrow_copy", "prod", "quantile", "renorm", "renorm_",
    "repeat_interleave", "scatter", "scatter_", "scatter_add", "scatter_add_", "scatter_reduce",
    "scatter_reduce_", "select", "select_scatter", "slice_scatter", "softmax", "sort",
    "split_with_sizes", "squeeze", "squeeze_", "std", "sum", "take_along_dim",
    "tensor_split", "topk", "unbind", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes",
    "unsqueeze", "unsqueeze_", "var"
)

SUBMODULE_FUNCTIONS = {
    "linalg": ("cross", "matrix_norm", "norm", "vecdot", "vector_norm"),
    "special": ("log_softmax", "logsumexp", "softmax"),
    "fft": ("fftshift", "ifftshift"),
}


def _renamed(kwargs, parameters):
    """kwargs with each alias replaced by its canonical name, where the function takes it
    and the canonical name is not given as well."""
    renamed = {}
    for key, value in kwargs.items():
        canonical = _CANONICAL.get(key)
        if canonical is None or canonical not in parameters or canonical in kwargs:
            renamed[key] = value
        else:
            renamed[canonical] = value
    return renamed


def _with_numpy_names(function, parameters):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if kwargs and not _ALIASES.isdisjoint(kwargs):
            kwargs = _renamed(kwargs, parameters)
        return function(*args, **kwargs)
    wrapper.numpy_names = True
    return wrapper


def _parameters(function):
    """The keyword names function takes; all canonical names where it takes **kwargs."""
    import inspect
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return frozenset(_CANONICAL.values())
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        return frozenset(_CANONICAL.values())
    return frozenset(parameters)


def _wrap(function):
    if getattr(function, "numpy_names", False):
        return function
    return _with_numpy_names(function, _parameters(function))


def accept_numpy_names(namespace, tensor_class):
    """Wrap namespace's FUNCTIONS, its submodules' SUBMODULE_FUNCTIONS and tensor_class's
    TENSOR_METHODS (see module docstring)."""
    for name in FUNCTIONS:
        if name in namespace:
            namespace[name] = _wrap(namespace[name])
    for module_name, names in SUBMODULE_FUNCTIONS.items():
        module = namespace[module_name]
        for name in names:
            setattr(module, name, _wrap(getattr(module, name)))
    for name in TENSOR_METHODS:
        function = tensor_class.__dict__.get(name)
        if function is not None and callable(function):
            setattr(tensor_class, name, _wrap(function))
