"""Linear algebra: matmul in all its forms, einsum, tensordot, cross and trace.

matmul is the hottest op of every model, so its path is lean: the checks run only when
something looks wrong, forward is one BLAS call (batch dims folded into rows when the right
operand is a matrix), and backward is two matmuls with broadcast batch dims summed away.
ember.linalg (the torch.linalg namespace: norms, decompositions, solvers) builds on this
module.
"""
import builtins
import math
import string
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Op, named
from . import compare
from . import _parallel
from ._dims import wrap_dim
from ._inplace import inplace_method
from .elementwise import _write_out, sum_to
from ..amp import autocast_mode
from ..backend import fused, xp_of

__all__ = [
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv",
    "addbmm", "baddbmm", "einsum", "tensordot", "cross", "trace",
]

# torch names dtypes in its matmul errors as C++ does
_CPP_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
    "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
    "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>",
}
_HALF = frozenset((np.dtype(np.float16), _dtype.bfloat16.np))


def _type_name(tensor):
    """'Float', 'Double', 'ComplexFloat' ...: torch's ScalarType names, as its messages print
    them."""
    return _dtype.scalar_type_name(tensor.dtype)


def _require_tensors(op_name, *values):
    for position, value in enumerate(values, 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op_name}(): argument {position} must be Tensor, not "
                            f"{type(value).__name__}")


def _shape_text(shape):
    return "x".join(str(s) for s in shape)


# -- matmul -------------------------------------------------------------------------------

def _matmul_arrays(a, b, bias=None):
    """a @ b (+ bias) on backend arrays, with one BLAS call where the batch folds into rows.

    Half types accumulate in float32 and round once, after the bias, as torch's addmm.
    """
    if a.dtype in _HALF:
        native = fused(xp_of(a), "matmul")  # a GPU's own half GEMM (float32 accumulate)
        out = None if native is None else native(a, b)
        if out is not None:
            return out if bias is None else out + bias
        wide = _matmul_arrays(a.astype(np.float32), b.astype(np.float32),
                              None if bias is None else bias.astype(np.float32))
        return wide.astype(a.dtype)
    if a.ndim > 2 and b.ndim == 2:
        rows = math.prod(a.shape[:-1])
        out = _parallel.matmul(a.reshape(rows, a.shape[-1]), b).reshape(a.shape[:-1]
                                                                         + b.shape[1:])
    else:
        out = _parallel.matmul(a, b)
    if bias is not None:
        add_rows = fused(xp_of(out), "add_rows")  # a compiled loop on the CPU
        if add_rows is None or add_rows(out, bias) is None:
            out += bias
    return out


def _reduce_to(grad, matrix_shape, shape):
    """A gradient of a matrix-form operand summed over broadcast batch dims, in its shape."""
    if grad._data.shape != matrix_shape:
        grad = sum_to(grad, matrix_shape)
    return grad if grad._data.shape == shape else grad.reshape(shape)


