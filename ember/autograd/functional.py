"""Higher-level derivatives of whole functions, as torch.autograd.functional.

vjp, jvp, jacobian, hessian, vhp and hvp take a function of tensors and the point to
differentiate it at, and run reverse-mode autograd (ember.autograd.grad) on a fresh copy of
the inputs. Forward-mode products (jvp, hvp, jacobian's strategy="forward-mode") use the
double-backward trick: for u a dummy cotangent, g(u) = J^T u is linear in u, so
d<g(u), v>/du = J v.

Conventions (torch's): `inputs` is a Tensor or a tuple of Tensors, and so are the function's
outputs; a result mirrors them (a single Tensor in, a single Tensor out). With
create_graph=False results are detached; strict=True raises where an output does not depend
on an input instead of returning zeros.
"""
from .. import _tensor as _tensor_module
from . import grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(inputs, arg_name, fn_name):
    """(was it a tuple, the tensors as a tuple), checking every entry is a Tensor."""
    is_tuple = isinstance(inputs, tuple)
    values = inputs if is_tuple else (inputs,)
    for index, value in enumerate(values):
        if not isinstance(value, _tensor_module.Tensor):
            where = (f"the value at index {index} has type {type(value)}" if is_tuple
                     else f"the given {arg_name} has type {type(value)}")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but {where}.")
    return is_tuple, values


def _unpack(result, is_outer_tuple, is_inner_tuple=None):
    """A tuple result (of tuples, for jacobians) as the single Tensor the user passed in."""
    if is_inner_tuple is not None and not is_inner_tuple:
        result = tuple(entry[0] for entry in result)
    return result if is_outer_tuple else result[0]


