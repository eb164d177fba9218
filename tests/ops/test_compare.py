"""Comparisons, logical and bitwise ops, value tests, nan_to_num and where against torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp
from oracle import assert_close, check_op, random_array

import ember
from ember.autograd import gradcheck, gradgradcheck


def _tensor(lib, array, dtype):
    return lib.tensor(array, dtype=getattr(lib, dtype))


def check_like_torch(fn, arrays, dtypes, name="op"):
    """fn(lib, *tensors) on both libraries: torch's exception type, or torch's result."""
    if isinstance(dtypes, str):
        dtypes = [dtypes] * len(arrays)
    torch_inputs = [_tensor(torch, a, d) for a, d in zip(arrays, dtypes)]
    ember_inputs = [_tensor(ember, a, d) for a, d in zip(arrays, dtypes)]
    try:
        expected = fn(torch, *torch_inputs)
    except Exception as error:  # noqa: BLE001 - ember must raise the same type
        with pytest.raises(type(error)):
            fn(ember, *ember_inputs)
        return
    assert_close(fn(ember, *ember_inputs), expected, 1e-6, 1e-7, f"{name} {dtypes}")


COMPARISONS = {
    "eq": lambda lib, a, b: lib.eq(a, b), "ne": lambda lib, a, b: lib.ne(a, b),
    "lt": lambda lib, a, b: lib.lt(a, b), "le": lambda lib, a, b: lib.le(a, b),
    "gt": lambda lib, a, b: lib.gt(a, b), "ge": lambda lib, a, b: lib.ge(a, b),
    "greater": lambda lib, a, b: lib.greater(a, b),
    "greater_equal": lambda lib, a, b: lib.greater_equal(a, b),
    "less": lambda lib, a, b: lib.less(a, b), "less_equal": lambda lib, a, b: lib.less_equal(a, b),
    "not_equal": lambda lib, a, b: lib.not_equal(a, b),
    "==": lambda lib, a, b: a == b, "!=": lambda lib, a, b: a != b,
    "<": lambda lib, a, b: a < b, "<=": lambda lib, a, b: a <= b,
    ">": lambda lib, a, b: a > b, ">=": lambda lib, a, b: a >= b,
    "method": lambda lib, a, b: a.le(b), "method_alias": lambda lib, a, b: a.greater_equal(b),
}
LOGICAL = {
    "logical_and": lambda lib, a, b: lib.logical_and(a, b),
    "logical_or": lambda lib, a, b: lib.logical_or(a, b),
    "logical_xor": lambda lib, a, b: a.logical_xor(b),
    "logical_not": lambda lib, a, b: lib.logical_not(a),
}
BITWISE = {
    "bitwise_and": lambda lib, a, b: lib.bitwise_and(a, b),
    "bitwise_or": lambda lib, a, b: lib.bitwise_or(a, b),
    "bitwise_xor": lambda lib, a, b: a.bitwise_xor(b),
    "bitwise_not": lambda lib, a, b: lib.bitwise_not(a),
    "&": lambda lib, a, b: a & b, "|": lambda lib, a, b: a | b, "^": lambda lib, a, b: a ^ b,
    "~": lambda lib, a, b: ~a, "r&": lambda lib, a, b: 1 & a, "r|": lambda lib, a, b: 2 | a,
    "r^": lambda lib, a, b: True ^ a, "&scalar": lambda lib, a, b: a & 3,
}
SHIFTS = {
    "<<": lambda lib, a, b: a << b.abs(), ">>": lambda lib, a, b: a >> b.abs(),
    "r<<": lambda lib, a, b: 1 << b.abs(), "<<scalar": lambda lib, a, b: a >> 1,
    "bitwise_left_shift": lambda lib, a, b: lib.bitwise_left_shift(a, b.abs()),
    "bitwise_right_shift": lambda lib, a, b: lib.bitwise_right_shift(a, b.abs()),
}
DTYPES = ["float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "int8", "bool"]


def _arrays(dtype, shape_a=(4, 3), shape_b=(3,), seed=0):
    rng = np.random.default_rng(seed)
    # small integers, so that ties are common and comparisons are interesting
    arrays = [random_array(shape_a, dtype, -3, 3, rng), random_array(shape_b, dtype, -3, 3, rng)]
    return [a if dtype == "bool" else a.round() for a in arrays]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_comparisons(name, dtype):
    check_like_torch(COMPARISONS[name], _arrays(dtype), dtype, name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(LOGICAL))
def test_logical(name, dtype):
    check_like_torch(LOGICAL[name], _arrays(dtype), dtype, name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(BITWISE))
def test_bitwise(name, dtype):
    """Integer and bool tensors compute; floats raise NotImplementedError as in torch."""
    check_like_torch(BITWISE[name], _arrays(dtype), dtype, name)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8", "float32"])
@pytest.mark.parametrize("name", sorted(SHIFTS))
def test_shifts(name, dtype):
    check_like_torch(SHIFTS[name], _arrays(dtype), dtype, name)


@pytest.mark.parametrize("name", sorted(COMPARISONS) + sorted(LOGICAL) + ["&", "^"])
@settings(max_examples=25, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 max_side=3))
def test_broadcasting(name, shapes):
    fn = {**COMPARISONS, **LOGICAL, **BITWISE}[name]
    dtype = "bool" if name in ("&", "^") else "float64"
    check_like_torch(fn, _arrays(dtype, *shapes.input_shapes), dtype, name)


@pytest.mark.parametrize("name", ["eq", "lt", "ge", "logical_and", "bitwise_and"])
@pytest.mark.parametrize("dtypes", [("float32", "int64"), ("int8", "uint8"), ("bool", "float64"),
                                    ("int32", "bool"), ("float16", "bfloat16")])
def test_mixed_dtypes(name, dtypes):
    fn = {**COMPARISONS, **LOGICAL, **BITWISE}[name]
    arrays = [_arrays(dtypes[0])[0], _arrays(dtypes[1])[1]]
    check_like_torch(fn, arrays, list(dtypes), name)


@pytest.mark.parametrize("scalar", [1, 1.5, True, -1, 300])
@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "bool"])
def test_comparisons_with_python_scalars(dtype, scalar):
    for name in ("eq", "ne", "lt", "<", ">=", "&scalar"):
        fn = {**COMPARISONS, **BITWISE}[name]
        check_like_torch(lambda lib, a, b: fn(lib, a, scalar), _arrays(dtype), dtype, name)
        if name in ("<", ">="):  # the reflected form: scalar on the left
            reflected = (lambda lib, a, b: scalar < a) if name == "<" else (
                lambda lib, a, b: scalar >= a)
            check_like_torch(reflected, _arrays(dtype), dtype, name)


def test_comparison_with_nan():
    array = [np.array([np.nan, 1.0, np.nan]), np.array([np.nan, np.nan, 1.0])]
    for name in ("eq", "ne", "lt", "ge"):
        check_like_torch(COMPARISONS[name], array, "float32", name)


def test_tensor_equals_none_or_other_objects():
    for lib in (torch, ember):
        x = lib.ones(2)
        assert (x == None) is False  # noqa: E711 - the point of the test
        assert (x != None) is True  # noqa: E711
        assert (x == "a") is False
        with pytest.raises(TypeError):
            x < None  # noqa: B015
        with pytest.raises(TypeError):
            lib.eq(x, None)


def test_comparisons_have_no_gradient():
    x = ember.ones(2, requires_grad=True)
    for result in (x > 0, x == x, ember.logical_not(x), x.isnan()):
        assert result.dtype == ember.bool
        assert not result.requires_grad and result.grad_fn is None


# -- value tests --------------------------------------------------------------------------

SPECIAL = np.array([0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan])
TESTS = {
    "isnan": lambda lib, x: lib.isnan(x), "isinf": lambda lib, x: lib.isinf(x),
    "isfinite": lambda lib, x: x.isfinite(), "isposinf": lambda lib, x: lib.isposinf(x),
    "isneginf": lambda lib, x: x.isneginf(), "isreal": lambda lib, x: lib.isreal(x),
    "signbit": lambda lib, x: lib.signbit(x),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(TESTS))
def test_value_tests(name, dtype):
    array = SPECIAL if dtype.startswith(("float", "bfloat")) else np.array([0, 1, 3, 2])
    check_like_torch(TESTS[name], [array], dtype, name)


def test_value_tests_need_a_tensor():
    for lib in (torch, ember):
        for fn in (lib.isnan, lib.isinf, lib.isfinite):
            with pytest.raises(TypeError):
                fn(1.0)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_nan_to_num(dtype):
    for fn in (lambda lib, x: lib.nan_to_num(x), lambda lib, x: x.nan_to_num(nan=2.0),
               lambda lib, x: lib.nan_to_num(x, 0.5, 100.0, -100.0)):
        check_op(fn, arrays=[SPECIAL], dtype=dtype,
                 grad=dtype in ("float32", "float64"))


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_nan_to_num_integers_copy(dtype):
    check_like_torch(lambda lib, x: lib.nan_to_num(x), [np.array([1, 0, 2])], dtype)


def test_nan_to_num_gradcheck():
    inputs = [ember.tensor(np.array([0.3, np.nan, -1.2, np.inf]), requires_grad=True)]
    assert gradcheck(ember.nan_to_num, [ember.tensor([0.3, -1.2, 2.0], dtype=ember.float64,
                                                     requires_grad=True)])
    assert gradgradcheck(ember.nan_to_num, [ember.tensor([0.3, -1.2], dtype=ember.float64,
                                                         requires_grad=True)])
    ember.nan_to_num(inputs[0]).sum().backward()
    assert inputs[0].grad.tolist() == [1.0, 0.0, 1.0, 0.0]


# -- where ----------------------------------------------------------------------------------

WHERES = {
    "tensors": lambda lib, c, x, y: lib.where(c > 0, x, y),
    "scalar_other": lambda lib, c, x, y: lib.where(c > 0, x, 0.5),
    "scalar_input": lambda lib, c, x, y: lib.where(c > 0, -1, y),
    "method": lambda lib, c, x, y: x.where(c > 0, y),
    "same_tensor": lambda lib, c, x, y: lib.where(c > 0, x, x * 2),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(WHERES))
def test_where(name, dtype):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-1, 1, (3, 1)), rng.uniform(-2, 2, (4,)), rng.uniform(-2, 2, (3, 4))]
    check_op(WHERES[name], arrays=arrays, dtype=dtype, name=name)


@pytest.mark.parametrize("name", sorted(WHERES))
def test_where_gradcheck(name):
    rng = np.random.default_rng(1)
    arrays = [rng.uniform(-1, 1, (2, 1)), rng.uniform(-2, 2, (3,)), rng.uniform(-2, 2, (2, 3))]
    inputs = [ember.tensor(a, requires_grad=True) for a in arrays]
    fn = lambda c, x, y: WHERES[name](ember, c, x, y)  # noqa: E731
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@settings(max_examples=25, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3,
                                                 max_side=3))
def test_where_broadcasting(shapes):
    rng = np.random.default_rng(2)
    arrays = [rng.uniform(-1, 1, s) for s in shapes.input_shapes]
    check_op(WHERES["tensors"], arrays=arrays, dtype="float64")


@pytest.mark.parametrize("dtypes", [("float32", "int64"), ("int32", "int8"), ("bool", "uint8"),
                                    ("float16", "float64"), ("bfloat16", "int64")])
def test_where_promotes(dtypes):
    arrays = [np.array([1, 0, 1]), np.array([1, 2, 3]), np.array([4, 5, 6])]
    check_like_torch(lambda lib, c, x, y: lib.where(c.bool(), x, y), arrays,
                     ["bool", *dtypes])


def test_where_condition_must_be_bool():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="bool"):
            lib.where(lib.ones(2), lib.ones(2), lib.zeros(2))
        with pytest.warns(UserWarning, match="uint8"):
            result = lib.where(lib.tensor([1, 0], dtype=lib.uint8), 1.0, 0.0)
        assert result.tolist() == [1.0, 0.0]
        with pytest.raises(RuntimeError, match="size"):
            lib.where(lib.ones(2, dtype=lib.bool), lib.ones(3), 0.0)


def test_bad_inputs_raise_like_torch():
    cases = [
        lambda lib: lib.logical_and(lib.ones(2), 1.0),
        lambda lib: lib.bitwise_and(lib.ones(2), lib.ones(2)),
        lambda lib: ~lib.ones(2),
        lambda lib: lib.ones(2, dtype=lib.int64) << 1.5,
        lambda lib: lib.eq(lib.ones(2), lib.ones(3)),
        lambda lib: lib.eq(1, lib.ones(2)),
    ]
    for case in cases:
        try:
            case(torch)
        except Exception as error:  # noqa: BLE001
            with pytest.raises(type(error)):
                case(ember)
        else:
            pytest.fail("torch accepted a bad input")


def test_out_argument():
    a, b = ember.tensor([1.0, 2.0, 3.0]), ember.tensor([2.0, 2.0, 2.0])
    out = ember.zeros(3, dtype=ember.bool)
    assert ember.lt(a, b, out=out) is out and out.tolist() == [True, False, False]
    out = ember.zeros(3)  # a bool result may be written into a float tensor
    ember.ge(a, b, out=out)
    assert out.tolist() == [0.0, 1.0, 1.0]
    out = ember.zeros(3, dtype=ember.int64)
    ember.bitwise_or(ember.tensor([1, 2, 4]), 1, out=out)
    assert out.tolist() == [1, 3, 5]
    out = ember.zeros(3)
    ember.where(a > 1, a, b, out=out)
    assert out.tolist() == [2.0, 2.0, 3.0]
    out = ember.zeros(3, dtype=ember.bool)
    ember.logical_not(a > 1, out=out)
    assert out.tolist() == [True, False, False]


def test_isclose_allclose_equal():
    a = ember.tensor([1.0, 2.0, float("nan")])
    b = ember.tensor([1.0 + 1e-9, 2.1, float("nan")])
    assert ember.isclose(a, b).tolist() == [True, False, False]
    assert ember.isclose(a, b, equal_nan=True).tolist() == [True, False, True]
    assert not ember.allclose(a, b) and ember.allclose(a[:1], b[:1])
    assert ember.equal(a[:2], ember.tensor([1.0, 2.0])) and not ember.equal(a[:2], a[:1])


ISCLOSE_ERRORS = {
    "negative rtol": lambda lib: lib.isclose(lib.ones(2), lib.ones(2), rtol=-0.4),
    "negative atol": lambda lib: lib.isclose(lib.ones(2), lib.ones(2), atol=-0.4),
    "number other": lambda lib: lib.isclose(lib.ones(2), 1.0),
    "number input": lambda lib: lib.isclose(2, lib.ones(2)),
    "two numbers": lambda lib: lib.isclose(2, 3),
}


@pytest.mark.parametrize("case", sorted(ISCLOSE_ERRORS))
def test_isclose_bad_inputs_raise_like_torch(case):
    with pytest.raises(Exception) as expected:
        ISCLOSE_ERRORS[case](torch)
    with pytest.raises(expected.type):
        ISCLOSE_ERRORS[case](ember)


@pytest.mark.parametrize("dtype", ["int64", "float32", "int32"])
@pytest.mark.parametrize("invert", [False, True])
def test_isin(dtype, invert):
    check_op(lambda L, x, y: L.isin(x, y, invert=invert), shapes=[(3, 4), (5,)], dtype=dtype,
             low=-3, high=3)
    check_op(lambda L, x, y: L.isin(x, y, assume_unique=True, invert=invert),
             arrays=[np.array([1, 2, 3]), np.array([3, 0])], dtype=dtype)
    check_op(lambda L, x: L.isin(x, 2, invert=invert), shapes=[(2, 3)], dtype=dtype, low=0,
             high=3)
    check_op(lambda L, y: L.isin(2, y, invert=invert), shapes=[(4,)], dtype=dtype, low=0, high=3)


def test_isin_mixed_dtypes_nan_and_errors():
    check_op(lambda L: L.isin(L.tensor([1, 2, 3]), L.tensor([2.0, 5.0])), arrays=[])
    check_op(lambda L: L.isin(L.tensor([1.0, float("nan")]), L.tensor([float("nan")])),
             arrays=[])
    for lib in (ember, torch):
        with pytest.raises(TypeError):
            lib.isin(1, 2)
        with pytest.raises(RuntimeError, match="Bool"):
            lib.isin(lib.tensor([True]), lib.tensor([1]))