class MatMul(Op):
    """z = a @ b (torch.matmul: a 1-D operand is a row (left) or a column (right) whose added
    dim is dropped again; batch dims broadcast);
    grad_a = g @ b^T,  grad_b = a^T @ g, each summed over the batch dims it was broadcast along.
    """

    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _matmul_arrays(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.conj_saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a_shape, b_shape = a._data.shape, b._data.shape
        if len(a_shape) == 1 or len(b_shape) == 1:
            # work on the matrix forms: a row (1, k), a column (k, 1), and g with both dims
            grad_shape = list(grad._data.shape)
            if len(b_shape) == 1:
                b = b.reshape(b_shape[0], 1)
                grad_shape.append(1)
            if len(a_shape) == 1:
                a = a.reshape(1, a_shape[0])
                grad_shape.insert(len(grad_shape) - 1, 1)
            grad = grad.reshape(grad_shape)
        grad_a = grad_b = None
        if need_a:
            grad_a = _reduce_to(MatMul.apply(grad, b.mT), a._data.shape, a_shape)
        if need_b:
            if b._data.ndim == 2 and grad._data.ndim > 2:
                # (B.., m, k)^T @ (B.., m, n) summed over B is one GEMM over B*m rows
                rows = math.prod(grad._data.shape[:-1])
                grad_b = MatMul.apply(a.reshape(rows, a._data.shape[-1]).mT,
                                      grad.reshape(rows, grad._data.shape[-1]))
            else:
                grad_b = MatMul.apply(a.mT, grad)
            grad_b = _reduce_to(grad_b, b._data.shape, b_shape)
        return grad_a, grad_b


# torch's name for matmul's node by the operands' dims, where it is not mm's; any other form
# with a batch folds it away and views the result back (_unsafe_view)
_MATMUL_NODES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4"}


def _check_matmul_operands(op_name, a, b):
    """The errors torch raises for operands matmul can't take (called only when one might)."""
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to {op_name} need to be at least 1D, but they are "
            f"{a._data.ndim}D and {b._data.ndim}D")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAMES[a.dtype.name]} "
            f"!= {_CPP_NAMES[b.dtype.name]} (in {op_name} of shapes {list(a.shape)} and "
            f"{list(b.shape)}; convert one with .to(other.dtype))")
    if a._data.dtype.kind == "b":
        raise NotImplementedError(f'"{op_name}" not implemented for \'Bool\'')


def _matmul_shape_error(a_shape, b_shape):
    """torch's message for shapes matmul can't multiply."""
    if len(a_shape) == 1 and len(b_shape) == 1:
        return (f"inconsistent tensor size, expected tensor [{a_shape[0]}] and src "
                f"[{b_shape[0]}] to have the same number of elements, but got {a_shape[0]} and "
                f"{b_shape[0]} elements respectively")
    if len(b_shape) == 1:
        rows = math.prod(a_shape[:-1])
        return (f"size mismatch, got input ({rows}), mat ({rows}x{a_shape[-1]}), "
                f"vec ({b_shape[0]})")
    if len(b_shape) == 2:
        rows = math.prod(a_shape[:-1]) if len(a_shape) > 1 else 1
        return (f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a_shape[-1]} and "
                f"{_shape_text(b_shape)})")
    a_batch, b_batch = a_shape[:-2], b_shape[:-2]
    for i in builtins.range(1, builtins.min(len(a_batch), len(b_batch)) + 1):
        if a_batch[-i] != b_batch[-i] and 1 not in (a_batch[-i], b_batch[-i]):
            dim = builtins.max(len(a_batch), len(b_batch)) - i
            return (f"The size of tensor a ({a_batch[-i]}) must match the size of tensor b "
                    f"({b_batch[-i]}) at non-singleton dimension {dim}")
    return (f"matmul: the last dim of input ({a_shape[-1]}) must match the second-to-last dim "
            f"of other ({b_shape[-2]}); got shapes {list(a_shape)} and {list(b_shape)}")