def _differentiable(inputs, create_graph, need_graph):
    """Fresh inputs to differentiate against: with create_graph, an input that already
    requires grad stays connected to its graph (through a view), so the result can be
    differentiated again with respect to it."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in inputs)


def _detached(values, create_graph):
    if create_graph:
        return values
    return tuple(v.detach() if isinstance(v, _tensor_module.Tensor) else _detached(v, False)
                 for v in values)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for index, (entry, reference) in enumerate(zip(v, other)):
        if entry.shape != reference.shape:
            prefix = f"Entry {index} in " if is_other_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {reference.size()} but "
                               f"got {entry.size()}.")


_NOT_DIFFERENTIABLE = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when "
               "running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
                   "user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
               "independent of the input. This is not allowed in strict mode. You should "
               "ensure that your function is thrice differentiable and that the hessian "
               "depends on the inputs.",
}


def _check_requires_grad(values, kind, strict):
    """In strict mode, every value must be a tensor that depends on the inputs."""
    if not strict:
        return
    for index, value in enumerate(values):
        if value is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {index}. This is not allowed in strict mode.")
        if not value.requires_grad:
            raise RuntimeError(_NOT_DIFFERENTIABLE[kind].format(i=index))


def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad of the outputs that require grad; None for inputs they do not reach."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(out, g) for out, g in zip(outputs, grad_outputs)
             if out is not None and out.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad(tuple(p[0] for p in pairs), inputs, tuple(p[1] for p in pairs),
                retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


_MISSING = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _fill_in_zeros(grads, references, strict, create_graph, stage):
    """Zeros (the true derivative) where no gradient arrived; strict mode raises instead."""
    from ..ops.creation import zeros_like
    result = []
    for index, grad in enumerate(grads):
        if grad is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=index))
            grad = zeros_like(references[index])
        elif strict and create_graph and not grad.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {index}. This is not allowed in strict mode when "
                               f"create_graph=True.")
        result.append(grad)
    return tuple(result)


def _prepare_v(v, reference, is_reference_tuple, create_graph, fn_name, none_message):
    if v is None:
        if len(reference) != 1 or reference[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _differentiable(v, create_graph, need_graph=False)
    _validate_v(v, reference, is_reference_tuple)
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product at `inputs`.

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: the vector, shaped like func's output (may be None for a one-element output).
        create_graph: record the computation so the results can be differentiated.
        strict: raise where an output is independent of an input, instead of zeros.

    Example:
        >>> vjp(lambda x: x ** 2, ember.tensor([1., 2.]), ember.ones(2))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _differentiable(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        v = _prepare_v(v, outputs, is_outputs_tuple, create_graph, "vjp",
                       "The vector v can only be None if the user-provided function returns "
                       "a single Tensor with a single element.")
    with grad_mode.set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grads = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    return (_unpack(_detached(outputs, create_graph), is_outputs_tuple),
            _unpack(_detached(result, create_graph), is_inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product at `inputs`, by double backward.

    J v = d<J^T u, v>/du for a dummy u (J^T u is linear in u).

    Example:
        >>> jvp(lambda x: x ** 2, ember.tensor([1., 2.]), ember.ones(2))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    from ..ops.creation import zeros_like
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _differentiable(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, is_inputs_tuple, create_graph, "jvp",
                       "The vector v can only be None if the input to the user-provided "
                       "function is a single Tensor with a single element.")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        grad_outputs = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with grad_mode.set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grads = _grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    return (_unpack(_detached(outputs, create_graph), is_outputs_tuple),
            _unpack(_detached(result, create_graph), is_outputs_tuple))


def _basis(numels, index, references):
    """The one-hot cotangent for flat entry `index` of the concatenated references."""
    from ..ops.creation import zeros_like
    result = []
    start = 0
    for numel, reference in zip(numels, references):
        entry = zeros_like(reference)
        if start <= index < start + numel:
            entry.view(-1)[index - start] = 1
        result.append(entry)
        start += numel
    return tuple(result)


def _jacobian_forward(func, inputs, strict, vectorize):
    """The Jacobian column by column: J e_k through the double-backward trick."""
    from ..ops.creation import zeros_like
    from ..ops.join import stack
    if strict:
        raise RuntimeError(
            'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
            'are not supported together (yet). Please either set `strict=False` or '
            '`strategy="reverse-mode"`.')
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
            "implemented for `vectorize=True`.")
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with grad_mode.enable_grad():
        inputs = tuple(t.detach().requires_grad_() for t in inputs)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs", "jacobian")
        dummies = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
    numels = [t.nelement() for t in inputs]
    used = [j for j, g in enumerate(grad_inputs) if g is not None]
    columns = [[] for _ in outputs]  # per output: J e_k for every input entry k
    for k in range(sum(numels)):
        tangent = _basis(numels, k, inputs)
        products = (_grad(tuple(grad_inputs[j] for j in used), dummies,
                          tuple(tangent[j] for j in used), retain_graph=True)
                    if used else (None,) * len(outputs))
        for index, (product, out) in enumerate(zip(products, outputs)):
            columns[index].append(zeros_like(out) if product is None else product.detach())
    jacobian = []
    for out, column in zip(outputs, columns):
        per_input = []
        start = 0
        for t, numel in zip(inputs, numels):
            block = stack(column[start:start + numel], dim=-1)  # (*out.shape, numel)
            per_input.append(block.reshape(tuple(out.shape) + tuple(t.shape)))
            start += numel
        jacobian.append(per_input)
    # torch's forward-mode result nests lists where reverse mode nests tuples
    return _unpack(jacobian, is_outputs_tuple, is_inputs_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of func at `inputs`: J[i][j] has shape outputs[i].shape + inputs[j].shape.

    A single Tensor input and output give a single Tensor; a tuple on either side gives a
    tuple (of tuples when both are tuples: outputs outside, inputs inside).

    Differs from PyTorch: vectorize=True computes the same rows one backward at a time
    (there is no batched backward); strategy="forward-mode" uses the double-backward trick.

    Example:
        >>> jacobian(lambda x: x ** 2, ember.tensor([1., 2.]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    from ..ops.creation import zeros_like
    from ..ops.join import stack
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more '
            'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                'torch.autograd.functional.jacobian: `create_graph=True` and '
                '`strategy="forward-mode"` are not supported together (yet). Please either '
                'set `create_graph=False` or `strategy="reverse-mode"`.')
        return _jacobian_forward(func, inputs, strict, vectorize)

    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _differentiable(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`.")

        result = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]  # per input: d out.flatten()[k] / d input, each k
            flat = out.reshape(-1)
            for k in range(out.nelement()):
                grads = _grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
                for j, (grad, t) in enumerate(zip(grads, inputs)):
                    if grad is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {j}. This is not allowed in strict mode.")
                        grad = zeros_like(t)
                    elif strict and create_graph and not grad.requires_grad:
                        raise RuntimeError(
                            f"The jacobian of the user-provided function is independent of "
                            f"input {i}. This is not allowed in strict mode when "
                            f"create_graph=True.")
                    rows[j].append(grad)
            result.append(tuple(
                (stack(row) if row else zeros_like(t).expand((0,) + tuple(t.shape)))
                .reshape(tuple(out.shape) + tuple(t.shape)) for row, t in zip(rows, inputs)))
        result = tuple(_detached(r, create_graph) for r in result)
        return _unpack(tuple(result), is_outputs_tuple, is_inputs_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function returning one element: H[i][j] = d2 f / d inputs[i] d inputs[j],
    of shape inputs[i].shape + inputs[j].shape (a Tensor for a single Tensor input).

    Example:
        >>> hessian(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*args):
        out = func(*args)
        is_out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def jacobian_of(*args):
        jac = jacobian(single_output, args, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(jacobian_of, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(result, is_inputs_tuple, is_inputs_tuple)


def _scalar_output(func, inputs, fn_name, strict):
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(
        outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           f"contain a single element")
    return outputs


def _first_derivative(func, inputs, v, create_graph, strict, api):
    """vhp's and hvp's common start (under enable_grad): the inputs made differentiable, v
    checked, the one-element output and its gradient kept in the graph."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", api)
    inputs = _differentiable(inputs, create_graph, need_graph=True)
    v = _prepare_v(v, inputs, is_inputs_tuple, create_graph, api,
                   "The vector v can only be None if the input to the user-provided "
                   "function is a single Tensor with a single element.")
    outputs = _scalar_output(func, inputs, api, strict)
    jac = _grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return is_inputs_tuple, inputs, v, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H): a vector-Hessian product of a one-element function.

    Example:
        >>> vhp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.ones(2))
        (tensor(9.), tensor([ 6., 12.]))
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs, v, outputs, jac = _first_derivative(func, inputs, v,
                                                                     create_graph, strict, "vhp")
    with grad_mode.set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grads = _grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    return (_unpack(_detached(outputs, create_graph), False),
            _unpack(_detached(result, create_graph), is_inputs_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): a Hessian-vector product of a one-element function, by the
    double-backward trick (H v = d<H u, v>/du).

    Example:
        >>> hvp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.ones(2))
        (tensor(9.), tensor([ 6., 12.]))
    """
    from ..ops.creation import zeros_like
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs, v, outputs, jac = _first_derivative(func, inputs, v,
                                                                     create_graph, strict, "hvp")
        grad_jac = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with grad_mode.set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        grads = _grad(double_back, grad_jac, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
    return (_unpack(_detached(outputs, create_graph), False),
            _unpack(_detached(result, create_graph), is_inputs_tuple))
