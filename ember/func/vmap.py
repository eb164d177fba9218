"""torch.func.vmap: map a function over a batch dimension of its inputs.

Differs from PyTorch: vmap runs the function once per sample (the inputs sliced along their
batch dims, the outputs stacked), where torch runs it once on batched tensors. Results and
gradients through it are the same; it costs a Python call per sample, and a batch of size 0
is an error (there is no sample to learn the output's shape from).
"""
import functools

from .._tensor import Tensor
from ..ops.join import stack
from ..random import get_rng_state, set_rng_state
from ._pytree import broadcast_to_and_flatten, tree_flatten, tree_unflatten

__all__ = ["vmap"]


def _name(func):
    return getattr(func, "__name__", repr(func))


def _check_randomness_arg(randomness):
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _batched_inputs(func, in_dims, args):
    """(batch size, the flat arguments, their in_dims (non-negative or None), the args spec)."""
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be "
            f"int or a (potentially nested) tuple matching the structure of inputs, got: "
            f"{type(in_dims)}.")
    if len(args) == 0:
        raise ValueError(
            f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add inputs, or "
            f"you are trying to vmap over a function with no inputs. The latter is "
            f"unsupported.")
    flat_args, args_spec = tree_flatten(args)
    flat_in_dims = broadcast_to_and_flatten(in_dims, args_spec)
    if flat_in_dims is None:
        raise ValueError(
            f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
            f"with the structure of `inputs`. in_dims has structure "
            f"{tree_flatten(in_dims)[1]} but inputs has structure {args_spec}.")
    sizes = []
    for index, (arg, in_dim) in enumerate(zip(flat_args, flat_in_dims)):
        if in_dim is None:
            continue
        if not isinstance(in_dim, int):
            raise ValueError(
                f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={in_dim} "
                f"for an input but in_dim must be either an integer dimension or None.")
        if not isinstance(arg, Tensor):
            raise ValueError(
                f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={in_dim} "
                f"for an input but the input is of type {type(arg)}. We cannot vmap over "
                f"non-Tensor arguments, please use None as the respective in_dim")
        ndim = arg.dim()
        if not -ndim <= in_dim < ndim:
            raise ValueError(
                f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={in_dim} "
                f"for some input, but that input is a Tensor of dimensionality {ndim} so "
                f"expected in_dim to satisfy -{ndim} <= in_dim < {ndim}.")
        flat_in_dims[index] = in_dim % ndim
        sizes.append(arg.shape[in_dim])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(size != sizes[0] for size in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], flat_args, flat_in_dims, args_spec


def _stack_outputs(func, results, out_dims):
    """The per-sample results stacked along out_dims (a pytree prefix of the output)."""
    flat_first, out_spec = tree_flatten(results[0])
    if isinstance(results[0], Tensor) and isinstance(out_dims, tuple) and len(out_dims) == 1:
        out_dims = out_dims[0]  # torch accepts (d,) for a single tensor output
    flat_out_dims = broadcast_to_and_flatten(out_dims, out_spec)
    if flat_out_dims is None:
        raise ValueError(
            f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
            f"compatible with the structure of `outputs`. out_dims has structure "
            f"{tree_flatten(out_dims)[1]} but outputs has structure {out_spec}.")
    flat_results = [flat_first]
    for result in results[1:]:
        flat, spec = tree_flatten(result)
        if spec != out_spec:
            raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` returned outputs of "
                             f"different structures for different samples: {out_spec} and "
                             f"{spec}.")
        flat_results.append(flat)
    stacked = []
    for index, out_dim in enumerate(flat_out_dims):
        if out_dim is None:
            stacked.append(flat_first[index])
            continue
        if not isinstance(out_dim, int):
            raise ValueError(
                f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                f"None or a python collection of ints representing where in the outputs the "
                f"vmapped dimension should appear.")
        if not isinstance(flat_first[index], Tensor):
            raise ValueError(
                f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                f"{type(flat_first[index])}. Did you mean to set out_dims= to None for output?")
        samples = [flat[index] for flat in flat_results]
        ndim = samples[0].dim() + 1
        if not -ndim <= out_dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {out_dim})")
        stacked.append(stack(samples, dim=out_dim))
    return tree_unflatten(stacked, out_spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """func mapped over dimension in_dims of its inputs, the results stacked at out_dims.

    y[b] = func(x[b]) for every b along the batch dims. in_dims and out_dims are an int (every
    tensor), None (not mapped) or nested tuples matching the inputs' / outputs' pytrees;
    keyword arguments are passed to every call unmapped. randomness: 'error' raises if func
    draws random numbers, 'different' gives each sample its own draws, 'same' the same ones.

    Differs from PyTorch: func runs once per sample (see the module docstring); chunk_size is
    accepted and has no effect; randomness watches and restores the default CPU generator
    only (draws from a CUDA generator or an explicit Generator are not seen).

    Example:
        >>> vmap(ember.dot)(ember.ones(3, 2), ember.ones(3, 2))
        tensor([2., 2., 2.])
    """
    _check_randomness_arg(randomness)
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        batch_size, flat_args, flat_in_dims, args_spec = _batched_inputs(func, in_dims, args)
        if batch_size == 0:
            raise RuntimeError(f"vmap({_name(func)}): the mapped dimension has size 0; ember's "
                               f"vmap calls the function once per sample and needs at least "
                               f"one.")
        state = get_rng_state() if randomness != "different" else None
        results = []
        for b in range(batch_size):
            if randomness == "same":
                set_rng_state(state)
            sample = [arg if in_dim is None else arg.select(in_dim, b)
                      for arg, in_dim in zip(flat_args, flat_in_dims)]
            results.append(func(*tree_unflatten(sample, args_spec), **kwargs))
            if randomness == "error" and not bool((get_rng_state() == state).all()):
                set_rng_state(state)
                raise RuntimeError(
                    "vmap: called random operation while in randomness error mode. Please "
                    "either use the 'same' or 'different' randomness flags on vmap or perform "
                    "the randomness operation out of vmap")
        return _stack_outputs(func, results, out_dims)

    return wrapped
