"""Shape ops (ember/ops/shape.py) against torch: values, gradients, views and errors."""
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op

# name -> (fn(lib, *tensors), input shapes); outputs and gradients are compared with torch
CASES = {
    "reshape": (lambda L, x: x.reshape(4, -1), [(2, 3, 2)]),
    "reshape_noncontiguous": (lambda L, x: x.t().reshape(-1), [(2, 3)]),
    "view": (lambda L, x: x.view(3, 2), [(2, 3)]),
    "view_as": (lambda L, x, y: x.view_as(y), [(6,), (2, 3)]),
    "permute": (lambda L, x: x.permute(2, 0, 1), [(2, 3, 4)]),
    "permute_fn": (lambda L, x: L.permute(x, (1, -1, 0)), [(2, 3, 4)]),
    "transpose": (lambda L, x: x.transpose(0, -1), [(2, 3, 4)]),
    "swapaxes": (lambda L, x: L.swapaxes(x, 1, 2), [(2, 3, 4)]),
    "t": (lambda L, x: x.t(), [(2, 3)]),
    "t_1d": (lambda L, x: L.t(x), [(3,)]),
    "T": (lambda L, x: x.T, [(2, 3)]),
    "mT": (lambda L, x: x.mT, [(2, 3, 4)]),
    "H": (lambda L, x: x.H, [(2, 3)]),
    "mH": (lambda L, x: x.mH, [(2, 3, 4)]),
    "adjoint": (lambda L, x: x.adjoint(), [(2, 3, 4)]),
    "squeeze": (lambda L, x: x.squeeze(), [(1, 3, 1)]),
    "squeeze_dim": (lambda L, x: x.squeeze(2), [(1, 3, 1)]),
    "squeeze_tuple": (lambda L, x: x.squeeze((0, 1)), [(1, 3, 1)]),
    "unsqueeze": (lambda L, x: x.unsqueeze(-1), [(2, 3)]),
    "expand": (lambda L, x: x.expand(4, 2, 3), [(2, 1)]),
    "expand_as": (lambda L, x, y: x.expand_as(y), [(3, 1), (2, 3, 4)]),
    "broadcast_to": (lambda L, x: L.broadcast_to(x, (2, 3, 4)), [(3, 1)]),
    "broadcast_tensors": (lambda L, x, y: L.broadcast_tensors(x, y), [(3, 1), (2, 1, 4)]),
    "flatten": (lambda L, x: x.flatten(1), [(2, 3, 4)]),
    "flatten_0d": (lambda L, x: x.flatten(), [()]),
    "unflatten": (lambda L, x: x.unflatten(1, (2, -1)), [(3, 4, 2)]),
    "ravel": (lambda L, x: x.t().ravel(), [(2, 3)]),
    "movedim": (lambda L, x: x.movedim((0, 1), (2, 0)), [(2, 3, 4)]),
    "moveaxis": (lambda L, x: L.moveaxis(x, 0, -1), [(2, 3, 4)]),
    "select": (lambda L, x: x.select(1, -1), [(2, 3, 4)]),
    "narrow": (lambda L, x: x.narrow(-1, 1, 2), [(2, 3, 4)]),
    "narrow_negative_start": (lambda L, x: L.narrow(x, 0, -2, 2), [(3, 2)]),
    "split_int": (lambda L, x: x.split(2, 1), [(2, 5)]),
    "split_sizes": (lambda L, x: L.split(x, [1, 3, 1], dim=1), [(2, 5)]),
    "chunk": (lambda L, x: x.chunk(3, -1), [(2, 7)]),
    "chunk_fewer": (lambda L, x: L.chunk(x, 4), [(6,)]),
    "tensor_split_sections": (lambda L, x: x.tensor_split(3, 1), [(2, 7)]),
    "tensor_split_indices": (lambda L, x: L.tensor_split(x, [1, 5, 2], dim=1), [(2, 7)]),
    "unbind": (lambda L, x: x.unbind(1), [(2, 3)]),
    "unbind_one_used": (lambda L, x: x.unbind(1)[1] * 2, [(2, 3)]),
    "split_one_used": (lambda L, x: x.split(2, 1)[-1].exp(), [(2, 5)]),
    "diagonal": (lambda L, x: x.diagonal(), [(3, 4)]),
    "diagonal_offset": (lambda L, x: x.diagonal(1, 2, 0), [(3, 2, 4)]),
    "diagonal_negative": (lambda L, x: L.diagonal(x, -1, -1, -2), [(2, 4, 3)]),
    "diagonal_empty": (lambda L, x: x.diagonal(5), [(3, 4)]),
    "diag_vector": (lambda L, x: L.diag(x, 1), [(3,)]),
    "diag_matrix": (lambda L, x: x.diag(-1), [(3, 4)]),
    "diag_embed": (lambda L, x: L.diag_embed(x), [(2, 3)]),
    "diag_embed_dims": (lambda L, x: L.diag_embed(x, 1, 0, 2), [(2, 3)]),
    "cat": (lambda L, x, y: L.cat([x, y], 1), [(2, 3), (2, 1)]),
    "cat_negative_dim": (lambda L, x, y, z: L.cat((x, y, z), -2), [(2, 3), (1, 3), (4, 3)]),
    "cat_skips_1d_empty": (lambda L, x, y: L.cat([x, y]), [(2, 3), (0,)]),
    "concat": (lambda L, x, y: L.concat([x, y]), [(2,), (3,)]),
    "concatenate": (lambda L, x, y: L.concatenate([x, y], axis=1), [(2, 1), (2, 2)]),
    "stack": (lambda L, x, y: L.stack([x, y], -1), [(2, 3), (2, 3)]),
    "stack_0d": (lambda L, x, y: L.stack([x, y]), [(), ()]),
    "hstack": (lambda L, x, y: L.hstack([x, y]), [(2,), (3,)]),
    "hstack_2d": (lambda L, x, y: L.hstack([x, y]), [(2, 1), (2, 3)]),
    "vstack": (lambda L, x, y: L.vstack([x, y]), [(3,), (2, 3)]),
    "row_stack": (lambda L, x, y: L.row_stack([x, y]), [(3,), (3,)]),
    "dstack": (lambda L, x, y: L.dstack([x, y]), [(3,), (1, 3)]),
    "column_stack": (lambda L, x, y: L.column_stack([x, y]), [(2,), (2, 3)]),
    "flip": (lambda L, x: x.flip(0, 2), [(2, 3, 4)]),
    "flip_list": (lambda L, x: L.flip(x, [1]), [(2, 3)]),
    "flip_none": (lambda L, x: x.flip(()), [(2, 3)]),
    "flip_0d": (lambda L, x: x.flip(0), [()]),
    "movedim_0d": (lambda L, x: x.movedim(0, 0), [()]),
    "fliplr": (lambda L, x: x.fliplr(), [(2, 3)]),
    "flipud": (lambda L, x: L.flipud(x), [(2, 3)]),
    "roll_flat": (lambda L, x: x.roll(2), [(2, 3)]),
    "roll_dims": (lambda L, x: L.roll(x, (1, -2), (0, 1)), [(2, 3)]),
    "roll_dim_int": (lambda L, x: x.roll(-1, 1), [(2, 3)]),
    "repeat": (lambda L, x: x.repeat(2, 1, 3), [(2, 3)]),
    "repeat_0d": (lambda L, x: x.repeat(2, 3), [()]),
    "tile": (lambda L, x: x.tile((2,)), [(2, 3)]),
    "tile_more_dims": (lambda L, x: L.tile(x, (2, 1, 2)), [(2, 3)]),
    "tril": (lambda L, x: x.tril(), [(3, 4)]),
    "tril_batched": (lambda L, x: L.tril(x, -1), [(2, 3, 3)]),
    "triu": (lambda L, x: x.triu(1), [(4, 3)]),
    "atleast_1d": (lambda L, x: L.atleast_1d(x), [()]),
    "atleast_2d": (lambda L, x, y: L.atleast_2d(x, y), [(3,), (2, 3)]),
    "atleast_3d": (lambda L, x, y, z: L.atleast_3d([x, y, z]), [(), (3,), (2, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, shapes = CASES[name]
    check_op(fn, shapes=shapes, name=name)


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 6])
def test_rot90(k):
    check_op(lambda L, x: x.rot90(k, (2, 0)), shapes=[(2, 3, 4)], name=f"rot90 k={k}")


@pytest.mark.parametrize("dtype", ["int64", "bool"])
def test_integer_and_bool_dtypes(dtype):
    check_op(lambda L, x: L.cat([x.flip(0), x.roll(1)]).repeat(1, 2).tril(), shapes=[(3, 3)],
             dtype=dtype)


def test_cat_and_stack_promote_dtypes():
    for lib_cat in ("cat", "stack"):
        out = getattr(ember, lib_cat)([ember.zeros(2, dtype=ember.int32), ember.ones(2)])
        expected = getattr(torch, lib_cat)([torch.zeros(2, dtype=torch.int32), torch.ones(2)])
        assert str(out.dtype) == str(expected.dtype).replace("torch", "ember")
        np.testing.assert_array_equal(out.numpy(), expected.numpy())
    out = ember.cat([ember.zeros(2, 3), ember.zeros(0, dtype=ember.float64)])
    assert out.dtype == ember.float64 and out.shape == (2, 3)


def test_cat_out_and_skipped_input_gets_zero_grad():
    x = ember.ones(2, 3, requires_grad=True)
    empty = ember.zeros(0, requires_grad=True)
    ember.cat([x, empty]).sum().backward()
    assert empty.grad.shape == (0,) and x.grad.tolist() == [[1.0] * 3] * 2
    out = ember.empty(0)
    ember.cat([ember.ones(2), ember.zeros(1)], out=out)
    assert out.tolist() == [1.0, 1.0, 0.0]


def test_view_dtype():
    x = ember.tensor([1.0, -2.0])
    same = x.view(ember.int32)
    assert same.dtype == ember.int32 and same.tolist() == torch.tensor([1.0, -2.0]).view(
        torch.int32).tolist()
    half = x.view(ember.float16)
    assert half.shape == (4,) and half._base is x
    with pytest.raises(RuntimeError):
        ember.tensor(1.0).view(ember.float16)


# -- views share memory and the version counter -------------------------------------------

VIEWS = {
    "view": lambda x: x.view(12),
    "reshape": lambda x: x.reshape(4, 3),
    "permute": lambda x: x.permute(1, 0),
    "t": lambda x: x.t(),
    "expand_of_unsqueeze": lambda x: x.unsqueeze(0),
    "select": lambda x: x.select(1, 2),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "split": lambda x: x.split(2, 1)[1],
    "chunk": lambda x: x.chunk(2)[1],
    "tensor_split": lambda x: x.tensor_split(2, 1)[1],
    "unbind": lambda x: x.unbind(0)[2],
    "diagonal": lambda x: x.diagonal(1),
    "getitem": lambda x: x[1:, ::2],
    "ravel": lambda x: x.ravel(),
    "squeeze": lambda x: x[None].squeeze(0),
    "movedim": lambda x: x.movedim(0, 1),
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "nested": lambda x: x.t()[1:].diagonal(),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_views_share_memory(name):
    x = ember.arange(12.0).reshape(3, 4).clone()
    y = VIEWS[name](x)
    assert y._base is x and y._version is x._version, name
    y.zero_()
    assert x.sum().item() == 66.0 - torch_view_sum(name), name
    assert x._version[0] == 1


def torch_view_sum(name):
    x = torch.arange(12.0).reshape(3, 4)
    return VIEWS[name](x).sum().item()


def test_copies_are_not_views():
    x = ember.arange(6.0).reshape(2, 3)
    for y in (x.t().reshape(-1), x.flip(0), x.roll(1), x.repeat(1, 1), x.tril(), x.diag(),
              x.rot90(2), ember.cat([x]), ember.stack([x])):
        assert y._base is None
        y.add_(1)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


# -- gradients against finite differences -------------------------------------------------

def _double(*shape):
    rng = np.random.default_rng(sum(shape) + len(shape))
    return ember.tensor(rng.standard_normal(shape), dtype=ember.float64, requires_grad=True)


GRADCHECKS = {
    "reshape": (lambda x: x.reshape(3, 2) * 1, [(2, 3)]),
    "expand": (lambda x: x.expand(2, 3, 2), [(3, 1)]),
    "permute": (lambda x: x.permute(2, 0, 1), [(2, 1, 3)]),
    "select": (lambda x: x.select(0, 1), [(2, 3)]),
    "narrow": (lambda x: x.narrow(1, 1, 2), [(2, 3)]),
    "split": (lambda x: x.split([1, 2], 1), [(2, 3)]),
    "chunk_one_used": (lambda x: x.chunk(2, 1)[0], [(2, 3)]),
    "unbind": (lambda x: x.unbind(1), [(2, 3)]),
    "diagonal": (lambda x: x.diagonal(-1), [(3, 3)]),
    "diag_embed": (lambda x: ember.diag_embed(x, 1), [(2, 2)]),
    "cat": (lambda x, y: ember.cat([x, y], 1), [(2, 1), (2, 2)]),
    "stack": (lambda x, y: ember.stack([x, y], 1), [(3,), (3,)]),
    "flip": (lambda x: x.flip(1), [(2, 3)]),
    "roll": (lambda x: x.roll((1, 1), (0, 1)), [(2, 3)]),
    "repeat": (lambda x: x.repeat(2, 1, 2), [(2, 2)]),
    "tril": (lambda x: x.tril(), [(3, 3)]),
    "triu": (lambda x: x.triu(-1), [(3, 3)]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck(name):
    fn, shapes = GRADCHECKS[name]
    inputs = [_double(*s) for s in shapes]
    # squaring makes the second derivative depend on the op's backward as well
    squared = lambda *xs: tuple(o * o for o in _tuple(fn(*xs)))  # noqa: E731
    assert gradcheck(fn, inputs)
    assert gradgradcheck(squared, inputs)


def _tuple(value):
    return value if isinstance(value, tuple) else (value,)


# -- randomized shapes --------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_random_rearrangements(shape, data):
    ndim = len(shape)
    order = data.draw(st.permutations(range(ndim)))
    dims = data.draw(st.lists(st.integers(-ndim, ndim - 1), unique_by=lambda d: d % ndim,
                              max_size=ndim))
    shifts = data.draw(st.lists(st.integers(-5, 5), min_size=len(dims), max_size=len(dims)))
    repeats = data.draw(st.lists(st.integers(1, 2), min_size=ndim, max_size=ndim + 1))
    dim = data.draw(st.integers(-ndim, ndim - 1))
    sections = data.draw(st.integers(1, 4))

    def fn(L, x):
        y = x.permute(order).flip(dims).roll(shifts, dims) if dims else x.permute(order)
        pieces = y.tensor_split(sections, dim)
        return (L.cat(pieces[::-1], dim).repeat(repeats),) + pieces

    check_op(fn, shapes=[tuple(shape)], dtype="float64", name="rearrangements")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4), st.data())
def test_random_diagonals(shape, data):
    ndim = len(shape)
    dim1 = data.draw(st.integers(0, ndim - 1))
    dim2 = data.draw(st.integers(0, ndim - 1).filter(lambda d: d != dim1))
    offset = data.draw(st.integers(-3, 3))
    check_op(lambda L, x: L.diag_embed(x.diagonal(offset, dim1, dim2), offset, dim1, dim2),
             shapes=[tuple(shape)], dtype="float64", name="diagonal/diag_embed")


# -- errors: the same exception type as torch ---------------------------------------------

ERRORS = [
    lambda L: L.zeros(2, 3).view(4),
    lambda L: L.zeros(2, 3).t().view(6),
    lambda L: L.zeros(2, 3).reshape(-1, -1),
    lambda L: L.cat([L.zeros(2, 3), L.zeros(2, 4)]),
    lambda L: L.cat([L.zeros(2, 3), L.zeros(2, 3, 1)]),
    lambda L: L.cat([L.zeros(2, 3), L.zeros(2, 3)], 2),
    lambda L: L.cat([]),
    lambda L: L.cat(L.zeros(2)),
    lambda L: L.cat([L.zeros(2), 1]),
    lambda L: L.stack([L.zeros(2, 3), L.zeros(2, 4)]),
    lambda L: L.stack([]),
    lambda L: L.stack([L.zeros(2)], 2),
    lambda L: L.zeros(2, 3, 4).t(),
    lambda L: L.zeros(3).mT,
    lambda L: L.zeros(2, 3, 4).H,
    lambda L: L.zeros(2, 3).split([1, 1], 1),
    lambda L: L.zeros(2, 3).split(0),
    lambda L: L.zeros(3).chunk(0),
    lambda L: L.zeros(3).tensor_split(0),
    lambda L: L.zeros(3).narrow(0, 5, 1),
    lambda L: L.zeros(3).narrow(0, 1, 3),
    lambda L: L.zeros(3).narrow(0, 1, -1),
    lambda L: L.zeros(3).select(0, 3),
    lambda L: L.zeros(3).select(1, 0),
    lambda L: L.zeros(3).unflatten(0, (2, 2)),
    lambda L: L.zeros(3).unflatten(0, ()),
    lambda L: L.zeros(3, 3).diagonal(0, 1, 1),
    lambda L: L.zeros(2, 3, 4).diag(),
    lambda L: L.zeros(3).roll((1, 2), (0,)),
    lambda L: L.zeros(3).roll(1, 1),
    lambda L: L.zeros(2, 3).repeat(2),
    lambda L: L.zeros(2, 3).movedim((0, 1), (1,)),
    lambda L: L.zeros(2, 3).movedim((0, 0), (1, 0)),
    lambda L: L.zeros(3).tril(),
    lambda L: L.zeros(3).fliplr(),
    lambda L: L.zeros(2, 3).flip(0, 0),
    lambda L: L.zeros(2, 3).rot90(1, (0, 0)),
    lambda L: L.zeros(2, 3).rot90(1, (0,)),
    lambda L: L.broadcast_shapes((2, 3), (4,)),
    lambda L: L.broadcast_tensors(L.zeros(2, 2), L.zeros(3)),
    lambda L: L.zeros(2, 3).expand(3, 3),
    lambda L: L.zeros(2, 3).expand(3),
    lambda L: L.zeros(2, 3).permute(0, 0),
    lambda L: L.zeros(2, 3).transpose(0, 2),
    lambda L: L.zeros(2, 3).unbind(2),
    lambda L: L.tensor(1.0).unbind(),
    lambda L: L.tensor(1.0).split(1),
    lambda L: L.tensor(1.0).chunk(1),
    lambda L: L.tensor(1.0).tensor_split(1),
    lambda L: L.tensor(1.0).narrow(0, 0, 1),
    lambda L: L.tensor(1.0).diagonal(),
    lambda L: L.tensor(1.0).roll(1, 0),
    lambda L: L.tensor(1.0).unflatten(0, (1,)),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    with pytest.raises(Exception) as expected:
        ERRORS[index](torch)
    with pytest.raises(expected.type):
        ERRORS[index](ember)


def test_error_messages_name_the_problem():
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 0"):
        ember.cat([ember.zeros(2, 3), ember.zeros(2, 4)])
    with pytest.raises(RuntimeError, match=r"got \[2, 3\] at entry 0 and \[2, 4\] at entry 1"):
        ember.stack([ember.zeros(2, 3), ember.zeros(2, 4)])
    with pytest.raises(RuntimeError, match=r"start \(1\) \+ length \(3\) exceeds"):
        ember.zeros(3).narrow(0, 1, 3)
    with pytest.raises(RuntimeError, match=r"split_sizes=\[1, 1\]"):
        ember.zeros(2, 3).split([1, 1], 1)


def _torch_and_ember_errors(fn, shape):
    with pytest.raises(RuntimeError) as theirs:
        fn(torch.zeros(shape))
    with pytest.raises(RuntimeError) as ours:
        fn(ember.zeros(shape))
    return str(theirs.value), str(ours.value)


@pytest.mark.parametrize("fn, shape, hint", [
    # flattening before a Linear sized for the wrong feature count: one dim is wrong
    (lambda x: x.view(64, 1024), (64, 64, 6, 6),
     r"147456 elements = 64 x 2304; did you mean view\(64, 2304\) or view\(64, -1\)\?"),
    (lambda x: x.view(-1, 1000), (64, 64, 6, 6),
     r"did you mean view\(64, 2304\) or view\(64, -1\)\?"),
    (lambda x: x.reshape(32, 64, 36), (64, 64, 6, 6),  # the fix keeping the input's lead dims
     r"= 64 x 64 x 36; did you mean reshape\(64, 64, 36\) or reshape\(-1, 64, 36\)\?"),
    (lambda x: x.reshape(5, 7), (3, 4), r"did you mean reshape\(3, 4\) or reshape\(3, -1\)"),
    (lambda x: x.view(2, 2, -1), (7,), r"The input has shape \[7\]\.$"),  # no fit to offer
])
def test_size_mismatch_keeps_torchs_message_and_names_a_shape_that_fits(fn, shape, hint):
    theirs, ours = _torch_and_ember_errors(fn, shape)
    assert ours.startswith(theirs)
    assert re.search(hint, ours)


def test_view_of_a_non_contiguous_tensor_names_reshape_and_contiguous():
    theirs, ours = _torch_and_ember_errors(lambda x: x.transpose(1, 2).view(4, -1), (4, 3, 5))
    assert ours.startswith(theirs) and theirs.endswith("Use .reshape(...) instead.")
    assert "The input of shape [4, 5, 3] is not contiguous" in ours
    assert ".reshape(4, 15) copies only when it must, or .contiguous().view(4, 15)" in ours


def test_broadcast_shapes():
    assert ember.broadcast_shapes((2, 1), (3,), 1) == torch.broadcast_shapes((2, 1), (3,), 1)
    assert isinstance(ember.broadcast_shapes((2, 1)), ember.Size)


@pytest.mark.parametrize("repeats, dim", [(2, None), (3, 1), ("tensor", 0), ("scalar", 1)])
def test_repeat_interleave_matches_torch(repeats, dim):
    def fn(lib, x):
        count = {"tensor": lib.tensor([1, 0, 2]), "scalar": lib.tensor(2)}.get(repeats, repeats)
        return x.repeat_interleave(count, dim=dim)
    check_op(fn, shapes=[(3, 4)], dtype="float64")


def test_repeat_interleave_counts_form_and_errors():
    assert ember.repeat_interleave(ember.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    with pytest.raises(RuntimeError):
        ember.ones(3).repeat_interleave(ember.tensor([1, 2]))
    with pytest.raises(RuntimeError):
        ember.ones(3).repeat_interleave(-1)


# -- meshgrid, cartesian_prod -------------------------------------------------------------

@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("shapes", [[(3,)], [(3,), (2,)], [(3,), (2,), (4,)], [(3,), ()],
                                    [(0,), (2,)]])
def test_meshgrid(indexing, shapes, device):
    check_op(lambda L, *xs: L.meshgrid(*xs, indexing=indexing), shapes=shapes, device=device)
    check_op(lambda L, *xs: L.meshgrid(list(xs), indexing=indexing), shapes=shapes,
             dtype="float64", device=device)


def test_meshgrid_integer_and_default_indexing():
    check_op(lambda L, x, y: L.meshgrid(x, y, indexing="xy"), shapes=[(3,), (4,)], dtype="int64")
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="indexing"):
            grids = lib.meshgrid(lib.arange(2), lib.arange(3))
        assert tuple(grids[0].shape) == (2, 3)


def test_meshgrid_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="same dtype"):
            lib.meshgrid(lib.arange(2), lib.arange(2.0), indexing="ij")
        with pytest.raises(RuntimeError, match="0D or 1D"):
            lib.meshgrid(lib.arange(2), lib.zeros(1, 2, dtype=lib.int64), indexing="ij")
        with pytest.raises(RuntimeError, match="indexing must be"):
            lib.meshgrid(lib.arange(2), indexing="ab")
        with pytest.raises(RuntimeError, match="non-empty"):
            lib.meshgrid(indexing="ij")


@pytest.mark.parametrize("shapes", [[(3,)], [(3,), (2,)], [(2,), (1,), (3,)]])
def test_cartesian_prod(shapes):
    check_op(lambda L, *xs: L.cartesian_prod(*xs), shapes=shapes)
    check_op(lambda L, *xs: L.cartesian_prod(*xs), shapes=shapes, dtype="int64")


def test_cartesian_prod_errors():
    for lib in (ember, torch):
        for bad in (lib.zeros(1, 3), lib.tensor(5.0)):
            with pytest.raises(RuntimeError, match="Expect a 1D vector"):
                lib.cartesian_prod(bad)


@pytest.mark.parametrize("call", [
    lambda L, x: x.flip(dims=[0]), lambda L, x: L.flip(x, dims=(0, 2)), lambda L, x: L.flip(x, [1]),
    lambda L, x: x.flip(0, 1), lambda L, x: x.flip((2, 0)), lambda L, x: x.flip(-1),
    lambda L, x: x.permute(dims=(2, 0, 1)), lambda L, x: L.permute(x, dims=[1, 2, 0]),
    lambda L, x: L.permute(x, (1, 0, 2)), lambda L, x: x.permute(2, 1, 0),
])
def test_flip_and_permute_argument_forms(call):
    check_op(call, shapes=[(2, 3, 4)])


def test_flip_and_permute_keyword_errors():
    for lib in (ember, torch):
        x = lib.zeros(2, 3)
        with pytest.raises(TypeError):
            x.flip(dims=[0], axis=1)
        with pytest.raises(TypeError):
            lib.flip(x, 1)
        with pytest.raises(RuntimeError):
            x.permute(dims=(0,))


@pytest.mark.parametrize("call", [
    lambda lib, x: x.reshape(shape=(2, 3)), lambda lib, x: lib.reshape(x, shape=(3, 2)),
    lambda lib, x: x.view(size=(6,)), lambda lib, x: x.view(dtype=lib.int32),
    lambda lib, x: x[:1].expand(size=(4, 3)), lambda lib, x: x.repeat(repeats=(2, 1)),
    lambda lib, x: x.new_zeros(size=(2,)), lambda lib, x: x.new_ones(size=[1, 2]),
    lambda lib, x: x.new_empty(size=(0,)).shape,
    lambda lib, x: x.tensor_split(sections=2), lambda lib, x: x.tensor_split(indices=[1], dim=1),
])
def test_sizes_by_keyword_as_torch(call):
    """torch takes sizes by keyword too (x.view(size=...), x.repeat(repeats=...))."""
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    ours, theirs = call(ember, ember.tensor(values)), call(torch, torch.tensor(values))
    if isinstance(theirs, torch.Size):
        assert tuple(ours) == tuple(theirs)
        return
    for a, b in zip(*(o if isinstance(o, tuple) else (o,) for o in (ours, theirs))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_sizes_given_twice_raise_type_error():
    x = ember.zeros(2, 3)
    for call in (lambda: x.view(6, size=(6,)), lambda: x.reshape(6, shape=(6,)),
                 lambda: x.repeat(1, 1, repeats=(1, 1)), lambda: x.view(6, dtype=ember.int32)):
        with pytest.raises(TypeError):
            call()


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack", "row_stack"])
def test_stacking_an_empty_list_raises_as_torch(name):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="expects a non-empty TensorList"):
            getattr(lib, name)([])
