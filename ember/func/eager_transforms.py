"""torch.func's derivative transforms: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian,
linearize.

Each transform calls the function on fresh copies of the arguments it differentiates and runs
ember.autograd.grad on the result. See NOTE [ Transform levels ].

Differs from PyTorch: there is no forward-mode autograd; jvp, jacfwd and linearize get J v by
the double-backward trick (J v = d<J^T u, v>/du for a dummy cotangent u, as J^T u is linear
in u), so they cost a backward of the backward rather than one forward pass.
"""
import functools

from .._tensor import Tensor
from ..autograd import grad as _autograd_grad
from ..autograd import grad_mode
from ..autograd.function import AccumulateGrad
from ..ops.creation import zeros, zeros_like
from ..ops.join import stack
from ._pytree import tree_flatten, tree_map, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "linearize"]


# NOTE [ Transform levels ]
# torch.func wraps tensors in one level per nested transform. ember instead gives each
# transform fresh inputs: a tensor that requires no grad is detached and made a new leaf; one
# that already requires grad (an enclosing transform's input, or the user's parameter) is
# aliased through view_as, so the fresh input stays connected to it. autograd.grad with
# respect to the fresh inputs then differentiates only this level, and when the result must
# be differentiable again (it reaches a requires-grad tensor from outside: an enclosing
# transform's input, a closed-over parameter) it is computed with create_graph=True.
# Otherwise results are detached, as torch's are when no outer level needs them.

def _fresh(value):
    """A differentiable stand-in for one argument; see NOTE [ Transform levels ]."""
    if not isinstance(value, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(value)}")
    return value.view_as(value) if value.requires_grad else value.detach().requires_grad_()


def _reaches_outside(roots, own_leaves):
    """Whether the graph of any root reaches a requires-grad tensor other than own_leaves
    (the leaves this transform made), i.e. whether an outer level needs the graph kept."""
    own = {id(t) for t in own_leaves}
    stack_ = []
    for root in roots:
        if not isinstance(root, Tensor) or not root.requires_grad:
            continue
        if root.grad_fn is None:
            if id(root) not in own:
                return True
        else:
            stack_.append(root.grad_fn)
    seen = set(stack_)
    while stack_:
        node = stack_.pop()
        for child, _ in node.next_functions:
            if child is None or child in seen:
                continue
            seen.add(child)
            if type(child) is AccumulateGrad:
                variable = child.variable
                if variable is not None and id(variable) not in own:
                    return True
            else:
                stack_.append(child)
    return False


def _grads(outputs, inputs, cotangents, create_graph, retain_graph=None):
    """d<outputs, cotangents>/d inputs, zeros where an input is not reached."""
    pairs = [(out, c) for out, c in zip(outputs, cotangents) if out.requires_grad]
    if pairs:
        grads = _autograd_grad([p[0] for p in pairs], inputs, [p[1] for p in pairs],
                               retain_graph=retain_graph, create_graph=create_graph,
                               allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    return [zeros_like(t) if g is None else g for g, t in zip(grads, inputs)]


def _detach_unless(keep, tree):
    return tree if keep else tree_map(
        lambda v: v.detach() if isinstance(v, Tensor) else v, tree)


def _undo_fresh(tree, own_leaves):
    """Outputs and aux as the caller sees them: detached unless an outer level needs them."""
    def undo(value):
        if not isinstance(value, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(value)}")
        if not value.requires_grad:
            return value
        if grad_mode.is_grad_enabled() and _reaches_outside([value], own_leaves):
            return value
        return value.detach()
    return tree_map(undo, tree)


# -- argnums ------------------------------------------------------------------------------

def _wrap_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if -num_args <= argnum < num_args:
        return argnum % num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _slice_argnums(args, argnums):
    """(the wrapped argnums, the differentiated arguments: one pytree, or a tuple of them)."""
    if isinstance(argnums, int):
        argnums = _wrap_argnum(argnums, len(args))
        return argnums, args[argnums]
    if not isinstance(argnums, tuple):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    argnums = tuple(_wrap_argnum(a, len(args)) for a in argnums)
    if len(argnums) == 0:
        raise RuntimeError("argnums must be non-empty")
    if len(set(argnums)) != len(argnums):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return argnums, tuple(args[a] for a in argnums)


def _replace_args(args, argnums, diff_args):
    if isinstance(argnums, int):
        return tuple(diff_args if i == argnums else a for i, a in enumerate(args))
    return tuple(diff_args[argnums.index(i)] if i in argnums else a
                 for i, a in enumerate(args))


def _fresh_args(args, argnums):
    """(args with fresh differentiated arguments, their flat leaves, their tree spec)."""
    argnums, diff_args = _slice_argnums(args, argnums)
    flat, spec = tree_flatten(diff_args)
    fresh = [_fresh(t) for t in flat]
    return _replace_args(args, argnums, tree_unflatten(fresh, spec)), fresh, spec


def _split_aux(output, api):
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                           f"if has_aux is True")
    return output


