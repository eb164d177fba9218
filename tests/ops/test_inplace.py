"""In-place ops (`add_`, `x += y` ...) against torch: values, dtype rules, versions and
autograd (leaves refuse, non-leaves get torch's gradients, saved tensors are protected)."""
import itertools

import numpy as np
import pytest
import torch
from oracle import assert_close, check_op

import ember

# method -> (input range, extra arguments built from lib and a second tensor)
INPLACE = {
    "add_": ((-2, 2), lambda lib, y: (y,)), "sub_": ((-2, 2), lambda lib, y: (y,)),
    "subtract_": ((-2, 2), lambda lib, y: (y,)), "mul_": ((-2, 2), lambda lib, y: (y,)),
    "multiply_": ((-2, 2), lambda lib, y: (2.5,)), "div_": ((-2, 2), lambda lib, y: (y,)),
    "divide_": ((-2, 2), lambda lib, y: (2,)), "true_divide_": ((-2, 2), lambda lib, y: (y,)),
    "floor_divide_": ((-2, 2), lambda lib, y: (y,)), "remainder_": ((-2, 2), lambda lib, y: (y,)),
    "fmod_": ((-2, 2), lambda lib, y: (y,)), "pow_": ((0.5, 2), lambda lib, y: (y,)),
    "neg_": ((-2, 2), lambda lib, y: ()), "negative_": ((-2, 2), lambda lib, y: ()),
    "abs_": ((-2, 2), lambda lib, y: ()), "absolute_": ((-2, 2), lambda lib, y: ()),
    "sign_": ((-2, 2), lambda lib, y: ()), "sgn_": ((-2, 2), lambda lib, y: ()),
    "exp_": ((-2, 2), lambda lib, y: ()), "exp2_": ((-2, 2), lambda lib, y: ()),
    "expm1_": ((-2, 2), lambda lib, y: ()), "log_": ((0.1, 2), lambda lib, y: ()),
    "log2_": ((0.1, 2), lambda lib, y: ()), "log10_": ((0.1, 2), lambda lib, y: ()),
    "log1p_": ((0.1, 2), lambda lib, y: ()), "sqrt_": ((0.1, 2), lambda lib, y: ()),
    "rsqrt_": ((0.1, 2), lambda lib, y: ()), "sin_": ((-2, 2), lambda lib, y: ()),
    "cos_": ((-2, 2), lambda lib, y: ()), "tan_": ((-1, 1), lambda lib, y: ()),
    "asin_": ((-0.9, 0.9), lambda lib, y: ()), "acos_": ((-0.9, 0.9), lambda lib, y: ()),
    "atan_": ((-2, 2), lambda lib, y: ()), "arcsin_": ((-0.9, 0.9), lambda lib, y: ()),
    "arccos_": ((-0.9, 0.9), lambda lib, y: ()), "arctan_": ((-2, 2), lambda lib, y: ()),
    "sinh_": ((-2, 2), lambda lib, y: ()), "cosh_": ((-2, 2), lambda lib, y: ()),
    "tanh_": ((-2, 2), lambda lib, y: ()), "asinh_": ((-2, 2), lambda lib, y: ()),
    "acosh_": ((1.1, 3), lambda lib, y: ()), "atanh_": ((-0.9, 0.9), lambda lib, y: ()),
    "arcsinh_": ((-2, 2), lambda lib, y: ()), "arccosh_": ((1.1, 3), lambda lib, y: ()),
    "arctanh_": ((-0.9, 0.9), lambda lib, y: ()), "sigmoid_": ((-2, 2), lambda lib, y: ()),
    "relu_": ((-2, 2), lambda lib, y: ()), "reciprocal_": ((0.5, 2), lambda lib, y: ()),
    "square_": ((-2, 2), lambda lib, y: ()), "floor_": ((-2, 2), lambda lib, y: ()),
    "ceil_": ((-2, 2), lambda lib, y: ()), "round_": ((-2, 2), lambda lib, y: ()),
    "trunc_": ((-2, 2), lambda lib, y: ()), "fix_": ((-2, 2), lambda lib, y: ()),
    "frac_": ((-2, 2), lambda lib, y: ()), "erf_": ((-2, 2), lambda lib, y: ()),
    "erfc_": ((-2, 2), lambda lib, y: ()), "erfinv_": ((-0.9, 0.9), lambda lib, y: ()),
    "clamp_": ((-2, 2), lambda lib, y: (-0.5, 0.5)), "clip_": ((-2, 2), lambda lib, y: (y,)),
    "clamp_min_": ((-2, 2), lambda lib, y: (0.1,)), "clamp_max_": ((-2, 2), lambda lib, y: (y,)),
    "lerp_": ((-2, 2), lambda lib, y: (y, 0.3)), "atan2_": ((-2, 2), lambda lib, y: (y,)),
    "arctan2_": ((-2, 2), lambda lib, y: (y,)), "hypot_": ((-2, 2), lambda lib, y: (y,)),
    "xlogy_": ((0.1, 2), lambda lib, y: (y,)),
    "addcmul_": ((-2, 2), lambda lib, y: (y, y)), "addcdiv_": ((-2, 2), lambda lib, y: (y, y)),
    "nan_to_num_": ((-2, 2), lambda lib, y: ()), "eq_": ((-2, 2), lambda lib, y: (y,)),
    "ne_": ((-2, 2), lambda lib, y: (y,)), "lt_": ((-2, 2), lambda lib, y: (y,)),
    "le_": ((-2, 2), lambda lib, y: (y,)), "gt_": ((-2, 2), lambda lib, y: (y,)),
    "ge_": ((-2, 2), lambda lib, y: (y,)), "logical_and_": ((-2, 2), lambda lib, y: (y,)),
    "logical_or_": ((-2, 2), lambda lib, y: (y,)), "logical_xor_": ((-2, 2), lambda lib, y: (y,)),
    "logical_not_": ((-2, 2), lambda lib, y: ()),
}
INTEGER_INPLACE = ["bitwise_and_", "bitwise_or_", "bitwise_xor_", "bitwise_not_",
                   "bitwise_left_shift_", "bitwise_right_shift_", "add_", "mul_", "sub_",
                   "floor_divide_", "remainder_", "abs_", "neg_", "clamp_", "square_", "sign_"]
