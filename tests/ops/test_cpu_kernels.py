"""The compiled CPU kernels (ember/backend/_cpu_kernels.pyx): their accuracy against float64
over the whole float32 range, their bits against NumPy's formulas, what they decline, and
the ops that run them."""
import contextlib
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import ember

kernels = pytest.importorskip(
    "ember.backend._cpu_kernels", reason="built without a C compiler: NumPy's loops run")


@contextlib.contextmanager
def _kernel_off(name, off=True):
    """Inside, the ops run without the compiled kernel `name` (when off): its array code."""
    from ember.backend import FUSED
    kernel = FUSED[np].pop(name)
    if not off:
        FUSED[np][name] = kernel
    try:
        yield
    finally:
        FUSED[np][name] = kernel


def _optimizer_trajectory(optimizer, kernel, use_kernel, dtype=np.float32, **options):
    """A parameter and its state arrays (moments, momentum buffer) after five steps of
    gradients spanning 1e-6..1e2, with or without the optimizer's compiled kernel."""
    with _kernel_off(kernel, not use_kernel):
        rng = np.random.default_rng(1)
        p = ember.nn.Parameter(ember.tensor(rng.standard_normal((50, 37)).astype(dtype)))
        opt = getattr(ember.optim, optimizer)([p], lr=0.01, **options)
        for _ in range(5):
            scale = 10.0 ** rng.integers(-6, 3)
            p.grad = ember.tensor((rng.standard_normal(p.shape) * scale).astype(dtype))
            opt.step()
        return [p.detach().numpy()] + [value.numpy() for value in opt.state[p].values()
                                       if tuple(value.shape) == tuple(p.shape)]

F32 = np.float32


def _every_float32(step=4099):
    """One float32 bit pattern in every `step`: both signs, subnormals, infinities, NaNs."""
    return np.arange(0, 2 ** 32, step, dtype=np.uint64).astype(np.uint32).view(F32)


def _ulps(got, exact):
    """|got - exact| in units of the last place of exact rounded to float32."""
    nearest = exact.astype(F32)
    spacing = np.spacing(np.abs(nearest)).astype(np.float64)
    return np.abs(got.astype(np.float64) - exact) / spacing


def _sigmoid64(x):
    return 1 / (1 + np.exp(-x.astype(np.float64)))


@pytest.mark.parametrize("name, exact, max_ulps", [
    ("exp", lambda x: np.exp(x.astype(np.float64)), 1.0),
    ("tanh", lambda x: np.tanh(x.astype(np.float64)), 1.5),
    ("sigmoid", _sigmoid64, 2.0),
])
def test_within_a_few_ulps_of_the_exact_result_over_all_float32(name, exact, max_ulps):
    x = _every_float32()
    with np.errstate(over="ignore"):
        want = exact(x)
        got = getattr(kernels, name)(x)
        numpy_f32 = {"exp": np.exp, "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}
        ours_or_numpy = numpy_f32[name](x)
    # Where float32 arithmetic must differ from the exact value, the kernel gives what
    # NumPy's float32 gives: NaN for NaN, the infinities and overflow, and sigmoid's 0 below
    # -88.7 (e**-x overflows there, in torch's float32 formula too).
    inexact = ~np.isfinite(want.astype(F32)) | np.isnan(x)
    if name == "sigmoid":
        inexact |= x < -88.7
    assert _ulps(got[~inexact], want[~inexact]).max() <= max_ulps
    np.testing.assert_array_equal(got[inexact], ours_or_numpy[inexact])


def test_exp_rounds_subnormal_results_once():
    x = np.array([-87.5, -95.0, -100.0, -103.2, -103.9, -104.0, -200.0], F32)
    np.testing.assert_array_equal(kernels.exp(x), np.exp(x.astype(np.float64)).astype(F32))


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(F32, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=9),
                  elements=st.floats(-30, 30, width=32)),
       st.sampled_from(["tanh_grad", "sigmoid_grad"]))
