"""Graph nodes and the two ways to define a differentiable op.

- `Op`: ember's own ops. `forward(ctx, *args)` receives backend arrays (numpy or cupy)
  where the caller passed tensors, and returns arrays; `backward(ctx, *grads)` receives and
  returns ember Tensors, so that `create_graph=True` records the backward pass too.
- `Function`: torch's `torch.autograd.Function` for user code: forward receives and returns
  Tensors (run with recording off), backward as above.

Both record, for each call that needs a gradient, one `Node` (the output's `grad_fn`), which
is also the `ctx` that forward and backward share. See NOTE [ Saved tensors ].

Why two base classes (the style guide shows one): unwrapping to arrays saves a Tensor per
intermediate in every op's forward, and torch's user-facing contract has tensors there.
"""
import weakref
from collections import OrderedDict

import numpy as np

from .. import _tensor as _tensor_module
from .._dtype import DIFFERENTIABLE_NP
from ..backend import _BY_ARRAY_TYPE
from . import grad_mode

__all__ = ["Function", "Op", "Node", "AccumulateGrad", "FunctionCtx", "once_differentiable",
           "named"]


class Node:
    """A recorded op: what made a tensor and how to send gradients back to its inputs.

    next_functions: for each forward argument, the (node, output_nr) its gradient flows to,
    or (None, 0) when it needs none.
    """

    _op = None  # the Op or Function class whose backward this node runs
    # Defaults live on the class so that recording a node sets only what differs.
    next_functions = ()
    needs_input_grad = ()
    _saved = ()
    _pre_hooks = None        # {output_nr: {handle id: hook(grad) -> grad or None}}
    _hooks = None            # {handle id: hook(grad_inputs, grad_outputs)}
    _num_outputs = 1
    _output_meta = None      # (shape, dtype, array type) per output, to make zero grads
    _materialize_grads = True
    _name = None             # torch's name for the form of the op that made this node
    xp = np                  # the array module an Op's forward computes with (set for cupy)

    @property
    def metadata(self):
        """A dict for the user's own annotations, as torch's grad_fn.metadata."""
        return self.__dict__.setdefault("_metadata", {})

    def name(self):
        return self._name or type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    # -- what forward keeps for backward ------------------------------------------------

    def save_for_backward(self, *values):
        """Keep inputs or outputs of forward for backward; see NOTE [ Saved tensors ]."""
        self._saved = values

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = outputs

    def set_materialize_grads(self, value):
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        return tuple([_unpack(self, item) for item in saved])

    @property
    def conj_saved_tensors(self):
        """saved_tensors, complex ones (and complex numbers) conjugated.

        The backward of a holomorphic op f (mul, exp, matmul ...) is g * conj(f'(z)) in
        torch's convention, and as f has real coefficients, conj(f'(z)) = f'(conj z): the
        formula written for real inputs, on conjugated saved values, is the complex gradient.
        Real values come back as they are.
        """
        return tuple([_conj(value) for value in self.saved_tensors])

    # -- hooks ---------------------------------------------------------------------------

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node's backward; may return new
        grad_inputs."""
        if self._hooks is None:
            self._hooks = OrderedDict()
        return _add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node's backward; may return new grad_outputs."""
        return self._add_pre_hook(-1, fn)

    def _add_pre_hook(self, output_nr, hook):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return _add_hook(self._pre_hooks.setdefault(output_nr, OrderedDict()), hook)

    # -- running backward ----------------------------------------------------------------

    def apply(self, grad_outputs):
        """Gradients with respect to the forward arguments, one per argument (or None)."""
        if self._output_meta is not None and self._materialize_grads:
            grad_outputs = [_zeros_for(meta) if g is None else g
                            for g, meta in zip(grad_outputs, self._output_meta)]
        grads = self._op.backward(self, *grad_outputs)
        if grads.__class__ is not tuple:
            grads = (grads,)
        return grads


class AccumulateGrad(Node):
    """The node behind a leaf tensor: adds the gradient that reaches it into `.grad`."""

    # The leaf holds its accumulator; the accumulator only refers back weakly (no cycle).
    def __init__(self, variable):
        self._variable = weakref.ref(variable)

    @property
    def variable(self):
        return self._variable()

    def name(self):
        return "AccumulateGrad"


def _add_hook(hooks, hook):
    """Add hook to the ordered dict hooks; its handle (torch's RemovableHandle) removes it."""
    from ..utils.hooks import RemovableHandle  # ember.utils imports autograd: not at the top
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


