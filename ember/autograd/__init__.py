"""Automatic differentiation: the graph recorded as ops run, and the walk back through it.

function.py  Node (a grad_fn), Op (ember's ops), Function (user ops)
engine.py    the iterative backward pass
grad_mode.py no_grad, enable_grad, set_grad_enabled, inference_mode
anomaly.py   detect_anomaly: which forward op produced a NaN
graph.py     saved-tensor hooks; the recorded graph described, compared, summarised
render.py    pictures of a described graph: DOT, SVG, Mermaid, HTML
gradcheck.py gradients against finite differences
hooks.py     gradient edges, multi-grad hooks, mutation of saved tensors (via graph)
forward_ad.py dual tensors: forward-mode AD by the double-backward trick
"""
from .. import _tensor as _tensor_module
from . import anomaly, engine, grad_mode, graph
from .anomaly import detect_anomaly, set_detect_anomaly
from .engine import (enforce_grad_layout_policy, is_multithreading_enabled,
                     set_multithreading_enabled)
from .function import Function, FunctionCtx, Node, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)

__all__ = ["backward", "grad", "Function", "FunctionCtx", "Node", "once_differentiable",
           "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly",
           "gradcheck", "gradgradcheck", "Variable", "set_multithreading_enabled",
           "is_multithreading_enabled", "enforce_grad_layout_policy", "variable"]


def _as_tuple(value):
    if value is None:
        return None
    if isinstance(value, (_tensor_module.Tensor, graph.GradientEdge)):
        return (value,)
    return tuple(value)


def _root_grads(outputs, grad_outputs):
    """The gradient each output starts with: the given one, or 1 for a one-element output."""
    from ..ops.creation import ones_like
    grads = []
    for index, (out, grad) in enumerate(zip(outputs, grad_outputs)):
        if isinstance(out, graph.GradientEdge):
            if not isinstance(grad, _tensor_module.Tensor):
                raise RuntimeError(
                    f"output {index} is a GradientEdge: pass its gradient as a tensor in "
                    f"grad_outputs (ember can't create it from the edge).")
            grads.append(grad)
            continue
        if grad is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs; output {index} "
                    f"has shape {list(out.shape)}. Pass gradient= (a tensor of that shape), or "
                    f"reduce it first, e.g. out.sum().backward().")
            if out._requires_grad and out._data.dtype.kind == "c":
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got "
                    f"{out.dtype}. Backpropagate a real number made from it, e.g. "
                    f"out.abs() or out.real.")
            grad = ones_like(out)
        elif not isinstance(grad, _tensor_module.Tensor):
            grad = _tensor_module.Tensor._make(out._data.dtype.type(grad) * ones_like(out)._data)
        elif tuple(grad.shape) != tuple(out.shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{index}] has a shape of {grad.shape} and "
                f"output[{index}] has a shape of {out.shape}.")
        grads.append(grad)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate gradients of `tensors` into the `.grad` of the leaves (or of `inputs`)."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors if grad_tensors is not None else grad_variables)
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"got {len(grad_tensors)} tensors and {len(tensors)} gradients")
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _root_grads(tensors, grad_tensors)
    engine.run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned rather than accumulated.

    Example:
        >>> x = ember.tensor(3.0, requires_grad=True)
        >>> (dy,) = ember.autograd.grad(x ** 2, x, create_graph=True)
        >>> ember.autograd.grad(dy, x)
        (tensor(2.),)
    """
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad requires one grad_output per output: got {len(grad_outputs)} grad_outputs "
            f"and {len(outputs)} outputs")
    if allow_unused is None:
        allow_unused = materialize_grads
    for index, tensor in enumerate(inputs):
        if not isinstance(tensor, graph.GradientEdge) and not tensor._requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {index}) does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)
    grads = _root_grads(outputs, grad_outputs)
    results = engine.run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                                  accumulate=False)
    for index, (tensor, result) in enumerate(zip(inputs, results)):
        if result is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {index}) appears to not have "
                    f"been used in the graph. Set allow_unused=True if this is the desired "
                    f"behavior.")
            if materialize_grads:
                if isinstance(tensor, graph.GradientEdge):
                    raise RuntimeError("materialize_grads=True can't make a zero gradient for "
                                       "a GradientEdge input: its shape is unknown")
                from ..ops.creation import zeros_like
                results[index] = zeros_like(tensor)
    return tuple(results)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):
    """grad with is_grads_batched: one vector-Jacobian product per index of the grad_outputs'
    first dim, stacked. Differs from PyTorch: torch vmaps one backward pass over the batch;
    this runs one per index (the same numbers)."""
    if any(g is None for g in grad_outputs):
        raise RuntimeError("grad with is_grads_batched=True needs every grad_output given, "
                           "with the batch as its first dim")
    sizes = {g.shape[0] if g.dim() else None for g in grad_outputs}
    if len(sizes) != 1 or None in sizes:
        raise RuntimeError(f"is_grads_batched=True: every grad_output needs the same batch size "
                           f"as its first dim; got shapes {[tuple(g.shape) for g in grad_outputs]}")
    (size,) = sizes
    samples = [grad(outputs, inputs, [g[index] for g in grad_outputs],
                    retain_graph=retain_graph or index < size - 1, create_graph=create_graph,
                    allow_unused=True)
               for index in range(size)]
    from ..ops.creation import zeros_like
    from ..ops.join import stack
    results = []
    for position, tensor in enumerate(inputs):
        column = [sample[position] for sample in samples]
        if all(g is None for g in column):
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {position}) appears to not have "
                    f"been used in the graph. Set allow_unused=True if this is the desired "
                    f"behavior.")
            results.append(zeros_like(tensor) if materialize_grads else None)  # unbatched, as torch
        else:
            results.append(stack([zeros_like(tensor) if g is None else g for g in column]))
    return tuple(results)


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, _tensor_module.Tensor)


class Variable(metaclass=_VariableMeta):
    """torch's pre-0.4 wrapper, kept for old code: Variable(t, requires_grad) is a new tensor
    over t's data (outside t's graph) with that flag, and every tensor is a Variable.

    Example:
        >>> x = Variable(ember.ones(2), requires_grad=True)
        >>> x.requires_grad, isinstance(x, Variable)
        (True, True)
    """

    def __new__(cls, data, requires_grad=False, volatile=False):
        if not isinstance(data, _tensor_module.Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


def variable(*args, **kwargs):
    """Removed in torch: raises, pointing to ember.tensor."""
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) "
                       "instead")


from .gradcheck import gradcheck, gradgradcheck  # noqa: E402  (needs grad above)
from . import functional  # noqa: E402,F401  (torch.autograd.functional)
from . import forward_ad  # noqa: E402,F401  (torch.autograd.forward_ad; needs grad above)
from . import profiler  # noqa: E402,F401  (torch.autograd.profiler)