def matmul(input, other, *, out=None):
    """Matrix product with broadcasting, as torch.matmul.

    1-D @ 1-D is a dot product; a 1-D left operand acts as a row and a 1-D right operand as a
    column (that dim is dropped from the result); other dims broadcast as batch dims.

    Example:
        >>> (ember.ones(5, 2, 3) @ ember.ones(3, 4)).shape
        ember.Size([5, 2, 4])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("matmul", matmul, input, other, out=out)
    try:
        a_dtype, b_dtype = input._data.dtype, other._data.dtype
    except AttributeError:
        _require_tensors("matmul", input, other)
        raise
    if a_dtype is not b_dtype or a_dtype.kind == "b" or not input._data.ndim \
            or not other._data.ndim:
        _check_matmul_operands("matmul", input, other)
    try:
        result = MatMul.apply(input, other)
    except ValueError:
        raise RuntimeError(_matmul_shape_error(input._data.shape, other._data.shape)) from None
    dims = (input._data.ndim, other._data.ndim)
    if dims != (2, 2):
        named(result, _MATMUL_NODES.get(dims, "UnsafeViewBackward0"))
    return result if out is None else _write_out(out, result)


def _require_dim(op_name, tensor, ndim, what):
    if tensor._data.ndim != ndim:
        raise RuntimeError(
            f"{op_name}: {what} must be a {ndim}-D tensor, but got a {tensor._data.ndim}-D "
            f"tensor of shape {list(tensor.shape)}")


def mm(input, mat2, *, out=None):
    """Product of two matrices: (n, m) @ (m, p) -> (n, p); no broadcasting."""
    _require_tensors("mm", input, mat2)
    _require_dim("mm", input, 2, "self")
    _require_dim("mm", mat2, 2, "mat2")
    return matmul(input, mat2, out=out)


def bmm(input, mat2, *, out=None):
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p); no broadcasting."""
    _require_tensors("bmm", input, mat2)
    _require_dim("bmm", input, 3, "batch1")
    _require_dim("bmm", mat2, 3, "batch2")
    expected = [input._data.shape[0], input._data.shape[2]]
    if list(mat2._data.shape[:2]) != expected:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: {expected} but "
            f"got: {list(mat2._data.shape[:2])}.")
    result = named(matmul(input, mat2), "BmmBackward0")
    return result if out is None else _write_out(out, result)


def mv(input, vec, *, out=None):
    """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("mv", mv, input, vec, out=out)
    _require_tensors("mv", input, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    return matmul(input, vec, out=out)


def dot(input, tensor, *, out=None):
    """Dot product of two 1-D tensors of the same size and dtype."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("dot", dot, input, tensor, out=out)
    _require_tensors("dot", input, tensor)
    if input._data.ndim != 1 or tensor._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and "
                           f"{tensor._data.ndim}D tensors")
    if input._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_type_name(input)} and {_type_name(tensor)}")
    return matmul(input, tensor, out=out)


def vdot(input, other, *, out=None):
    """conj(input) . other; for real tensors the same as dot.

    Example:
        >>> ember.vdot(ember.tensor([1j, 2.]), ember.tensor([1j, 1.]))
        tensor(3.+0.j)
    """
    _require_tensors("vdot", input, other)
    return dot(input.conj(), other, out=out)


def inner(input, other, *, out=None):
    """Sum over the last dims of both: result[i.., j..] = sum_k input[i.., k] * other[j.., k].

    A 0-d operand multiplies instead.
    """
    _require_tensors("inner", input, other)
    if input._data.ndim == 0 or other._data.ndim == 0:
        result = input * other
    else:
        k = input._data.shape[-1]
        if other._data.shape[-1] != k:
            raise RuntimeError(
                f"inner() the last dimension must match on both input tensors but got shapes "
                f"{list(input.shape)} and {list(other.shape)}")
        if input._data.ndim == 1 and other._data.ndim == 1:
            result = matmul(input, other)
        else:
            result = matmul(input.reshape(math.prod(input.shape[:-1]), k),
                            other.reshape(math.prod(other.shape[:-1]), k).mT)
            result = result.reshape(input.shape[:-1] + other.shape[:-1])
    return result if out is None else _write_out(out, result)


def outer(input, vec2, *, out=None):
    """Outer product of two vectors: result[i, j] = input[i] * vec2[j]."""
    _require_tensors("outer", input, vec2)
    for name, value in (("self", input), ("vec2", vec2)):
        if value._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got "
                               f"{value._data.ndim}-D")
    result = input.reshape(input._data.shape[0], 1) * vec2
    return result if out is None else _write_out(out, result)


ger = outer