def test_gradient_kernels_round_as_torchs(y, name):
    g = np.linspace(-2, 2, y.size, dtype=F32).reshape(y.shape)
    formula = {"tanh_grad": lambda g, y: g * (1 - y * y),
               "sigmoid_grad": lambda g, y: g * (1 - y) * y}[name]
    got = getattr(kernels, name)(g, y)
    assert got.shape == y.shape and got.dtype == F32
    np.testing.assert_array_equal(got, formula(g, y))
    theirs = {"tanh_grad": torch.ops.aten.tanh_backward,
              "sigmoid_grad": torch.ops.aten.sigmoid_backward}[name]
    # torch's scalar loop (a 0-d input, a short tail) fuses 1 - y * y into one multiply-add:
    # an ulp of 1 apart there, times |g| <= 2
    np.testing.assert_allclose(
        got, theirs(torch.from_numpy(g), torch.from_numpy(y)).numpy(), rtol=2.4e-7, atol=2.4e-7)


def test_relu_and_its_gradient_give_torchs_bits_on_every_float32():
    x = _every_float32()
    np.testing.assert_array_equal(kernels.relu(x).view(np.uint32),
                                  torch.relu(torch.from_numpy(x)).numpy().view(np.uint32))
    y = np.roll(x, 12345)  # outputs of every sign, zeros, infinities and NaN against them
    theirs = torch.ops.aten.threshold_backward(torch.from_numpy(x), torch.from_numpy(y), 0)
    np.testing.assert_array_equal(kernels.relu_grad(x, y).view(np.uint32),
                                  theirs.numpy().view(np.uint32))


@pytest.mark.parametrize("dtype", ["float32", "float64"])  # the kernel, NumPy's loops
def test_nn_relu_keeps_minus_zero_and_masks_inf_gradients_as_torch(dtype):
    x = np.array([-0.0, 0.0, -2.0, 3.0, np.nan, -np.inf, np.inf], dtype)
    g = np.array([np.inf, np.nan, np.inf, 1.5, 2.0, np.nan, -1.0], dtype)
    results = []
    for lib in (ember, torch):
        inp = lib.tensor(x, requires_grad=True)
        out = lib.nn.ReLU()(inp)
        out.backward(lib.tensor(g))
        results.append((out.detach().numpy(), inp.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def test_large_arrays_run_without_the_gil_and_match_small_ones():
    x = np.linspace(-20, 20, 1 << 16, dtype=F32)
    whole = kernels.tanh(x)
    pieces = np.concatenate([kernels.tanh(piece) for piece in np.split(x, 64)])
    np.testing.assert_array_equal(whole, pieces)


@pytest.mark.parametrize("value", [
    np.ones(4, np.float64), np.ones(4, np.float16), np.ones((4, 4), F32)[:, ::2],
    np.ones((4, 4), F32).T, np.ma.ones(4, F32), [1.0, 2.0], 1.0,
])
def test_declines_what_it_does_not_cover(value):
    assert kernels.exp(value) is None
    assert kernels.sigmoid_grad(value, value) is None


def test_gradient_kernels_decline_broadcasting_shapes():
    assert kernels.tanh_grad(np.ones((2, 3), F32), np.ones(3, F32)) is None
    assert kernels.tanh_grad(np.ones((2, 3), F32), np.ones((3, 2), F32)) is None


@pytest.mark.parametrize("op", ["exp", "tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("layout", ["contiguous", "strided", "float64", "zero-d"])
def test_ops_agree_with_torch_through_kernel_and_numpy_paths(op, layout):
    base = np.linspace(-9, 9, 48, dtype=F32).reshape(6, 8)
    values = {"contiguous": base, "strided": base[:, ::3], "float64": base.astype(np.float64),
              "zero-d": np.array(0.75, F32)}[layout]
    x, tx = ember.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    y, ty = getattr(x, op)(), getattr(tx, op)()
    y.backward(ember.ones_like(y) * 0.5)
    ty.backward(torch.ones_like(ty) * 0.5)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=3e-7, atol=0)
    # tanh's 1 - y**2 cancels where y is near 1: an ulp of y moves it by 1.2e-7 there
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1.2e-7)



@pytest.mark.parametrize("m, n", [(128, 256), (3, 5), (1000, 33), (0, 4)])
def test_add_rows_gives_numpys_bits_and_declines_what_it_does_not_cover(m, n):
    rng = np.random.default_rng(0)
    out, v = rng.standard_normal((m, n)).astype(F32), rng.standard_normal(n).astype(F32)
    want = out + v
    assert kernels.add_rows(out, v) is out
    np.testing.assert_array_equal(out, want)
    assert kernels.add_rows(out, v[:-1]) is None
    assert kernels.add_rows(out, v.astype(np.float64)) is None
    assert kernels.add_rows(out[None], v) is None
    if m > 1 and n > 1:  # not C-contiguous
        assert kernels.add_rows(out.T, rng.standard_normal(m).astype(F32)) is None


def test_linear_takes_the_bias_kernel_and_agrees_with_torch():
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(shape).astype(F32) for shape in [(64, 30), (20, 30), (20,)])
    got = ember.nn.functional.linear(ember.tensor(x), ember.tensor(w), ember.tensor(b))
    want = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got.numpy(), x @ w.T + b)

