"""The rest of torch.autograd.graph: gradient edges, version bumps, hooks over several tensors,
and mutation of saved tensors. graph.py re-exports every public name here.

- `GradientEdge` / `get_gradient_edge(t)`: where t's gradient is computed, (node, output_nr);
  autograd.grad and backward accept one wherever they accept a tensor.
- `increment_version(t)`: tell autograd that t's data changed behind its back.
- `register_multi_grad_hook(tensors, fn, mode=)`: one hook over several tensors' gradients.
- `allow_mutation_on_saved_tensors()`: in-place changes to saved tensors stop being errors.
"""
import contextlib
import functools
from typing import NamedTuple, Optional

from .. import _tensor as _tensor_module
from . import engine, grad_mode
from .function import Node, _edge, _SavedInput, _SavedOutput

__all__ = ["GradientEdge", "get_gradient_edge", "increment_version", "register_multi_grad_hook",
           "allow_mutation_on_saved_tensors"]


class GradientEdge(NamedTuple):
    """Where a tensor's gradient is computed: a node and which of its outputs.

    ownership_token is None in ember: nodes are Python objects that keep their graph alive.
    """

    node: Node
    output_nr: int
    ownership_token: Optional[Node] = None


def get_gradient_edge(tensor):
    """The GradientEdge of `tensor`: autograd.grad(loss, get_gradient_edge(x)) equals
    autograd.grad(loss, x), and stays valid after x itself is changed or freed.

    Example:
        >>> x = ember.ones(2, requires_grad=True)
        >>> y = x * 2
        >>> edge = ember.autograd.graph.get_gradient_edge(y)
        >>> ember.autograd.grad(y.sum(), edge)
        (tensor([1., 1.]),)
    """
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does "
                           "not require gradients")
    node, output_nr = _edge(tensor)
    return GradientEdge(node, output_nr)


def increment_version(tensor):
    """Bump the version counter of a tensor (or of each in an iterable) whose data was changed
    in a way autograd does not see, so that a backward that saved it raises."""
    tensors = (tensor,) if isinstance(tensor, _tensor_module.Tensor) else tensor
    for item in tensors:
        if not grad_mode.is_inference_tensor(item):  # inference tensors have no counter
            item._version[0] += 1


class _MultiHandle:
    """The handle of a multi-grad hook: remove() removes the hook from every tensor."""

    __slots__ = ("handles",)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __getstate__(self):
        return self.handles

    def __setstate__(self, state):
        self.handles = state


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Register one hook over the gradients of several tensors.

    mode="all": fn(grads) runs once per backward call, after the gradient of every tensor that
    call computes is known; grads holds None for tensors the call leaves out (not in the graph,
    or not needed for its `inputs`). mode="any": fn(grad) runs once per backward call, with the
    first gradient computed among the tensors.

    Returns:
        a handle whose remove() removes the hook.

    Example:
        >>> a = ember.ones(2, requires_grad=True)
        >>> b = ember.ones(2, requires_grad=True)
        >>> seen = []
        >>> handle = ember.autograd.graph.register_multi_grad_hook(
        ...     (a, b), lambda grads: seen.append([g is not None for g in grads]))
        >>> (a * 2).sum().backward()
        >>> seen
        [[True, False]]
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    if mode == "any":
        ran = set()  # ids of the backward calls that already ran fn

        @functools.wraps(fn)
        def first_only(grad):
            task_id = engine.current_graph_task_id()
            if task_id not in ran:
                ran.add(task_id)
                fn(grad)

        return _MultiHandle(tuple(t.register_hook(first_only) for t in tensors
                                  if t.requires_grad))

    nodes = [_edge(t)[0] for t in tensors]
    counts, buffers, expected = {}, {}, {}

    def inner_hook(index):
        def hook(grad):
            task_id = engine.current_graph_task_id()
            count = counts.get(task_id, 0)
            if count == 0:
                expected[task_id] = sum(map(engine.will_execute, nodes))
                buffers[task_id] = [None] * len(nodes)
            counts[task_id] = count + 1
            buffers[task_id][index] = grad
            if count + 1 == expected[task_id]:
                grads = buffers.pop(task_id)
                del counts[task_id], expected[task_id]
                fn(grads)
        return hook

    return _MultiHandle(tuple(t.register_hook(inner_hook(i)) for i, t in enumerate(tensors)))


# -- allow_mutation_on_saved_tensors -----------------------------------------------------------

class _AllowMutationOnSavedContext:
    """The state of one allow_mutation_on_saved_tensors block: the copies it made."""

    def __init__(self):
        self.copies = []

    def clear(self):
        self.copies.clear()


_mutation_context = []  # the open allow_mutation_on_saved_tensors block, if any


def _copy_saved(entries):
    """Each saved tensor replaced by a private copy, so a later in-place change can't reach it
    (bound into graph.py's packer while a block is open)."""
    Tensor = _tensor_module.Tensor
    copies = _mutation_context[-1].copies
    result = []
    for entry in entries:
        kind = type(entry)
        if kind is _SavedInput:
            tensor = entry.tensor
            copy = Tensor._make(tensor._data.copy(), tensor._requires_grad)
            copy.grad_fn, copy._output_nr = tensor.grad_fn, tensor._output_nr
            if tensor._requires_grad and tensor.grad_fn is None:
                copy._accumulator_node = tensor._accumulator()  # a leaf: grads still reach it
            entry = _SavedInput(copy)
            copies.append(copy)
        elif kind is _SavedOutput:
            entry.data, entry.counter = entry.data.copy(), [entry.version]
            copies.append(entry.data)
        result.append(entry)
    return result


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Context manager: a tensor saved for backward inside it may be changed in place before
    backward; backward uses the value it had when saved. Run forward and backward inside it.

    Differs from PyTorch: torch copies a saved tensor when it is first changed; ember copies
    every tensor saved inside the block when it is saved (the same gradients, more memory).

    Example:
        >>> with ember.autograd.graph.allow_mutation_on_saved_tensors():
        ...     a = ember.ones(2, requires_grad=True)
        ...     b = a.clone()
        ...     out = (b ** 2).sum()
        ...     _ = b.sin_()
        ...     out.backward()
        >>> a.grad
        tensor([2., 2.])
    """
    if _mutation_context:
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
    context = _AllowMutationOnSavedContext()
    _mutation_context.append(context)
    from . import graph
    graph._update_packer()
    try:
        yield context
    finally:
        context.clear()
        _mutation_context.pop()
        graph._update_packer()
