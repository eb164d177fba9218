"""The recorded graph, seen and shaped from Python (torch.autograd.graph, and more).

- Saved-tensor hooks, as torch's: `saved_tensors_hooks(pack_hook, unpack_hook)`, `save_on_cpu`,
  `disable_saved_tensors_hooks`. See NOTE [ Saved tensors ] in function.py for what a node keeps.
- From hooks.py: `GradientEdge`, `get_gradient_edge`, `increment_version`,
  `register_multi_grad_hook`, `allow_mutation_on_saved_tensors`.
- Annotation: inside `annotate()` (and while anomaly mode or the profiler asks for it) each
  recorded node is stamped with the nn.Module path it ran in, the user's source line that made
  it, and its input and output shapes. Module paths come from a stack that global module hooks
  push and pop only while annotation is on, so a normal module call pays nothing.
- Introspection: `describe(tensor)` walks grad_fn back to the leaves into a `Graph` of
  `GraphNode`s (op, module path, shapes, dtypes, device, bytes held for backward, source line),
  summarised as a table, a module tree or a memory summary, compared with `diff`, and drawn by
  render.py (DOT, SVG, Mermaid, HTML, Jupyter).
- Errors that name the layer: Module.__call__ hands a failing forward's error to
  `name_module_in_error`, which adds the layer's path and, for a Linear or Conv whose input
  has the wrong size, the constructor argument that fixes it.

Example:
    >>> model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    >>> with ember.autograd.graph.annotate():
    ...     out = model(ember.randn(3, 4))
    >>> graph = ember.autograd.graph.describe(out)
    >>> [node.op for node in graph.nodes if node.kind == "op"]
    ['Linear', 'Relu', 'Linear']
"""
import contextlib
import os
import sys
import sysconfig
from collections import Counter

from .. import _tensor as _tensor_module
from .._dtype import BY_NUMPY
from ..backend import _BY_ARRAY_TYPE
from . import function, grad_mode, hooks
from .function import AccumulateGrad, Node, _SavedInput, _SavedOutput
from .hooks import (GradientEdge, allow_mutation_on_saved_tensors, get_gradient_edge,
                    increment_version, register_multi_grad_hook)

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks",
           "register_multi_grad_hook", "allow_mutation_on_saved_tensors", "GradientEdge",
           "get_gradient_edge", "increment_version",
           "annotate", "describe", "trace", "diff", "Graph", "GraphNode", "GraphDiff"]


# -- saved-tensor hooks --------------------------------------------------------------------

_hook_stack = []       # (pack_hook, unpack_hook) of the open saved_tensors_hooks, innermost last
_disabled_reason = []  # messages of the open disable_saved_tensors_hooks blocks


class _ArrayMeta:
    """Shape and dtype of a packed array, enough to word the in-place-change error."""

    __slots__ = ("shape", "dtype")

    def __init__(self, array):
        self.shape, self.dtype = array.shape, array.dtype


class _PackedSaved:
    """One saved tensor after its pack hook: what the unpack hook gets back in backward."""

    __slots__ = ("packed", "unpack_hook", "counter", "version", "output_nr", "requires_grad",
                 "meta")

    def unpack(self, node):
        if self.counter[0] != self.version:
            function._raise_modified(node, self.meta, self.counter[0], self.version,
                                     self.output_nr or 0)
        tensor = self.unpack_hook(self.packed)
        if not isinstance(tensor, _tensor_module.Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but "
                            f"got result of type {type(tensor).__name__}")
        if self.output_nr is not None and self.requires_grad and tensor.grad_fn is None:
            # an output of this node: rebuilt with the node as grad_fn, as _SavedOutput is
            tensor = _tensor_module.Tensor._make(tensor._data, True)
            tensor.grad_fn, tensor._output_nr = node, self.output_nr
        return tensor


