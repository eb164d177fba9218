"""Type promotion against torch: promote_types, result_type and the dtypes ops return, for
every pair of the ten dtypes, as dimensioned tensors, 0-d tensors and Python scalars."""
import itertools

import pytest
import torch

import ember

DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool"]
KINDS = {"tensor": lambda lib, d: lib.ones(2, dtype=getattr(lib, d)),
         "0-dim": lambda lib, d: lib.ones((), dtype=getattr(lib, d))}
SCALARS = [3, 1.5, True]


def _name(dtype):
    return str(dtype).split(".")[-1]


def _outcome(fn, lib):
    """The result dtype's name, or the exception type's name."""
    try:
        result = fn(lib)
    except Exception as error:  # noqa: BLE001 - the type is what we compare
        return type(error).__name__
    return _name(result.dtype if hasattr(result, "dtype") else result)


def _binary_ops():
    return {
        "add": lambda lib, a, b: lib.add(a, b),
        "sub": lambda lib, a, b: a - b,
        "mul": lambda lib, a, b: a * b,
        "div": lambda lib, a, b: lib.div(a, b),
        "floor_divide": lambda lib, a, b: a // b,
        "eq": lambda lib, a, b: lib.eq(a, b),
        "lt": lambda lib, a, b: a < b,
        "where": lambda lib, a, b: lib.where(lib.ones((), dtype=lib.bool), a, b),
        "maximum": lambda lib, a, b: lib.maximum(a, b),
        "result_type": lambda lib, a, b: lib.result_type(a, b),
    }


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promote_types(a, b):
    expected = _name(torch.promote_types(getattr(torch, a), getattr(torch, b)))
    assert _name(ember.promote_types(getattr(ember, a), getattr(ember, b))) == expected


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_tensor_pairs(a, b):
    """Tensor and 0-d tensor operands, in all four combinations, for several ops."""
    for (kind_a, make_a), (kind_b, make_b) in itertools.product(KINDS.items(), repeat=2):
        for op_name, op in _binary_ops().items():
            def run(lib):
                return op(lib, make_a(lib, a), make_b(lib, b))
            expected, actual = _outcome(run, torch), _outcome(run, ember)
            assert actual == expected, (
                f"{op_name}({kind_a} {a}, {kind_b} {b}): ember {actual}, torch {expected}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
def test_tensor_with_python_scalar(dtype, scalar):
    """A Python scalar on either side of a tensor or 0-d tensor."""
    for kind, make in KINDS.items():
        for op_name, op in _binary_ops().items():
            for order in ("tensor first", "scalar first"):
                if order == "scalar first" and op_name in ("maximum", "result_type"):
                    continue  # torch takes a scalar only second there

                def run(lib):
                    tensor = make(lib, dtype)
                    return op(lib, tensor, scalar) if order == "tensor first" else op(
                        lib, scalar, tensor)
                expected, actual = _outcome(run, torch), _outcome(run, ember)
                assert actual == expected, (
                    f"{op_name} {order} ({kind} {dtype}, {scalar!r}): ember {actual}, "
                    f"torch {expected}")


@pytest.mark.parametrize("a,b", [(3, 1.5), (3, True), (1.5, True), (2, 4), (True, False)])
def test_result_type_of_two_scalars(a, b):
    assert _name(ember.result_type(a, b)) == _name(torch.result_type(a, b))


@pytest.mark.parametrize("a,b", [(3, 1.5), (1, 0), (True, False), (2.5, 1.5)])
def test_where_with_two_scalars(a, b):
    condition = [True, False]
    expected = torch.where(torch.tensor(condition), a, b)
    actual = ember.where(ember.tensor(condition), a, b)
    assert _name(actual.dtype) == _name(expected.dtype)
    assert actual.tolist() == expected.tolist()


def test_default_dtype_float64_decides_float_results():
    torch_default = torch.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for op in (lambda lib: lib.ones(2, dtype=lib.int32) + 1.5,
                   lambda lib: lib.ones(2, dtype=lib.int64) / lib.ones(2, dtype=lib.int64),
                   lambda lib: lib.ones(2, dtype=lib.float32) * 2.5,
                   lambda lib: lib.ones(2, dtype=lib.bool).exp(),
                   lambda lib: lib.result_type(1, 1.0)):
            assert _outcome(op, ember) == _outcome(op, torch)
    finally:
        torch.set_default_dtype(torch_default)


@pytest.mark.parametrize("value", [1000, -1, 300, -129])
@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_out_of_range_int_scalar_wraps_like_torch(dtype, value):
    for op in (lambda lib, t: t + value, lambda lib, t: t * value, lambda lib, t: t == value,
               lambda lib, t: t < value):
        expected = op(torch, torch.tensor([1, 5], dtype=getattr(torch, dtype)))
        actual = op(ember, ember.tensor([1, 5], dtype=getattr(ember, dtype)))
        assert _name(actual.dtype) == _name(expected.dtype)
        assert actual.tolist() == expected.tolist()


def test_int_scalar_too_large_for_int64_raises_overflow():
    for lib in (torch, ember):
        with pytest.raises(OverflowError):
            lib.ones(2, dtype=lib.int64) + 2 ** 64


def test_bfloat16_keeps_its_dtype_with_float_scalars():
    x = ember.tensor([1.0, 2.0], dtype=ember.bfloat16)
    for result in (x + 1.5, 1.5 * x, x / 3.0, x ** 2.0, x.clamp(0.5, 1.5), x.lerp(x, 0.25),
                   ember.where(x > 1, x, 0.5)):
        assert result.dtype == ember.bfloat16


@pytest.mark.parametrize("case", ["bool - bool", "bool - int", "int - True", "-bool",
                                  "True - tensor", "bool.sub(bool)"])
def test_bool_subtraction_and_negation_raise(case):
    fns = {
        "bool - bool": lambda lib: lib.tensor([True]) - lib.tensor([False]),
        "bool - int": lambda lib: lib.tensor([True]) - 1,
        "int - True": lambda lib: lib.tensor([1]) - True,
        "-bool": lambda lib: -lib.tensor([True]),
        "True - tensor": lambda lib: True - lib.tensor([1.0]),
        "bool.sub(bool)": lambda lib: lib.tensor([True]).sub(lib.tensor([True])),
    }
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="bool"):
            fns[case](lib)