# NOTE [ Saved tensors ]
# What forward saves is resolved once, at the end of apply, into one tuple per node:
#   - an input tensor is kept as that Tensor plus the version it had, so that an in-place
#     change before backward is caught (torch's "modified by an inplace operation" error);
#   - an output is kept as (its array, its version counter, its index) -- never as the output
#     Tensor itself, which would make a cycle output -> grad_fn -> output. When backward
#     asks for it, a Tensor is rebuilt around the same array with this node as grad_fn, so
#     that create_graph=True differentiates through it;
#   - anything else (an intermediate array) becomes a constant Tensor.
# Inside saved_tensors_hooks (graph.py) each of these then goes through the pack hook, and
# _unpack hands what it returned to the unpack hook.

class _SavedInput:
    __slots__ = ("tensor", "version")

    def __init__(self, tensor):
        if _grad_state["inference_seen"] and grad_mode.is_inference_tensor(tensor):
            raise RuntimeError(
                "Inference tensors cannot be saved for backward. Please do not use Tensors "
                "created in inference mode in computation tracked by autograd. To work around "
                "this, you can make a clone to get a normal tensor and use it in autograd, or "
                "use `ember.no_grad()` instead of `ember.inference_mode()`.")
        self.tensor, self.version = tensor, tensor._version[0]


class _SavedOutput:
    __slots__ = ("data", "counter", "version", "output_nr", "requires_grad")

    def __init__(self, tensor, output_nr):
        self.data, self.counter = tensor._data, tensor._version
        self.version, self.output_nr = tensor._version[0], output_nr
        self.requires_grad = tensor._requires_grad


def _unpack(node, item):
    if item.__class__ in _PLAIN_VALUES:
        return item
    if type(item) is _SavedInput:
        tensor = item.tensor
        if tensor._version[0] != item.version:
            _raise_modified(node, tensor._data, tensor._version[0], item.version, 0)
        return tensor
    if type(item) is _SavedOutput:
        if item.counter[0] != item.version:
            _raise_modified(node, item.data, item.counter[0], item.version, item.output_nr)
        if item.requires_grad:
            out = Tensor._make(item.data, True, node)
            out._output_nr = item.output_nr
        else:
            out = Tensor._make(item.data)
        out._version = item.counter
        return out
    if type(item) is PackedSaved:
        return item.unpack(node)
    return item


def _raise_modified(node, data, now, expected, output_nr):
    dtype = _tensor_module.dtype_name(data)
    shape = ", ".join(str(s) for s in data.shape)
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{dtype} [{shape}]], which is output {output_nr} of "
        f"{node.name()}, is at version {now}; expected version {expected} instead. Hint: "
        f"clone the tensor before changing it in place, or do the change out of place.")


def _resolve_saved(node, args, arrays, outputs):
    """Turn what forward saved into saved-input, saved-output or constant entries.

    `arrays` are the forward arguments as forward received them (a tensor's array).
    """
    resolved = []
    for value in node._saved:
        if value.__class__ in _PLAIN_VALUES:
            resolved.append(value)
            continue
        for index, array in enumerate(arrays):
            if value is array or value is args[index]:
                arg = args[index]
                if isinstance(arg, Tensor):
                    resolved.append(_SavedInput(arg))
                    break
        else:
            for index, out in enumerate(outputs):
                if value is out._data or value is out:
                    resolved.append(_SavedOutput(out, index))
                    break
            else:  # an intermediate array becomes a constant; a Python number stays one
                resolved.append(Tensor._make(value) if type(value) in _BY_ARRAY_TYPE else value)
    node._saved = tuple(resolved) if pack_saved is None else pack_saved(resolved)


_PLAIN_VALUES = frozenset((type(None), bool, int, float, complex))


def _zeros_for(meta):
    shape, dtype, array_type = meta
    return _tensor_module.Tensor._make(_BY_ARRAY_TYPE[array_type].xp.zeros(shape, dtype))