def _pack_all(entries):
    """Give each saved tensor of a node to the innermost pack hook (bound to pack_saved)."""
    pack_hook, unpack_hook = _hook_stack[-1]
    Tensor = _tensor_module.Tensor
    packed_entries = []
    with grad_mode.no_grad():  # what the hooks compute is not part of the graph
        for entry in entries:
            kind = type(entry)
            if kind is _SavedInput:
                tensor, output_nr, requires_grad = entry.tensor, None, False
            elif kind is _SavedOutput:
                tensor = Tensor._make(entry.data)
                tensor._version = entry.counter
                output_nr, requires_grad = entry.output_nr, entry.requires_grad
            elif kind is Tensor:
                tensor, output_nr, requires_grad = entry, None, False
            else:  # None or a Python number
                packed_entries.append(entry)
                continue
            packed = _PackedSaved()
            packed.counter, packed.version = tensor._version, tensor._version[0]
            packed.output_nr, packed.requires_grad = output_nr, requires_grad
            packed.meta = _ArrayMeta(tensor._data)
            packed.unpack_hook = unpack_hook
            packed.packed = pack_hook(tensor)
            packed_entries.append(packed)
    return tuple(packed_entries)


function.PackedSaved = _PackedSaved


class saved_tensors_hooks:
    """Context manager: every tensor a node saves for backward inside it goes through
    pack_hook(tensor) -> anything, and comes back in backward through unpack_hook(that) -> Tensor.

    Args:
        pack_hook: called once per saved tensor when the op runs.
        unpack_hook: called each time backward needs the tensor; must return a Tensor with
            the original's content.

    Example:
        >>> sizes = []
        >>> def pack(x):
        ...     sizes.append(x.numel())
        ...     return x
        >>> with ember.autograd.graph.saved_tensors_hooks(pack, lambda x: x):
        ...     y = ember.ones(3, requires_grad=True).exp()
        >>> sizes
        [3]
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled_reason:
            raise RuntimeError(_disabled_reason[-1])
        _hook_stack.append((self.pack_hook, self.unpack_hook))
        _update_packer()
        return self

    def __exit__(self, *exc):
        _hook_stack.pop()
        _update_packer()
        return False


def _pack_copies(entries):
    """Inside allow_mutation_on_saved_tensors: private copies, then the open pack hook."""
    entries = hooks._copy_saved(entries)
    return _pack_all(entries) if _hook_stack else tuple(entries)


def _update_packer():
    """Bind function.pack_saved to what the open saved-tensor contexts ask for (None: none)."""
    function.pack_saved = (_pack_copies if hooks._mutation_context else
                           _pack_all if _hook_stack else None)


class save_on_cpu(saved_tensors_hooks):
    """Context manager: tensors saved for backward are kept on the CPU and copied back to
    their device when backward needs them, trading transfer time for GPU memory.

    Differs from PyTorch: pin_memory is accepted, but the CPU copies are not page-locked.

    Example:
        >>> with ember.autograd.graph.save_on_cpu():
        ...     loss = model(x).sum()
        >>> loss.backward()
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack_to_cpu(tensor):
            return (tensor.device, tensor.cpu())

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)

        super().__init__(pack_to_cpu, unpack_from_cpu)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Inside this block, opening saved_tensors_hooks raises RuntimeError(error_message)."""
    _disabled_reason.append(error_message)
    try:
        yield
    finally:
        _disabled_reason.pop()


# -- annotation: module path, source line and shapes of each recorded node --------------------

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_LIBRARY_DIRS = tuple({os.path.abspath(sysconfig.get_paths()[key]) + os.sep
                       for key in ("stdlib", "platstdlib", "purelib", "platlib")})
_code_kind = {}       # code object -> 0 ember, 1 stdlib or installed library, 2 user code
_module_stack = []    # (module, path, types) of the module calls running now, innermost last
_annotators = [0, None]  # how many asked for annotation; the module hook handles while on
_child_names = {}     # (id(parent), id(child)) -> child's path relative to parent


def _kind_of(code):
    kind = _code_kind.get(code)
    if kind is None:
        filename = os.path.abspath(code.co_filename)  # "<stdin>", "<string>": user code
        kind = (0 if filename.startswith(_EMBER_DIR) else
                1 if filename.startswith(_LIBRARY_DIRS) or code.co_filename.startswith(
                    "<frozen") else 2)
        _code_kind[code] = kind
    return kind


def user_stack(limit=None):
    """(filename, line, function) of the calling user code, innermost first; ember's own
    frames, the standard library and installed packages are skipped (when that leaves
    nothing, only ember's frames are)."""
    frames, fallback = [], []
    frame = sys._getframe(1)
    while frame is not None and (limit is None or len(frames) < limit):
        kind = _kind_of(frame.f_code)
        if kind:
            entry = (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
            (frames if kind == 2 else fallback).append(entry)
        frame = frame.f_back
    return frames or fallback[:limit]


def _child_path(parent, child):
    key = (id(parent), id(child))
    path = _child_names.get(key)
    if path is None:
        path = next((name for name, module in parent.named_modules() if module is child),
                    type(child).__name__)
        _child_names[key] = path
    return path


def _push_module(module, args):
    if _module_stack:
        parent, parent_path, types = _module_stack[-1]
        name = _child_path(parent, module)
        path = f"{parent_path}.{name}" if parent_path else name
        # one type per path part (a grandchild called directly repeats its type)
        _module_stack.append((module, path, types + (type(module).__name__,) * (
            name.count(".") + 1)))
    else:
        _module_stack.append((module, "", (type(module).__name__,)))


def _pop_module(module, args, output):
    if _module_stack and _module_stack[-1][0] is module:
        _module_stack.pop()


def current_module():
    """(module, path) of the innermost module running now while annotating, else None."""
    return _module_stack[-1][:2] if _module_stack else None


def _stamp(node, args, outputs):
    """Recording observer: write where and what this node is into node.metadata."""
    Tensor = _tensor_module.Tensor
    metadata = node.metadata
    if _module_stack:
        module, path, types = _module_stack[-1]
        metadata["module_path"] = path
        metadata["module_types"] = types  # the root model's type, then one per path part
        for arg in args:  # name the parameters this module passes in
            if isinstance(arg, Tensor) and arg._requires_grad and arg.grad_fn is None:
                leaf = arg._accumulator().metadata
                if "name" not in leaf:
                    for name, param in module._parameters.items():
                        if param is arg:
                            leaf["name"] = f"{path}.{name}" if path else name
                    leaf["outputs"] = ((arg._data.shape, arg._data.dtype),)  # if it dies first
    stack = user_stack(1)
    metadata["source"] = stack[0] if stack else None
    metadata["inputs"] = tuple((a._data.shape, a._data.dtype) for a in args
                               if isinstance(a, Tensor))
    metadata["outputs"] = tuple((o._data.shape, o._data.dtype) for o in outputs)
    if outputs:
        data = outputs[0]._data
        metadata["device"] = str(_BY_ARRAY_TYPE[type(data)].device_of(data))


def _enable_annotation():
    """Start stamping nodes (counted: annotate(), anomaly mode and the profiler share it)."""
    _annotators[0] += 1
    if _annotators[0] > 1:
        return
    # Module paths need nn's global hooks; imported here, as nn is a layer above autograd.
    from ..nn.modules import _hooks
    _annotators[1] = (_hooks.register_module_forward_pre_hook(_push_module),
                      _hooks.register_module_forward_hook(_pop_module, always_call=True))
    function.recording_observers.insert(0, _stamp)  # first: others read what it stamps


def _disable_annotation():
    _annotators[0] -= 1
    if _annotators[0] > 0:
        return
    for handle in _annotators[1]:
        handle.remove()
    _annotators[1] = None
    function.recording_observers.remove(_stamp)
    _module_stack.clear()
    _child_names.clear()


@contextlib.contextmanager
def annotate():
    """Stamp every node recorded inside the block with its module path, source line and
    shapes, for describe() and the renderers. Costs a few microseconds per op and per
    module call while on; nothing once off.

    Example:
        >>> with ember.autograd.graph.annotate():
        ...     loss = model(images).sum()
        >>> print(ember.autograd.graph.describe(loss).tree())
    """
    _enable_annotation()
    try:
        yield
    finally:
        _disable_annotation()


# -- errors that name the layer --------------------------------------------------------------

def name_module_in_error(module, args, error):
    """Reword an error leaving module's forward so that it names the failing layer by its
    path from the outermost module (called by Module.__call__ on the way out; each enclosing
    module call lengthens the path). A Linear or Conv whose input has the wrong number of
    features or channels also gets the constructor argument that fixes it."""
    record = getattr(error, "_ember_layer", None)
    if record is None:
        if module._modules or not type(module).__module__.startswith("ember."):
            error._ember_layer = False  # not one of ember's layers: the traceback says where
            return
        record = error._ember_layer = (module, _fix_for(module, args, str(error)), error.args)
    if record is False:
        return
    layer, fix, original_args = record
    path = "" if layer is module else next(
        (name for name, child in module.named_modules() if child is layer), None)
    if path is None or (path == "" and fix is None):
        return
    where = f"'{path}' = {layer!r}" if path else repr(layer)
    message = str(original_args[0]) if original_args else ""
    error.args = (f"{message}\nIn layer {where}" + (f": {fix}" if fix else ""),
                  *original_args[1:])


def _fix_for(layer, args, message):
    """The fix for a Linear or Conv layer given an input of the wrong size, or None (also
    when the message already gives it)."""
    input = args[0] if args else None
    if not isinstance(input, _tensor_module.Tensor) or input.dim() == 0:
        return None
    shape = list(input.shape)
    in_features = getattr(layer, "in_features", None)
    if isinstance(in_features, int) and shape[-1] != in_features:
        got = shape[-1]
        return (f"expected {in_features} input features but got {got} (input shape {shape}). "
                f"If the input is right, build the layer with in_features={got}: "
                f"nn.{type(layer).__name__}({got}, {layer.out_features}); otherwise fix the "
                f"layers before it (a flatten or view after the last conv/pool).")
    in_channels = getattr(layer, "in_channels", None)
    kernel_size = getattr(layer, "kernel_size", None)
    if isinstance(in_channels, int) and isinstance(kernel_size, tuple) and \
            "in_channels=" not in message:
        channel_dim = 1 if input.dim() == len(kernel_size) + 2 else 0
        got = shape[channel_dim]
        if got != in_channels:
            return (f"expected {in_channels} input channels but got {got} (input shape "
                    f"{shape}). If the input is right, build the layer with in_channels={got}; "
                    f"otherwise fix the layer before it.")
    return None


# -- the graph as data --------------------------------------------------------------------------

def dtype_name(dtype):
    """'float32' for a numpy or ember dtype."""
    return str(BY_NUMPY.get(dtype, dtype)).replace("ember.", "")


def format_shape(shape):
    return "[" + ", ".join(str(size) for size in shape) + "]" if shape is not None else "?"


def format_bytes(count):
    """1536 -> '1.5 KiB'."""
    if count < 1024:
        return f"{count} B"
    for unit in ("KiB", "MiB", "GiB"):
        count /= 1024
        if count < 1024 or unit == "GiB":
            break
    return f"{count:.1f} {unit}"


class GraphNode:
    """One node of a described graph: a recorded op (its grad_fn) or a leaf tensor.

    Attributes:
        index: position in Graph.nodes (inputs come before the ops that use them).
        kind: "op" or "leaf" (a tensor that requires grad and was made by no op).
        op: the forward op ("Convolution"), or for a leaf its parameter name or "leaf".
        name: the grad_fn's name ("ConvolutionBackward0", "AccumulateGrad").
        module_path: the path of the nn.Module it ran in ("features.0"); "" in the outermost
            module's own forward; None outside every module or when not annotated.
        module_types: the outermost module's type, then the type at each part of the path
            (("Net", "Sequential", "Conv2d") for "features.0"); () when unknown.
        source: (filename, line, function) of the user code that made it, or None.
        inputs, outputs: (shape, dtype) of its tensor inputs and outputs (None when unknown).
        device: "cpu", "cuda:0" ... or None when unknown.
        saved_bytes: bytes it holds for backward, parameters excluded.
        parents: indices of the nodes whose outputs it takes (the graph's edges).
        grad_fn: the autograd Node itself.
    """

    __slots__ = ("index", "kind", "op", "name", "module_path", "module_types", "source",
                 "inputs", "outputs", "device", "saved_bytes", "parents", "grad_fn",
                 "_saved_arrays")

    def signature(self):
        """What identifies this node across iterations: op, module path and shapes."""
        return (self.op, self.module_path,
                tuple(shape for shape, _ in self.inputs or ()),
                tuple(shape for shape, _ in self.outputs or ()))

    @property
    def module_type(self):
        """The type of the module it ran in ("Conv2d"), or None."""
        return self.module_types[-1] if self.module_types else None

    @property
    def output_shape(self):
        return self.outputs[0][0] if self.outputs else None

    def source_text(self):
        """'train.py:42' or ''."""
        if self.source is None:
            return ""
        return f"{os.path.basename(self.source[0])}:{self.source[1]}"

    def __repr__(self):
        where = f" in {self.module_path!r}" if self.module_path else ""
        return f"<GraphNode {self.index}: {self.op}{where} -> {format_shape(self.output_shape)}>"


def _held_arrays(node):
    """Arrays a node keeps for backward, parameters excluded: (array, nbytes) pairs."""
    Tensor = _tensor_module.Tensor
    held = []
    for entry in node._saved or ():
        kind = type(entry)
        if kind is _SavedInput:
            tensor = entry.tensor
            if not (tensor._requires_grad and tensor.grad_fn is None):  # a parameter: not held
                held.append(tensor._data)
        elif kind is _SavedOutput:
            held.append(entry.data)
        elif kind is Tensor:
            held.append(entry._data)
        elif kind is _PackedSaved:
            packed = entry.packed
            for value in packed if isinstance(packed, (tuple, list)) else (packed,):
                if isinstance(value, Tensor):  # e.g. save_on_cpu's copy
                    held.append(value._data)
    for name, value in node.__dict__.items():  # arrays an op keeps as ctx attributes
        if type(value) in _BY_ARRAY_TYPE and name != "xp":
            held.append(value)
    return held


def _make_node(node, names):
    metadata = node.__dict__.get("_metadata", {})
    item = GraphNode()
    item.grad_fn = node
    item.name = node.name()
    item.module_path = metadata.get("module_path")
    item.module_types = metadata.get("module_types", ())
    item.source = metadata.get("source")
    item.parents = []
    if type(node) is AccumulateGrad:
        variable = node.variable
        item.kind = "leaf"
        item.op = names.get(id(variable)) or metadata.get("name") or "leaf"
        item.inputs = ()
        item.outputs = ((variable._data.shape, variable._data.dtype),) if variable is not None \
            else metadata.get("outputs")
        item.device = str(variable.device) if variable is not None else None
        if item.module_path is None and item.op.count("."):
            item.module_path = item.op.rsplit(".", 1)[0]
        item._saved_arrays = []
    else:
        item.kind = "op"
        item.op = node._op.__name__ if node._op is not None else item.name
        item.inputs = metadata.get("inputs")
        item.outputs = metadata.get("outputs") or (
            tuple((shape, dtype) for shape, dtype, _ in node._output_meta)
            if node._output_meta is not None else None)
        item.device = metadata.get("device")
        item._saved_arrays = _held_arrays(node)
    item.saved_bytes = sum(int(array.nbytes) for array in {id(a): a for a in
                                                           item._saved_arrays}.values())
    return item


def describe(outputs, params=None):
    """The recorded graph from `outputs` back to the leaves, as a Graph.

    Args:
        outputs: a Tensor, a grad_fn Node, or a sequence of them.
        params: optional names for leaf tensors: an nn.Module (its named_parameters) or a
            dict name -> Tensor. Leaves used inside annotate() are named without it.
    Returns:
        Graph. Shapes, module paths and source lines are filled in for nodes recorded under
        annotate(), anomaly mode or the profiler; elsewhere only what the nodes keep is known.

    Example:
        >>> x = ember.ones(2, requires_grad=True)
        >>> [n.op for n in ember.autograd.graph.describe((x * 2).exp()).nodes]
        ['leaf', 'Mul', 'Exp']
    """
    roots = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    root_nodes = []
    for root in roots:
        node = root if isinstance(root, Node) else function._edge(root)[0]
        if node is not None:
            root_nodes.append(node)
    if params is not None and hasattr(params, "named_parameters"):
        params = dict(params.named_parameters())
    names = {id(tensor): name for name, tensor in (params or {}).items()}

    # Iterative post-order walk: every node after the nodes it takes inputs from.
    order, index_of = [], {}
    stack = [(node, False) for node in reversed(list(dict.fromkeys(root_nodes)))]
    while stack:
        node, expanded = stack.pop()
        if node in index_of:
            continue
        if expanded:
            index_of[node] = len(order)
            order.append(node)
            continue
        stack.append((node, True))
        for child, _ in reversed(node.next_functions):
            if child is not None and child not in index_of:
                stack.append((child, False))
    nodes = [_make_node(node, names) for node in order]
    edges = []
    for item in nodes:
        item.index = index_of[item.grad_fn]
        for child, _ in item.grad_fn.next_functions:
            if child is not None:
                item.parents.append(index_of[child])
                edges.append((index_of[child], item.index))
    return Graph(nodes, edges, [index_of[node] for node in dict.fromkeys(root_nodes)])


def trace(fn, *args, **kwargs):
    """Run fn(*args, **kwargs) under annotate() and describe its output's graph.

    Returns:
        (output, Graph).
    Example:
        >>> output, graph = ember.autograd.graph.trace(model, images)
    """
    with annotate():
        output = fn(*args, **kwargs)
    tensors = [t for t in (output if isinstance(output, (list, tuple)) else [output])
               if isinstance(t, _tensor_module.Tensor) and t.grad_fn is not None]
    if not tensors:
        raise RuntimeError(
            "trace: the output has no recorded graph. Run it with grad enabled and with "
            "parameters or inputs that require grad.")
    return output, describe(tensors, params=fn if hasattr(fn, "named_parameters") else None)


class Graph:
    """A described graph: nodes in dependency order and the edges between them.

    Attributes:
        nodes: list of GraphNode; a node comes after every node it takes inputs from.
        edges: (producer index, consumer index) pairs, in the direction data flows forward.
        outputs: indices of the nodes that made the described tensors.
    """

    def __init__(self, nodes, edges, outputs):
        self.nodes, self.edges, self.outputs = nodes, edges, outputs

    def __len__(self):
        return len(self.nodes)

    def __iter__(self):
        return iter(self.nodes)

    def __repr__(self):
        ops = sum(node.kind == "op" for node in self.nodes)
        return (f"<Graph: {ops} ops, {len(self.nodes) - ops} leaves, "
                f"{format_bytes(self.saved_bytes)} held for backward>")

    @property
    def saved_bytes(self):
        """Bytes held for backward by the whole graph, each array counted once."""
        return sum(self.saved_bytes_by_module().values())

    def saved_bytes_by_module(self):
        """{module path: bytes held for backward}, each array counted once, by the first node
        that holds it; nodes outside every module (or not annotated) count under ''."""
        seen, by_module = set(), {}
        for node in self.nodes:
            for array in node._saved_arrays:
                if id(array) not in seen:
                    seen.add(id(array))
                    key = node.module_path or ""
                    by_module[key] = by_module.get(key, 0) + int(array.nbytes)
        return by_module

    def signatures(self):
        """Counter of the op nodes' signatures (op, module path, input and output shapes)."""
        return Counter(node.signature() for node in self.nodes if node.kind == "op")

    def diff(self, other):
        """GraphDiff from this graph to `other`: the op nodes added and removed."""
        return diff(self, other)

    # -- text ------------------------------------------------------------------------------

    def table(self, max_rows=None):
        """One row per node: op, module, input and output shapes, dtype, device, bytes held
        for backward and source line."""
        header = ("#", "op", "module", "inputs", "output", "dtype", "device", "saved",
                  "source")
        rows = []
        for node in self.nodes[:max_rows]:
            outputs = node.outputs or ()
            rows.append((
                str(node.index), node.op if node.kind == "op" else f"({node.op})",
                node.module_path or "", " ".join(format_shape(s) for s, _ in node.inputs or ()),
                " ".join(format_shape(s) for s, _ in outputs) or "?",
                dtype_name(outputs[0][1]) if outputs else "", node.device or "",
                format_bytes(node.saved_bytes) if node.saved_bytes else "",
                node.source_text()))
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                 for row in [header, *rows]]
        lines.insert(1, "  ".join("-" * width for width in widths))
        if max_rows is not None and len(self.nodes) > max_rows:
            lines.append(f"... {len(self.nodes) - max_rows} more nodes")
        lines.append(f"{len(self.nodes)} nodes, {format_bytes(self.saved_bytes)} held for "
                     f"backward")
        return "\n".join(lines)

    def tree(self):
        """The op nodes as an indented tree: the outermost module, its submodules in the order
        they ran, and each module's ops; ops outside every module at the top level."""
        root = {"children": {}, "entries": []}
        for node in self.nodes:
            if node.kind != "op":
                continue
            branch = root
            if node.module_path is not None and node.module_types:
                types = node.module_types
                parts = node.module_path.split(".") if node.module_path else []
                branch = _child(branch, types[0], types[0])
                for depth, part in enumerate(parts):
                    kind = types[depth + 1] if depth + 1 < len(types) else "?"
                    branch = _child(branch, part, f"{part} ({kind})")
            branch["entries"].append(node)
        lines = [f"graph  ({format_bytes(self.saved_bytes)} held for backward)"]
        _tree_lines(root, "", lines)
        return "\n".join(lines)

    def memory_summary(self):
        """Bytes held for backward per module, largest first, with the total."""
        by_module = self.saved_bytes_by_module()
        total = sum(by_module.values()) or 1
        width = max([len(path or "(outside modules)") for path in by_module] + [6])
        lines = [f"{'module'.ljust(width)}  {'held for backward':>17}  share",
                 "-" * (width + 26)]
        for path, count in sorted(by_module.items(), key=lambda item: -item[1]):
            lines.append(f"{(path or '(outside modules)').ljust(width)}  "
                         f"{format_bytes(count):>17}  {100 * count / total:5.1f}%")
        lines.append(f"{'total'.ljust(width)}  {format_bytes(sum(by_module.values())):>17}")
        return "\n".join(lines)

    __str__ = table

    # -- pictures (render.py) --------------------------------------------------------------

    def to_dot(self, group_modules=True, collapse_repeats=True):
        """Graphviz DOT text; a cluster per module, and N identical sibling blocks drawn once
        with "x N" (see render.py)."""
        from . import render
        return render.to_dot(self, group_modules, collapse_repeats)

    def to_mermaid(self, group_modules=True, collapse_repeats=True):
        """Mermaid flowchart text (renders in GitHub and Jupyter markdown)."""
        from . import render
        return render.to_mermaid(self, group_modules, collapse_repeats)

    def to_svg(self, group_modules=True, collapse_repeats=True):
        """SVG text laid out by Graphviz (needs `pip install ember[viz]` and the `dot`
        program)."""
        from . import render
        return render.to_svg(self, group_modules, collapse_repeats)

    def to_html(self, title="ember graph"):
        """A self-contained HTML page: the picture (Graphviz's when available, else a built-in
        layout), then the node table."""
        from . import render
        return render.to_html(self, title)

    def render(self, filename, format="svg", group_modules=True, collapse_repeats=True):
        """Write the picture to `filename` (format: svg, png, pdf, dot, mermaid or html);
        returns the path written."""
        from . import render
        return render.render(self, filename, format, group_modules, collapse_repeats)

    def _repr_svg_(self):
        from . import render
        return render.svg_or_builtin(self)

    def _repr_html_(self):
        from . import render
        return render.to_html(self, None)

    def _repr_markdown_(self):
        return "```mermaid\n" + self.to_mermaid() + "\n```"


def _child(branch, name, label):
    child = branch["children"].get(name)
    if child is None:
        child = branch["children"][name] = {"label": label, "children": {}, "entries": []}
        branch["entries"].append(child)
    return child


def _tree_lines(branch, indent, lines):
    entries = branch["entries"]
    for position, entry in enumerate(entries):
        lead, follow = ("└─ ", "   ") if position == len(entries) - 1 else ("├─ ", "│  ")
        if isinstance(entry, dict):
            lines.append(f"{indent}{lead}{entry['label']}")
            _tree_lines(entry, indent + follow, lines)
            continue
        inputs = ", ".join(format_shape(shape) for shape, _ in entry.inputs or ())
        saved = f"  saved {format_bytes(entry.saved_bytes)}" if entry.saved_bytes else ""
        lines.append(f"{indent}{lead}{entry.op}({inputs}) -> "
                     f"{format_shape(entry.output_shape)}{saved}")


class GraphDiff:
    """The op nodes in one graph and not the other, matched by op, module path and shapes.

    Attributes:
        added: signatures (op, module path, input shapes, output shapes) only in the second
            graph, repeated as often as they are extra.
        removed: those only in the first.
    """

    def __init__(self, added, removed):
        self.added, self.removed = added, removed

    def __bool__(self):
        return bool(self.added or self.removed)

    def __str__(self):
        if not self:
            return "graphs match"
        lines = []
        for mark, signatures in (("+", self.added), ("-", self.removed)):
            for op, path, inputs, outputs in signatures:
                where = f" in {path}" if path else ""
                lines.append(f"{mark} {op}{where}: {', '.join(map(format_shape, inputs))} -> "
                             f"{', '.join(map(format_shape, outputs))}")
        return "\n".join(lines)

    __repr__ = __str__


def diff(before, after):
    """Compare two Graphs (e.g. two iterations of a model whose graph depends on its input).

    Example:
        >>> print(ember.autograd.graph.diff(graph_step_1, graph_step_2))
        + Linear in head.extra: [4, 16], [16, 16], [16] -> [4, 16]
    """
    old, new = before.signatures(), after.signatures()
    return GraphDiff(sorted((new - old).elements(), key=str),
                     sorted((old - new).elements(), key=str))