# torch gives these no derivative (their backward raises; for sgn_ torch's zero gradient is
# a ZeroTensor the oracle can't read)
NO_BACKWARD = {"floor_divide_", "eq_", "ne_", "lt_", "le_", "gt_", "ge_", "logical_and_",
               "logical_or_", "logical_xor_", "logical_not_", "asinh_", "acosh_", "atanh_",
               "arcsinh_", "arccosh_", "arctanh_", "sgn_"}


def _arrays(low, high, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, (3, 4))
    y = rng.uniform(0.5, 1.5, (4,)) * rng.choice([-1.0, 1.0], (4,))
    return [x, np.abs(y) if low > 0 else y]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_matches_torch(name, dtype):
    """Outside the graph: the same values, written into the same tensor, version moved."""
    (low, high), extra = INPLACE[name]
    x_array, y_array = _arrays(low, high)
    results = {}
    for lib in (torch, ember):
        x = lib.tensor(x_array, dtype=getattr(lib, dtype))
        y = lib.tensor(y_array, dtype=getattr(lib, dtype))
        version = x._version if lib is torch else x._version[0]
        returned = getattr(x, name)(*extra(lib, y))
        assert returned is x, f"{name} must return the tensor itself"
        assert (x._version if lib is torch else x._version[0]) > version
        results[lib] = x
    assert_close(results[ember], results[torch], 1e-5, 1e-6, name)


@pytest.mark.parametrize("name", sorted(set(INPLACE) - NO_BACKWARD))
def test_inplace_on_a_non_leaf_gives_torchs_gradients(name):
    """In the graph: (x * 1).op_(...) differentiates like torch, through x and y."""
    (low, high), extra = INPLACE[name]

    def fn(lib, x, y):
        z = x * 1
        getattr(z, name)(*extra(lib, y))
        return z * y

    check_op(fn, arrays=_arrays(low, high), dtype="float64", name=name)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", INTEGER_INPLACE)