# -- grad ---------------------------------------------------------------------------------

def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning (gradient, value) of `func`, whose output is a 0-d tensor.

    The gradient is taken with respect to the arguments at `argnums` (an int: that argument's
    pytree of tensors; a tuple: a tuple of them). With has_aux, func returns (output, aux) and
    the value is (output, aux).

    Example:
        >>> grad_and_value(lambda x: (x ** 2).sum())(ember.tensor([1., 2.]))
        (tensor([2., 4.]), tensor(5.))
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        outer_enabled = grad_mode.is_grad_enabled()
        with grad_mode.enable_grad():
            args, fresh, spec = _fresh_args(args, argnums)
            output = func(*args, **kwargs)
            aux = None
            if has_aux:
                output, aux = _split_aux(output, "grad_and_value(f)(*args)")
            if not isinstance(output, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(output)}")
            if output.dim() != 0:
                raise RuntimeError(
                    f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {output.dim()} dims. Maybe you wanted to use the vjp or "
                    f"jacrev APIs instead?")
            create_graph = outer_enabled and _reaches_outside([output], fresh)
            grads = _grads([output], fresh, [None], create_graph)
        with grad_mode.set_grad_enabled(outer_enabled):
            if has_aux:
                aux = _undo_fresh(aux, fresh)
        grads = tree_unflatten(_detach_unless(create_graph, grads), spec)
        output = output if create_graph else output.detach()
        return grads, ((output, aux) if has_aux else output)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """The gradient of `func` (returning a 0-d tensor) as a function: grad(f)(x) = df/dx.

    Composes with itself and with vmap: grad(grad(f)) is the second derivative, and
    vmap(grad(f), in_dims=(None, 0)) gives per-sample gradients.

    Example:
        >>> grad(grad(lambda x: x ** 3))(ember.tensor(2.))
        tensor(12.)
    """
    compute = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = compute(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


# -- vjp ----------------------------------------------------------------------------------

def vjp(func, *primals, has_aux=False):
    """(func(*primals), vjp_fn): vjp_fn(cotangents) gives the vector-Jacobian product with
    respect to every primal (a tuple, one pytree per primal).

    Example:
        >>> out, vjp_fn = vjp(ember.sin, ember.tensor([0., 1.]))
        >>> vjp_fn(ember.ones(2))
        (tensor([1.0000, 0.5403]),)
    """
    outer_enabled = grad_mode.is_grad_enabled()
    with grad_mode.enable_grad():
        flat, primals_spec = tree_flatten(primals)
        fresh = [_fresh(t) for t in flat]
        output = func(*tree_unflatten(fresh, primals_spec))
        aux = None
        if has_aux:
            output, aux = _split_aux(output, "vjp(f, *primals)")
        flat_out, out_spec = tree_flatten(output)
        _check_tensor_outputs(flat_out, "vjp(f, *primals)")
        for out in flat_out:
            if not out.is_floating_point():
                raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or "
                                   f"complex Tensors, got Tensor with dtype {out.dtype}")
        outside = _reaches_outside(flat_out, fresh)
    with grad_mode.set_grad_enabled(outer_enabled):
        result = _undo_fresh(output, fresh)
        if has_aux:
            aux = _undo_fresh(aux, fresh)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        if create_graph is None:
            create_graph = grad_mode.is_grad_enabled()
        flat_cotangents, cotangents_spec = tree_flatten(cotangents)
        if cotangents_spec != out_spec:
            raise RuntimeError(
                f"Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {cotangents_spec}, primal output: "
                f"{out_spec}")
        for c, out in zip(flat_cotangents, flat_out):
            if tuple(c.shape) != tuple(out.shape):
                raise RuntimeError(
                    f"vjp_fn: a cotangent has shape {list(c.shape)} but the output it "
                    f"belongs to has shape {list(out.shape)}; pass one of the output's shape.")
        create_graph = create_graph and (
            outside or any(c.requires_grad for c in flat_cotangents))
        with grad_mode.enable_grad():
            grads = _grads(flat_out, fresh, flat_cotangents, create_graph, retain_graph)
        return tree_unflatten(_detach_unless(create_graph, grads), primals_spec)

    return (result, vjp_fn, aux) if has_aux else (result, vjp_fn)


