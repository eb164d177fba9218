"""Indexing (ember/ops/index.py) against torch: getitem/setitem, gather/scatter, index_* and
masked ops, nonzero, in-place changes through views, gradients and errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op

# -- Tensor[key] --------------------------------------------------------------------------

# name -> fn(lib, x) on an x of shape (3, 4, 5); outputs and gradients are compared with torch
GETITEM = {
    "int": lambda L, x: x[1],
    "negative_ints": lambda L, x: x[-1, -2],
    "all_ints": lambda L, x: x[2, 3, 4],
    "slices": lambda L, x: x[::2, 1:, 1:4:2],
    "slices_clamped": lambda L, x: x[1:10, -10:2],
    "none_and_ellipsis": lambda L, x: x[None, ..., None, 0],
    "ellipsis_middle": lambda L, x: x[0, ..., 1],
    "empty_tuple": lambda L, x: x[()],
    "list_with_repeats": lambda L, x: x[[2, 0, 2]],
    "long_tensor_2d": lambda L, x: x[L.tensor([[0, 1], [1, 1]])],
    "tensors_broadcast": lambda L, x: x[L.tensor([[0], [1]]), L.tensor([2, 0, 2])],
    "int_before_tensor": lambda L, x: x[0, :, [1, 2]],
    "tensors_split_by_slice": lambda L, x: x[[0, 1], :, [2, 3]],
    "tensors_split_by_none": lambda L, x: x[1, [0, 1], None, [2, 3]],
    "slice_then_tensor": lambda L, x: x[1:, [3, 0]],
    "ellipsis_then_tensor": lambda L, x: x[..., [0, 4, 4]],
    "negative_tensor": lambda L, x: x[L.tensor([-1, -3])],
    "int32_tensor": lambda L, x: x[L.tensor([1, 0], dtype=L.int32)],
    "bool_mask": lambda L, x: x[x > 0],
    "bool_mask_2d_then_slice": lambda L, x: x[x[..., 0] > 0],
    "bool_mask_dim1": lambda L, x: x[:, L.tensor([True, False, True, True])],
    "bool_list": lambda L, x: x[[True, False, True]],
    "zero_dim_long": lambda L, x: x[L.tensor(1)],
    "zero_dim_bool": lambda L, x: x[L.tensor(True)],
    "python_true": lambda L, x: x[True],
    "python_false": lambda L, x: x[False],
    "list_as_tuple": lambda L, x: x[[[0, 1], [1, 2]]],
    "list_with_slice": lambda L, x: x[[0, slice(1, 3)]],
    "empty_list": lambda L, x: x[[]],
    "tensor_slice_bounds": lambda L, x: x[L.tensor(1):L.tensor(3)],
}


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("dtype", ["float32", "int64"])
@pytest.mark.parametrize("name", sorted(GETITEM))
def test_getitem(name, dtype):
    check_op(GETITEM[name], shapes=[(3, 4, 5)], dtype=dtype, name=name)


def test_basic_indexing_is_a_view_and_advanced_is_a_copy():
    x = ember.arange(12.0).reshape(3, 4).clone()
    view = x[1:, 0]
    assert view._base is x and view._version is x._version
    view.fill_(-1)
    assert x[:, 0].tolist() == [0.0, -1.0, -1.0]
    copy = x[[0, 1]]
    assert copy._base is None
    copy.fill_(5)
    assert x[0].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert x[0, 1]._base is x and x[0, 1].shape == ()


def test_repeated_indices_accumulate_gradient():
    x = ember.zeros(5, 2, requires_grad=True)
    index = ember.tensor(np.random.default_rng(0).integers(0, 5, 1000))
    x[index].sum().backward()
    counts = np.bincount(index.numpy(), minlength=5)
    np.testing.assert_array_equal(x.grad.numpy(), np.repeat(counts[:, None], 2, 1))


# -- randomized index patterns ------------------------------------------------------------

@st.composite
def index_patterns(draw):
    """(shape, key specs): ints, slices, None, one Ellipsis, and either index arrays of one
    common shape (as tensors or lists) or one bool mask."""
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    count = draw(st.integers(0, ndim))
    ellipsis = draw(st.one_of(st.none(), st.integers(0, count)))
    if ellipsis is None:
        dims = list(range(count))
    else:
        dims = list(range(ellipsis)) + list(range(ndim - (count - ellipsis), ndim))
    with_mask = draw(st.booleans())
    array_shape = draw(st.sampled_from([(2,), (2, 1), (1, 3), (0,)]))
    specs = []
    for position, dim in enumerate(dims):
        if position == ellipsis:
            specs.append(("ellipsis",))
        size = shape[dim]
        kind = draw(st.sampled_from(["int", "slice", "full", "array", "array"]))
        if kind == "int":
            specs.append(("int", draw(st.integers(-size, size - 1))))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-size - 1, size + 1))
            specs.append(("slice", draw(bound), draw(bound),
                          draw(st.sampled_from([None, 1, 2, 3]))))
        elif kind == "full" or (with_mask and any(s[0] == "mask" for s in specs)):
            specs.append(("slice", None, None, None))
        elif with_mask:
            specs.append(("mask", draw(st.lists(st.booleans(), min_size=size, max_size=size))))
        else:
            values = draw(st.lists(st.integers(-size, size - 1),
                                   min_size=int(np.prod(array_shape)),
                                   max_size=int(np.prod(array_shape))))
            specs.append(("array", values, array_shape, draw(st.booleans())))
    if ellipsis == len(dims):
        specs.append(("ellipsis",))
    for _ in range(draw(st.integers(0, 2))):
        specs.insert(draw(st.integers(0, len(specs))), ("none",))
    return shape, specs


def _key(lib, specs):
    key = []
    for spec in specs:
        kind = spec[0]
        if kind == "int":
            key.append(spec[1])
        elif kind == "slice":
            key.append(slice(*spec[1:]))
        elif kind == "none":
            key.append(None)
        elif kind == "ellipsis":
            key.append(Ellipsis)
        elif kind == "mask":
            key.append(lib.tensor(spec[1], dtype=lib.bool))
        else:
            values, shape, as_list = spec[1:]
            array = np.array(values, dtype=np.int64).reshape(shape)
            key.append(array.tolist() if as_list and len(shape) == 1 else lib.tensor(array))
    return tuple(key)


@settings(max_examples=40, deadline=None)
@given(index_patterns())
def test_random_getitem(pattern):
    shape, specs = pattern
    check_op(lambda L, x: x[_key(L, specs)], shapes=[shape], dtype="float64", name=str(specs))


@settings(max_examples=30, deadline=None)
@given(index_patterns(), st.booleans())
def test_random_setitem(pattern, scalar):
    shape, specs = pattern
    result_shape = tuple(torch.zeros(shape)[_key(torch, specs)].shape)
    if scalar:
        check_op(_assign_scalar(specs), shapes=[shape], dtype="float64", name=str(specs))
    else:
        # inside the graph (gradients of both) and outside it (the values written)
        check_op(_assign(specs), shapes=[shape, result_shape], dtype="float64", name=str(specs))
        check_op(_assign(specs), shapes=[shape, result_shape], dtype="float64", grad=False)


def _assign(specs):
    def fn(L, x, value):
        y = x * 1 if x.requires_grad else x.clone()
        y[_key(L, specs)] = value * 2
        return y
    return fn


def _assign_scalar(specs):
    def fn(L, x):
        y = x * 1
        y[_key(L, specs)] = -7.0
        return y * y
    return fn


# -- Tensor[key] = value ------------------------------------------------------------------

SETITEM = {
    "int": (lambda L, y, v: y.__setitem__(1, v), (4,)),
    "broadcast_row": (lambda L, y, v: y.__setitem__((slice(None), 2), v), (1,)),
    "leading_ones_dropped": (lambda L, y, v: y.__setitem__(0, v), (1, 1, 4)),
    "mask": (lambda L, y, v: y.__setitem__(y > 0, v), ()),
    "tensor_index": (lambda L, y, v: y.__setitem__(L.tensor([2, 0]), v), (2, 4)),
    "int_and_list": (lambda L, y, v: y.__setitem__((1, [0, 3]), v), (2,)),
    "ellipsis": (lambda L, y, v: y.__setitem__(Ellipsis, v), (4,)),
}


@pytest.mark.parametrize("name", sorted(SETITEM))
def test_setitem_in_graph(name):
    assign, value_shape = SETITEM[name]

    def fn(L, x, v):
        y = x * 1
        assign(L, y, v * 3)
        return y.sin()
    check_op(fn, shapes=[(3, 4), value_shape], dtype="float64", name=name)


@pytest.mark.parametrize("name", sorted(SETITEM))
def test_setitem_outside_graph(name):
    assign, value_shape = SETITEM[name]

    def fn(L, x, v):
        y = x.clone()
        assign(L, y, v)
        return y
    check_op(fn, shapes=[(3, 4), value_shape], grad=False, name=name)


def test_setitem_casts_values():
    for lib in (ember, torch):
        x = lib.zeros(2, 3, dtype=lib.int64)
        x[0] = lib.tensor([1.7, -2.2, 3.0])
        x[1, 1:] = lib.tensor([5, 6], dtype=lib.int32)
        x[x == 0] = 9.5
        assert x.tolist() == [[1, -2, 3], [9, 5, 6]]
        with pytest.raises(TypeError, match="can't assign a list"):
            x[0] = [1, 2, 3]


def test_setitem_bumps_version_and_breaks_saved_tensors():
    x = ember.zeros(3)
    version = x._version[0]
    x[0] = 1.0
    assert x._version[0] == version + 1
    for lib in (ember, torch):
        leaf = lib.ones(3, requires_grad=True)
        a = leaf * 1
        b = a.sin()  # saves a
        a[0] = 0.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            b.sum().backward()


def test_setitem_of_a_leaf_requiring_grad_raises():
    for lib in (ember, torch):
        x = lib.zeros(3, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            x[0] = 1.0
        with pytest.raises(RuntimeError, match="leaf Variable"):
            x[[0, 1]] = 1.0
        with pytest.raises(RuntimeError, match="leaf Variable"):
            x[1].mul_(2)
        assert x.sum().item() == 0.0  # nothing was written
        with lib.no_grad():
            x[0] = 1.0
        assert x.sum().item() == 2.0


def test_setitem_value_gets_gradient_into_a_tensor_without_one():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = ember.zeros(3, 2)
    y[1] = x
    assert y.requires_grad
    (y * ember.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


# -- in-place ops on views reach the base's graph -----------------------------------------

def _rebase_1(L, x):
    y = x * 1
    y[0].mul_(2)
    y[:, 1] += x[:, 0]
    return y


def _rebase_2(L, x):
    y = x * 2
    y.t()[1].add_(x[0, :3])
    y.diagonal().zero_()
    return y * y


def _rebase_3(L, x):
    y = x.sin()
    w = y[1:][:, ::2]
    w.mul_(x[:2, :2])
    return y * x


def _rebase_4(L, x):
    y = L.zeros(3, 4, dtype=x.dtype)
    y[1].copy_(x[0])
    y.narrow(1, 2, 2).add_(x[:, :2] ** 2)
    return y


def _rebase_5(L, x):
    y = x * 1
    a, b = y.narrow(1, 0, 2), y.narrow(1, 2, 2)
    a.mul_(3)
    b.add_(x[:, :2])  # b was taken before a changed y: it still reaches y's new graph
    return y * 2


def _rebase_6(L, x):
    y = x * 1
    v = y[0]
    v.mul_(2)
    return v * y[1]


def _rebase_7(L, x):
    y = x * 1
    v = y[1:]
    v[[0, 1], [2, 2]] = x[0, :2]
    v[v > 0] = 0.5
    return y


def _rebase_8(L, x):
    y = x * 1
    z = y.unsqueeze(0).permute(2, 0, 1).reshape(4, 3)  # (4, 3) view of y
    z[1:3].mul_(2)
    z[0].add_(x[0, 1:])
    return y


def _rebase_9(L, x):
    y = x * 1
    h = y.t()
    h[1:3].mul_(2)  # h, the view this change went through, must see it too
    h[0] = x[1, :3]
    return h * h


def _rebase_10(L, x):
    y = L.zeros(2, 3, 4, dtype=x.dtype)
    h = y.view(6, 4)[1:]
    h[:, 1] = x[:, 0].repeat(2)[:5]
    h.diagonal().add_(x[0])
    return h.sum(0) + y.sum()


def _rebase_11(L, x):
    y = x * 1
    v = y[0]
    y.mul_(x)  # v was taken before: it sees the change (torch regenerates its grad_fn)
    w = y.t()
    y[1:] = 2 * x[:2]
    return v * w.sum(1)


def _rebase_12(L, x):
    y = x * 1
    a, b, d = y[:, :2], y[0], y[1:, :2]
    b.mul_(3)  # a overlaps b and must see the change; d does not
    c = y[1:, 2:]
    c.add_(x[0, :2])
    return a * a, c, d, y


REBASES = {f.__name__: f for f in (_rebase_1, _rebase_2, _rebase_3, _rebase_4, _rebase_5,
                                    _rebase_6, _rebase_7, _rebase_8, _rebase_9, _rebase_10,
                                    _rebase_11, _rebase_12)}


@pytest.mark.parametrize("name", sorted(REBASES))
def test_inplace_through_views(name):
    check_op(REBASES[name], shapes=[(3, 4)], dtype="float64", name=name)


def test_inplace_through_views_gradcheck():
    x = ember.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    for fn in REBASES.values():
        assert gradcheck(lambda t: fn(ember, t), [x]), fn.__name__
    assert gradgradcheck(lambda t: _rebase_1(ember, t) ** 2, [x])
    assert gradgradcheck(lambda t: _rebase_7(ember, t) ** 2, [x])


def test_pieces_of_split_may_change_in_place():
    # torch refuses in-place changes of split()/unbind() outputs; ember allows them
    x = ember.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x * 1
    a, b = y.split([1, 2], 1)
    a.mul_(3)
    b.mul_(b)
    y.sum().backward()
    assert x.grad.tolist() == [[3.0, 2.0, 4.0], [3.0, 8.0, 10.0]]


def test_saved_view_changed_in_place_raises_like_torch():
    for lib in (ember, torch):
        x = lib.ones(3, 4, requires_grad=True)
        y = x * 1
        z = y.t()
        z[1:3].mul_(z[0])  # mul_ saved z[0], which the same op then changed
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_node_names_follow_torch():
    x = ember.ones(3, 4, requires_grad=True)
    index = ember.tensor([[0, 1, 2, 0]])
    names = {"x[0]": x[0], "x[1:]": x[1:], "x[[0]]": x[[0]], "gather": x.gather(0, index),
             "scatter_add": x.scatter_add(0, index, x[:1]), "cat": ember.cat([x, x]),
             "unbind": x.unbind()[0], "index_select": x.index_select(1, index[0])}
    expected = {"x[0]": "SelectBackward0", "x[1:]": "SliceBackward0", "x[[0]]": "IndexBackward0",
                "gather": "GatherBackward0", "scatter_add": "ScatterAddBackward0",
                "cat": "CatBackward0", "unbind": "UnbindBackward0",
                "index_select": "IndexSelectBackward0"}
    assert {k: v.grad_fn.name() for k, v in names.items()} == expected


def test_view_that_lost_its_base_memory_is_left_alone():
    x = ember.ones(2, 3, requires_grad=True)
    y = x * 1
    v = y[0]
    y.data = ember.zeros(5)
    y.mul_(x.sum())  # must not try to rebuild v from the new (5,) data
    assert v.shape == (3,) and y.shape == (5,)


def test_base_gets_copyslices_and_view_follows_it():
    x = ember.ones(2, 3, requires_grad=True)
    y = x * 1
    v = y[0]
    v.mul_(2)
    assert "CopySlices" in y.grad_fn.name()
    assert v.grad_fn.next_functions[0][0] is y.grad_fn


# -- gather, scatter and the index_* family -----------------------------------------------

def _index(L, values):
    return L.tensor(values)


GATHER_SCATTER = {
    "gather": (lambda L, x: x.gather(1, _index(L, [[0, 0, 3], [1, 2, 2], [3, 3, 3]])),
               [(3, 4)]),
    "gather_smaller_index": (lambda L, x: L.gather(x, 0, _index(L, [[2, 0], [1, 1]])),
                             [(3, 4)]),
    "gather_int32": (lambda L, x: x.gather(0, L.tensor([[2, 0, 1, 1]], dtype=L.int32)),
                     [(3, 4)]),
    "scatter_src": (lambda L, x, s: x.scatter(0, _index(L, [[2, 0, 1, 1], [0, 1, 2, 0]]), s),
                    [(3, 4), (2, 4)]),
    "scatter_value": (lambda L, x: x.scatter(1, _index(L, [[0, 2], [1, 1], [3, 0]]), 1.5),
                      [(3, 4)]),
    "scatter_value_kw": (lambda L, x: L.scatter(x, 1, _index(L, [[0], [1], [3]]), value=-1.0),
                         [(3, 4)]),
    "scatter_add": (lambda L, x, s: x.scatter_add(0, _index(L, [[0, 0, 1, 0], [0, 2, 1, 0]]),
                                                  s), [(3, 4), (2, 4)]),
    "index_select": (lambda L, x: x.index_select(1, _index(L, [3, 0, 3])), [(3, 4)]),
    "index_select_0d_index": (lambda L, x: L.index_select(x, 0, _index(L, 2)), [(3, 4)]),
    "index_add": (lambda L, x, s: x.index_add(0, _index(L, [2, 0, 2]), s), [(3, 4), (3, 4)]),
    "index_add_alpha": (lambda L, x, s: L.index_add(x, 1, _index(L, [1, 1]), s, alpha=-2.5),
                        [(3, 4), (3, 2)]),
    "index_copy": (lambda L, x, s: x.index_copy(1, _index(L, [3, 0]), s), [(3, 4), (3, 2)]),
    "index_fill": (lambda L, x: x.index_fill(1, _index(L, [-1, 0]), 2.0), [(3, 4)]),
    "index_fill_tensor": (lambda L, x, v: x.index_fill(0, _index(L, [1]), v), [(3, 4), ()]),
    "index_put": (lambda L, x, v: x.index_put((_index(L, [0, 2]), _index(L, [1, 3])), v),
                  [(3, 4), (2,)]),
    "index_put_accumulate": (lambda L, x, v: x.index_put((_index(L, [0, 0, 2]),), v, True),
                             [(3, 4), (3, 4)]),
    "index_put_mask": (lambda L, x, v: x.index_put((x > 0,), v), [(3, 4), ()]),
    "index_put_0d_index": (lambda L, x, v: x.index_put((_index(L, 1), _index(L, [0, 2])), v),
                           [(3, 4, 5), (2, 5)]),
    "masked_fill": (lambda L, x: x.masked_fill(x > 0, 0.5), [(3, 4)]),
    "masked_fill_tensor": (lambda L, x, v: x.masked_fill(x < 0, v), [(3, 4), ()]),
    "masked_fill_broadcast": (lambda L, x: L.masked_fill(x, L.tensor([True, False, False,
                                                                      True]), -1), [(3, 4)]),
    "masked_select": (lambda L, x: x.masked_select(x > 0.5), [(3, 4)]),
    "masked_select_broadcast": (lambda L, x, y: L.masked_select(x, y > 0), [(3, 1), (4,)]),
    "masked_scatter": (lambda L, x, s: x.masked_scatter(x > 0, s), [(3, 4), (4, 4)]),
    "take": (lambda L, x: x.take(_index(L, [[0, 11], [-1, 5]])), [(3, 4)]),
    "put": (lambda L, x, s: L.put(x, _index(L, [0, 11, -1]), s), [(3, 4), (3,)]),
    "put_accumulate": (lambda L, x, s: x.put(_index(L, [0, 11, 0]), s, accumulate=True),
                       [(3, 4), (3,)]),
    "take_along_dim": (lambda L, x: L.take_along_dim(x, _index(L, [[0], [3], [1]]), 1),
                       [(3, 4)]),
    "take_along_dim_broadcast": (lambda L, x: x.take_along_dim(_index(L, [[2, 0]]), 0),
                                 [(3, 1)]),
    "take_along_dim_flat": (lambda L, x: L.take_along_dim(x, _index(L, [0, 11])), [(3, 4)]),
    "take_along_dim_negative": (lambda L, x: x.take_along_dim(_index(L, [[-1], [0], [-4]]), 1),
                                [(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(GATHER_SCATTER))
def test_gather_scatter(name):
    fn, shapes = GATHER_SCATTER[name]
    check_op(fn, shapes=shapes, dtype="float64", name=name)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    rng = np.random.default_rng(3)
    # small integers: ties for amax/amin and zeros for prod, the hard cases of the gradient
    arrays = [rng.integers(-2, 3, (3, 4)).astype(np.float64),
              rng.integers(-2, 3, (4, 4)).astype(np.float64)]
    index = [[0, 0, 2, 1], [0, 2, 2, 1], [0, 0, 0, 1], [2, 0, 0, 1]]

    def fn(L, x, src):
        return x.scatter_reduce(0, L.tensor(index), src, reduce, include_self=include_self)
    check_op(fn, arrays=arrays, dtype="float64", name=f"scatter_reduce {reduce}")
    check_op(fn, arrays=[a.astype(np.int64) for a in arrays], dtype="int64")


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_reduce(reduce):
    # torch has no gradient here; ember's comes from scatter_reduce (checked below)
    check_op(lambda L, x, s: x.scatter(1, L.tensor([[0, 0], [1, 2]]), s, reduce=reduce),
             shapes=[(2, 3), (2, 2)], grad=False)
    check_op(lambda L, x: x.scatter(1, L.tensor([[0, 0], [1, 2]]), 2.0, reduce=reduce),
             shapes=[(2, 3)], grad=False)
    assert gradcheck(lambda x, s: x.scatter(1, ember.tensor([[0, 0], [1, 2]]), s, reduce=reduce),
                     [_double(2, 3), _double(2, 2)])


def test_scatter_reads_only_the_part_of_src_that_index_covers():
    # torch's backward fails here (gradient of the wrong shape); ember's pads with zeros
    check_op(lambda L, x, s: L.scatter(x, 1, L.tensor([[3], [0], [1]]), s),
             shapes=[(3, 4), (3, 2)], grad=False)
    x, src = _double(3, 4), _double(3, 2)
    x.scatter(1, ember.tensor([[3], [0], [1]]), src).sum().backward()
    assert src.grad.tolist() == [[1.0, 0.0]] * 3
    assert gradcheck(lambda s: x.scatter_add(1, ember.tensor([[3], [0], [3]]), s), [src])


# torch takes a 0-d tensor as 1-d, and an empty index (any shape or dtype) as a no-op
SCATTER_EDGES = {
    "gather_0d_input_1d_index": lambda L, x: L.gather(x, 0, L.tensor([0, 0])),
    "gather_1d_input_0d_index": lambda L, x: L.gather(x.reshape(1), 0, L.tensor(0)),
    "gather_empty_index": lambda L, x: L.gather(x, 0, L.zeros(2, 0, dtype=L.uint8)),
    "scatter_0d_input_1d_index": lambda L, x: L.scatter(x, 0, L.tensor([0]), x.reshape(1) * 2),
    "scatter_add_0d_input": lambda L, x: L.scatter_add(x, 0, L.tensor([0]), L.ones(1).double()),
    "scatter_reduce_0d_index": lambda L, x: L.scatter_reduce(
        x.reshape(1), 0, L.tensor(0), L.tensor(5.0).double(), "amax"),
    "scatter_empty_index": lambda L, x: L.scatter(x, 0, L.zeros(0, 3, dtype=L.int64), 1.0),
    "scatter_add_empty_index": lambda L, x: L.scatter_add(
        x, 0, L.zeros(0, 1, dtype=L.uint8), L.ones(2).double()),
}


@pytest.mark.parametrize("name", sorted(SCATTER_EDGES))
def test_gather_scatter_edge_shapes(name):
    fn = SCATTER_EDGES[name]
    check_op(fn, shapes=[()], dtype="float64", name=name, grad=False)


# torch indexes a 0-d tensor along dim 0 or -1 as its (1,)-shaped view
INDEX_ON_SCALAR = {
    "index_select": lambda L, x: L.index_select(x, 0, L.tensor([0])),
    "index_select_0d_index": lambda L, x: x.index_select(-1, L.tensor(0)),
    "index_add": lambda L, x: L.index_add(x, 0, L.tensor([0]), x * 3, alpha=2),
    "index_copy": lambda L, x: L.index_copy(x, 0, L.tensor([0]), x * 3),
    "index_fill": lambda L, x: L.index_fill(x, 0, L.tensor([0]), 5.0),
    "index_fill_empty_index": lambda L, x: L.index_fill(x, 0, L.tensor([], dtype=L.int64), 5.0),
    "index_reduce": lambda L, x: L.index_reduce(x, 0, L.tensor([0]), x * 3, "prod"),
}


@pytest.mark.filterwarnings("ignore:index_reduce")
@pytest.mark.parametrize("name", sorted(INDEX_ON_SCALAR))
def test_index_ops_on_a_0d_tensor(name):
    check_op(INDEX_ON_SCALAR[name], shapes=[()], dtype="float64", name=name)


@pytest.mark.parametrize("fn,error", [
    (lambda x: x.index_select(0, ember.tensor([0, 0])), RuntimeError),
    (lambda x: x.index_copy(0, ember.tensor([0, 0]), ember.tensor(1.0)), IndexError),
    (lambda x: x.index_fill(1, ember.tensor([0]), 1.0), IndexError),
])
def test_index_ops_on_a_0d_tensor_errors(fn, error):
    with pytest.raises(error):
        fn(ember.tensor(2.0))


def test_scatter_with_empty_index_still_checks_src_dtype():
    x = ember.zeros(3)
    with pytest.raises(RuntimeError, match="src.dtype"):
        x.scatter(0, ember.zeros(0, dtype=ember.int64), ember.zeros(2, dtype=ember.float64))


IN_PLACE = {
    "masked_fill_": lambda L, y, s: y.masked_fill_(y > 0, 1.0),
    "index_add_": lambda L, y, s: y.index_add_(1, L.tensor([0, 0, 2, 3]), s),
    "scatter_": lambda L, y, s: y.scatter_(1, L.tensor([[1, 0, 3, 2]] * 3), s),
    "scatter_value_": lambda L, y, s: y.scatter_(0, L.tensor([[2, 1]]), 4.0),
    "scatter_add_": lambda L, y, s: y.scatter_add_(1, L.tensor([[1, 1, 3, 3]] * 3), s),
    "scatter_reduce_": lambda L, y, s: y.scatter_reduce_(1, L.tensor([[1, 1, 3, 3]] * 3), s,
                                                         "amax"),
    "index_fill_": lambda L, y, s: y.index_fill_(0, L.tensor([2]), -3.0),
    "index_copy_": lambda L, y, s: y.index_copy_(1, L.tensor([3, 1, 0, 2]), s),
    "index_put_": lambda L, y, s: y.index_put_((L.tensor([1, 1]), L.tensor([0, 0])),
                                               s[0, :2], accumulate=True),
    "masked_scatter_": lambda L, y, s: y.masked_scatter_(y < 0, s),
    "put_": lambda L, y, s: y.put_(L.tensor([1, 5]), s[1, 2:]),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_forms(name):
    def in_graph(L, x, s):
        y = x * 1
        out = IN_PLACE[name](L, y, s)
        assert out is y
        return y

    def outside_graph(L, x, s):
        y = x.clone()
        IN_PLACE[name](L, y, s)
        return y
    check_op(in_graph, shapes=[(3, 4), (3, 4)], dtype="float64", name=name)
    check_op(outside_graph, shapes=[(3, 4), (3, 4)], grad=False, name=name)


# -- gradients against finite differences -------------------------------------------------

def _double(*shape, seed=0):
    rng = np.random.default_rng(seed + sum(shape))
    return ember.tensor(rng.standard_normal(shape), dtype=ember.float64, requires_grad=True)


def _setitem_fn(x, v):
    y = x * 1
    y[[0, 2], 1:] = v
    y[0, 0] = v[1, 0]
    return y


GRADCHECKS = {
    "getitem_basic": (lambda x: x[1:, None, ::2], [(3, 4)]),
    "getitem_advanced": (lambda x: x[[0, 2, 0], 1:], [(3, 4)]),
    "getitem_mask": (lambda x: x[x > 0], [(3, 4)]),
    "setitem": (_setitem_fn, [(3, 4), (2, 3)]),
    "gather": (lambda x: x.gather(1, ember.tensor([[0, 0], [3, 1], [2, 2]])), [(3, 4)]),
    "scatter": (lambda x, s: x.scatter(0, ember.tensor([[2, 0, 1, 1]]), s), [(3, 4), (1, 4)]),
    "scatter_add": (lambda x, s: x.scatter_add(1, ember.tensor([[0, 0], [3, 3], [1, 2]]), s),
                    [(3, 4), (3, 2)]),
    "index_add": (lambda x, s: x.index_add(0, ember.tensor([1, 1]), s, alpha=2),
                  [(3, 4), (2, 4)]),
    "index_copy": (lambda x, s: x.index_copy(1, ember.tensor([2, 0]), s), [(3, 4), (3, 2)]),
    "index_fill": (lambda x, v: x.index_fill(1, ember.tensor([1, 3]), v), [(3, 4), ()]),
    "index_put": (lambda x, v: x.index_put((ember.tensor([0, 0]),), v, accumulate=True),
                  [(3, 4), (4,)]),
    "masked_fill": (lambda x, v: x.masked_fill(x > 0, v), [(3, 4), ()]),
    "masked_scatter": (lambda x, s: x.masked_scatter(x > 0, s), [(3, 4), (12,)]),
    "take": (lambda x: x.take(ember.tensor([[1, 1], [0, -1]])), [(3, 4)]),
    "put": (lambda x, s: x.put(ember.tensor([1, 1, 4]), s, accumulate=True), [(3, 4), (3,)]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck(name):
    fn, shapes = GRADCHECKS[name]
    inputs = [_double(*s, seed=i) for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)
    assert gradgradcheck(lambda *xs: fn(*xs) ** 2, inputs)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradcheck(reduce, include_self):
    index = ember.tensor([[0, 0, 2, 1], [0, 2, 2, 1], [2, 0, 0, 1]])

    def fn(x, src):
        return x.scatter_reduce(0, index, src, reduce, include_self=include_self)
    inputs = [_double(3, 4, seed=1), _double(3, 4, seed=2)]
    assert gradcheck(fn, inputs)
    if reduce in ("sum", "mean", "prod"):
        assert gradgradcheck(fn, inputs)


# -- nonzero, argwhere, where(condition) --------------------------------------------------

@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 0, 3)])
def test_nonzero(shape):
    rng = np.random.default_rng(0)
    array = rng.integers(0, 2, shape)
    for fn in (lambda L, x: x.nonzero(), lambda L, x: L.nonzero(x, as_tuple=True),
               lambda L, x: L.argwhere(x), lambda L, x: L.where(x > 0)):
        check_op(fn, arrays=[array], dtype="int64")


# -- errors: the same exception type (and message style) as torch -------------------------

ERRORS = [
    lambda L: L.zeros(3)[5],
    lambda L: L.zeros(3, 4)[:, -5],
    lambda L: L.zeros(3)[[0, 3]],
    lambda L: L.zeros(3)[L.tensor([-4])],
    lambda L: L.zeros(3, 4)[0, 0, 0],
    lambda L: L.tensor(1.0)[0],
    lambda L: L.zeros(3)[L.tensor([1.0])],
    lambda L: L.zeros(3)[L.tensor([True, False])],
    lambda L: L.zeros(3)[::-1],
    lambda L: L.zeros(3)[1.5],
    lambda L: L.zeros(3)["a"],
    lambda L: L.zeros(3, 4).__setitem__(0, L.ones(3)),
    lambda L: L.zeros(3, 4).__setitem__([0, 1], L.ones(3)),
    lambda L: L.zeros(3, 4).__setitem__(5, 1.0),
    lambda L: L.zeros(3, 4).gather(0, L.tensor([[5, 0, 0, 0]])),
    lambda L: L.zeros(3, 4).gather(0, L.tensor([[-1, 0, 0, 0]])),
    lambda L: L.zeros(3, 4).gather(0, L.tensor([1, 0])),
    lambda L: L.zeros(3, 4).gather(1, L.zeros(4, 1, dtype=L.int64)),
    lambda L: L.zeros(3, 4).gather(0, L.tensor([[1.0]])),
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([[5, 0]]), 1.0),
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([[1, 0]]), L.ones(1, 1)),
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([[1, 0]]), L.ones(2, 2, dtype=L.float64)),
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([[1, 0]]), L.ones(2, 2), reduce="mean"),
    lambda L: L.zeros(3, 4).scatter_add(0, L.tensor([[5, 0]]), L.ones(2, 2)),
    lambda L: L.zeros(3, 4).scatter_reduce(0, L.tensor([[1, 0]]), L.ones(2, 2), "add"),
    lambda L: L.zeros(3, 4).index_put((L.tensor([0]), None), L.tensor(1.0)),
    lambda L: L.zeros(3).__setitem__(0, [1.0]),
    lambda L: L.zeros(3, 4).index_select(0, L.tensor([5])),
    lambda L: L.zeros(3, 4).index_select(0, L.tensor([-1])),
    lambda L: L.zeros(3, 4).index_select(0, L.tensor([[1]])),
    lambda L: L.zeros(3, 4).index_select(0, L.tensor([1.0])),
    lambda L: L.zeros(3, 4).index_add(0, L.tensor([5]), L.ones(1, 4)),
    lambda L: L.zeros(3, 4).index_add(0, L.tensor([0]), L.ones(1, 3)),
    lambda L: L.zeros(3, 4).index_add(0, L.tensor([0]), L.ones(1, 4, dtype=L.float64)),
    lambda L: L.zeros(3, 4).index_copy(0, L.tensor([5]), L.ones(1, 4)),
    lambda L: L.zeros(3, 4).index_fill(0, L.tensor([5]), 1.0),
    lambda L: L.zeros(3, 4).index_fill(0, L.tensor([0]), L.tensor([1.0, 2.0])),
    lambda L: L.zeros(3, 4).take(L.tensor([12])),
    lambda L: L.zeros(3, 4).take(L.tensor([-13])),
    lambda L: L.zeros(3, 4).index_put((L.tensor([5]),), L.tensor(1.0)),
    lambda L: L.zeros(3, 4).index_put((L.tensor([0]),), L.tensor(1.0, dtype=L.float64)),
    lambda L: L.zeros(3, 4).index_put((L.tensor([0]),) * 3, L.tensor(1.0)),
    lambda L: L.zeros(3, 4).index_put((L.tensor([0, 1]),), L.ones(3)),
    lambda L: L.zeros(3, 4).masked_fill(L.tensor([1, 0, 1, 0], dtype=L.uint8), 1.0),
    lambda L: L.zeros(3, 4).masked_fill(L.tensor([True, False]), 1.0),
    lambda L: L.zeros(3, 4).masked_fill(L.ones(4, dtype=L.bool), L.tensor([1.0])),
    lambda L: L.zeros(3, 4).masked_select(L.tensor([1, 0, 1, 0])),
    lambda L: L.zeros(3, 4).masked_scatter(L.ones(4, dtype=L.bool), L.ones(2)),
    lambda L: L.zeros(3, 4).take_along_dim(L.tensor([[0, 1]]), 0),
    lambda L: L.zeros(3, 4).take_along_dim(L.tensor([0, 1]), 0),
    lambda L: L.zeros(3, 4).masked_fill_(L.ones(2, 3, 4, dtype=L.bool), 1.0),
    lambda L: L.zeros(3).expand(2, 3).__setitem__((slice(None), 0), 1.0),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    with pytest.raises(Exception) as expected:
        ERRORS[index](torch)
    with pytest.raises(expected.type):
        ERRORS[index](ember)


def test_sequence_read_as_tuple_warns_like_torch():
    x = ember.arange(6).reshape(2, 3)
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[[0, 1], [1, 2]]].tolist() == [1, 5]


def test_index_error_messages():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        ember.zeros(3)[5]
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 1 with size 4"):
        ember.zeros(2, 4)[:, [0, 5]]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        ember.zeros(3, 4)[0, 0, 0]
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 0 with"):
        ember.zeros(3, 4).gather(0, ember.tensor([[5, 0, 0, 0]]))
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[3\]"):
        ember.zeros(3, 4)[[0, 1]] = ember.ones(3)
