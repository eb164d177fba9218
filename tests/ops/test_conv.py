"""Convolutions, transposed convolutions and unfold/fold against torch.nn.functional: values,
gradients of input, weight and bias, second-order gradients, and torch's errors."""
import types

import numpy as np
import pytest
import torch
from oracle import check_op

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.ops import conv, pad, pool

EMBER_F = types.SimpleNamespace(**{name: getattr(module, name) for module in (conv, pool, pad)
                                   for name in module.__all__})


def F(lib):
    """torch.nn.functional, or ember's functions of the same names."""
    return torch.nn.functional if lib is torch else EMBER_F


def leaves(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [ember.tensor(rng.standard_normal(s), dtype=ember.float64, requires_grad=True)
            for s in shapes]


# -- conv2d -------------------------------------------------------------------------------

CONV2D_CASES = [
    # stride, padding, dilation, groups
    (1, 0, 1, 1), (1, 1, 1, 1), (2, 1, 1, 1), ((2, 1), (1, 2), 1, 1), (1, 0, 2, 1),
    (2, 2, (2, 1), 1), (1, 1, 1, 2), (2, 0, 1, 4), (1, "same", 1, 1), (1, "same", 2, 2),
    (1, "valid", 1, 1), (3, 1, 1, 1),
]


@pytest.mark.parametrize("stride,padding,dilation,groups", CONV2D_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d(stride, padding, dilation, groups, bias):
    shapes = [(2, 4, 9, 8), (8, 4 // groups, 3, 3)] + ([(8,)] if bias else [])
    check_op(lambda lib, x, w, *b: F(lib).conv2d(x, w, *b, stride=stride, padding=padding,
                                                 dilation=dilation, groups=groups),
             shapes, name=f"conv2d s={stride} p={padding} d={dilation} g={groups}")


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("kernel,dilation", [((2, 4), 1), ((2, 3), (1, 2)), ((4, 1), 3)])
def test_conv2d_same_even_kernel(kernel, dilation):
    """padding='same' with an even dilated kernel puts the extra zero after, as torch."""
    check_op(lambda lib, x, w: F(lib).conv2d(x, w, padding="same", dilation=dilation),
             [(2, 3, 7, 8), (4, 3) + kernel], name=f"conv2d same k={kernel} d={dilation}")


def test_conv2d_unbatched():
    check_op(lambda lib, x, w, b: F(lib).conv2d(x, w, b, padding=1),
             [(3, 6, 5), (4, 3, 3, 3), (4,)], name="conv2d unbatched")


def test_conv_empty_batch():
    check_op(lambda lib, x, w, b: F(lib).conv2d(x, w, b, padding=1), [(0, 3, 5, 5), (4, 3, 3, 3),
                                                                     (4,)], name="conv2d N=0")
    check_op(lambda lib, x, w: F(lib).conv_transpose2d(x, w, stride=2), [(0, 3, 4, 4),
                                                                         (3, 2, 3, 3)],
             name="conv_transpose2d N=0")


def test_conv2d_depthwise_and_1x1():
    check_op(lambda lib, x, w: F(lib).conv2d(x, w, groups=4, padding=1),
             [(2, 4, 6, 6), (8, 1, 3, 3)], name="conv2d depthwise")
    check_op(lambda lib, x, w: F(lib).conv2d(x, w, stride=2), [(2, 5, 6, 7), (3, 5, 1, 1)],
             name="conv2d 1x1")


def test_conv2d_float64_and_top_level():
    out = check_op(lambda lib, x, w: lib.conv2d(x, w, stride=2, padding=1),
                   [(2, 3, 8, 8), (4, 3, 3, 3)], dtype="float64", name="ember.conv2d float64")
    assert out[0].dtype == ember.float64


def test_conv2d_float32_stays_float32():
    x, w = ember.randn(2, 3, 6, 6), ember.randn(4, 3, 3, 3, requires_grad=True)
    y = ember.conv2d(x, w)
    y.sum().backward()
    assert y.dtype == ember.float32 and w.grad.dtype == ember.float32


def test_conv2d_integer_input():
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) % 7
    w = np.arange(4 * 3 * 3 * 3).reshape(4, 3, 3, 3) % 5 - 2
    expected = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    actual = ember.conv2d(ember.tensor(x), ember.tensor(w), padding=1)
    assert actual.dtype == ember.int64
    np.testing.assert_array_equal(actual.numpy(), expected.numpy())


def test_conv2d_only_input_or_only_weight_grad():
    """The input's gradient without the weight's (frozen layer), and the weight's alone (first
    layer): each path alone still matches torch."""
    rng = np.random.default_rng(1)
    x_np, w_np = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((5, 3, 3, 3))
    for x_grad, w_grad in ((True, False), (False, True)):
        results = []
        for lib in (torch, ember):
            x = lib.tensor(x_np, dtype=lib.float32, requires_grad=x_grad)
            w = lib.tensor(w_np, dtype=lib.float32, requires_grad=w_grad)
            (F(lib).conv2d(x, w, stride=2, padding=1) ** 2).sum().backward()
            results.append((x if x_grad else w).grad.detach().numpy())
        np.testing.assert_allclose(results[1], results[0], rtol=1e-4, atol=1e-4)


def test_conv2d_weight_grad_without_kept_columns(monkeypatch):
    """Forward keeps im2col's matrix for the weight gradient only while it is small; past that
    backward rebuilds it, with the same result."""
    monkeypatch.setattr(conv, "_KEEP_COLS_BYTES", 0)
    check_op(lambda lib, x, w, b: F(lib).conv2d(x, w, b, stride=2, padding=1, groups=2),
             [(2, 4, 7, 6), (6, 2, 3, 3), (6,)], name="conv2d, columns rebuilt")


@pytest.mark.parametrize("keep_bytes", [0, 1 << 30])
def test_conv2d_columns_a_chunk_of_samples_at_a_time(monkeypatch, keep_bytes):
    """Columns forward does not keep are built and multiplied a few samples at a time (here
    about two, with a remainder), in forward and in the weight gradient."""
    sample_bytes = 4 * 9 * 16 * 4  # C * K * P float32s (4 bytes) of one sample
    monkeypatch.setattr(conv, "_WIDE_CHUNK_BYTES", 2 * sample_bytes + 1)
    monkeypatch.setattr(conv, "_KEEP_COLS_BYTES", keep_bytes)
    check_op(lambda lib, x, w, b: F(lib).conv2d(x, w, b, stride=2, padding=1, groups=2),
             [(5, 4, 7, 7), (6, 2, 3, 3), (6,)], name="conv2d in chunks of samples")


def test_conv2d_gradcheck():
    x, w, b = leaves((2, 4, 5, 4), (4, 2, 3, 2), (4,))
    fn = lambda x, w, b: EMBER_F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2),
                                        groups=2)
    assert gradcheck(fn, [x, w, b])
    assert gradgradcheck(fn, [x, w, b])


def test_conv2d_same_gradcheck():
    x, w = leaves((1, 2, 4, 5), (2, 2, 2, 3))
    fn = lambda x, w: EMBER_F.conv2d(x, w, padding="same")
    assert gradcheck(fn, [x, w])
    assert gradgradcheck(fn, [x, w])


def test_conv2d_double_backward_matches_torch():
    """The gradient of a gradient (as in a gradient penalty) equals torch's."""
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3))]
    results = []
    for lib in (torch, ember):
        x, w = (lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays)
        y = F(lib).conv2d(x, w, stride=2, padding=1)
        (grad_x,) = lib.autograd.grad((y * y).sum(), [x], create_graph=True)
        (grad_x * grad_x).sum().backward()
        results.append((x.grad.detach().numpy(), w.grad.detach().numpy()))
    for actual, expected in zip(results[1], results[0]):
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)