def _check_tensor_outputs(flat_out, api):
    if len(flat_out) == 0 or (len(flat_out) == 1 and flat_out[0] is None):
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                           f"(got output = {flat_out})")
    for out in flat_out:
        if not isinstance(out, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(out)}")


# -- jvp and linearize ----------------------------------------------------------------------

_JVP = "jvp(f, primals, tangents)"


def _check_primals_tangents(primals, tangents, api):
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid to "
                           f"call f(*primals).")
    flat_primals, primals_spec = tree_flatten(primals)
    flat_tangents, tangents_spec = tree_flatten(tangents)
    if primals_spec != tangents_spec:
        raise RuntimeError(
            f"{api}: Expected primals and tangents to have the same python structure. For "
            f"example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {primals_spec} and tangents with structure {tangents_spec}")
    for name, values in (("primals", flat_primals), ("tangents", flat_tangents)):
        if len(values) == 0:
            raise RuntimeError(f"{api}: Expected {name} to contain at least one Tensor.")
        for value in values:
            if not isinstance(value, Tensor):
                raise RuntimeError(f"{api}: Expected {name} to only contain Tensors, got "
                                   f"{type(value)}")
    for p, t in zip(flat_primals, flat_tangents):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(
                f"Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                f"while the given forward gradient is of size {list(t.shape)}.")
    return flat_primals, primals_spec, flat_tangents


class _Linearized:
    """func at a point, with what J v needs: the outputs, the fresh inputs and J^T u for a
    dummy cotangent u (recorded, so that it can be differentiated with respect to u)."""

    def __init__(self, func, flat_primals, primals_spec, api, has_aux=False):
        with grad_mode.enable_grad():
            self.fresh = [_fresh(t) for t in flat_primals]
            output = func(*tree_unflatten(self.fresh, primals_spec))
            self.aux = None
            if has_aux:
                output, self.aux = _split_aux(output, api)
            self.flat_out, self.out_spec = tree_flatten(output)
            _check_tensor_outputs(self.flat_out, api)
            self.output = output
            self.dummies = [zeros_like(out, requires_grad=True) if out.requires_grad else None
                            for out in self.flat_out]
            pairs = [(o, u) for o, u in zip(self.flat_out, self.dummies) if u is not None]
            self.transposed = ([None] * len(self.fresh) if not pairs else _autograd_grad(
                [p[0] for p in pairs], self.fresh, [p[1] for p in pairs], create_graph=True,
                allow_unused=True))
            self.outside = _reaches_outside(self.flat_out, self.fresh)

    def jvp(self, flat_tangents, create_graph, strict=False, api=_JVP):
        """J v, one tensor per output (zeros where an output does not depend on the inputs)."""
        used = [(g, t) for g, t in zip(self.transposed, flat_tangents) if g is not None]
        targets = [u for u in self.dummies if u is not None]
        with grad_mode.enable_grad():
            products = (_autograd_grad([p[0] for p in used], targets, [p[1] for p in used],
                                       retain_graph=True, create_graph=create_graph,
                                       allow_unused=True) if used and targets else
                        [None] * len(targets))
        products = iter(products)
        result = []
        for out, u in zip(self.flat_out, self.dummies):
            product = next(products) if u is not None else None
            if product is None:
                if strict:
                    raise RuntimeError(f"{api.replace(')', ', strict=True)', 1)}: The output "
                                       f"of f is independent of the inputs. This is not "
                                       f"allowed with strict=True.")
                product = zeros_like(out)
            result.append(product if create_graph else product.detach())
        return tree_unflatten(result, self.out_spec)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(func(*primals), J v): the Jacobian-vector product with tangents v (shaped as primals).

    Example:
        >>> jvp(ember.sin, (ember.tensor([0., 1.]),), (ember.ones(2),))
        (tensor([0.0000, 0.8415]), tensor([1.0000, 0.5403]))
    """
    flat_primals, primals_spec, flat_tangents = _check_primals_tangents(primals, tangents, _JVP)
    outer_enabled = grad_mode.is_grad_enabled()
    point = _Linearized(func, flat_primals, primals_spec, _JVP, has_aux)
    create_graph = outer_enabled and (
        point.outside or any(t.requires_grad for t in flat_tangents))
    jvp_out = point.jvp(flat_tangents, create_graph, strict)
    with grad_mode.set_grad_enabled(outer_enabled):
        output = _undo_fresh(point.output, point.fresh)
        if has_aux:
            return output, jvp_out, _undo_fresh(point.aux, point.fresh)
    return output, jvp_out


def linearize(func, *primals):
    """(func(*primals), jvp_fn): jvp_fn(*tangents) is J v at primals, reusing the recorded
    function instead of calling it again.

    Example:
        >>> out, jvp_fn = linearize(ember.sin, ember.tensor([0., 1.]))
        >>> jvp_fn(ember.ones(2))
        tensor([1.0000, 0.5403])
    """
    flat_primals, primals_spec = tree_flatten(primals)
    for value in flat_primals:
        if not isinstance(value, Tensor):
            raise RuntimeError(f"linearize: Expected primals to only contain Tensors, got "
                               f"{type(value)}")
    point = _Linearized(func, flat_primals, primals_spec, "linearize")
    output = _undo_fresh(point.output, point.fresh)

    def jvp_fn(*tangents):
        flat_tangents = _check_primals_tangents(primals, tangents, "linearize")[2]
        create_graph = grad_mode.is_grad_enabled() and (
            point.outside or any(t.requires_grad for t in flat_tangents))
        return point.jvp(flat_tangents, create_graph)

    return output, jvp_fn


# -- Jacobians ------------------------------------------------------------------------------

def _jacobian(func, argnums, has_aux, api, args, kwargs):
    """The Jacobian of every output leaf with respect to every differentiated input leaf,
    row by row (one backward per output element)."""
    outer_enabled = grad_mode.is_grad_enabled()
    with grad_mode.enable_grad():
        args, fresh, spec = _fresh_args(args, argnums)
        output = func(*args, **kwargs)
        aux = None
        if has_aux:
            output, aux = _split_aux(output, api)
        flat_out, out_spec = tree_flatten(output)
        _check_tensor_outputs(flat_out, api)
        create_graph = outer_enabled and _reaches_outside(flat_out, fresh)
        jacobians = []
        for out in flat_out:
            if not out.is_floating_point():
                if api == _JVP:  # forward mode: an integer output has zero tangents
                    jacobians.append(tree_unflatten(
                        [zeros(tuple(out.shape) + tuple(t.shape), dtype=out.dtype)
                         for t in fresh], spec))
                    continue
                raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or "
                                   f"complex Tensors, got Tensor with dtype {out.dtype}")
            rows = [[] for _ in fresh]  # per input: d out.flatten()[k] / d input, each k
            numel = out.nelement()
            for k in range(numel):
                one_hot = zeros(numel, dtype=out.dtype, device=out.device)
                one_hot[k] = 1
                grads = _grads([out], fresh, [one_hot.view(out.shape)], create_graph,
                               retain_graph=True)
                for row, g in zip(rows, grads):
                    row.append(g)
            blocks = []
            for row, t in zip(rows, fresh):
                shape = tuple(out.shape) + tuple(t.shape)
                block = stack(row).reshape(shape) if row else zeros(shape, dtype=t.dtype)
                blocks.append(block if create_graph else block.detach())
            jacobians.append(tree_unflatten(blocks, spec))
    result = tree_unflatten(jacobians, out_spec)
    if has_aux:
        with grad_mode.set_grad_enabled(outer_enabled):
            return result, _undo_fresh(aux, fresh)
    return result


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of `func` with respect to the arguments at `argnums`, by reverse mode.

    For each output (pytree leaf) and each differentiated input, a tensor of shape
    output.shape + input.shape, arranged as the output pytree of input pytrees.

    Differs from PyTorch: chunk_size is accepted but the rows are always computed one
    backward at a time.

    Example:
        >>> jacrev(ember.sin)(ember.tensor([0., 1.]))
        tensor([[1.0000, 0.0000],
                [0.0000, 0.5403]])
    """
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _jacobian(func, argnums, has_aux, "vjp(f, *primals)", args, kwargs)

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian of `func` with respect to the arguments at `argnums`, arranged as jacrev's.

    Differs from PyTorch: computed by reverse mode (the same numbers; ember has no forward
    mode), and randomness is only checked to be one of 'error', 'different' or 'same'.

    Example:
        >>> jacfwd(ember.sin)(ember.tensor([0., 1.]))
        tensor([[1.0000, 0.0000],
                [0.0000, 0.5403]])
    """
    from .vmap import _check_randomness_arg
    _check_randomness_arg(randomness)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _jacobian(func, argnums, has_aux, _JVP, args, kwargs)

    return wrapper


def hessian(func, argnums=0):
    """The Hessian of `func` with respect to the arguments at `argnums`:
    jacfwd(jacrev(func, argnums), argnums).

    Example:
        >>> hessian(lambda x: (x ** 3).sum())(ember.tensor([1., 2.]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
