"""Activation checkpointing: trade compute for memory, as torch.utils.checkpoint.

A checkpointed region keeps none of its intermediate activations for backward; backward runs
the region's forward again to get them, with the random-number state of the first run, so that
dropout drops the same units. Peak memory falls from one set of activations per layer to one
per region (plus the region's inputs).

Two variants, as in torch:
- use_reentrant=False (recommended): the forward records its graph as usual, but every tensor
  a node saves goes through saved_tensors_hooks that keep only a handle. The first backward
  access to any of them recomputes the region once and hands out what it saved, in the same
  order. Gradients reach everything the region used: inputs, parameters, captured tensors;
  autograd.grad, kwargs and non-tensor arguments work.
- use_reentrant=True: the region runs under no_grad inside one Function whose backward
  recomputes it and runs a nested backward; only tensor positional arguments get gradients
  from the outputs' side, and at least one input must require grad.

Differs from PyTorch: early_stop is accepted but recomputation always runs the whole region;
arrays an op keeps as plain ctx attributes (not through save_for_backward), such as
max-pooling's indices, stay in memory.
"""
import contextlib
import warnings

from .. import autograd
from .._generator import get_rng_state, set_rng_state
from .._tensor import Tensor
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import saved_tensors_hooks
from ..nn import Sequential

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "noop_context_fn",
           "check_backward_validity", "detach_variable", "set_checkpoint_early_stop"]


class CheckpointError(RuntimeError):
    """The recomputed forward did not save what the first forward saved."""