def _scaled_sum(op_name, input, product, beta, alpha):
    """beta * input + alpha * product, input broadcast to product's shape; beta = 0 ignores
    input (even its nan and inf), as torch. Integer products truncate alpha and beta."""
    _require_tensors(op_name, input)
    shape = product._data.shape
    if input._data.shape != shape:
        try:
            broadcast = np.broadcast_shapes(input._data.shape, shape)
        except ValueError:
            broadcast = None
        if broadcast != shape:
            input.expand(shape)  # raises torch's "The expanded size of the tensor ..." error
    if input._data.dtype != product._data.dtype:
        raise RuntimeError(
            f"{op_name}: self and mat2 must have the same dtype, but got {_type_name(input)} "
            f"and {_type_name(product)}")
    if product._data.dtype.kind in "iu":
        # torch converts the scalars to the integer type (truncating) before using them
        alpha, beta = int(alpha), int(beta)
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        if input._requires_grad:  # torch still gives input a (zero) gradient
            return compare.where(product.new_zeros((), dtype=_dtype.bool), input, product)
        return product
    return (input if beta == 1 else input * beta) + product


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2).

    Example:
        >>> ember.addmm(ember.zeros(2), ember.ones(3, 4), ember.ones(4, 2), alpha=0.5)
        tensor([[2., 2.],
                [2., 2.],
                [2., 2.]])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("addmm", addmm, input, mat1, mat2, beta=beta,
                                      alpha=alpha, out=out)
    _require_tensors("addmm", mat1, mat2)
    _require_dim("addmm", mat1, 2, "mat1")
    _require_dim("addmm", mat2, 2, "mat2")
    result = named(_scaled_sum("addmm", input, matmul(mat1, mat2), beta, alpha), "AddmmBackward0")
    return result if out is None else _write_out(out, result)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("addmv", addmv, input, mat, vec, beta=beta,
                                      alpha=alpha, out=out)
    result = _scaled_sum("addmv", input, mv(mat, vec), beta, alpha)
    return result if out is None else _write_out(out, result)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * bmm(batch1, batch2)."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("baddbmm", baddbmm, input, batch1, batch2, beta=beta,
                                      alpha=alpha, out=out)
    if input._data.dtype in _HALF and batch1._data.dtype == input._data.dtype:
        # torch accumulates half products in float32 and rounds beta * input + alpha * P once
        product = bmm(batch1.float(), batch2.float())
        result = _scaled_sum("baddbmm", input.float(), product, beta, alpha).to(input.dtype)
    else:
        result = _scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha)
    return result if out is None else _write_out(out, result)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_b batch1[b] @ batch2[b]."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("addbmm", addbmm, input, batch1, batch2, beta=beta,
                                      alpha=alpha, out=out)
    _require_tensors("addbmm", batch1, batch2)
    _require_dim("addbmm", batch1, 3, "batch1")
    _require_dim("addbmm", batch2, 3, "batch2")
    batches, n, m = batch1._data.shape
    if batch2._data.shape[:2] != (batches, m):
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{batches}, {m}] "
            f"but got: {list(batch2._data.shape[:2])}.")
    p = batch2._data.shape[2]
    if input._data.dtype in _HALF and batches and batch1._data.dtype == input._data.dtype:
        # torch adds the products one batch at a time, each in float32 rounded to the dtype
        result = _scaled_sum("addbmm", input.float(),
                             matmul(batch1[0].float(), batch2[0].float()), beta, alpha)
        for index in builtins.range(1, batches):
            step = matmul(batch1[index].float(), batch2[index].float())
            result = result.to(input.dtype).float() + (step if alpha == 1 else step * alpha)
        result = result.to(input.dtype)
        return result if out is None else _write_out(out, result)
    # sum_b A_b @ B_b is one product: (n, b*m) @ (b*m, p)
    product = matmul(batch1.permute(1, 0, 2).reshape(n, batches * m),
                     batch2.reshape(batches * m, p))
    result = _scaled_sum("addbmm", input, product, beta, alpha)
    return result if out is None else _write_out(out, result)


# -- einsum -------------------------------------------------------------------------------

_LETTERS = string.ascii_letters