# -- conv1d, conv3d -----------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("stride,padding,dilation,groups", [
    (1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (1, "same", 1, 3), (3, 0, 1, 3), (1, "same", 1, 1),
])
def test_conv1d(stride, padding, dilation, groups):
    kernel = 4 if padding == "same" and groups == 1 else 3
    check_op(lambda lib, x, w, b: F(lib).conv1d(x, w, b, stride=stride, padding=padding,
                                                dilation=dilation, groups=groups),
             [(2, 6, 11), (9, 6 // groups, kernel), (9,)],
             name=f"conv1d s={stride} p={padding} d={dilation} g={groups}")


def test_conv1d_unbatched_and_gradcheck():
    check_op(lambda lib, x, w: F(lib).conv1d(x, w, padding=1), [(3, 7), (2, 3, 3)],
             name="conv1d unbatched")
    x, w, b = leaves((2, 2, 6), (2, 1, 3), (2,))
    fn = lambda x, w, b: EMBER_F.conv1d(x, w, b, stride=2, padding=1, groups=2)
    assert gradcheck(fn, [x, w, b])
    assert gradgradcheck(fn, [x, w, b])


def test_conv3d():
    check_op(lambda lib, x, w, b: F(lib).conv3d(x, w, b, stride=(1, 2, 1), padding=1),
             [(2, 2, 4, 5, 4), (3, 2, 2, 3, 3), (3,)], name="conv3d")
    x, w = leaves((1, 2, 3, 3, 3), (2, 2, 2, 2, 2))
    assert gradcheck(lambda x, w: EMBER_F.conv3d(x, w, padding=1, stride=2), [x, w])


# -- transposed convolutions --------------------------------------------------------------

@pytest.mark.parametrize("stride,padding,output_padding,groups,dilation", [
    (1, 0, 0, 1, 1), (2, 0, 0, 1, 1), (2, 1, 1, 1, 1), ((2, 3), (0, 1), (1, 2), 1, 1),
    (1, 1, 0, 2, 2), (3, 2, 1, 1, 2), (2, 0, 0, 3, 1), (1, 2, 1, 1, 2),
])
def test_conv_transpose2d(stride, padding, output_padding, groups, dilation):
    check_op(lambda lib, x, w, b: F(lib).conv_transpose2d(
        x, w, b, stride=stride, padding=padding, output_padding=output_padding, groups=groups,
        dilation=dilation), [(2, 6, 5, 4), (6, 6 // groups, 3, 3), (6,)],
        name=f"conv_transpose2d s={stride} p={padding} op={output_padding} g={groups} "
             f"d={dilation}")


def test_conv_transpose1d_and_unbatched():
    check_op(lambda lib, x, w: F(lib).conv_transpose1d(x, w, stride=2, padding=1,
                                                       output_padding=1),
             [(2, 3, 6), (3, 4, 3)], name="conv_transpose1d")
    check_op(lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, stride=2),
             [(3, 4, 4), (3, 2, 2, 2), (2,)], name="conv_transpose2d unbatched")
    check_op(lambda lib, x, w: lib.conv_transpose3d(x, w, stride=2),
             [(1, 2, 3, 2, 3), (2, 2, 2, 2, 2)], name="conv_transpose3d")


def test_conv_transpose_gradcheck():
    x, w, b = leaves((1, 4, 3, 3), (4, 1, 3, 2), (2,))
    fn = lambda x, w, b: EMBER_F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                  output_padding=1, groups=2)
    assert gradcheck(fn, [x, w, b])
    assert gradgradcheck(fn, [x, w, b])
    # output_padding past the padding and the stride (allowed under dilation): the extra
    # elements are read by no window
    x, w = leaves((1, 2, 3), (2, 1, 2))
    fn = lambda x, w: EMBER_F.conv_transpose1d(x, w, dilation=3, output_padding=2)
    assert gradcheck(fn, [x, w])
    assert gradgradcheck(fn, [x, w])


def test_conv_transpose_is_the_adjoint_of_conv():
    """<conv(x, w), y> == <x, conv_transpose(y, w)>, the identity the backward relies on."""
    x, w = ember.randn(2, 3, 7, 7, dtype=ember.float64), ember.randn(4, 3, 3, 3,
                                                                     dtype=ember.float64)
    y = ember.randn(2, 4, 4, 4, dtype=ember.float64)
    left = (ember.conv2d(x, w, stride=2, padding=1) * y).sum().item()
    right = (x * ember.conv_transpose2d(y, w, stride=2, padding=1, output_padding=0)).sum()
    assert abs(left - right.item()) < 1e-9 * max(1.0, abs(left))


# -- errors -------------------------------------------------------------------------------

def test_channel_mismatch_message():
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[32, 3, 3, 3\], "
                       r"expected input\[64, 4, 32, 32\] to have 3 channels, but got 4 "
                       r"channels instead"):
        ember.conv2d(ember.zeros(64, 4, 32, 32), ember.zeros(32, 3, 3, 3))


CONV_ERRORS = [
    ("rank", lambda lib: F(lib).conv2d(lib.zeros(1, 2, 3, 8, 8), lib.zeros(6, 4, 3, 3))),
    ("unbatched channels", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8), lib.zeros(6, 4, 3, 3))),
    ("conv1d rank", lambda lib: F(lib).conv1d(lib.zeros(8), lib.zeros(6, 4, 3))),
    ("groups divide out", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8),
                                                    lib.zeros(5, 2, 3, 3), groups=2)),
    ("groups channels", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8),
                                                  lib.zeros(6, 2, 3, 3), groups=3)),
    ("groups zero", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8), lib.zeros(6, 4, 3, 3),
                                              groups=0)),
    ("kernel too big", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 2, 2), lib.zeros(6, 4, 3, 3))),
    ("dilated too big", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 4, 4),
                                                  lib.zeros(6, 4, 3, 3), dilation=2)),
    ("stride zero", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8), lib.zeros(6, 4, 3, 3),
                                              stride=0)),
    ("negative padding", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8),
                                                   lib.zeros(6, 4, 3, 3), padding=-1)),
    ("same strided", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8), lib.zeros(6, 4, 3, 3),
                                               padding="same", stride=2)),
    ("bad padding string", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8),
                                                     lib.zeros(6, 4, 3, 3), padding="full")),
    ("bias size", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8), lib.zeros(6, 4, 3, 3),
                                            lib.zeros(5))),
    ("stride length", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8), lib.zeros(6, 4, 3, 3),
                                                stride=(1, 1, 1))),
    ("dtype mix", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8, dtype=lib.float64),
                                            lib.zeros(6, 4, 3, 3))),
    ("bias dtype", lambda lib: F(lib).conv2d(lib.zeros(2, 4, 8, 8), lib.zeros(6, 4, 3, 3),
                                             lib.zeros(6, dtype=lib.float64))),
    ("transpose channels", lambda lib: F(lib).conv_transpose2d(lib.zeros(2, 4, 8, 8),
                                                               lib.zeros(3, 6, 3, 3))),
    ("transpose output_padding", lambda lib: F(lib).conv_transpose2d(
        lib.zeros(2, 4, 8, 8), lib.zeros(4, 6, 3, 3), stride=2, output_padding=2)),
    ("transpose too small", lambda lib: F(lib).conv_transpose2d(
        lib.zeros(1, 4, 1, 1), lib.zeros(4, 6, 1, 1), padding=1)),
    ("transpose same", lambda lib: F(lib).conv_transpose2d(lib.zeros(2, 4, 8, 8),
                                                           lib.zeros(4, 6, 3, 3), padding="same")),
    ("transpose groups", lambda lib: F(lib).conv_transpose2d(lib.zeros(2, 4, 8, 8),
                                                             lib.zeros(4, 6, 3, 3), groups=3)),
    ("unfold rank", lambda lib: F(lib).unfold(lib.zeros(3, 8), 2)),
    ("unfold too big", lambda lib: F(lib).unfold(lib.zeros(1, 3, 2, 2), 3)),
    ("unfold stride zero", lambda lib: F(lib).unfold(lib.zeros(1, 3, 4, 4), 2, stride=0)),
    ("fold blocks", lambda lib: F(lib).fold(lib.zeros(1, 12, 10), (4, 4), 2)),
    ("fold kernel", lambda lib: F(lib).fold(lib.zeros(1, 13, 9), (4, 4), 2)),
    ("fold rank", lambda lib: F(lib).fold(lib.zeros(1, 1, 12, 9), (4, 4), 2)),
]