# -- batch norm ---------------------------------------------------------------------------

def _planes(n, c, s, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c, s)) * 3 + 2).astype(F32)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 37), st.data())
def test_batch_norm_statistics_of_a_channel_range(n, c, s, data):
    x = _planes(n, c, s)
    c0 = data.draw(st.integers(0, c))
    c1 = data.draw(st.integers(c0, c))
    mean, var = np.full((2, c), -7.0, F32)
    assert kernels.batch_norm_stats(x, c0, c1, mean, var) is True
    wide = x.astype(np.float64)[:, c0:c1]
    np.testing.assert_allclose(mean[c0:c1], wide.mean((0, 2)), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(var[c0:c1], wide.var((0, 2)), rtol=1e-6, atol=1e-6)
    untouched = np.r_[0:c0, c1:c]
    assert (mean[untouched] == -7).all() and (var[untouched] == -7).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 37))
def test_batch_norm_passes_round_as_their_numpy_formulas(n, c, s):
    x, g = _planes(n, c, s), _planes(n, c, s, seed=1)
    rng = np.random.default_rng(2)
    mean, k, grad_mean, scale = rng.standard_normal((4, c)).astype(F32)
    out = np.empty_like(x)
    assert kernels.batch_norm_affine(x, out, 0, c, k, grad_mean) is True
    np.testing.assert_array_equal(out, x * k[:, None] + grad_mean[:, None])
    assert kernels.batch_norm_grad_input(g, x, out, 0, c, mean, k, grad_mean, scale) is True
    want = (g - grad_mean[:, None] - (x - mean[:, None]) * k[:, None]) * scale[:, None]
    np.testing.assert_array_equal(out, want)
    sum_g, dot = np.empty((2, c), F32)
    assert kernels.batch_norm_grad_sums(g, x, 0, c, mean, sum_g, dot) is True
    wide_g = g.astype(np.float64)
    np.testing.assert_allclose(sum_g, wide_g.sum((0, 2)), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(
        dot, (wide_g * (x - mean[:, None].astype(np.float64))).sum((0, 2)), rtol=1e-6, atol=1e-5)


def test_batch_norm_kernels_decline_what_they_do_not_cover():
    x = _planes(2, 3, 4)
    vector = np.zeros(3, F32)
    assert kernels.batch_norm_stats(x.astype(np.float64), 0, 3, vector, vector) is None
    assert kernels.batch_norm_stats(x[:, :, ::2], 0, 3, vector, vector) is None
    assert kernels.batch_norm_stats(x.reshape(6, 4), 0, 3, vector, vector) is None
    assert kernels.batch_norm_stats(x, 0, 3, np.zeros(2, F32), vector) is None
    assert kernels.batch_norm_stats(x, 0, 4, vector, vector) is None
    assert kernels.batch_norm_affine(x, np.empty((2, 3, 5), F32), 0, 3, vector, vector) is None
    assert kernels.batch_norm_grad_sums(x[:1], x, 0, 3, vector, vector, vector) is None


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])  # compiled passes, NumPy's
def test_batch_norm_agrees_with_torch_through_both_paths(training, dtype):
    x = _planes(6, 5, 49).reshape(6, 5, 7, 7).astype(dtype)
    g = _planes(6, 5, 49, seed=3).reshape(x.shape).astype(dtype)
    results = []
    for lib in (ember, torch):
        bn = lib.nn.BatchNorm2d(5).to(getattr(lib, dtype))
        with lib.no_grad():
            bn.weight.copy_(lib.linspace(0.5, 2, 5))
            bn.bias.copy_(lib.linspace(-1, 1, 5))
            bn.running_mean.fill_(1.5)
            bn.running_var.fill_(4.0)
        bn.train(training)
        inp = lib.tensor(x, requires_grad=True)
        out = bn(inp)
        out.backward(lib.tensor(g))
        results.append([t.detach().numpy() for t in (out, inp.grad, bn.weight.grad,
                                                     bn.bias.grad, bn.running_mean,
                                                     bn.running_var)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-5)


# -- the direct convolution: NOTE [ Direct convolution ] in ember/ops/conv.py ---------------

@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 9), st.integers(1, 5),
       st.integers(1, 5), st.integers(1, 23), st.integers(1, 37), st.integers(0, 2),
       st.booleans(), st.booleans())