def _einsum_arrays(xp, equation, arrays):
    if arrays[0].dtype in _HALF:
        wide = [a.astype(np.float32) for a in arrays]
        return _einsum_arrays(xp, equation, wide).astype(arrays[0].dtype)
    if len(arrays) == 2:
        lhs, output = equation.split("->")
        term_a, term_b = lhs.split(",")
        if len(set(term_a)) == len(term_a) and len(set(term_b)) == len(term_b):
            return _einsum_pair(term_a, term_b, output, *arrays)
    out = xp.einsum(equation, *arrays, optimize=len(arrays) > 1)
    if len(arrays) == 1 and getattr(out, "base", None) is not None:
        out = out.copy()  # numpy returns views for some one-operand equations; ember copies
    return out


def _einsum_pair(term_a, term_b, output, a, b):
    """A two-operand einsum (no label repeated within an operand) as one batched matmul:
    (batch, kept of a, contracted) @ (batch, contracted, kept of b), as torch does; numpy's
    own einsum is several times slower on such contractions."""
    # a label only one operand has and the output lacks is summed away first
    lonely_a = tuple(d for d, label in enumerate(term_a)
                     if label not in term_b and label not in output)
    if lonely_a:
        a = a.sum(axis=lonely_a)
        term_a = "".join(label for label in term_a if label in term_b or label in output)
    lonely_b = tuple(d for d, label in enumerate(term_b)
                     if label not in term_a and label not in output)
    if lonely_b:
        b = b.sum(axis=lonely_b)
        term_b = "".join(label for label in term_b if label in term_a or label in output)
    batch = [label for label in output if label in term_a and label in term_b]
    contracted = [label for label in term_a if label in term_b and label not in output]
    kept_a = [label for label in term_a if label not in term_b]
    kept_b = [label for label in term_b if label not in term_a]
    size = dict(zip(term_a, a.shape))
    size.update(zip(term_b, b.shape))
    sizes = [size[label] for label in batch + kept_a + kept_b]
    a = a.transpose([term_a.index(label) for label in batch + kept_a + contracted])
    b = b.transpose([term_b.index(label) for label in batch + contracted + kept_b])
    count = math.prod(size[label] for label in contracted)
    a = a.reshape(math.prod(sizes[:len(batch)]), math.prod(size[label] for label in kept_a),
                  count)
    b = b.reshape(a.shape[0], count, math.prod(size[label] for label in kept_b))
    result = (a @ b).reshape(sizes)
    order = batch + kept_a + kept_b
    return result.transpose([order.index(label) for label in output])


class Einsum(Op):
    """z = einsum(eq, x_1, ..., x_n), with explicit output and no broadcasting dims;
    grad_x_i = einsum(g and the other operands -> subscripts of x_i): the sum over every
    label x_i lacks. A label repeated in x_i (a diagonal) is routed through an identity
    matrix; a label only x_i has (summed away) is broadcast back through a vector of ones.
    """

    @staticmethod
    def forward(ctx, equation, *arrays):
        ctx.equation = equation
        ctx.save_for_backward(*arrays)
        return _einsum_arrays(ctx.xp, equation, arrays)

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.conj_saved_tensors
        lhs, output = ctx.equation.split("->")
        terms = lhs.split(",")
        grads = [None]
        for i, need in enumerate(ctx.needs_input_grad[1:]):
            grads.append(_einsum_grad(i, terms, output, operands, grad) if need else None)
        return tuple(grads)


def _einsum_grad(i, terms, output, operands, grad):
    from .creation import eye, ones
    term, shape = terms[i], operands[i]._data.shape
    used = set("".join(terms) + output)
    fresh = (letter for letter in _LETTERS if letter not in used)
    others = [j for j in builtins.range(len(terms)) if j != i]
    subscripts = [output] + [terms[j] for j in others]
    values = [grad] + [operands[j] for j in others]
    target = []
    for dim, letter in enumerate(term):
        if letter in target:
            copy = next(fresh)
            subscripts.append(letter + copy)
            values.append(eye(shape[dim], dtype=grad.dtype, device=grad.device))
            letter = copy
        target.append(letter)
    present = set("".join(subscripts))
    for dim, letter in enumerate(term):
        if letter not in present:
            subscripts.append(letter)
            values.append(ones(shape[dim], dtype=grad.dtype, device=grad.device))
            present.add(letter)
    return Einsum.apply(",".join(subscripts) + "->" + "".join(target), *values)