def _edge(tensor):
    """Where the gradient of `tensor` goes: its grad_fn, or its leaf accumulator."""
    if tensor.grad_fn is not None:
        return (tensor.grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        return (tensor._accumulator(), 0)
    return (None, 0)


# Observers of every recorded node, called as observer(node, args, outputs) (anomaly mode,
# graph metadata); empty in normal runs.
recording_observers = []

# Saved-tensor hooks (ember.autograd.graph) bind these: while a saved_tensors_hooks context is
# open, pack_saved(entries) packs what a node saves; PackedSaved is the packed entries' class.
pack_saved = None
PackedSaved = None


def _notify_recorded(node, args, outputs):
    for observer in recording_observers:
        observer(node, args, outputs)


class _OpMeta(type):
    """Gives every op class its node class, named like torch's: `TanhBackward0`, or the
    class's `node_name` where torch's op has another name (MatMul's nodes are MmBackward0)."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        node_name = namespace.get("node_name", name + "Backward0")
        cls._backward_cls = type(node_name, (cls._node_base,), {"_op": cls})


def named(output, name, input=None):
    """`output`, its node renamed to torch's name for the form of the op that made it (a sum
    over some dims is SumBackward1, over all SumBackward0; unsqueeze and view both reshape).
    A node the op did not make for `output` (it returned `input` itself) keeps its name."""
    node = output.grad_fn
    if node is not None and (input is None or node is not input.grad_fn):
        node._name = name
    return output


class Op(metaclass=_OpMeta):
    """Base of ember's own differentiable ops; forward works on backend arrays.

    Tensor arguments reach forward as arrays; other arguments (ints, tuples, None) as they
    are. Forward returns one array or a tuple of arrays. Outputs of integer or bool dtype
    never require grad.
    """

    _node_base = Node
    differentiable = True  # False for ops with no gradient at all (argmax, comparisons)

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError

    # While ember.profiler records, this, Function.apply and the Node.apply methods are swapped
    # for timed wrappers (ember/profiler/profiler.py); nothing here checks for it.
    @classmethod
    def apply(cls, *args):
        arrays = []
        requires_grad = False
        array_type = None
        for arg in args:
            if isinstance(arg, Tensor):
                data = arg._data
                if data.__class__ is not array_type:
                    if array_type is not None:
                        _tensor_module.raise_device_mismatch(cls.__name__, args)
                    array_type = data.__class__
                arrays.append(data)
                if arg._requires_grad:
                    requires_grad = True
            else:
                arrays.append(arg)
        ctx = cls._backward_cls()
        if array_type is not _NUMPY_ARRAY and array_type is not None:
            ctx.xp = _BY_ARRAY_TYPE[array_type].xp
        result = cls.forward(ctx, *arrays)
        if requires_grad and cls.differentiable and grad_mode._state["enabled"]:
            return _record(ctx, args, arrays, result)
        if result.__class__ is tuple:
            return tuple([_make(r) for r in result])
        return _make(result)


def _conj(value):
    if value.__class__ is complex:
        return value.conjugate()
    if isinstance(value, Tensor) and value._data.dtype.kind == "c":
        return value.conj()
    return value


def _record(node, args, arrays, result):
    """The outputs of a forward that needs a gradient, linked into the graph through `node`."""
    if result.__class__ is not tuple:
        if result.dtype not in DIFFERENTIABLE_NP:  # integer and bool outputs never require grad
            return _make(result)
        out = _make(result, True, node)
        _link(node, args)
        if node._saved:
            if out._data is not result:  # numpy made a 0-d result a scalar
                node._saved = tuple(out._data if v is result else v for v in node._saved)
            _resolve_saved(node, args, arrays, (out,))
        if recording_observers:
            _notify_recorded(node, args, (out,))
        return out
    outs = tuple([_make(r) for r in result])
    node._num_outputs = len(outs)
    node._output_meta = tuple([(o._data.shape, o._data.dtype, type(o._data)) for o in outs])
    for index, out in enumerate(outs):
        if out._data.dtype in DIFFERENTIABLE_NP:  # integer outputs (indices) get no gradient
            out._requires_grad = True
            out.grad_fn = node
            out._output_nr = index
    _link(node, args)
    _finish(node, args, arrays, outs)
    return outs


def _link(node, args):
    """Point the node's edges at where its arguments' gradients go."""
    edges = []
    needs = []
    for arg in args:
        if isinstance(arg, Tensor) and arg._requires_grad:
            grad_fn = arg.grad_fn
            edges.append((grad_fn, arg._output_nr) if grad_fn is not None
                         else (arg._accumulator(), 0))
            needs.append(True)
        else:
            edges.append(_NO_EDGE)
            needs.append(False)
    node.next_functions = tuple(edges)
    node.needs_input_grad = tuple(needs)


def _finish(node, args, arrays, outputs):
    if node._saved:
        _resolve_saved(node, args, arrays, outputs)
    if recording_observers:
        _notify_recorded(node, args, outputs)


_NO_EDGE = (None, 0)
_NUMPY_ARRAY = np.ndarray
_grad_state = grad_mode._state
Tensor = None  # ember._tensor binds the Tensor class here once it exists
_make = None   # and Tensor._make here


class FunctionCtx(Node):
    """The `ctx` type user Functions see (torch.autograd.function.FunctionCtx)."""

    def apply(self, grad_outputs):
        grad_outputs = [
            _zeros_for(meta) if g is None and self._materialize_grads and meta is not None
            else g for g, meta in zip(grad_outputs, self._output_meta)]
        grads = self._op.backward(self, *grad_outputs)
        if type(grads) is not tuple:
            grads = (grads,)
        grads = _check_user_grads(self, grads)
        return tuple(_sum_to_shape(g, shape) for g, shape in zip(grads, self._input_meta))


class Function(metaclass=_OpMeta):
    """Base of user-defined differentiable ops, as torch.autograd.Function.

    Example:
        >>> class Exp(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, grad_y):
        ...         (y,) = ctx.saved_tensors
        ...         return grad_y * y
        >>> Exp.apply(ember.zeros(2, requires_grad=True)).sum().backward()
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    _node_base = FunctionCtx

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @classmethod
    def apply(cls, *args, **kwargs):
        inputs = [a for a in args if isinstance(a, Tensor)]
        requires_grad = grad_mode._state["enabled"] and any(t._requires_grad for t in inputs)
        ctx = cls._backward_cls()
        ctx._dirty = ()
        ctx._non_differentiable = ()
        _link(ctx, args)  # before forward: ctx.needs_input_grad is readable there
        with grad_mode.no_grad():
            if cls.setup_context is not Function.setup_context:
                result = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, result)
            else:
                result = cls.forward(ctx, *args, **kwargs)
        is_tuple = isinstance(result, tuple)
        results = result if is_tuple else (result,)
        if not requires_grad:
            return result
        ctx._input_meta = tuple(a._data.shape if isinstance(a, Tensor) else None for a in args)
        outs = []
        for index, out in enumerate(results):
            if not isinstance(out, Tensor):
                outs.append(out)
                continue
            differentiable = (out._data.dtype in DIFFERENTIABLE_NP
                              and not any(out is t for t in ctx._non_differentiable))
            if any(out is t for t in ctx._dirty):
                out._version[0] += 1
            elif any(out is t for t in inputs):
                out = out._alias()  # an input returned as is becomes a new node's output
            if differentiable:
                out._requires_grad = True
                out.grad_fn = ctx
                out._output_nr = index
            outs.append(out)
        tensor_outs = [o for o in outs if isinstance(o, Tensor)]
        ctx._num_outputs = len(outs)
        ctx._output_meta = tuple(
            (o._data.shape, o._data.dtype, type(o._data)) if isinstance(o, Tensor) else None
            for o in outs)
        _finish(ctx, args, args, tensor_outs)
        return tuple(outs) if is_tuple else outs[0]


def _check_user_grads(node, grads):
    """A user Function's backward must return one gradient per forward argument, each of the
    argument's shape."""
    meta = node._input_meta
    if len(grads) < len(meta):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(meta)}, got {len(grads)})")
    grads = grads[:len(meta)] if all(g is None for g in grads[len(meta):]) else grads
    if len(grads) != len(meta):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(meta)}, got {len(grads)})")
    for index, (g, shape) in enumerate(zip(grads, meta)):
        if g is not None and shape is not None and tuple(g.shape) != shape:
            try:
                np.broadcast_shapes(tuple(g.shape), shape)
            except ValueError:
                raise RuntimeError(
                    f"Function {node.name()} returned an invalid gradient at index {index} - got "
                    f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
    return grads


def _sum_to_shape(grad, shape):
    if grad is None or shape is None or tuple(grad.shape) == shape:
        return grad
    from ..ops.elementwise import sum_to
    return sum_to(grad, shape)


def once_differentiable(backward):
    """Mark a backward as not differentiable itself: it runs with recording off."""
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            return backward(ctx, *grads)
    wrapper.__wrapped__ = backward
    return wrapper