def test_direct_conv_matches_torch(n, c, o, kh, kw, h, w, pad, bias, contiguous):
    """Every shape the direct kernels take (at most 27 taps): forward, and the weight and
    bias gradients, against torch; odd widths leave partial vector blocks."""
    if c * kh * kw > 27 or h + 2 * pad < kh or w + 2 * pad < kw:
        return
    rng = np.random.default_rng(n * 1000 + c * 100 + o * 10 + kh + kw)
    x = rng.standard_normal((n, c, h, w if contiguous else 2 * w)).astype(F32)
    wt = rng.standard_normal((o, c, kh, kw)).astype(F32)
    b = rng.standard_normal(o).astype(F32) if bias else None
    results = []
    for lib in (ember, torch):
        weight = lib.tensor(wt, requires_grad=True)
        bt = None if b is None else lib.tensor(b, requires_grad=True)
        xt = lib.tensor(x) if contiguous else lib.tensor(x)[..., ::2]  # a strided view
        y = lib.nn.functional.conv2d(xt, weight, bt, padding=pad)
        (y * y).sum().backward()
        results.append([y.detach().numpy(), weight.grad.numpy()]
                       + ([] if b is None else [bt.grad.numpy()]))
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3)


def test_the_cnns_first_layer_takes_the_direct_kernels_and_agrees_with_im2col():
    """The cnn's first layer runs the kernels (not im2col) and agrees with the im2col path."""
    from ember.ops import conv
    if ember.backend.fused(np, "direct_conv2d") is None:
        pytest.skip("EMBER_PURE_PYTHON=1: the kernels are not offered to the ops")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3, 32, 32)).astype(F32)
    w = rng.standard_normal((32, 3, 3, 3)).astype(F32)
    b = rng.standard_normal(32).astype(F32)
    geometry = conv.Geometry((1, 1), (1, 1), (1, 1), (1, 1), 1)
    assert conv._use_direct(np, x, (3, 3), geometry)
    direct = conv._conv_forward_direct(np, x, w, b, geometry, (32, 32))
    g = rng.standard_normal(direct.shape).astype(F32)
    direct_w = conv._conv_weight_grad_direct(np, x, g, geometry, (3, 3))
    limit = conv._DIRECT_MAX_TAPS
    conv._DIRECT_MAX_TAPS = 0  # the im2col paths
    try:
        assert not conv._use_direct(np, x, (3, 3), geometry)
        plain, _ = conv._conv_forward(np, x, w, b, geometry)
        plain_w = conv._conv_weight_grad(np, x, g, geometry, (3, 3))
    finally:
        conv._DIRECT_MAX_TAPS = limit
    np.testing.assert_allclose(direct, plain, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(direct_w, plain_w, rtol=1e-4, atol=1e-3)


def test_direct_weight_gradient_reads_nothing_past_the_windows():
    """An inf in the input's last column meets only the windows that reach it: the taps that
    never read it stay finite (no 0 * inf from the vector lanes past the row's end)."""
    x = np.zeros((1, 1, 4, 10), F32)
    x[0, 0, :, 9] = np.inf
    g = np.ones((1, 1, 2, 8), F32)
    results = []
    for lib in (ember, torch):
        weight = lib.zeros(1, 1, 3, 3, requires_grad=True)
        lib.nn.functional.conv2d(lib.tensor(x), weight).backward(lib.tensor(g))
        results.append(weight.grad.numpy())
    np.testing.assert_array_equal(*results)
    assert np.isfinite(results[0][..., :2]).all() and np.isinf(results[0][..., 2]).all()


def test_direct_kernels_decline_what_they_do_not_cover():
    x = np.zeros((2, 3, 6, 21), F32)  # rows wide enough for 16-lane blocks of OW = 4
    w, b = np.zeros((1, 27, 4), F32), np.zeros(4, F32)
    out = np.zeros((2, 2, 4, 4), F32)
    assert kernels.direct_conv2d(x, w, b, out, 0, 2, 3, 3)
    assert kernels.direct_conv2d(x[..., :17], w, b, out, 0, 2, 3, 3) is None  # not contiguous
    assert kernels.direct_conv2d(np.zeros((2, 3, 6, 17), F32), w, b, out, 0, 2, 3, 3) is None
    assert kernels.direct_conv2d(x.astype(np.float64), w, b, out, 0, 2, 3, 3) is None
    assert kernels.direct_conv2d(x, w, b, out, 0, 3, 3, 3) is None  # samples past N
    assert kernels.direct_conv2d(x, w, b, np.zeros((2, 5, 4, 4), F32), 0, 2, 3, 3) is None
    gw = np.zeros((2, 3, 3, 3))
    assert kernels.direct_conv2d_weight_grad(x, out, gw, 0, 2)
    assert kernels.direct_conv2d_weight_grad(x, out, gw.astype(F32), 0, 2) is None
    assert kernels.direct_conv2d_weight_grad(x[:, :, :5], out, gw, 0, 2) is None  # OH != H - 2


# -- Adam ---------------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", ["Adam", "AdamW"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("beta1", [0.9, 0.3, 0.0])  # lerp's two formulas, and beta1 = 0
def test_adam_kernel_rounds_as_the_array_code(optimizer, weight_decay, maximize, beta1):
    options = {"weight_decay": weight_decay, "maximize": maximize, "betas": (beta1, 0.99)}
    fused_run = _optimizer_trajectory(optimizer, "adam_step", True, **options)
    plain_run = _optimizer_trajectory(optimizer, "adam_step", False, **options)
    assert len(fused_run) == len(plain_run) == 3  # the parameter and its two moments
    for fused, plain in zip(fused_run, plain_run):
        np.testing.assert_array_equal(fused, plain)


def test_adam_kernel_declines_what_it_does_not_cover():
    p, g, m, v = (np.ones((4, 6), F32) for _ in range(4))
    args = (1e-3, 0.9, 0.999, 1e-8, 0.0, 1e-3, 0.5, False, False)
    assert kernels.adam_step(p, g, m, v, *args) is p
    assert kernels.adam_step(p, g.T.copy().T, m, v, *args) is None  # not C-contiguous
    assert kernels.adam_step(p, g[:, :3], m[:, :3], v[:, :3], *args) is None
    assert kernels.adam_step(p.astype(np.float64), g, m, v, *args) is None


def test_adam_on_float64_and_amsgrad_keeps_the_array_code():
    for options in ({"dtype": np.float64}, {"amsgrad": True}):
        for fused, plain in zip(_optimizer_trajectory("Adam", "adam_step", True, **options),
                                _optimizer_trajectory("Adam", "adam_step", False, **options)):
            np.testing.assert_array_equal(fused, plain)


# -- cross entropy ------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 40), st.integers(1, 300), st.sampled_from(["mean", "sum", "none"]),
       st.booleans(), st.data())