def _parse_term(text, start, operand_index, what):
    """Labels of one term; '...' becomes None."""
    labels = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == ".":
            if text[position:position + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {what} that is not part of any "
                                   f"ellipsis")
            if None in labels:
                raise RuntimeError(f"einsum(): found more than one ellipsis for {what}")
            labels.append(None)
            position += 3
            continue
        if char not in _LETTERS:
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {start + position} in the equation "
                f"string, subscripts must be in [a-zA-Z]")
        labels.append(char)
        position += 1
    return labels


def _sublist_equation(args):
    """einsum(op1, [0, 1], op2, [1, 2], [0, 2]) as an equation string and operands."""
    operands, terms = list(args[0::2]), list(args[1::2])
    output = operands.pop() if len(args) % 2 else None  # an odd count ends with the output

    def letters(sublist):
        text = ""
        for label in sublist:
            if label is Ellipsis:
                text += "..."
            elif isinstance(label, builtins.int) and 0 <= label < 52:
                text += _LETTERS[label]
            else:
                raise RuntimeError(
                    f"einsum(): expected subscript to be within the range [0, 52), got {label}")
        return text
    equation = ",".join(letters(t) for t in terms)
    if output is not None:
        equation += "->" + letters(output)
    return equation, operands


def einsum(*args):
    """Sums of products over labelled dims, by Einstein's notation.

    einsum("ij,jk->ik", a, b) is a @ b; a label missing from the output is summed over; with
    no "->" the output is every label seen once, in alphabetical order; "..." stands for
    broadcast dims. Operands may also be given as one list, or in the sublist format
    einsum(a, [0, 1], b, [1, 2], [0, 2]).

    Differs from PyTorch: a one-operand einsum that torch returns as a view (a transpose, a
    diagonal) is a copy here.

    Example:
        >>> ember.einsum("bij,bjk->bik", ember.ones(2, 3, 4), ember.ones(2, 4, 5)).shape
        ember.Size([2, 3, 5])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("einsum", einsum, *args)
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, "
                        "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    _require_tensors("einsum", *operands)
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    texts = lhs.split(",")
    if len(texts) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(texts) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    terms, start = [], 0
    for index, text in enumerate(texts):
        terms.append(_parse_term(text, start, index, f"operand {index}"))
        start += len(text) + 1
    ellipsis_ndim = 0
    for index, (labels, operand) in enumerate(zip(terms, operands)):
        ndim = operand._data.ndim
        labelled = len(labels) - (None in labels)
        if None not in labels and labelled != ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({labelled}) does not match "
                f"the number of dimensions ({ndim}) for operand {index} and no ellipsis was "
                f"given")
        if labelled > ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({labelled}) is more than the "
                f"number of dimensions ({ndim}) for operand {index}")
        ellipsis_ndim = builtins.max(ellipsis_ndim, ndim - labelled)
    used = set(lhs + rhs)
    spare = [letter for letter in _LETTERS if letter not in used]
    if ellipsis_ndim > len(spare):
        raise RuntimeError("einsum(): too many dimensions for the 52 available subscripts")
    ellipsis_letters = "".join(spare[:ellipsis_ndim])

    # Spell each term out: '...' becomes the operand's share of the ellipsis letters.
    spelled = []
    for labels, operand in zip(terms, operands):
        count = operand._data.ndim - (len(labels) - (None in labels))
        spelled.append("".join(ellipsis_letters[ellipsis_ndim - count:] if label is None
                               else label for label in labels))
    if arrow:
        output = "".join(ellipsis_letters if label is None else label
                         for label in _parse_term(rhs, len(lhs) + 2, None, "the output"))
        for letter in output:
            if output.count(letter) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {letter} appears more than once in the output")
            if letter not in lhs and letter not in ellipsis_letters:
                raise RuntimeError(f"einsum(): output subscript {letter} does not appear in the "
                                   f"equation for any input operand")
    else:
        counts = {}
        for letter in "".join(spelled):
            counts[letter] = counts.get(letter, 0) + 1
        output = ellipsis_letters + "".join(
            sorted(letter for letter, count in counts.items()
                   if count == 1 and letter not in ellipsis_letters))

    # Sizes: equal within an operand, broadcastable across operands.
    sizes = {}
    for index, (term, operand) in enumerate(zip(spelled, operands)):
        own = {}
        for letter, size in zip(term, operand._data.shape):
            if own.setdefault(letter, size) != size:
                raise RuntimeError(
                    f"einsum(): subscript {letter} is repeated for operand {index} but the "
                    f"sizes don't match, {own[letter]} != {size}")
        for letter, size in own.items():
            seen = sizes.get(letter)
            if seen is None or seen == 1:
                sizes[letter] = size
            elif size not in (1, seen):
                name = letter if letter not in ellipsis_letters else "..."
                raise RuntimeError(
                    f"einsum(): subscript {name} has size {size} for operand {index} which "
                    f"does not broadcast with previously seen size {seen}")
    dtype = operands[0]._data.dtype
    for operand in operands[1:]:
        if operand._data.dtype != dtype:
            raise RuntimeError(
                f"einsum(): expected scalar type {_type_name(operands[0])} but found "
                f"{_type_name(operand)}; all operands must have the same dtype")

    # A size-1 dim broadcast against a larger one is dropped with its label, so the
    # operation (and its gradient) sees no broadcasting.
    for index, (term, operand) in enumerate(zip(spelled, operands)):
        shape = operand._data.shape
        keep = [d for d, letter in enumerate(term) if shape[d] != 1 or sizes[letter] == 1]
        if len(keep) != len(term):
            spelled[index] = "".join(term[d] for d in keep)
            operands[index] = operand.reshape(tuple(shape[d] for d in keep))
    result = Einsum.apply(",".join(spelled) + "->" + output, *operands)
    if len(spelled) == 2:  # torch multiplies a pair, with bmm (then a view) if it sums labels
        summed = set(spelled[0] + spelled[1]) - set(output)
        named(result, "ViewBackward0" if summed else "MulBackward0")
    if dtype.kind in "biu":  # torch first sums the labels only one operand has, as sum
        summed = builtins.any(  # does (an integer operand becomes int64)
            set(term) - set(output) - set("".join(spelled[:i] + spelled[i + 1:]))
            for i, term in enumerate(spelled))
        wanted = _dtype.int64.np if summed else dtype
        if result._data.dtype != wanted:
            result = result.to(_dtype.int64 if summed else operands[0].dtype)
    return result


# -- tensordot, cross, trace --------------------------------------------------------------

def tensordot(a, b, dims=2, out=None):
    """Sum of products over the last `dims` dims of a and the first `dims` dims of b, or over
    the dims listed in dims=([dims of a], [dims of b]).

    Example:
        >>> ember.tensordot(ember.ones(3, 4, 5), ember.ones(4, 5, 6), dims=2).shape
        ember.Size([3, 6])
    """
    _require_tensors("tensordot", a, b)
    if isinstance(dims, Tensor):
        dims = dims.item() if dims._data.ndim == 0 else dims.tolist()
    if isinstance(dims, builtins.int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a._data.ndim, b._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a = list(builtins.range(a._data.ndim - dims, a._data.ndim))
        dims_b = list(builtins.range(dims))
    else:
        dims_a, dims_b = dims
        if isinstance(dims_a, builtins.int) or isinstance(dims_b, builtins.int):
            raise TypeError("tensordot(): dims must be an int or a pair of lists of dims, e.g. "
                            f"dims=([1], [0]); got {dims}")
        dims_a, dims_b = list(dims_a), list(dims_b)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
    dims_a = [wrap_dim(d, a._data.ndim, "tensordot") for d in dims_a]
    dims_b = [wrap_dim(d, b._data.ndim, "tensordot") for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a._data.shape[da] == 1 != b._data.shape[db]:  # torch broadcasts a size-1 dim:
            b = b.sum(db, keepdim=True, dtype=b.dtype)  # the other side's dim is summed
        elif b._data.shape[db] == 1 != a._data.shape[da]:
            a = a.sum(da, keepdim=True, dtype=a.dtype)
        elif a._data.shape[da] != b._data.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a._data.shape[da]} "
                f"in dim {da} and second has size {b._data.shape[db]} in dim {db}")
    free_a = [d for d in builtins.range(a._data.ndim) if d not in dims_a]
    free_b = [d for d in builtins.range(b._data.ndim) if d not in dims_b]
    shape_a = [a._data.shape[d] for d in free_a]
    shape_b = [b._data.shape[d] for d in free_b]
    contracted = math.prod(a._data.shape[d] for d in dims_a)
    left = a.permute(free_a + dims_a).reshape(math.prod(shape_a), contracted)
    right = b.permute(dims_b + free_b).reshape(contracted, math.prod(shape_b))
    result = matmul(left, right).reshape(shape_a + shape_b)
    return result if out is None else _write_out(out, result)


class Cross(Op):
    """z = a x b along dim (broadcast);  grad_a = b x g,  grad_b = g x a (summed to shape)."""

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return ctx.xp.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.conj_saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(Cross.apply(b, grad, ctx.dim), a.shape) if need_a else None
        grad_b = sum_to(Cross.apply(grad, a, ctx.dim), b.shape) if need_b else None
        return grad_a, grad_b, None


def _cross(input, other, dim, out):
    _require_tensors("cross", input, other)
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"linalg.cross: expected both inputs to have the same dtype, but got "
                           f"{_type_name(input)} and {_type_name(other)}")
    shape = np.broadcast_shapes(input._data.shape, other._data.shape) if (
        input._data.shape != other._data.shape) else input._data.shape
    axis = wrap_dim(dim, len(shape), "linalg.cross")
    if input._data.shape[axis] != 3 or other._data.shape[axis] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input._data.shape[axis]} and {other._data.shape[axis]}")
    result = Cross.apply(input, other, axis - len(shape))
    return result if out is None else _write_out(out, result)


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along `dim`; dim=None takes the first dim of size 3 (with
    a warning, as torch: prefer linalg.cross, whose default is the last dim)."""
    if dim is None:
        _require_tensors("cross", input, other)
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated. Please "
                      "either pass the dim explicitly or simply use torch.linalg.cross.",
                      UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((d for d, size in enumerate(shape) if size == 3), None)
        if dim is None:
            raise RuntimeError(f"no dimension of size 3 in input (shapes {list(input.shape)} "
                               f"and {list(other.shape)})")
    return _cross(input, other, dim, out)


class Trace(Op):
    """y = sum_i x[i, i];  grad_x = g * I."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        if x.dtype.kind in "iu":
            return ctx.xp.trace(x, dtype=np.int64)
        return ctx.xp.trace(x)

    @staticmethod
    def backward(ctx, grad):
        from .creation import eye
        return grad * eye(*ctx.shape, dtype=grad.dtype, device=grad.device)


def trace(input):
    """Sum of the main diagonal of a matrix; integer inputs give int64."""
    _require_tensors("trace", input)
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim "
                           f"{input._data.ndim}")
    if input._data.dtype.kind == "b":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return Trace.apply(input)


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm",
              "addmv", "addbmm", "baddbmm", "cross", "trace"):
    setattr(Tensor, _name, globals()[_name])
for _name in ("addmm", "addmv", "addbmm", "baddbmm"):
    setattr(Tensor, _name + "_", inplace_method(globals()[_name], _name + "_"))

Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = lambda self, other: matmul(other, self)
Tensor.__imatmul__ = inplace_method(matmul, "__imatmul__")
