"""Sorting and searching (ember/ops/sort.py) against torch: values, indices, gradients, errors."""
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op

SHAPE_DIMS = [((), 0), ((), -1), ((6,), 0), ((3, 5), 1), ((3, 5), 0), ((2, 3, 4), -2),
              ((0, 3), 0), ((0, 3), 1)]


def _distinct(shape, seed=0):
    """Values with no ties, so that every index is well defined."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape) / 4.0 - 1.0


def _with_ties(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 3, size=shape).astype(np.float64)


# -- sort, argsort, msort -----------------------------------------------------------------

@pytest.mark.parametrize("shape,dim", SHAPE_DIMS)
@pytest.mark.parametrize("descending", [False, True])
def test_sort(shape, dim, descending, device):
    check_op(lambda lib, x: tuple(x.sort(dim, descending)), arrays=[_distinct(shape)],
             device=device)
    check_op(lambda lib, x: lib.argsort(x, dim, descending), arrays=[_distinct(shape)],
             device=device)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_sort_is_stable_with_ties(descending, dtype):
    array = _with_ties((4, 7))
    if dtype == "bool":
        array = array > 0
    check_op(lambda lib, x: tuple(lib.sort(x, stable=True, dim=-1, descending=descending)),
             arrays=[array.astype(dtype)], dtype=dtype)
    check_op(lambda lib, x: x.argsort(dim=0, descending=descending, stable=True),
             arrays=[array.astype(dtype)], dtype=dtype)


def test_sort_puts_nan_last_ascending_first_descending():
    array = np.array([[3.0, np.nan, 1.0, np.nan, 2.0], [np.nan, 0.0, 5.0, -1.0, 0.5]])
    for descending in (False, True):
        check_op(lambda lib, x: tuple(x.sort(stable=True, descending=descending)),
                 arrays=[array], dtype="float64")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=12), st.booleans())
def test_sort_any_values(values, descending):
    check_op(lambda lib, x: tuple(x.sort(stable=True, descending=descending)),
             arrays=[np.array(values, dtype=np.float64)], dtype="float64")


def test_msort():
    check_op(lambda lib, x: (lib.msort(x), x.msort()), arrays=[_distinct((4, 3))])


def test_sort_return_type():
    result = ember.tensor([3.0, 1.0, 2.0]).sort()
    assert isinstance(result, ember.return_types.sort) and isinstance(result, tuple)
    assert result.values.tolist() == [1.0, 2.0, 3.0] and result.indices.tolist() == [1, 2, 0]
    assert result.indices.dtype == ember.int64
    assert "values=" in repr(result) and "indices=" in repr(result)


def test_sort_errors():
    for lib in (ember, torch):
        with pytest.raises(IndexError):
            lib.ones(2, 3).sort(2)
        with pytest.raises(IndexError):
            lib.ones(2, 3).argsort(-3)


# -- topk -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,dim,k", [((), 0, 1), ((), 0, 0), ((6,), 0, 3), ((3, 5), 1, 2),
                                         ((3, 5), 0, 3), ((2, 3, 4), -1, 4), ((3, 5), 1, 0),
                                         ((0, 3), 1, 2)])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(shape, dim, k, largest):
    check_op(lambda lib, x: tuple(x.topk(k, dim, largest)), arrays=[_distinct(shape)])
    check_op(lambda lib, x: tuple(lib.topk(x, k, dim=dim, largest=largest, sorted=True)),
             arrays=[_distinct(shape)], dtype="float64")


def test_topk_unsorted_holds_the_same_elements():
    array = _distinct((4, 6))
    ours = ember.tensor(array).topk(3, sorted=False)
    theirs = torch.tensor(array).topk(3, sorted=False)
    np.testing.assert_array_equal(np.sort(ours.values.numpy(), 1),
                                  np.sort(theirs.values.numpy(), 1))
    np.testing.assert_array_equal(np.sort(ours.indices.numpy(), 1),
                                  np.sort(theirs.indices.numpy(), 1))


def test_topk_with_ties_and_ints():
    check_op(lambda lib, x: tuple(x.topk(3)), arrays=[np.array([1.0, 2.0, 2.0, 1.0])])
    check_op(lambda lib, x: tuple(x.topk(2, 0, False)), shapes=[(5, 3)], dtype="int64",
             low=-100, high=100, seed=3)



@pytest.mark.skipif(not ember.backend.fused(np, "topk"),
                    reason="built without a C++ compiler, or EMBER_PURE_PYTHON: ties by index")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=3), st.data(),
       st.sampled_from(["float32", "float64", "float16", "int64", "int32", "int8"]))
def test_topk_and_kthvalue_choose_among_ties_as_torch(sizes, data, dtype):
    """Few distinct values (and NaN for floats): which equal values topk and kthvalue pick,
    and in what order, is decided by torch's selection algorithms (std::partial_sort where
    k * 64 <= n, else std::nth_element and std::sort; a quickselect for kthvalue)."""
    dim = data.draw(st.integers(0, len(sizes) - 1))
    sizes[dim] = data.draw(st.sampled_from([sizes[dim], 70, 300]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    values = rng.integers(-2, 3, sizes).astype(dtype)
    if values.dtype.kind == "f":
        values.reshape(-1)[rng.integers(0, values.size, 2)] = np.nan
    k = data.draw(st.integers(1, sizes[dim]))
    largest, ordered = data.draw(st.booleans()), data.draw(st.booleans())
    results = []
    for lib in (ember, torch):
        x = lib.tensor(values)
        top = x.topk(k, dim, largest, ordered)
        kth = x.kthvalue(k, dim)
        results.append([t.numpy() for t in (*top, *kth)])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_topk_and_kthvalue_without_the_selection_kernels_keep_ties_in_order():
    kernels = ember.backend.FUSED.get(np, {})
    saved = {name: kernels.pop(name) for name in ("topk", "kthvalue") if name in kernels}
    try:
        x = ember.tensor([1.0, 3.0, 3.0, 2.0, 3.0, 1.0])
        top, kth = x.topk(2), x.kthvalue(2)
    finally:
        kernels.update(saved)
    assert top.values.tolist() == [3.0, 3.0] and top.indices.tolist() == [1, 2]
    assert kth.values.item() == 1.0 and kth.indices.item() == 5


def test_topk_errors():
    for lib in (ember, torch):
        x = lib.ones(2, 3)
        with pytest.raises(RuntimeError):
            x.topk(4)
        with pytest.raises(RuntimeError):
            x.topk(-1)
        with pytest.raises(TypeError):
            x.topk(1.5)
        with pytest.raises(RuntimeError):
            lib.tensor([True, False]).topk(1)
        with pytest.raises(IndexError):
            x.topk(1, 2)


# -- kthvalue, median, nanmedian, mode ----------------------------------------------------

@pytest.mark.parametrize("shape,dim,k", [((), 0, 1), ((6,), 0, 4), ((3, 5), 1, 1),
                                         ((3, 5), -2, 3), ((2, 3, 4), 2, 4), ((0, 3), 1, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_kthvalue(shape, dim, k, keepdim):
    check_op(lambda lib, x: tuple(x.kthvalue(k, dim, keepdim)), arrays=[_distinct(shape)])


def test_kthvalue_errors():
    for lib in (ember, torch):
        x = lib.ones(2, 3)
        with pytest.raises(RuntimeError):
            x.kthvalue(4)
        with pytest.raises(RuntimeError):
            x.kthvalue(0)
        with pytest.raises(TypeError):
            x.kthvalue(1.5)
        with pytest.raises(IndexError):
            lib.zeros(0, 3).kthvalue(1, 0)
        with pytest.raises(NotImplementedError):
            lib.tensor([True, False]).kthvalue(1)


@pytest.mark.parametrize("shape,dim", SHAPE_DIMS[:-2] + [((0, 3), 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_median_with_dim(shape, dim, keepdim):
    check_op(lambda lib, x: tuple(x.median(dim, keepdim)), arrays=[_distinct(shape)])
    check_op(lambda lib, x: tuple(lib.nanmedian(x, dim, keepdim)), arrays=[_distinct(shape)])


@pytest.mark.parametrize("shape", [(), (1,), (4,), (5,), (3, 4)])
def test_median_of_everything(shape):
    check_op(lambda lib, x: (x.median(), lib.nanmedian(x)), arrays=[_distinct(shape)])
    check_op(lambda lib, x: x.median(), shapes=[shape], dtype="int64", low=-50, high=50)


def test_median_ties_share_the_gradient_like_torch():
    check_op(lambda lib, x: x.median(), arrays=[np.array([1.0, 3.0, 3.0, 2.0, 3.0])],
             dtype="float64")
    check_op(lambda lib, x: lib.median(x), arrays=[np.array([[1.0, 2.0], [2.0, 3.0]])],
             dtype="float64")


def test_median_with_nan():
    rows = np.array([[1.0, np.nan, 2.0, 0.5], [4.0, 3.0, np.nan, np.nan],
                     [np.nan, np.nan, np.nan, np.nan], [2.0, 1.0, 3.0, 0.0]])
    # which NaN's index an all-NaN row reports is unspecified in torch: compare values there
    check_op(lambda lib, x: (x.median(1).values, x.nanmedian(1).values), arrays=[rows],
             dtype="float64", grad=False)
    check_op(lambda lib, x: (*x.median(1), *x.nanmedian(1)), arrays=[rows[[0, 1, 3]]],
             dtype="float64", grad=False)
    check_op(lambda lib, x: (x.median(), x.nanmedian()), arrays=[rows], dtype="float64",
             grad=False)
    check_op(lambda lib, x: (*x.nanmedian(1),), arrays=[rows[:2]], dtype="float64")
    check_op(lambda lib, x: (x.median(), x.nanmedian()), shapes=[(0, 3)], grad=False)


def test_median_errors():
    for lib in (ember, torch):
        with pytest.raises(IndexError):
            lib.zeros(0, 3).median(0)
        with pytest.raises(IndexError):
            lib.ones(2, 3).median(2)
        with pytest.raises(NotImplementedError):
            lib.tensor([True, False]).median()


@pytest.mark.parametrize("keepdim", [False, True])
def test_mode(keepdim):
    ints = np.array([[1, 2, 2, 3, 3, 1, 0], [5, 5, 4, 4, 4, 0, 5], [7, 6, 5, 4, 3, 2, 1]])
    check_op(lambda lib, x: tuple(x.mode(-1, keepdim)), arrays=[ints], dtype="int64")
    check_op(lambda lib, x: tuple(lib.mode(x, 0, keepdim)), arrays=[ints.T.copy()],
             dtype="int64")
    check_op(lambda lib, x: tuple(x.mode(1, keepdim)), arrays=[ints.astype(np.float64)],
             dtype="float64")
    check_op(lambda lib, x: tuple(x.mode(0, keepdim)), shapes=[()])
    check_op(lambda lib, x: tuple(x.mode(1)), arrays=[np.array([[1.0, np.nan, np.nan]])],
             grad=False)


def test_mode_errors():
    for lib in (ember, torch):
        with pytest.raises(IndexError):
            lib.zeros(0, 3).mode(0)


# -- cummax and cummin --------------------------------------------------------------------

@pytest.mark.parametrize("shape,dim", SHAPE_DIMS)
def test_cummax_cummin(shape, dim):
    check_op(lambda lib, x: (*x.cummax(dim), *lib.cummin(x, dim)), arrays=[_distinct(shape)])


def test_cummax_cummin_ties_and_nan_follow_torch():
    ties = np.array([[1.0, 3.0, 2.0, 3.0, 5.0, 0.0], [2.0, 2.0, 2.0, 1.0, 1.0, 3.0]])
    check_op(lambda lib, x: (*x.cummax(1), *x.cummin(1)), arrays=[ties], dtype="float64")
    check_op(lambda lib, x: (*x.cummax(0), *x.cummin(0)), arrays=[ties.T.copy()],
             dtype="float64")
    nans = np.array([[1.0, np.nan, 2.0, np.nan, 5.0], [3.0, 2.0, np.nan, 1.0, 0.0]])
    check_op(lambda lib, x: (*x.cummax(1), *x.cummin(1)), arrays=[nans], dtype="float64",
             grad=False)
    check_op(lambda lib, x: (*x.cummax(1), *x.cummin(0)), arrays=[ties.astype(np.int64)],
             dtype="int64")
    check_op(lambda lib, x: (*x.cummax(1), *x.cummin(1)), arrays=[ties > 1], dtype="bool")


# -- unique and unique_consecutive --------------------------------------------------------

UNIQUE_ARRAYS = [
    np.array([3, 1, 2, 1, 3, 3]), np.array([[1, 2], [1, 2], [0, 5]]),
    np.array([[1, 2, 1], [3, 4, 3]]), np.array(4), np.zeros((0,), dtype=np.int64),
    np.array([[1, 1, 0, 0], [2, 2, 0, 1], [1, 1, 0, 0]]),
]


@pytest.mark.parametrize("index", range(len(UNIQUE_ARRAYS)))
@pytest.mark.parametrize("return_inverse", [False, True])
@pytest.mark.parametrize("return_counts", [False, True])
def test_unique(index, return_inverse, return_counts):
    array = UNIQUE_ARRAYS[index]
    dims = [None] + list(range(-array.ndim, array.ndim))
    for dim in dims:
        for dtype in ("int64", "float32"):
            check_op(lambda lib, x: lib.unique(x, True, return_inverse, return_counts, dim),
                     arrays=[array], dtype=dtype, grad=False, name=f"unique(dim={dim})")
            # keywords: torch mixes up unique_consecutive's positional flags
            check_op(lambda lib, x: lib.unique_consecutive(
                         x, return_inverse=return_inverse, return_counts=return_counts, dim=dim),
                     arrays=[array], dtype=dtype, grad=False,
                     name=f"unique_consecutive(dim={dim})")


def test_unique_special_values():
    nans = np.array([1.0, np.nan, np.nan, 1.0, 0.0])
    check_op(lambda lib, x: lib.unique(x, return_counts=True, return_inverse=True),
             arrays=[nans], grad=False)
    check_op(lambda lib, x: x.unique_consecutive(return_counts=True), arrays=[nans], grad=False)
    check_op(lambda lib, x: (x.unique(), x.unique(dim=0)), arrays=[np.array([True, False, True])],
             dtype="bool")
    check_op(lambda lib, x: x.unique(sorted=False), arrays=[np.array([3, 1, 2, 1])],
             dtype="int64")
    check_op(lambda lib, x: x.unique(dim=1), arrays=[np.zeros((2, 0))], grad=False)


def test_unique_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.zeros(2, 0).unique(dim=0)
        with pytest.raises(IndexError):
            lib.tensor(3.0).unique(dim=0)
        with pytest.raises(IndexError):
            lib.zeros(2, 3).unique(dim=5)


def test_unique_has_no_gradient():
    x = ember.tensor([1.0, 2.0, 1.0], requires_grad=True)
    assert not x.unique().requires_grad


# -- searchsorted and bucketize -----------------------------------------------------------

def test_searchsorted():
    seq = np.array([1, 3, 5, 7])
    rows = np.array([[1, 3, 5, 7], [2, 4, 6, 8]])
    values = np.array([[3, 6, 9], [0, 4, 8]])
    for dtype in ("int64", "float64"):
        check_op(lambda lib, s, v: (lib.searchsorted(s, v), lib.searchsorted(s, v, right=True),
                                    lib.searchsorted(s, v, side="right"),
                                    lib.searchsorted(s, v, out_int32=True)),
                 arrays=[seq, values], dtype=dtype, grad=False)
        check_op(lambda lib, s, v: (lib.searchsorted(s, v), lib.searchsorted(s, v, right=True)),
                 arrays=[rows, values], dtype=dtype, grad=False)
    check_op(lambda lib, s: (lib.searchsorted(s, 3), lib.searchsorted(s, 4.5)), arrays=[seq],
             dtype="float32", grad=False)
    unsorted = np.array([5, 1, 3])
    check_op(lambda lib, s, v: lib.searchsorted(s, v, sorter=lib.tensor([1, 2, 0])),
             arrays=[unsorted, np.array([3, 0, 6])], dtype="int64", grad=False)


def test_bucketize():
    boundaries = np.array([1.0, 3.0, 5.0, 7.0])
    values = np.array([[3.0, 6.0, 9.0], [0.0, 1.0, 7.0]])
    check_op(lambda lib, v, b: (lib.bucketize(v, b), lib.bucketize(v, b, right=True),
                                lib.bucketize(v, b, out_int32=True)),
             arrays=[values, boundaries], grad=False)
    check_op(lambda lib, b: lib.bucketize(3, b), arrays=[boundaries], grad=False)


def test_search_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.searchsorted(lib.tensor([1, 2]), lib.tensor([1]), side="left", right=True)
        with pytest.raises(RuntimeError):
            lib.searchsorted(lib.tensor([[1, 2]]), lib.tensor([1, 2]))
        with pytest.raises(RuntimeError):
            lib.searchsorted(lib.tensor(1), lib.tensor([1, 2]))
        with pytest.raises(RuntimeError):
            lib.bucketize(lib.tensor([1, 2]), lib.tensor([[1, 2]]))


# -- return types -------------------------------------------------------------------------

def test_return_types_match_torch_names():
    for name in ("max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode",
                 "cummax", "cummin", "aminmax", "slogdet", "qr", "svd", "linalg_eigh"):
        ours, theirs = getattr(ember.return_types, name), getattr(torch.return_types, name)
        assert ours._fields == theirs.__match_args__, name
    pair = ember.return_types.topk((1, 2))
    assert pair.values == 1 and pair.indices == 2 and pair == (1, 2)
    assert pickle.loads(pickle.dumps(pair)) == pair
    with pytest.raises(TypeError):
        ember.return_types.topk((1, 2, 3))


def test_tensor_methods_exist():
    for name in ("sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
                 "cummax", "cummin", "unique", "unique_consecutive"):
        assert hasattr(ember.Tensor, name) and hasattr(torch.Tensor, name), name


# -- gradcheck and gradgradcheck (float64) ------------------------------------------------

GRAD_OPS = {
    "sort": lambda x: x.sort(1).values,
    "sort_descending": lambda x: x.sort(0, descending=True).values,
    "msort": lambda x: x.msort(),
    "topk": lambda x: x.topk(2).values,
    "topk_smallest": lambda x: x.topk(2, 0, largest=False).values,
    "kthvalue": lambda x: x.kthvalue(2, 1, keepdim=True).values,
    "median": lambda x: x.median(),
    "median_dim": lambda x: x.median(0).values,
    "nanmedian": lambda x: x.nanmedian(1).values,
    "mode": lambda x: x.mode(1).values,
    "cummax": lambda x: x.cummax(1).values,
    "cummin": lambda x: x.cummin(0).values,
}


@pytest.mark.parametrize("name", sorted(GRAD_OPS))
def test_gradcheck(name):
    x = ember.tensor(_distinct((3, 4), seed=1), requires_grad=True)
    assert gradcheck(GRAD_OPS[name], [x])
    assert gradgradcheck(GRAD_OPS[name], [x])


def test_gradients_go_to_the_chosen_indices():
    for fn in (lambda lib, x: x.sort(1).values, lambda lib, x: x.topk(2, 0).values,
               lambda lib, x: x.kthvalue(3, 1).values, lambda lib, x: x.median(1).values,
               lambda lib, x: x.cummax(1).values):
        check_op(fn, arrays=[_distinct((3, 5), seed=4)], dtype="float64")


# -- quantile, nanquantile ----------------------------------------------------------------

QUANTILE_CASES = [
    ((7,), 0.3, None, False), ((7,), 1.0, 0, True), ((4, 5), 0.5, None, True),
    ((4, 5), 0.25, 1, False), ((4, 5), 0.0, -2, True), ((2, 3, 4), 0.9, 1, False),
    ((), 0.4, None, False), ((), 0.4, 0, True), ((1,), 0.7, 0, False),
]


@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("shape, q, dim, keepdim", QUANTILE_CASES)
def test_quantile(op, interpolation, shape, q, dim, keepdim):
    def fn(L, x):
        return getattr(L, op)(x, q, dim, keepdim, interpolation=interpolation)
    check_op(fn, shapes=[shape], dtype="float64", name=op)
    check_op(lambda L, x: getattr(x, op)(L.tensor([0.1, 0.5, 0.75], dtype=L.float64), dim=dim,
                                         keepdim=keepdim, interpolation=interpolation),
             shapes=[shape], dtype="float64", name=op)


@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
def test_quantile_nan_and_ties(op):
    data = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4, [0.5, 0.5, 2.0, 4.0]])
    for q in (0.5, 0.125, 0.375):  # 0.375 * 3 = 1.125; 0.125 * 3 = 0.375
        for interpolation in ("linear", "nearest"):
            check_op(lambda L, x: getattr(L, op)(x, q, 1, interpolation=interpolation),
                     arrays=[data], dtype="float64", grad=False, name=op)
    check_op(lambda L, x: getattr(L, op)(x, 0.5), arrays=[data], dtype="float64", grad=False)
    # ranks exactly half-way: nearest rounds halves to even, as torch
    check_op(lambda L, x: getattr(L, op)(x, L.tensor([0.5, 0.25, 0.75], dtype=L.float64),
                                         interpolation="nearest"),
             arrays=[np.arange(5.0)], dtype="float64", grad=False)


def test_quantile_gradcheck():
    x = ember.randn(4, 5, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: ember.quantile(t, 0.3, dim=1), [x])
    assert gradcheck(lambda t: ember.nanquantile(t, ember.tensor([0.2, 0.9], dtype=ember.float64)),
                     [x])


@pytest.mark.parametrize("call", [
    lambda L: L.quantile(L.tensor([1, 2]), 0.5),
    lambda L: L.quantile(L.tensor([1.0, 2.0]), 1.5),
    lambda L: L.quantile(L.tensor([1.0, 2.0]), L.tensor([0.5], dtype=L.float64)),
    lambda L: L.quantile(L.tensor([1.0, 2.0]), L.tensor([[0.5]])),
    lambda L: L.quantile(L.tensor([]), 0.5),
    lambda L: L.quantile(L.tensor([1.0, 2.0]), 0.5, interpolation="cubic"),
    lambda L: L.nanquantile(L.tensor([1.0, 2.0]), -0.1),
])
def test_quantile_errors(call):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            call(lib)


@pytest.mark.parametrize("boundaries_shape,values_shape", [
    ((0, 0), (0, 0)), ((2, 0), (2, 3)), ((2, 3), (2, 0)), ((0, 3), (0, 2))])
def test_searchsorted_batched_with_empty_rows_or_queries(boundaries_shape, values_shape):
    check_op(lambda lib, b, v: lib.searchsorted(b.sort(-1)[0], v),
             shapes=[boundaries_shape, values_shape], grad=False)


def test_selection_kernels_decline_what_they_do_not_cover():
    selection = pytest.importorskip("ember.backend._selection",
                                    reason="built without a C++ compiler")
    rows = np.zeros((2, 5))
    assert selection.topk(rows, 2, True, True).shape == (2, 2)
    assert selection.kthvalue(rows.astype(np.int64), 5).shape == (2,)
    assert selection.topk(rows.astype(np.float32), 2, True, True) is None
    assert selection.topk(rows[:, ::2], 2, True, True) is None  # not contiguous
    assert selection.topk(rows, 6, True, True) is None
    assert selection.kthvalue(rows, 0) is None
    assert selection.kthvalue(np.zeros((2, 0)), 1) is None
