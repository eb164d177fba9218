"""The backward pass: walk the recorded graph from the outputs to the leaves.

The walk is iterative (no Python recursion, so a graph 100,000 ops deep is fine):
1. find every node reachable from the roots and count, for each, the edges that lead into
   it (its dependencies);
2. run a node's backward once all of its dependencies have delivered their gradients,
   summing gradients that reach the same output of a node by several paths;
3. leaves (AccumulateGrad nodes) add what reaches them into `.grad`; autograd.grad instead
   captures the gradients of the tensors it was asked about.
Saved tensors are released node by node unless retain_graph is set.
"""
import functools

from . import anomaly, grad_mode
from .function import AccumulateGrad, _edge
from .. import _tensor as _tensor_module

__all__ = ["run_backward", "current_graph_task_id", "will_execute", "set_multithreading_enabled",
           "is_multithreading_enabled", "enforce_grad_layout_policy"]


class _GraphTask:
    """The backward call now running: which nodes it will execute (for multi-grad hooks)."""

    __slots__ = ("id", "dependencies", "roots", "needed")


_tasks = []        # the running backward calls, innermost last (a hook may call backward)
_task_count = [0]  # ids handed out so far


def current_graph_task_id():
    """An id for the backward call now running, or -1 outside backward."""
    return _tasks[-1].id if _tasks else -1


def will_execute(node):
    """Whether the running backward call will execute `node` (torch's
    _will_engine_execute_node)."""
    if not _tasks:
        raise RuntimeError("will_execute should only be called during the backward pass")
    task = _tasks[-1]
    reachable = node in task.dependencies or node in task.roots
    return reachable and (task.needed is None or node in task.needed)


def run_backward(roots, grad_roots, retain_graph, create_graph, inputs=None, accumulate=True):
    """Backpropagate `grad_roots` from the tensors `roots`.

    inputs: tensors whose gradients are wanted; with accumulate=True only their `.grad`
        is written (Tensor.backward(inputs=...)), with accumulate=False their gradients are
        returned instead and no `.grad` changes (autograd.grad).
    Returns the list of gradients for `inputs` (None where none arrived).
    """
    root_edges = []
    for index, root in enumerate(roots):
        edge = _edge_of(root)
        if edge[0] is None:
            raise RuntimeError(
                f"element {index} of tensors does not require grad and does not have a "
                f"grad_fn. Hint: did you create it under no_grad(), or forget "
                f"requires_grad=True on its inputs?")
        root_edges.append(edge)

    captures = {}
    if inputs is not None:
        for index, tensor in enumerate(inputs):
            captures.setdefault(_edge_of(tensor), []).append(index)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    parents = None if inputs is None else {}
    dependencies = _walk((edge[0] for edge in root_edges), parents)
    needed = None if inputs is None else _nodes_leading_to({node for node, _ in captures},
                                                           parents)

    buffers = {}
    for (node, output_nr), grad in zip(root_edges, grad_roots):
        _add_to_buffer(buffers, node, output_nr, grad)
    ready = [node for node in dict.fromkeys(edge[0] for edge in root_edges)
             if dependencies.get(node, 0) == 0]

    check_anomaly = anomaly._state["enabled"]
    make = _tensor_module.Tensor._make
    task = _GraphTask()
    _task_count[0] += 1
    task.id, task.needed = _task_count[0], needed
    task.dependencies, task.roots = dependencies, [edge[0] for edge in root_edges]
    _tasks.append(task)
    previous_mode = grad_mode._state["enabled"]
    grad_mode._state["enabled"] = create_graph
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None) or [None] * node._num_outputs
            # tensor hooks run only on the nodes this call executes, as torch's
            if node._pre_hooks and (needed is None or node in needed):
                grads = _run_pre_hooks(node, grads)
            if captures:
                for output_nr, grad in enumerate(grads):
                    for index in captures.get((node, output_nr), ()):
                        captured[index] = grad
            if type(node) is AccumulateGrad:
                if accumulate and (inputs is None or (node, 0) in captures):
                    _accumulate(node, grads[0], create_graph)
                continue
            has_grad = grads[0] is not None if len(grads) == 1 else any(
                g is not None for g in grads)
            if has_grad and (needed is None or node in needed):
                grad_inputs = node.apply(grads)
                if node._hooks:
                    grad_inputs = _run_post_hooks(node, grad_inputs, grads)
                if check_anomaly:
                    anomaly.check_backward(node, grad_inputs)
                if not retain_graph:
                    node._saved = None
            else:
                grad_inputs = ()
            next_functions = node.next_functions
            if len(grad_inputs) != len(next_functions):
                grad_inputs = (tuple(grad_inputs) + (None,) * len(next_functions))[
                    :len(next_functions)]
            for (child, output_nr), grad in zip(next_functions, grad_inputs):
                if child is None:
                    continue
                if grad is not None:
                    buffer = buffers.get(child)
                    if buffer is None:
                        buffer = buffers[child] = [None] * child._num_outputs
                    existing = buffer[output_nr]
                    if existing is None:
                        buffer[output_nr] = grad
                    elif create_graph:
                        buffer[output_nr] = existing + grad
                    else:  # nothing records: add the arrays, skipping the op machinery
                        buffer[output_nr] = make(existing._data + grad._data)
                remaining = dependencies[child] - 1
                dependencies[child] = remaining
                if remaining == 0:
                    ready.append(child)
    finally:
        grad_mode._state["enabled"] = previous_mode
        _tasks.pop()
    return captured