def test_inplace_on_integers(name, dtype):
    outcomes = {}
    for lib in (torch, ember):
        x = lib.tensor([1, 2, 3, 0], dtype=getattr(lib, dtype))
        y = lib.tensor([1, 3, 1, 2], dtype=getattr(lib, dtype))
        args = {"clamp_": (0, 2), "abs_": (), "neg_": (), "square_": (), "sign_": (),
                "bitwise_not_": ()}.get(name, (y,))
        try:
            getattr(x, name)(*args)
            outcomes[lib] = ("ok", x.tolist(), str(x.dtype).split(".")[-1])
        except Exception as error:  # noqa: BLE001 - the type is what we compare
            outcomes[lib] = (type(error).__name__,)
    assert outcomes[ember] == outcomes[torch], name


DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool"]


@pytest.mark.parametrize("op", ["add_", "mul_", "div_", "sub_"])
def test_inplace_dtype_rules_for_every_pair(op):
    """torch casts an in-place result back within a category (float64 into float32), and
    raises below it (float into int, int into bool)."""
    for a, b in itertools.product(DTYPES, DTYPES):
        for other in ("tensor", "0-dim", "number"):
            outcomes = {}
            for lib in (torch, ember):
                x = lib.ones(2, dtype=getattr(lib, a))
                y = {"tensor": lambda: lib.ones(2, dtype=getattr(lib, b)),
                     "0-dim": lambda: lib.ones((), dtype=getattr(lib, b)),
                     "number": lambda: {"bool": True, "float32": 1.5}.get(b, 2)}[other]()
                try:
                    getattr(x, op)(y)
                    outcomes[lib] = str(x.dtype).split(".")[-1]
                except Exception as error:  # noqa: BLE001
                    outcomes[lib] = type(error).__name__
            assert outcomes[ember] == outcomes[torch], f"{a}.{op}({other} {b})"


@pytest.mark.parametrize("case", ["int += float", "int.add_(1.5)", "bool += int",
                                  "int /= int", "int.mul_(float tensor)", "broadcast up",
                                  "float_power_ on float32", "bool.sub_"])
def test_inplace_errors(case):
    cases = {
        "int += float": lambda lib: lib.ones(2, dtype=lib.int64).__iadd__(0.5),
        "int.add_(1.5)": lambda lib: lib.ones(2, dtype=lib.int32).add_(1.5),
        "bool += int": lambda lib: lib.ones(2, dtype=lib.bool).__iadd__(1),
        "int /= int": lambda lib: lib.ones(2, dtype=lib.int64).__itruediv__(2),
        "int.mul_(float tensor)": lambda lib: lib.ones(2, dtype=lib.int64).mul_(lib.ones(2)),
        "broadcast up": lambda lib: lib.ones(3).add_(lib.ones(2, 3)),
        "float_power_ on float32": lambda lib: lib.ones(2).float_power_(2),
        "bool.sub_": lambda lib: lib.ones(2, dtype=lib.bool).sub_(lib.ones(2, dtype=lib.bool)),
    }
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            cases[case](lib)


def test_float_power_inplace_on_float64():
    for lib in (torch, ember):
        x = lib.tensor([2.0, 3.0], dtype=lib.float64)
        x.float_power_(2)
        assert x.tolist() == [4.0, 9.0]


OPERATORS = {
    "+=": lambda x, y: x.__iadd__(y), "-=": lambda x, y: x.__isub__(y),
    "*=": lambda x, y: x.__imul__(y), "/=": lambda x, y: x.__itruediv__(y),
    "//=": lambda x, y: x.__ifloordiv__(y), "%=": lambda x, y: x.__imod__(y),
    "**=": lambda x, y: x.__ipow__(y),
}


@pytest.mark.parametrize("op", sorted(OPERATORS))
@pytest.mark.parametrize("other", ["tensor", "number"])
def test_inplace_operators_keep_the_object(op, other):
    results = {}
    for lib in (torch, ember):
        x = lib.tensor([[1.5, 2.0, 3.0], [0.5, 4.0, 2.5]])
        y = lib.tensor([1.5, 2.0, 0.5]) if other == "tensor" else 1.5
        before = x
        x = OPERATORS[op](x, y)
        assert x is before
        results[lib] = x
    assert_close(results[ember], results[torch], 1e-6, 1e-7, op)