def test_cross_entropy_rows_match_torch(n, c, reduction, ignore, data):
    """cross_entropy's 2-d float32 rows run the compiled kernels; logits up to +-80 exercise
    the max shift."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    logits = (rng.standard_normal((n, c)) * data.draw(st.sampled_from([1.0, 80.0]))).astype(F32)
    target = rng.integers(0, c, n)
    ignore_index = int(target[0]) if ignore and n else -100
    x, tx = ember.tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    options = {"reduction": reduction, "ignore_index": ignore_index}
    loss = ember.nn.functional.cross_entropy(x, ember.tensor(target), **options)
    want = torch.nn.functional.cross_entropy(tx, torch.tensor(target), **options)
    np.testing.assert_allclose(loss.detach().numpy(), want.detach().numpy(), rtol=2e-5,
                               atol=1e-5)
    upstream = rng.standard_normal(tuple(want.shape)).astype(F32)
    loss.backward(ember.tensor(upstream))
    want.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=2e-5, atol=1e-6)


def test_cross_entropy_of_many_rows_in_shares_matches_torch():
    threads = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        rng = np.random.default_rng(0)
        logits, target = rng.standard_normal((700, 1000)).astype(F32), rng.integers(0, 1000, 700)
        x, tx = ember.tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
        ember.nn.functional.cross_entropy(x, ember.tensor(target)).backward()
        torch.nn.functional.cross_entropy(tx, torch.tensor(target)).backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-10)
    finally:
        ember.set_num_threads(threads)


def test_cross_entropy_kernels_agree_with_the_numpy_path_and_keep_nan_and_inf_rows():
    logits = np.random.default_rng(0).standard_normal((6, 20)).astype(F32) * 30
    logits[1, 3] = np.nan
    logits[2, :] = -np.inf
    logits[3, 5] = np.inf
    target = np.array([0, 1, 2, 3, 5, 19])
    results = []
    for off in (False, True):
        with _kernel_off("log_softmax_pick", off):
            x = ember.tensor(logits, requires_grad=True)
            loss = ember.nn.functional.cross_entropy(x, ember.tensor(target), reduction="none")
            loss.sum().backward()
            results.append((loss.detach().numpy(), x.grad.numpy()))
    (loss, grad), (plain_loss, plain_grad) = results
    np.testing.assert_array_equal(np.isnan(loss), np.isnan(plain_loss))
    assert np.isnan(loss[[1, 2, 3]]).all()
    np.testing.assert_allclose(loss, plain_loss, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(grad, plain_grad, rtol=2e-6, atol=1e-7)


def test_cross_entropy_kernels_decline_what_they_do_not_cover():
    x, probs = np.zeros((4, 3), F32), np.empty((4, 3), F32)
    index, picked = np.array([0, 1, 2, 0]), np.empty(4, F32)
    assert kernels.log_softmax_pick(x, index, probs, picked, 0, 4)
    np.testing.assert_allclose(picked, -np.log(3), rtol=1e-6)
    assert kernels.log_softmax_pick(x, np.array([0, 1, 3, 0]), probs, picked, 0, 4) is None
    assert kernels.log_softmax_pick(x, np.array([0, 1, -1, 0]), probs, picked, 0, 4) is None
    assert kernels.log_softmax_pick(x, index.astype(np.int32), probs, picked, 0, 4) is None
    assert kernels.log_softmax_pick(x.astype(np.float64), index, probs, picked, 0, 4) is None
    assert kernels.log_softmax_pick(x, index, probs, picked, 0, 5) is None  # rows past N
    assert kernels.log_softmax_pick(np.zeros((4, 0), F32), index, np.empty((4, 0), F32),
                                    picked, 0, 4) is None
    a, out = np.ones(4, F32), np.empty((4, 3), F32)
    assert kernels.cross_entropy_grad(probs, index, a, out, 0, 4)
    assert kernels.cross_entropy_grad(probs, index, a[:3], out, 0, 4) is None
    assert kernels.cross_entropy_grad(probs, index, a, out[:, :2], 0, 4) is None


# -- Bernoulli draws on the twister's state -------------------------------------------------

@pytest.mark.parametrize("skip", [0, 1])  # an odd position makes a pair straddle a twist
@pytest.mark.parametrize("count", [0, 1, 311, 312, 313, 624, 625, 10_001])
def test_bernoulli_draws_match_numpys_stream_and_advance_it_alike(skip, count):
    """bernoulli_scalar through the compiled loop, against the same draws taken with NumPy's
    generator (a 64-bit number each, its low 53 bits against p 2^53); the stream goes on
    identically after both."""
    from ember._generator import default_generator as generator
    from ember.ops import _sampling
    assert generator._draws_below(1, 1) is not None  # the compiled loop is there
    results = []
    for compiled in (True, False):
        ember.manual_seed(7)
        generator._random32(skip)
        if compiled:
            kept = _sampling.bernoulli_scalar(generator, count, 0.37)
        else:
            draws = generator._random64(count) & np.uint64((1 << 53) - 1)
            kept = draws < np.uint64(math.ceil(0.37 * 2.0 ** 53))
        results.append((kept, generator._random32(5), generator.get_state().numpy()))
    (kept, after, state), (want, want_after, want_state) = results
    np.testing.assert_array_equal(kept, want)
    np.testing.assert_array_equal(after, want_after)
    np.testing.assert_array_equal(state, want_state)


def test_dropout_masks_from_the_compiled_draws_are_torchs():
    ember.manual_seed(3)
    torch.manual_seed(3)
    for p in (0.1, 0.5, 0.9):
        got = ember.nn.functional.dropout(ember.ones(700, 300), p)
        want = torch.nn.functional.dropout(torch.ones(700, 300), p)
        np.testing.assert_array_equal(got.numpy(), want.numpy())


# -- SGD ----------------------------------------------------------------------------------

@pytest.mark.parametrize("momentum, dampening, nesterov", [
    (0.0, 0.0, False), (0.9, 0.0, False), (0.9, 0.0, True), (0.9, 0.3, False)])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("maximize", [False, True])
def test_sgd_kernel_rounds_as_the_array_code(momentum, dampening, nesterov, weight_decay,
                                             maximize):
    options = {"momentum": momentum, "dampening": dampening, "nesterov": nesterov,
               "weight_decay": weight_decay, "maximize": maximize}
    fused_run = _optimizer_trajectory("SGD", "sgd_step", True, **options)
    plain_run = _optimizer_trajectory("SGD", "sgd_step", False, **options)
    assert len(fused_run) == len(plain_run) == (2 if momentum else 1)
    for fused, plain in zip(fused_run, plain_run):
        np.testing.assert_array_equal(fused, plain)


def test_sgd_kernel_declines_what_it_does_not_cover():
    p, g, b = (np.ones((4, 6), F32) for _ in range(3))
    args = (0.1, 0.9, 0.0, 0.0, False, False)
    assert kernels.sgd_step(p, g, b, *args) is p
    assert kernels.sgd_step(p, g, None, *args) is p
    assert kernels.sgd_step(p, g, b[:, :3], *args) is None
    assert kernels.sgd_step(p, g.astype(np.float64), b, *args) is None
    assert kernels.sgd_step(p[:, ::2], g[:, ::2], b[:, ::2], *args) is None