def noop_context_fn():
    """The default context_fn: no extra context around the forward or the recomputation."""
    return _NullContext(), _NullContext()


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def detach_variable(inputs):
    """The tuple `inputs` with each tensor detached, keeping its requires_grad (the fresh
    leaves a recomputation runs on); other items pass through."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    return tuple(item.detach().requires_grad_(item.requires_grad)
                 if isinstance(item, Tensor) else item for item in inputs)


def check_backward_validity(inputs):
    """Warn when no tensor of `inputs` requires grad: a reentrant checkpoint then gives no
    gradients."""
    if not any(item.requires_grad for item in inputs if isinstance(item, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=2)


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """Whether checkpoints made inside stop their recomputation once backward has what it
    needs (torch's default).

    Differs from PyTorch: ember's recomputation always runs the whole region (see the module
    docstring), so this changes only how long a recomputation takes in torch, not results.
    """
    global _early_stop
    previous, _early_stop = _early_stop, bool(enable)
    try:
        yield
    finally:
        _early_stop = previous


_early_stop = True


def _warn_use_reentrant(stacklevel):
    warnings.warn(
        "ember.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
        "use_reentrant=False is recommended; without it, ember (as torch) uses "
        "use_reentrant=True.", stacklevel=stacklevel + 1)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """Run function(*args, **kwargs) without keeping its activations; recompute them in
    backward.

    Args:
        function: the region to checkpoint (a module, or any function of tensors).
        *args, **kwargs: its arguments (kwargs only with use_reentrant=False).
        use_reentrant: see the module docstring; pass False. None warns and means True.
        preserve_rng_state (keyword, default True): replay the random-number state in the
            recomputation, so dropout matches.
        context_fn: returns two context managers, entered around the forward and around the
            recomputation (use_reentrant=False only).
        determinism_check: "default" checks that the recomputation saves tensors of the same
            shapes and dtypes (raising CheckpointError otherwise); "none" skips that.
    Returns:
        What function returns.

    Example:
        >>> from ember.utils.checkpoint import checkpoint
        >>> def forward(self, x):
        ...     x = checkpoint(self.block1, x, use_reentrant=False)
        ...     return self.head(x)
    """
    if use_reentrant is None:
        _warn_use_reentrant(2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        return _ReentrantCheckpoint.apply(function, preserve, *args)
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check,
                                         args, kwargs)


class _Region:
    """One call of a checkpointed region: what its forward saved (metadata only) and, once
    backward needs them, the tensors its recomputation saved."""

    def __init__(self, function, args, kwargs, rng_state, context, check):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng_state, self.context, self.check = rng_state, context, check
        self.metadata = []      # (shape, dtype) of each tensor the first forward saved
        self.recomputed = None  # the tensors the recomputation saved, handed out once each

    def pack(self, tensor):
        self.metadata.append((tuple(tensor.shape), tensor.dtype))
        return len(self.metadata) - 1

    def unpack(self, index):
        if self.recomputed is None or self.recomputed[index] is None:
            self._recompute()
        tensor, self.recomputed[index] = self.recomputed[index], None  # free once used
        return tensor

    def _recompute(self):
        saved = []

        def keep(tensor):
            saved.append(tensor)

        def refuse(_):
            raise RuntimeError("ember.utils.checkpoint: a tensor saved during recomputation "
                               "was unpacked; this is a bug in the checkpointed function.")

        state = get_rng_state()
        try:
            if self.rng_state is not None:
                set_rng_state(self.rng_state)
            with enable_grad(), saved_tensors_hooks(keep, refuse), self.context:
                self.function(*self.args, **self.kwargs)
        finally:
            set_rng_state(state)
        if self.check and [(tuple(t.shape), t.dtype) for t in saved] != self.metadata:
            raise CheckpointError(
                f"ember.utils.checkpoint: Recomputed values have different metadata than "
                f"during the forward pass: the forward saved {len(self.metadata)} tensors "
                f"{self.metadata[:4]}..., the recomputation {len(saved)}. The checkpointed "
                f"function must run the same ops on the same shapes each time (pass "
                f"determinism_check='none' to skip this check).")
        self.recomputed = saved


def _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, args,
                                  kwargs):
    forward_context, recompute_context = context_fn()
    region = _Region(function, args, kwargs, get_rng_state() if preserve else None,
                     recompute_context, determinism_check == "default")
    with saved_tensors_hooks(region.pack, region.unpack), forward_context:
        return function(*args, **kwargs)


class _ReentrantCheckpoint(Function):
    """The region as one node: forward under no_grad; backward recomputes and backpropagates
    through the recomputed graph."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = get_rng_state() if preserve_rng_state else None
        ctx.tensor_indices = [i for i, arg in enumerate(args) if isinstance(arg, Tensor)]
        ctx.inputs = [None if isinstance(arg, Tensor) else arg for arg in args]
        check_backward_validity(args)
        ctx.save_for_backward(*(args[i] for i in ctx.tensor_indices))
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        inputs = list(ctx.inputs)
        for index, tensor in zip(ctx.tensor_indices, detach_variable(ctx.saved_tensors)):
            inputs[index] = tensor
        state = get_rng_state()
        try:
            if ctx.rng_state is not None:
                set_rng_state(ctx.rng_state)
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            set_rng_state(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(out, grad) for out, grad in zip(outputs, grad_outputs)
                 if isinstance(out, Tensor) and out.requires_grad and grad is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is "
                               "not necessary")
        autograd.backward([out for out, _ in pairs], [grad for _, grad in pairs])
        return (None, None) + tuple(
            inp.grad if isinstance(inp, Tensor) else None for inp in inputs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Checkpoint a sequence of modules in `segments` chunks; the last chunk runs normally
    (its activations are needed at once by backward anyway).

    Args:
        functions: an nn.Sequential or a list of modules/functions, applied in order.
        segments: how many chunks to split them into.
        input: the input of the first one.
        use_reentrant, preserve_rng_state: as for checkpoint().

    Example:
        >>> out = checkpoint_sequential(model.layers, 4, x, use_reentrant=False)
    """
    if use_reentrant is None:
        _warn_use_reentrant(2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run(start, end):
        def forward(x):
            for index in range(start, end + 1):
                x = functions[index](x)
            return x
        return forward

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