def _edge_of(value):
    """The (node, output_nr) a tensor's gradient goes to; a GradientEdge names it directly."""
    if isinstance(value, tuple):  # ember.autograd.graph.GradientEdge
        return (value.node, value.output_nr)
    return _edge(value)


def _walk(root_nodes, parents=None):
    """Count, for every node reachable from the roots, the edges that lead into it; with a
    `parents` dict, also record each node's parents (for autograd.grad's pruning)."""
    dependencies = {}
    stack = list(dict.fromkeys(root_nodes))
    seen = set(stack)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            dependencies[child] = dependencies.get(child, 0) + 1
            if parents is not None:
                parents.setdefault(child, []).append(node)
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return dependencies


def _nodes_leading_to(targets, parents):
    """Every node from which some target is reachable (the part autograd.grad must run)."""
    needed = set()
    stack = list(targets)
    while stack:
        node = stack.pop()
        if node not in needed:
            needed.add(node)
            stack.extend(parents.get(node, ()))
    return needed


def _add_to_buffer(buffers, node, output_nr, grad):
    buffer = buffers.get(node)
    if buffer is None:
        buffer = buffers[node] = [None] * node._num_outputs
    existing = buffer[output_nr]
    buffer[output_nr] = grad if existing is None else existing + grad


def _run_pre_hooks(node, grads):
    grads = list(grads)
    for output_nr, hooks in node._pre_hooks.items():
        if output_nr < 0:
            continue
        for hook in list(hooks.values()):
            if grads[output_nr] is None:
                break
            result = hook(grads[output_nr])
            if result is not None:
                grads[output_nr] = result
    for hook in list(node._pre_hooks.get(-1, {}).values()):
        result = hook(tuple(grads))
        if result is not None:
            grads = list(result)
    return grads


def _run_post_hooks(node, grad_inputs, grad_outputs):
    for hook in list(node._hooks.values()):
        result = hook(grad_inputs, tuple(grad_outputs))
        if result is not None:
            grad_inputs = tuple(result)
    return grad_inputs


def _accumulate(node, grad, create_graph):
    """Add a gradient into a leaf's .grad, as torch's AccumulateGrad."""
    variable = node.variable
    if variable is None or grad is None:
        return
    if grad._data.dtype != variable._data.dtype:
        if grad._data.dtype.kind == "c" and variable._data.dtype.kind != "c":
            grad = grad.real
        grad = grad.to(variable.dtype)
    if variable.grad is None:
        # A fresh copy: backward may hand the same array to several leaves (add, expand...),
        # and .grad is later changed in place (accumulation, clip_grad_norm_, zero_()).
        variable.grad = grad if create_graph else grad.detach().clone()
    elif create_graph or variable.grad.requires_grad:
        variable.grad = variable.grad + grad
    else:
        variable.grad._data += grad._data
    for hook in list((variable._post_accumulate_hooks or {}).values()):
        hook(variable)


# -- engine settings torch exposes: accepted and recorded ------------------------------------

_settings = {"multithreading": True, "grad_layout": True}


class _EngineSetting:
    """Sets an engine flag at once (a plain call works); as a context manager or decorator it
    puts the previous value back afterwards."""

    _key = None

    def __init__(self, mode):
        self.mode = bool(mode)
        self.prev = _settings[self._key]
        _settings[self._key] = self.mode

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc_value, traceback):
        _settings[self._key] = self.prev
        return False

    def __call__(self, orig_func):
        _settings[self._key] = self.prev  # decorating changes nothing until a call

        @functools.wraps(orig_func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return orig_func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)(self.mode)


class set_multithreading_enabled(_EngineSetting):
    """Turn multithreaded backward on or off (torch runs device backward on worker threads).

    Differs from PyTorch: ember's engine always runs backward on the calling thread; the flag is
    recorded (is_multithreading_enabled reads it) and changes nothing else.
    """

    _key = "multithreading"


def is_multithreading_enabled():
    """The flag set_multithreading_enabled last set (True by default)."""
    return _settings["multithreading"]


class enforce_grad_layout_policy(_EngineSetting):
    """Whether accumulated .grad must match its parameter's strides (torch's layout contract).

    Differs from PyTorch: ember's .grad is always a fresh row-major array, so the flag is
    recorded and changes nothing.
    """

    _key = "grad_layout"

    def __init__(self, enable=True):
        super().__init__(enable)