@pytest.mark.parametrize("op", ["&=", "|=", "^=", "<<=", ">>=", "+=", "%="])
def test_integer_inplace_operators(op):
    methods = {"&=": "__iand__", "|=": "__ior__", "^=": "__ixor__", "<<=": "__ilshift__",
               ">>=": "__irshift__", "+=": "__iadd__", "%=": "__imod__"}
    results = {}
    for lib in (torch, ember):
        x = lib.tensor([12, 5, 7])
        before = x
        x = getattr(x, methods[op])(lib.tensor([10, 1, 2]))
        assert x is before
        results[lib] = x.tolist()
    assert results[ember] == results[torch]


def test_python_operator_syntax():
    x = ember.tensor([1.0, 2.0])
    same = x
    x += 1
    x *= ember.tensor([2.0, 3.0])
    x -= 0.5
    x /= 2
    x **= 2
    assert x is same
    assert x.tolist() == [3.0625, 18.0625]


# -- autograd -----------------------------------------------------------------------------

def test_leaf_requiring_grad_refuses_inplace():
    for lib in (torch, ember):
        w = lib.ones(3, requires_grad=True)
        for fn in (lambda: w.add_(1), lambda: w.__imul__(2), lambda: w.clamp_(0, 1),
                   lambda: w.exp_()):
            with pytest.raises(RuntimeError, match="leaf Variable"):
                fn()


def test_leaf_may_change_in_place_under_no_grad():
    w = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        w.mul_(2).add_(1)
    assert w.tolist() == [3.0, 3.0, 3.0]
    assert w.requires_grad and w.grad_fn is None and w._version[0] == 2


def test_tensor_without_grad_joins_the_graph():
    for lib in (torch, ember):
        z = lib.zeros(3)
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        z.add_(w * w)
        assert z.requires_grad and z.grad_fn is not None
        z.sum().backward()
        assert w.grad.tolist() == [2.0, 4.0, 6.0]


def test_chained_inplace_gradients():
    def fn(lib, x, y):
        z = x * 1
        z.mul_(y).add_(x, alpha=2)
        z.clamp_(-1.5, 1.5)
        z.addcmul_(x, y, value=0.5)
        z.sigmoid_()  # saves its output: nothing may change z after it
        return z

    check_op(fn, shapes=[(3, 4), (4,)], dtype="float64")


@pytest.mark.parametrize("case", ["input saved", "output saved", "saved by exp_", "view"])
def test_modified_saved_tensor_makes_backward_raise(case):
    def run(lib):
        x = lib.tensor([0.5, 1.0, 1.5], requires_grad=True)
        if case == "input saved":
            y = x * 2
            z = y * y  # saves y
            y.add_(1)
        elif case == "output saved":
            y = x * 2
            z = y.exp()  # saves its output
            z.add_(1)
        elif case == "saved by exp_":
            z = x * 1
            z.exp_()  # saves its output, which z now holds
            z.mul_(2)
        else:
            y = x * 2
            z = y.tanh()
            z.detach().view(3).mul_(2)  # through a view sharing z's version counter
        z.sum().backward()

    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            run(lib)


def test_inplace_after_backward_is_fine_and_unsaved_inputs_may_change():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y + 1  # add saves nothing
    y.mul_(3)
    z.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_view_and_base_share_the_change_and_the_version():
    x = ember.arange(6.0)
    view = x.view(2, 3)
    view.add_(1)
    assert x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert x._version[0] == view._version[0] == 1
    x.mul_(2)
    assert view.tolist() == [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]]
    assert view._version[0] == 2


def test_inplace_through_views_in_the_graph():
    """An in-place change through a view of a non-leaf reaches the base's gradient."""
    def fn(lib, x, w):
        y = x * 1
        y.T.mul_(w.reshape(4, 1))
        y[0].exp_()
        return y * 2

    check_op(fn, shapes=[(3, 4), (4,)], dtype="float64")


def test_inplace_kwargs_and_scalars():
    for fn in (lambda lib, x, y: (x * 1).clamp_(min=-0.5),
               lambda lib, x, y: (x * 1).add_(y, alpha=-2),
               lambda lib, x, y: (x * 1).clamp_(max=y),
               lambda lib, x, y: (x * 1).addcmul_(y, y, value=0.5),
               lambda lib, x, y: (x * 1).lerp_(y, x.sigmoid()),
               lambda lib, x, y: (x * 1).round_(decimals=1)):
        check_op(fn, shapes=[(2, 3), (3,)], dtype="float64")