@pytest.mark.parametrize("name,call", CONV_ERRORS, ids=[c[0] for c in CONV_ERRORS])
def test_conv_errors_match_torch(name, call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(ember)


# -- unfold / fold ------------------------------------------------------------------------

@pytest.mark.parametrize("kernel,dilation,padding,stride", [
    (2, 1, 0, 1), ((2, 3), 1, 1, 2), (3, 2, 1, 1), (2, 1, 0, 2),
])
def test_unfold_fold(kernel, dilation, padding, stride):
    kwargs = dict(dilation=dilation, padding=padding, stride=stride)
    check_op(lambda lib, x: F(lib).unfold(x, kernel, **kwargs), [(2, 3, 6, 7)],
             name=f"unfold k={kernel} {kwargs}")
    blocks = torch.nn.functional.unfold(torch.zeros(1, 3, 6, 7), kernel, **kwargs).shape[1:]
    check_op(lambda lib, c: F(lib).fold(c, (6, 7), kernel, **kwargs), [(2,) + tuple(blocks)],
             name=f"fold k={kernel} {kwargs}")


def test_unfold_fold_unbatched_and_gradcheck():
    check_op(lambda lib, x: F(lib).unfold(x, 2), [(3, 4, 4)], name="unfold unbatched")
    check_op(lambda lib, c: F(lib).fold(c, (4, 4), 2, stride=2), [(12, 4)],
             name="fold unbatched")
    (x,) = leaves((1, 2, 4, 3))
    assert gradcheck(lambda x: EMBER_F.unfold(x, 2, padding=1, stride=(1, 2)), [x])
    assert gradgradcheck(lambda x: EMBER_F.fold(x, (3, 4), 2), leaves((1, 8, 6)))


def test_unfold_output_is_not_a_view():
    x = ember.zeros(1, 1, 2, 2)
    cols = EMBER_F.unfold(x, 1)
    cols.add_(1)
    assert x.sum().item() == 0


# -- the wide path: see NOTE [ Wide convolution ] -----------------------------------------

def _count_wide(monkeypatch):
    calls = {"forward": 0, "backward": 0, "weight": 0}
    for key, name in (("forward", "_conv_forward_wide"), ("backward", "_conv_backward_wide"),
                      ("weight", "_conv_weight_grad_wide")):
        original = getattr(conv, name)

        def counted(*args, _original=original, _key=key, **kwargs):
            calls[_key] += 1
            return _original(*args, **kwargs)
        monkeypatch.setattr(conv, name, counted)
    return calls


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("shapes,padding,dilation", [
    ([(2, 8, 16, 15), (9, 8, 3, 3), (9,)], 1, 1),
    ([(2, 8, 20, 20), (8, 8, 3, 2)], (2, 1), (2, 1)),
    ([(1, 9, 16, 16), (10, 9, 2, 4)], "same", 1),
    ([(2, 8, 14, 14), (8, 8, 1, 1), (8,)], 0, 1),
    ([(3, 12, 8, 8), (8, 12, 3, 3)], 1, 1),       # a 9x9 grid: padding shared between rows
    ([(2, 8, 12, 11), (8, 8, 3, 3)], (2, 0), 1),  # all of the kernel's reach is padding
    ([(2, 8, 12, 12), (8, 8, 3, 3)], 0, 1),
])
@pytest.mark.parametrize("chunk_bytes", [16 << 20, 1000])
def test_conv2d_wide_path(monkeypatch, shapes, padding, dilation, chunk_bytes):
    """Stride-1 convs with enough channels on a small enough grid run forward and both
    gradients on the wide grid, in one chunk of columns or many, and match torch."""
    monkeypatch.setattr(conv, "_WIDE_MAX_GRID", 2)
    monkeypatch.setattr(conv, "_WIDE_CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(conv, "_DIRECT_MAX_TAPS", 0)  # the 1x1 conv's 8 taps: not direct
    calls = _count_wide(monkeypatch)
    check_op(lambda lib, x, w, *b: F(lib).conv2d(x, w, *b, padding=padding, dilation=dilation),
             shapes, name=f"conv2d wide p={padding} d={dilation}")
    assert calls["forward"] and calls["backward"]


def test_conv2d_wide_path_float32_and_frozen_weight(monkeypatch):
    calls = _count_wide(monkeypatch)
    x = ember.randn(2, 8, 16, 16, requires_grad=True)
    for w_grad in (True, False):
        w = ember.randn(8, 8, 3, 3, requires_grad=w_grad)
        y = ember.conv2d(x, w, padding=1)
        y.sum().backward()
        assert y.dtype == ember.float32 and x.grad.dtype == ember.float32
        assert w_grad == (w.grad is not None) and (not w_grad or w.grad.dtype == ember.float32)
    assert calls["forward"] == 2 and calls["backward"] == 2


def test_conv2d_wide_path_gradcheck(monkeypatch):
    monkeypatch.setattr(conv, "_WIDE_MAX_GRID", 100)
    monkeypatch.setattr(conv, "_FLIPPED_MIN_CHANNELS", 1)
    monkeypatch.setattr(conv, "_WIDE_CHUNK_BYTES", 256)
    calls = _count_wide(monkeypatch)
    x, w, b = leaves((2, 2, 4, 5), (3, 2, 3, 2), (3,))
    fn = lambda x, w, b: EMBER_F.conv2d(x, w, b, padding=(1, 2), dilation=(1, 2))
    assert gradcheck(fn, [x, w, b])
    assert gradgradcheck(fn, [x, w, b])
    assert calls["forward"] and calls["backward"]


@pytest.mark.parametrize("in_channels,out_channels", [(3, 8), (8, 3)])
def test_conv2d_wide_weight_gradient_alone(monkeypatch, in_channels, out_channels):
    """With a frozen input only the weight gradient is computed: from columns of the input
    when it has fewer channels than the output, else from those of the output gradient."""
    calls = _count_wide(monkeypatch)
    monkeypatch.setattr(conv, "_WIDE_CHUNK_BYTES", 1000)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, in_channels, 16, 15))
    w = rng.standard_normal((out_channels, in_channels, 3, 3))
    u = rng.standard_normal((2, out_channels, 16, 15))
    grads = []
    for lib in (ember, torch):
        weight = lib.tensor(w, requires_grad=True)
        (lib.nn.functional.conv2d(lib.tensor(x), weight, padding=1) * lib.tensor(u)).sum() \
            .backward()
        grads.append(np.asarray(weight.grad.detach().numpy()))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-10)
    assert calls["forward"] == 1
    assert calls["weight" if in_channels < out_channels else "backward"] == 1


