"""The arguments torch's nn API has and ember lacked, checked for torch's behaviour: keyword-only
markers, renamed keywords, SyncBatchNorm(bias=), elu_'s scales, rrelu's generator and its
random stream, Module.share_memory / compile, nn.utils.skip_init."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, check_op

LIBS = [ember, torch]


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_gelu_approximate_is_keyword_only(lib):
    x = lib.tensor([-1.0, 0.5, 2.0])
    with pytest.raises(TypeError):
        lib.nn.functional.gelu(x, "tanh")
    assert lib.nn.functional.gelu(x, approximate="tanh").shape == (3,)


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_sdpa_scale_and_enable_gqa_are_keyword_only(lib):
    q = lib.ones(1, 2, 3)
    with pytest.raises(TypeError):
        lib.nn.functional.scaled_dot_product_attention(q, q, q, None, 0.0, False, 0.5)
    with pytest.raises(TypeError):
        lib.nn.functional.scaled_dot_product_attention(q, q, q, None, 0.0, False, None, True)


def test_sdpa_scale_keyword_changes_the_result_as_torch():
    check_op(lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, scale=0.3), shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 6)])


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_one_hot_takes_the_keyword_input(lib):
    out = lib.nn.functional.one_hot(input=lib.tensor([0, 2]), num_classes=3)
    assert out.tolist() == [[1, 0, 0], [0, 0, 1]]
    with pytest.raises(TypeError):
        lib.nn.functional.one_hot(tensor=lib.tensor([0, 2]))


def test_elu_inplace_scale_and_input_scale():
    def fn(L, x):
        y = x * 1.0
        return L.nn.functional.elu_(y, 0.7, 2.0, 0.5)
    check_op(fn, shapes=[(4, 5)])
    x = ember.tensor([-1.0, 2.0])
    assert ember.nn.functional.elu_(x, 1.0, 2.0, 0.5) is x


def test_elu_inplace_scales_gradcheck():
    x = ember.randn(6, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: ember.nn.functional.elu_(t * 1.0, 0.7, 2.0, 0.5), [x])
    assert gradgradcheck(lambda t: ember.nn.functional.elu_(t * 1.0, 0.7, 2.0, 0.5), [x])


@pytest.mark.parametrize("dtype", ["bfloat16", "float32", "float64"])
def test_rrelu_training_draws_torchs_slopes(dtype):
    """torch draws one double per element <= 0, in order, and multiplies in float32 (float64
    for float64): values and gradients bit for bit."""
    values = np.random.default_rng(1).standard_normal((40, 50)).astype(np.float32)
    values[0, :3] = 0.0
    results = []
    for lib in LIBS:
        lib.manual_seed(7)
        x = lib.tensor(values).to(getattr(lib, dtype)).requires_grad_()
        y = lib.nn.functional.rrelu(x, 0.01, 0.7, training=True)
        y.sum().backward()
        results.append((y, x.grad))
    assert_close(results[0][0], results[1][0], 0, 0, "rrelu")
    assert_close(results[0][1], results[1][1], 0, 0, "rrelu grad")


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_rrelu_training_refuses_float16(lib):
    with pytest.raises(NotImplementedError, match="Half"):
        lib.nn.functional.rrelu(lib.ones(2, dtype=lib.float16), training=True)


def test_rrelu_inplace_uses_the_generator_given():
    outs = []
    for lib in LIBS:
        generator = lib.Generator().manual_seed(5)
        x = lib.tensor([-1.0, -2.0, 4.0, -0.5])
        assert lib.nn.functional.rrelu_(x, 0.1, 0.3, True, generator) is x
        again = lib.nn.functional.rrelu_(lib.tensor([-1.0]), 0.1, 0.3, True,
                                         lib.Generator().manual_seed(5))
        assert again.item() == x[0].item()
        outs.append(x)
    assert_close(outs[0], outs[1], 0, 0, "rrelu_")


def test_rrelu_module_in_training_matches_torch():
    outs = []
    for lib in LIBS:
        lib.manual_seed(3)
        outs.append(lib.nn.RReLU()(lib.tensor(np.linspace(-2, 2, 9, dtype=np.float32))))
    assert_close(outs[0], outs[1], 0, 0, "RReLU")


@pytest.mark.parametrize("bias", [True, False])
def test_sync_batch_norm_bias(bias):
    layers = [lib.nn.SyncBatchNorm(3, bias=bias) for lib in LIBS]
    assert [n for n, _ in layers[0].named_parameters()] == \
        [n for n, _ in layers[1].named_parameters()]
    assert (layers[0].bias is None) == (not bias)
    x = np.random.default_rng(0).standard_normal((4, 3, 2)).astype(np.float32)
    assert_close(layers[0](ember.tensor(x)), layers[1](torch.tensor(x)), 1e-5, 1e-6, "SyncBN")


def test_convert_sync_batchnorm_keeps_a_missing_bias():
    for lib in LIBS:
        net = lib.nn.Sequential(lib.nn.BatchNorm1d(3, bias=False))
        converted = lib.nn.SyncBatchNorm.convert_sync_batchnorm(net)[0]
        assert type(converted).__name__ == "SyncBatchNorm" and converted.bias is None
        assert converted.weight is net[0].weight if lib is ember else True


def test_module_share_memory_and_compile():
    for lib in LIBS:
        net = lib.nn.Linear(2, 3)
        assert net.share_memory() is net
    # torch's Module.compile returns None too; not called here, as importing torch's compiler
    # turns off torch.distributions' argument validation for the whole process
    net = ember.nn.Linear(2, 3)
    assert net.compile(mode="max-autotune") is None
    assert net(ember.ones(1, 2)).shape == (1, 3)
    with pytest.raises(TypeError):
        ember.nn.Linear(2, 3).compile(not_an_option=1)


def test_skip_init():
    for lib in LIBS:
        layer = lib.nn.utils.skip_init(lib.nn.Linear, 5, 1, bias=False)
        assert tuple(layer.weight.shape) == (1, 5) and layer.bias is None
        with pytest.raises(RuntimeError, match="device"):
            lib.nn.utils.skip_init(lib.nn.ReLU)
        with pytest.raises(RuntimeError, match="Module"):
            lib.nn.utils.skip_init(int)


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_packed_sequence_pinning(lib):
    packed = lib.nn.utils.rnn.pack_sequence([lib.ones(3), lib.ones(2)])
    assert packed.is_pinned() is False
    if not lib.cuda.is_available():
        with pytest.raises(RuntimeError):
            packed.pin_memory()
