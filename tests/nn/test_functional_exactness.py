"""nn.functional against torch where torch's OpInfo sweep found differences: half types
computed in float32, empty and 1-D edge cases, uint8 interpolation, grid_sample bicubic and
5-D, replicate padding with negative amounts, and the error types of bad arguments."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy

F = ember.nn.functional


def _pair(array, dtype):
    """The same values as a torch and an ember tensor of dtype (a name)."""
    return (torch.tensor(array).to(getattr(torch, dtype)),
            ember.tensor(array).to(getattr(ember, dtype)))


# -- normalisation in half precision --------------------------------------------------------

NORMS = {
    "layer_norm": lambda L, x, w, b: L.nn.functional.layer_norm(x, (5,), w, b, eps=0.5),
    "group_norm": lambda L, x, w, b: L.nn.functional.group_norm(x, 1, w, b, eps=0.5),
    "batch_norm": lambda L, x, w, b: L.nn.functional.batch_norm(
        x, None, None, w, b, training=True, eps=0.6),
    "rms_norm": lambda L, x, w, b: L.nn.functional.rms_norm(x, (5,), w),
}


@pytest.mark.parametrize("name", sorted(NORMS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_norms_in_half_precision_round_once(name, dtype):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-9, 9, (5, 5, 5)), rng.uniform(-2, 2, 5), rng.uniform(-2, 2, 5)]
    tensors = [_pair(a, dtype) for a in arrays]
    expected = NORMS[name](torch, *[t for t, _ in tensors])
    actual = NORMS[name](ember, *[e for _, e in tensors])
    assert actual.dtype == getattr(ember, dtype)
    # computed in float32 and rounded once: about one half-precision ulp from torch (whose
    # batch_norm also rounds its statistics to the half type: a few ulps near zero)
    ulp = 2.0 ** (-10 if dtype == "float16" else -7)
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=ulp, atol=4 * ulp)


def test_half_norms_have_gradients_of_their_dtype():
    x = ember.randn(4, 6, dtype=ember.bfloat16, requires_grad=True)
    weight = ember.ones(6, dtype=ember.bfloat16, requires_grad=True)
    F.layer_norm(x, (6,), weight).pow(2).sum().backward()
    assert x.grad.dtype == ember.bfloat16 and weight.grad.dtype == ember.bfloat16
    assert float(x.grad.float().abs().sum()) > 0


def test_batch_norm_half_updates_half_running_stats():
    rng = np.random.default_rng(1)
    torch_x, ember_x = _pair(rng.standard_normal((6, 3, 4)), "bfloat16")
    torch_stats = [torch.zeros(3, dtype=torch.bfloat16), torch.ones(3, dtype=torch.bfloat16)]
    ember_stats = [ember.zeros(3, dtype=ember.bfloat16), ember.ones(3, dtype=ember.bfloat16)]
    torch.nn.functional.batch_norm(torch_x, *torch_stats, training=True, momentum=0.5)
    F.batch_norm(ember_x, *ember_stats, training=True, momentum=0.5)
    for actual, expected in zip(ember_stats, torch_stats):
        assert actual.dtype == ember.bfloat16
        np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=1e-2)


def test_norms_of_empty_inputs():
    out = F.group_norm(ember.ones(0, 2), 1, ember.ones(2), ember.ones(2))
    assert tuple(out.shape) == (0, 2)
    out = F.batch_norm(ember.ones(0), ember.ones(0), ember.ones(0), training=True)
    assert tuple(out.shape) == (0,)
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="running_mean should contain 0 elements"):
            lib.nn.functional.batch_norm(lib.ones(3), lib.ones(3), lib.ones(3))


def test_group_norm_empty_batch_gradient():
    x = ember.ones(0, 4, 3, requires_grad=True)
    F.group_norm(x, 2).sum().backward()
    assert tuple(x.grad.shape) == (0, 4, 3)


def test_rms_norm_default_eps_is_float32s_for_half():
    # tiny inputs: the eps decides the result, and torch uses float32's machine epsilon
    array = np.full((1, 2), 1e-3)
    torch_x, ember_x = _pair(array, "float16")
    expected = torch.nn.functional.rms_norm(torch_x, (2,))
    np.testing.assert_allclose(to_numpy(F.rms_norm(ember_x, (2,))), to_numpy(expected),
                               rtol=1e-3)


def test_rms_norm_large_half_inputs_do_not_overflow():
    torch_x, ember_x = _pair(np.array([[300.0, -500.0, 700.0]]), "float16")
    expected = torch.nn.functional.rms_norm(torch_x, (3,), eps=0.5)
    actual = F.rms_norm(ember_x, (3,), eps=0.5)
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=1e-3)


def test_rms_norm_gradcheck_and_empty_shape():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(4, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda x, w: F.rms_norm(x, (4,), w, 1e-5), [x, w])
    assert gradgradcheck(lambda x, w: F.rms_norm(x, (4,), w, 1e-5), [x, w])
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="at least 1-dimensional"):
            lib.nn.functional.rms_norm(lib.ones(1, 2, 3), [], None, 1e-5)


# -- losses, linear, embedding_bag ---------------------------------------------------------

@pytest.mark.parametrize("delta", [0, -1.0])
def test_huber_loss_rejects_non_positive_delta(delta):
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="non-positive values for delta"):
            lib.nn.functional.huber_loss(lib.ones(5, 4), lib.zeros(5, 4), delta=delta)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "int64"])
def test_bilinear_keeps_integer_dtype(dtype):
    check_op(lambda L, a, b, w, bias: L.nn.functional.bilinear(a, b, w, bias),
             shapes=[(2, 3, 4), (2, 3, 5), (6, 4, 5), (6,)], dtype=dtype, low=0, high=3)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [-1, -5, 3])
def test_embedding_bag_negative_padding_idx_with_offsets(mode, padding_idx):
    rng = np.random.default_rng(2)
    weight = rng.standard_normal((5, 4))
    index = np.array([4, 0, 4, 2, 4, 1])
    offsets = np.array([0, 3])
    per_sample = rng.standard_normal(6) if mode == "sum" else None

    def run(L):
        return L.nn.functional.embedding_bag(
            L.tensor(index), L.tensor(weight), L.tensor(offsets), mode=mode,
            padding_idx=padding_idx,
            per_sample_weights=None if per_sample is None else L.tensor(per_sample))

    np.testing.assert_allclose(to_numpy(run(ember)), to_numpy(run(torch)), rtol=1e-12)


def test_embedding_bag_padding_idx_out_of_range():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="padding_idx must be within"):
            lib.nn.functional.embedding_bag(lib.tensor([1, 2]), lib.ones(3, 2),
                                            lib.tensor([0]), padding_idx=5)


# -- padding and pooling -------------------------------------------------------------------

@pytest.mark.parametrize("pad", [(-4, 5, 0, 0), (0, 0, 2, -4), (5, -4, -4, 3), (-3, -1, 1, 0),
                                 (1, 2, -1, -2), (2, 1, 1, 2)])
def test_replicate_pad_with_negative_amounts(pad):
    check_op(lambda L, x: L.nn.functional.pad(x, pad, mode="replicate"), shapes=[(2, 3, 4, 4)],
             dtype="float64", name=f"replicate pad {pad}")


def test_replicate_pad_negative_gradgradcheck():
    x = ember.randn(1, 2, 4, 4, dtype=ember.float64, requires_grad=True)
    fn = lambda x: F.pad(x, (-2, 3, 1, -1), mode="replicate")  # noqa: E731
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])


@pytest.mark.parametrize("name,size,shape", [
    ("adaptive_avg_pool2d", [2, 2], (2, 2)), ("adaptive_max_pool2d", [2, 2], (2, 2)),
    ("adaptive_avg_pool3d", [2, 2, 2], (2, 2, 2)), ("adaptive_max_pool3d", [2, 2, 2], (2, 2))])
def test_adaptive_pool_short_input_is_value_error(name, size, shape):
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="Input dimension should be at least"):
            getattr(lib.nn.functional, name)(lib.ones(*shape), size)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_avg_pools_sum_half_types_in_float32(dtype):
    rng = np.random.default_rng(3)
    torch_x, ember_x = _pair(rng.uniform(-20, 20, (2, 3, 9, 9)), dtype)
    cases = [lambda L, x: L.nn.functional.avg_pool2d(x, 3, 1, 1, True, False, 2),
             lambda L, x: L.nn.functional.adaptive_avg_pool2d(x, (5, 7))]
    ulp = 2.0 ** (-10 if dtype == "float16" else -7)
    for fn in cases:
        expected = fn(torch, torch_x)
        actual = fn(ember, ember_x)
        assert actual.dtype == ember_x.dtype
        # float32 sums rounded once; half-type sums would be off by several ulps
        np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=ulp, atol=0)


# -- interpolate ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode,align_corners,antialias", [
    ("bilinear", False, False), ("bilinear", True, False), ("bicubic", True, False),
    ("bilinear", False, True), ("bicubic", False, True)])
@pytest.mark.parametrize("shape,size", [((2, 3, 4, 4), (3, 3)), ((2, 3, 4, 4), (7, 6)),
                                        ((1, 3, 27, 21), (13, 40))])
def test_interpolate_uint8_matches_torch_exactly(mode, align_corners, antialias, shape, size):
    array = np.random.default_rng(4).integers(0, 256, shape).astype(np.uint8)
    run = lambda L: L.nn.functional.interpolate(  # noqa: E731
        L.tensor(array), size=size, mode=mode, align_corners=align_corners,
        antialias=antialias)
    actual = run(ember)
    assert actual.dtype == ember.uint8
    np.testing.assert_array_equal(to_numpy(actual), to_numpy(run(torch)))


def test_interpolate_uint8_bicubic_without_align_corners_is_within_one():
    array = np.random.default_rng(5).integers(0, 256, (2, 3, 8, 8)).astype(np.uint8)
    run = lambda L: L.nn.functional.interpolate(  # noqa: E731
        L.tensor(array), size=(17, 13), mode="bicubic")
    difference = to_numpy(run(ember)).astype(int) - to_numpy(run(torch)).astype(int)
    assert np.abs(difference).max() <= 1


def test_interpolate_unsupported_integer_input_is_not_implemented():
    for lib in (torch, ember):
        with pytest.raises(NotImplementedError):
            lib.nn.functional.interpolate(lib.ones(1, 1, 4, dtype=lib.uint8), size=2,
                                          mode="linear")
        with pytest.raises(NotImplementedError):
            lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4, dtype=lib.int32), size=2,
                                          mode="bilinear")


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_interpolate_half_rounds_once(mode, dtype):
    rng = np.random.default_rng(6)
    torch_x, ember_x = _pair(rng.uniform(-5, 5, (2, 3, 4, 5)), dtype)
    run = lambda L, x: L.nn.functional.interpolate(  # noqa: E731
        x, size=(7, 9), mode=mode, align_corners=False)
    expected = run(torch, torch_x.float()).to(torch_x.dtype)
    actual = run(ember, ember_x)
    assert actual.dtype == ember_x.dtype
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=1e-2, atol=1e-2)


# -- grid_sample ---------------------------------------------------------------------------

@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_bicubic(padding_mode, align_corners):
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((2, 3, 5, 6)), rng.uniform(-1.3, 1.3, (2, 4, 3, 2))]
    check_op(lambda L, x, g: L.nn.functional.grid_sample(x, g, "bicubic", padding_mode,
                                                         align_corners),
             arrays=arrays, dtype="float64", name=f"grid_sample bicubic {padding_mode}")


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_volumetric(mode, padding_mode, align_corners):
    rng = np.random.default_rng(8)
    arrays = [rng.standard_normal((2, 3, 4, 5, 3)), rng.uniform(-1.3, 1.3, (2, 3, 2, 2, 3))]
    fn = lambda L, x, g: L.nn.functional.grid_sample(  # noqa: E731
        x, g if mode == "bilinear" or L is ember else g.detach(), mode, padding_mode,
        align_corners)
    check_op(fn, arrays=arrays, dtype="float64", name=f"grid_sample 5-D {mode} {padding_mode}")


@pytest.mark.parametrize("mode,shape,grid_shape", [
    ("bicubic", (1, 2, 3, 4), (1, 2, 2, 2)), ("bilinear", (1, 2, 3, 3, 2), (1, 2, 1, 2, 3))])
def test_grid_sample_new_modes_gradcheck(mode, shape, grid_shape):
    rng = np.random.default_rng(9)
    x = ember.tensor(rng.standard_normal(shape), requires_grad=True)
    grid = ember.tensor(rng.uniform(-0.9, 0.9, grid_shape), requires_grad=True)
    fn = lambda x, g: F.grid_sample(x, g, mode, "border", False)  # noqa: E731
    assert gradcheck(fn, [x, grid])
    assert gradgradcheck(fn, [x, grid])


def test_grid_sample_bad_inputs():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="bicubic interpolation only supports 4D"):
            lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2, 2), lib.zeros(1, 1, 1, 1, 3),
                                          mode="bicubic", align_corners=False)
        with pytest.raises(RuntimeError, match="expected grid to have size 2 in last"):
            lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 3),
                                          align_corners=False)
        with pytest.raises(RuntimeError, match="same number of dimensions"):
            lib.nn.functional.grid_sample(lib.ones(1, 1, 2), lib.zeros(1, 1, 1),
                                          align_corners=False)


# -- attention in half precision -----------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("is_causal", [False, True])
def test_sdpa_half_is_float32_rounded_once(dtype, is_causal):
    rng = np.random.default_rng(10)
    tensors = [_pair(rng.uniform(-9, 9, shape), dtype)  # large scores, as torch's samples
               for shape in ((4, 4, 3, 8), (4, 4, 6, 8), (4, 4, 6, 8))]
    run = lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(  # noqa: E731
        q, k, v, is_causal=is_causal)
    expected = run(torch, *[t for t, _ in tensors])
    actual = run(ember, *[e for _, e in tensors])
    assert actual.dtype == getattr(ember, dtype)
    # within an ulp of torch (half-type matmuls and softmax would be several ulps off)
    ulp = 2.0 ** (-10 if dtype == "float16" else -7)
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=ulp, atol=ulp)


@pytest.mark.parametrize("need_weights", [True, False])
def test_multi_head_attention_half_with_float_mask(need_weights):
    # large scores: rounding the scores before adding the mask moves the softmax a lot
    rng = np.random.default_rng(45)  # a draw where rounding twice is off by several units
    arrays = [rng.uniform(-9, 9, shape) for shape in
              ((3, 2, 2), (5, 2, 2), (6, 2), (6,), (2, 2), (2,), (4, 3, 5))]
    tensors = [_pair(a, "float16") for a in arrays]

    def run(L, x, kv, w_in, b_in, w_out, b_out, mask):
        return L.nn.functional.multi_head_attention_forward(
            x, kv, kv, 2, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out,
            training=False, need_weights=need_weights, attn_mask=mask)[0]

    actual = run(ember, *[e for _, e in tensors])
    expected = run(torch, *[t for t, _ in tensors])
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=0, atol=0.25)


# -- softmin, triplet loss with a distance module -------------------------------------------

def test_softmin_negates_in_the_input_dtype():
    # torch negates uint8 before the cast: 0, 1, 5 become 0, 255, 251
    run = lambda L: L.nn.functional.softmin(  # noqa: E731
        L.tensor([[0, 1, 5], [7, 7, 2]], dtype=L.uint8), 1, dtype=L.float64)
    np.testing.assert_allclose(to_numpy(run(ember)), to_numpy(run(torch)), rtol=1e-12)
    check_op(lambda L, x: L.nn.functional.softmin(x, 1), shapes=[(3, 5)], dtype="float64")
    x = ember.randn(2, 4, dtype=ember.float64, requires_grad=True)
    assert gradgradcheck(lambda x: F.softmin(x, 1), [x])


@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_with_distance_module(swap):
    fn = lambda L, a, p, n: L.nn.functional.triplet_margin_with_distance_loss(  # noqa: E731
        a, p, n, distance_function=L.nn.PairwiseDistance(), margin=1.5, swap=swap)
    check_op(fn, shapes=[(4, 3), (4, 3), (4, 3)], dtype="float64")


@pytest.mark.parametrize("name", ["alpha_dropout", "feature_alpha_dropout"])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_alpha_dropouts_keep_half_dtype_of_scalars(name, dtype):
    shape = () if name == "alpha_dropout" else (2, 3)
    for L in (torch, ember):
        x = L.ones(shape, dtype=getattr(L, dtype))
        assert getattr(L.nn.functional, name)(x, 0.5, True).dtype == getattr(L, dtype)
