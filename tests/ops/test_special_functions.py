"""torch.special's Bessel and Airy functions, erfcx, zeta and orthogonal polynomials against
torch: values on a spread of inputs (negative, zero, large, NaN, inf) in float32 and float64,
integer, bool and half inputs, the polynomials' (x, n) forms, broadcasting and result dtypes,
gradients (float64 gradcheck) where torch has them, and torch's errors where it has none."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracle import assert_close, check_op

import ember
from ember.autograd import gradcheck, gradgradcheck

WITH_GRADIENT = ["erfcx", "i0e", "i1", "i1e"]
WITHOUT_GRADIENT = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
    "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0"]
UNARY = WITH_GRADIENT + WITHOUT_GRADIENT
POLYNOMIALS = [
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
    "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
    "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]

# values: float32 results near a function's zeros keep only absolute accuracy
TOLERANCE = {"float32": (1e-4, 1e-6), "float64": (1e-10, 1e-13)}

# the branch points of torch's kernels (2.09 and 8.32 for Ai, 5 for J/Y, 8 for I, 2 for K),
# float32's exp overflow (88.72), Ai's cut-off (103.892), and the far and non-finite values
EDGES = [-np.inf, -1e10, -700.0, -100.0, -30.0, -10.5, -5.0, -2.09, -2.0, -1.0, -0.5, -1e-8,
         -0.0, 0.0, 1e-30, 1e-8, 0.3, 0.5, 1.0, 2.0, 2.08, 2.09, 3.7, 5.0, 5.01, 7.9, 8.0, 8.1,
         8.32, 8.33, 10.0, 20.0, 50.0, 88.5, 88.8, 89.0, 100.0, 103.8, 103.9, 500.0, 710.0,
         1e4, 1e10, 1e30, np.inf, np.nan]
RANDOM = np.random.default_rng(0).uniform(-30.0, 30.0, 300)


def _pair(array, dtype, requires_grad=False):
    return (ember.tensor(array, dtype=getattr(ember, dtype), requires_grad=requires_grad),
            torch.tensor(array, dtype=getattr(torch, dtype), requires_grad=requires_grad))


def _assert_matches(ember_value, torch_value, dtype, what):
    rtol, atol = TOLERANCE[dtype]
    assert_close(ember_value, torch_value, rtol, atol, what)


# -- one-argument functions -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_values(name, dtype):
    values = np.concatenate([EDGES, RANDOM])
    ours, theirs = _pair(values, dtype)
    _assert_matches(getattr(ember.special, name)(ours), getattr(torch.special, name)(theirs),
                    dtype, f"{name} {dtype}")


@pytest.mark.parametrize("name", UNARY)
def test_unary_integer_bool_and_0d_inputs(name):
    for array, dtype in (([-3, -1, 0, 1, 2, 9], "int64"), ([True, False], "bool"),
                         (1.5, "float64")):
        ours, theirs = _pair(array, dtype)
        _assert_matches(getattr(ember.special, name)(ours), getattr(torch.special, name)(theirs),
                        "float32" if dtype != "float64" else dtype, f"{name} {dtype}")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_half_types(name, dtype):
    ours, theirs = _pair([0.5, 1.0, 3.0], dtype)
    if name in ("i0e", "i1", "i1e"):  # torch computes these in float32 and rounds
        assert_close(getattr(ember.special, name)(ours), getattr(torch.special, name)(theirs),
                     1e-2, 1e-2, f"{name} {dtype}")
        return
    with pytest.raises(NotImplementedError):
        getattr(torch.special, name)(theirs)
    with pytest.raises(NotImplementedError, match=f"{name}_cpu"):
        getattr(ember.special, name)(ours)


@pytest.mark.parametrize("name", ["bessel_j0", "i1", "airy_ai"])
def test_unary_out_and_argument_errors(name):
    out = ember.empty(3, dtype=ember.float64)
    ours, theirs = _pair([0.5, 1.0, 3.0], "float64")
    result = getattr(ember.special, name)(ours, out=out)
    assert result is out
    _assert_matches(out, getattr(torch.special, name)(theirs), "float64", name)
    with pytest.raises(TypeError):
        getattr(torch.special, name)(1.0)
    with pytest.raises(TypeError):
        getattr(ember.special, name)(1.0)


@pytest.mark.parametrize("name", WITH_GRADIENT)
def test_gradients_match_torch(name):
    check_op(lambda lib, t: getattr(lib.special, name)(t), arrays=[np.concatenate(
        [[-4.0, -0.5, 0.0, 0.25, 9.0], RANDOM[:20] / 3])], dtype="float64", name=name)
    x = ember.tensor([-2.3, -0.4, 0.6, 1.7, 8.5], dtype=ember.float64, requires_grad=True)
    assert gradcheck(getattr(ember.special, name), [x])
    assert gradgradcheck(getattr(ember.special, name), [x])


@pytest.mark.parametrize("name", WITH_GRADIENT)
def test_gradient_node_names(name):
    ours, theirs = _pair([0.5], "float64", requires_grad=True)
    assert getattr(ember.special, name)(ours).grad_fn.name() == \
        getattr(torch.special, name)(theirs).grad_fn.name()


@pytest.mark.parametrize("name", ["i1", "i1e"])
def test_slope_at_zero_is_one_half(name):
    ours, theirs = _pair([0.0, 1e-20, -1e-20], "float64", requires_grad=True)
    getattr(ember.special, name)(ours).sum().backward()
    getattr(torch.special, name)(theirs).sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    np.testing.assert_array_equal(ours.grad.numpy(), [0.5, 0.5, 0.5])


@pytest.mark.parametrize("name", WITHOUT_GRADIENT)
def test_no_gradient_as_torch(name):
    ours, theirs = _pair([0.5, 1.5], "float64", requires_grad=True)
    result, expected = getattr(ember.special, name)(ours), getattr(torch.special, name)(theirs)
    assert not expected.requires_grad
    assert not result.requires_grad and result.grad_fn is None
    with pytest.raises(RuntimeError):
        expected.sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        result.sum().backward()


# -- zeta ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_zeta_values(dtype):
    x = [-np.inf, -2.0, -1.5, 0.0, 0.5, 1.0, 1.0000001, 1.5, 2.0, 3.0, 10.0, 50.0, np.inf, np.nan]
    q = [-np.inf, -3.0, -2.5, -1.0, 0.0, 1e-8, 0.5, 1.0, 2.0, 10.0, 1e5, np.inf, np.nan]
    grid_x, grid_q = np.meshgrid(x, q)
    ours_x, theirs_x = _pair(grid_x, dtype)
    ours_q, theirs_q = _pair(grid_q, dtype)
    _assert_matches(ember.special.zeta(ours_x, ours_q), torch.special.zeta(theirs_x, theirs_q),
                    dtype, f"zeta {dtype}")


def test_zeta_forms_and_dtypes():
    cases = [(([2, 3], "int64"), ([1, 2], "int64")), (([2.0, 3.0], "float32"), 2),
             (2.5, ([1.0, 2.0], "float64")), (([2.0, 4.0], "float32"), ([[1.0], [3.0]], "float64")),
             ((3.0, "float64"), ([1.0, 2.0], "float32"))]
    for input, other in cases:
        ours = [ember.tensor(v[0], dtype=getattr(ember, v[1])) if isinstance(v, tuple) else v
                for v in (input, other)]
        theirs = [torch.tensor(v[0], dtype=getattr(torch, v[1])) if isinstance(v, tuple) else v
                  for v in (input, other)]
        assert_close(ember.special.zeta(*ours), torch.special.zeta(*theirs), 1e-6, 1e-8,
                     f"zeta{input, other}")
    with pytest.raises(TypeError):
        ember.special.zeta(2.0, 1.0)
    with pytest.raises(NotImplementedError):
        ember.special.zeta(ember.tensor([2.0], dtype=ember.float16), 1.0)
    out = ember.empty(2)
    ember.special.zeta(ember.tensor([2.0, 3.0]), 1.0, out=out)
    np.testing.assert_allclose(out.numpy(), [np.pi ** 2 / 6, 1.2020569], rtol=1e-6)


def test_zeta_gradient_in_q():
    q_values = [0.3, 1.5, 4.0]
    check_op(lambda lib, q: lib.special.zeta(lib.tensor([2.0, 3.5, 1.2], dtype=lib.float64), q),
             arrays=[np.array(q_values)], dtype="float64", name="zeta grad q")
    check_op(lambda lib, q: lib.special.zeta(2.5, q), arrays=[np.array(q_values)],
             dtype="float64", name="zeta(number, q)")
    x = ember.tensor([2.0, 3.5, 1.2], dtype=ember.float64)
    q = ember.tensor(q_values, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda q: ember.special.zeta(x, q), [q])
    assert gradgradcheck(lambda q: ember.special.zeta(x, q), [q])


@pytest.mark.parametrize("form", ["tensors", "number q", "number x"])
def test_zeta_gradient_in_x_is_not_implemented(form):
    results = []
    for lib in (ember, torch):
        x = lib.tensor([2.0, 3.0], dtype=lib.float64, requires_grad=form != "number x")
        q = lib.tensor([1.5, 2.0], dtype=lib.float64, requires_grad=form != "number q")
        result = lib.special.zeta(2.0 if form == "number x" else x,
                                  1.5 if form == "number q" else q)
        results.append(result)
    assert results[0].grad_fn.name() == results[1].grad_fn.name()
    for result in results:
        if form == "number x":
            result.sum().backward()  # the gradient in q exists
        else:
            with pytest.raises(NotImplementedError, match="derivative for 'zeta'"):
                result.sum().backward()


# -- orthogonal polynomials ------------------------------------------------------------------

POLYNOMIAL_X = [-np.inf, -3.0, -1.5, -1.0, -0.99999994, -0.9, -0.5, -1e-8, -0.0, 0.0, 1e-20,
                0.2, 0.5, 0.7, 0.99, 0.99999994, 1.0, 1.0000001, 1.5, 2.0, 10.0, np.inf]
POLYNOMIAL_N = [-np.inf, -2.0, -1.0, -0.5, 0.0, 0.7, 1.0, 1.9, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0,
                8.0, 9.0, 13.0, 50.0, 127.0, 128.0, 129.0, 511.0, 512.0, 513.0, 3000.0, 1e30,
                np.inf, np.nan]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_values(name, dtype):
    grid_x, grid_n = np.meshgrid(POLYNOMIAL_X, POLYNOMIAL_N)
    ours_x, theirs_x = _pair(grid_x, dtype)
    ours_n, theirs_n = _pair(grid_n, dtype)
    # float64 is evaluated without torch's fused multiply-adds: rounding differences grow
    # through the long recurrences near the polynomials' zeros
    rtol, atol = (1e-4, 1e-6) if dtype == "float32" else (1e-8, 1e-10)
    assert_close(getattr(ember.special, name)(ours_x, ours_n),
                 getattr(torch.special, name)(theirs_x, theirs_n), rtol, atol, f"{name} {dtype}")


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_nan_input(name):
    # torch's recurrences leave their result uninitialized for NaN x and n >= 2 in all but
    # T and the Hermite polynomials; below that, and for those, NaN x gives NaN
    defined = name in ("chebyshev_polynomial_t", "hermite_polynomial_h", "hermite_polynomial_he")
    degrees = [0, 1, 2, 7, 50] if defined else [0, 1]
    for n in degrees:
        ours = getattr(ember.special, name)(ember.tensor([np.nan]), n)
        theirs = getattr(torch.special, name)(torch.tensor([np.nan]), n)
        assert_close(ours, theirs, 0, 0, f"{name}(nan, {n})")


@pytest.mark.parametrize("name", ["chebyshev_polynomial_t", "hermite_polynomial_h",
                                  "legendre_polynomial_p", "shifted_chebyshev_polynomial_w"])
def test_polynomial_forms_and_dtypes(name):
    cases = [(([1, 2, -3], "int64"), 3), (([1, 2], "int64"), ([2, 3], "int64")),
             (([0.5], "float32"), ([3.0], "float64")), (([0.5, 0.25], "float32"), 3.5),
             (0.5, ([3, 4], "int64")), (0.5, ([3.0, 4.0], "float64")),
             ((0.5, "float64"), ([3.0, 4.0], "float32")), (([True, False], "bool"), 3),
             (([0.5], "float32"), ([True], "bool")),
             (([[0.5], [0.2]], "float32"), ([1, 2, 3], "int64"))]
    for x, n in cases:
        ours = [ember.tensor(v[0], dtype=getattr(ember, v[1])) if isinstance(v, tuple) else v
                for v in (x, n)]
        theirs = [torch.tensor(v[0], dtype=getattr(torch, v[1])) if isinstance(v, tuple) else v
                  for v in (x, n)]
        assert_close(getattr(ember.special, name)(*ours), getattr(torch.special, name)(*theirs),
                     1e-6, 1e-6, f"{name}{x, n}")
    assert_close(getattr(ember.special, name)(x=ember.tensor([0.3]), n=4),
                 getattr(torch.special, name)(x=torch.tensor([0.3]), n=4), 1e-6, 1e-6, name)


@pytest.mark.parametrize("name", ["chebyshev_polynomial_u", "laguerre_polynomial_l"])
def test_polynomial_errors(name):
    function = getattr(ember.special, name)
    with pytest.raises(TypeError):
        getattr(torch.special, name)(0.5, 3)
    with pytest.raises(TypeError):
        function(0.5, 3)
    for dtype in ("float16", "bfloat16"):
        with pytest.raises(NotImplementedError):
            getattr(torch.special, name)(torch.tensor([0.5], dtype=getattr(torch, dtype)), 3)
        with pytest.raises(NotImplementedError, match=f"{name}_cpu"):
            function(ember.tensor([0.5], dtype=getattr(ember, dtype)), 3)
    with pytest.raises(RuntimeError):
        function(ember.tensor([0.5, 0.2]), ember.tensor([1, 2, 3]))


@pytest.mark.parametrize("name", ["chebyshev_polynomial_v", "hermite_polynomial_he"])
def test_polynomial_out_and_no_gradient(name):
    out = ember.empty(2)
    x = ember.tensor([0.3, 1.7], requires_grad=True)
    with ember.no_grad():
        assert getattr(ember.special, name)(x, 5, out=out) is out
    expected = getattr(torch.special, name)(torch.tensor([0.3, 1.7]), 5)
    assert_close(out, expected, 1e-6, 1e-6, name)
    for lib, t in ((ember, x), (torch, torch.tensor([0.3, 1.7], requires_grad=True))):
        result = getattr(lib.special, name)(t, lib.tensor([2.0, 5.0], requires_grad=True))
        assert not result.requires_grad
        with pytest.raises(RuntimeError):
            result.sum().backward()


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(POLYNOMIALS),
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 max_side=4),
       dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2 ** 16))
def test_polynomial_broadcasting_random(name, shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, shapes.input_shapes[0])
    n = rng.integers(-1, 40, shapes.input_shapes[1]).astype(np.float64)
    ours_x, theirs_x = _pair(x, dtype)
    ours_n, theirs_n = _pair(n, dtype)
    result = getattr(ember.special, name)(ours_x, ours_n)
    assert tuple(result.shape) == shapes.result_shape
    rtol, atol = (1e-4, 1e-5) if dtype == "float32" else (1e-9, 1e-11)
    assert_close(result, getattr(torch.special, name)(theirs_x, theirs_n), rtol, atol,
                 f"{name} {shapes} {dtype}")


@pytest.mark.parametrize("name", ["i0", "special.i0", "special.i1", "special.modified_bessel_i1"])
def test_float32_overflow_past_e_to_the_88_as_torch(name):
    # torch's float32 kernels multiply by e**|x|, which overflows past |x| = 88.72; scipy's
    # float64 value would still fit a float32 up to |x| = 91.9.
    values = [88.0, 89.0, 90.5, -91.5]
    results = []
    for lib in (torch, ember):
        fn = lib
        for part in name.split("."):
            fn = getattr(fn, part)
        results.append(fn(lib.tensor(values)).numpy())
    np.testing.assert_array_equal(np.isinf(results[1]), np.isinf(results[0]))
    assert np.isinf(results[1]).sum() == 3
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6)


def test_i0_gradient_is_i1():
    x = ember.tensor([-2.0, 0.0, 0.5, 3.0], dtype=ember.float64, requires_grad=True)
    assert gradcheck(ember.i0, [x])
    assert gradgradcheck(ember.i0, [x])
    (grad,) = ember.autograd.grad(ember.i0(x).sum(), x)
    np.testing.assert_allclose(grad.numpy(), ember.special.i1(x).detach().numpy(), rtol=1e-12)