# -- stride 1: the input gradient as a conv with the flipped kernel (conv._flipped) -------

@pytest.mark.parametrize("d,padding,dilation,groups", [
    (1, 1, 1, 1), (1, 0, 2, 3), (2, (1, 0), (2, 1), 3), (2, 3, 1, 1), (3, 1, 1, 1),
])
def test_stride1_input_gradient(monkeypatch, d, padding, dilation, groups):
    """Against torch, and in float64 through gradcheck and gradgradcheck (which runs the
    flipped conv backwards too); padding 3 on a 3-kernel is past its reach: col2im instead."""
    monkeypatch.setattr(conv, "_FLIPPED_MIN_CHANNELS", 3)
    conv_nd = {1: "conv1d", 2: "conv2d", 3: "conv3d"}[d]
    size, kernel = (7, 6, 5)[:d], (3, 2, 3)[:d]
    fn = lambda lib, x, w, b: getattr(F(lib), conv_nd)(x, w, b, padding=padding,
                                                      dilation=dilation, groups=groups)
    check_op(fn, [(2, 6) + size, (9, 6 // groups) + kernel, (9,)],
             name=f"{conv_nd} p={padding} d={dilation} g={groups}")
    x, w, b = leaves((1, 3) + size, (6, 3 // groups) + kernel, (6,))
    assert gradcheck(lambda x, w, b: fn(ember, x, w, b), [x, w, b])
    assert gradgradcheck(lambda x, w, b: fn(ember, x, w, b), [x, w, b])


def test_conv_transpose2d_stride1_with_bias():
    check_op(lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, padding=1, dilation=2),
             [(2, 4, 6, 5), (4, 3, 3, 3), (3,)], name="conv_transpose2d stride 1")


@pytest.mark.parametrize("stride,groups", [(1, 1), (2, 1), (1, 2)])
def test_bfloat16_conv_adds_its_bias_before_rounding(stride, groups):
    """torch accumulates a bfloat16 conv in float32 and rounds once, after the bias."""
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 8, 9, 9)), rng.standard_normal((6, 8 // groups, 3, 3)), \
        rng.standard_normal(6)
    results = []
    for lib in (torch, ember):
        args = [lib.tensor(a, dtype=lib.bfloat16) for a in (x, w, b)]
        out = lib.nn.functional.conv2d(*args, stride=stride, padding=1, groups=groups)
        results.append(out.float().numpy())
    np.testing.assert_array_equal(results[1], results[0])
