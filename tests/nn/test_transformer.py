"""Transformer layers, stacks and the full model against torch: outputs and the gradients of
inputs and every parameter (dropout 0 so both are deterministic), plus dropout, the masks
and torch's structure (deep-copied layers, names, repr)."""
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_close, to_numpy

TOL = {"float32": (2e-4, 2e-5), "float64": (1e-9, 1e-10)}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """The oracle runs tiny shapes: one thread avoids contention on the shared cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _copy_parameters(torch_module, ember_module):
    ember_module.load_state_dict(
        {k: ember.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()})


def _build(factory, dtype):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # enable_nested_tensor's warning, checked below
        torch_module = factory(torch).to(getattr(torch, dtype))
        ember_module = factory(ember).to(getattr(ember, dtype))
    _copy_parameters(torch_module, ember_module)
    return torch_module, ember_module


def _compare(torch_module, ember_module, shapes, dtype, call, label):
    rtol, atol = TOL[dtype]
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-1, 1, size=s).astype(dtype) for s in shapes]
    results = []
    for lib, module in ((torch, torch_module), (ember, ember_module)):
        inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
        output = call(lib, module, *inputs)
        weight = lib.tensor(np.cos(np.arange(output.numel())).reshape(
            tuple(output.shape)).astype(dtype))
        (output * weight).sum().backward()
        results.append((output, inputs, dict(module.named_parameters())))
    (t_out, t_in, t_params), (e_out, e_in, e_params) = results
    assert_close(e_out, t_out, rtol, atol, f"{label} output")
    for i, (e, t) in enumerate(zip(e_in, t_in)):
        assert_close(e.grad, t.grad, rtol * 10, atol * 10, f"{label} grad of input {i}")
    assert list(e_params) == list(t_params)
    for name, param in t_params.items():
        assert_close(e_params[name].grad, param.grad, rtol * 10, atol * 10,
                     f"{label} grad of {name}")


def _activation(lib, kind):
    if kind == "callable":
        return lambda x: lib.tanh(x) * 2
    if kind == "module":
        return lib.nn.GELU()
    return kind


LAYER_CASES = [
    ("relu", dict()),
    ("gelu_norm_first", dict(activation="gelu", norm_first=True)),
    ("batch_first_no_bias", dict(batch_first=True, bias=False)),
    ("callable", dict(activation="callable", layer_norm_eps=1e-3)),
    ("module_activation", dict(activation="module")),
]


def _layer_factory(name, kwargs):
    def factory(lib):
        options = dict(kwargs)
        if "activation" in options:
            options["activation"] = _activation(lib, options["activation"])
        return getattr(lib.nn, name)(8, 2, dim_feedforward=16, dropout=0.0, **options)
    return factory


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("label,kwargs", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_encoder_layer(label, kwargs, dtype):
    torch_module, ember_module = _build(_layer_factory("TransformerEncoderLayer", kwargs), dtype)
    shape = (3, 5, 8) if kwargs.get("batch_first") else (5, 3, 8)
    padding = np.zeros((3, 5), dtype=bool)
    padding[1, 3:] = True

    def call(lib, module, src):
        return module(src, src_key_padding_mask=lib.tensor(padding))
    _compare(torch_module, ember_module, [shape], dtype, call, f"encoder layer {label}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("label,kwargs", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_decoder_layer(label, kwargs, dtype):
    torch_module, ember_module = _build(_layer_factory("TransformerDecoderLayer", kwargs), dtype)
    batch_first = kwargs.get("batch_first")
    shapes = [(3, 4, 8), (3, 6, 8)] if batch_first else [(4, 3, 8), (6, 3, 8)]
    memory_padding = np.zeros((3, 6), dtype=bool)
    memory_padding[2, 4:] = True

    def call(lib, module, tgt, memory):
        mask = lib.nn.Transformer.generate_square_subsequent_mask(4, dtype=tgt.dtype)
        return module(tgt, memory, tgt_mask=mask, tgt_is_causal=True,
                      memory_key_padding_mask=lib.tensor(memory_padding))
    _compare(torch_module, ember_module, shapes, dtype, call, f"decoder layer {label}")


def test_encoder_stack_with_masks():
    def factory(lib):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)
        return lib.nn.TransformerEncoder(layer, 3, norm=lib.nn.LayerNorm(8))
    torch_module, ember_module = _build(factory, "float64")
    attn = np.random.default_rng(1).random((5, 5)) > 0.6
    np.fill_diagonal(attn, False)

    def call(lib, module, src):
        return module(src, mask=lib.tensor(attn))
    _compare(torch_module, ember_module, [(5, 3, 8)], "float64", call, "encoder bool mask")
    torch_module.zero_grad()
    ember_module.zero_grad()

    def causal(lib, module, src):
        return module(src, mask=lib.nn.Transformer.generate_square_subsequent_mask(
            5, dtype=lib.float64))  # is_causal detected from the mask
    _compare(torch_module, ember_module, [(5, 3, 8)], "float64", causal, "encoder causal")


def test_decoder_stack():
    def factory(lib):
        layer = lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, norm_first=True)
        return lib.nn.TransformerDecoder(layer, 2, norm=lib.nn.LayerNorm(8))
    torch_module, ember_module = _build(factory, "float64")

    def call(lib, module, tgt, memory):
        mask = lib.nn.Transformer.generate_square_subsequent_mask(4, dtype=lib.float64)
        return module(tgt, memory, tgt_mask=mask, memory_mask=lib.zeros(4, 6,
                                                                        dtype=lib.float64))
    _compare(torch_module, ember_module, [(4, 3, 8), (6, 3, 8)], "float64", call, "decoder")


@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer(batch_first):
    def factory(lib):
        return lib.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, batch_first=batch_first)
    torch_module, ember_module = _build(factory, "float32")
    shapes = [(3, 6, 8), (3, 4, 8)] if batch_first else [(6, 3, 8), (4, 3, 8)]
    padding = np.zeros((3, 6), dtype=bool)
    padding[0, 5:] = True

    def call(lib, module, src, tgt):
        mask = lib.nn.Transformer.generate_square_subsequent_mask(4)
        return module(src, tgt, tgt_mask=mask, src_key_padding_mask=lib.tensor(padding),
                      memory_key_padding_mask=lib.tensor(padding))
    _compare(torch_module, ember_module, shapes, "float32", call, "transformer")


def test_unbatched_transformer():
    torch_module, ember_module = _build(
        lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0), "float64")
    _compare(torch_module, ember_module, [(6, 8), (4, 8)], "float64",
             lambda lib, module, src, tgt: module(src, tgt), "unbatched transformer")


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
def test_eval_padding_matches_torch_nested_path():
    """In eval mode without gradients torch runs a batch-first encoder on nested tensors and
    returns zeros at padded positions; ember returns the same numbers."""
    def factory(lib):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        return lib.nn.TransformerEncoder(layer, 2)
    torch_module, ember_module = _build(factory, "float32")
    torch_module.eval()
    ember_module.eval()
    src = np.random.default_rng(0).standard_normal((3, 5, 8)).astype(np.float32)
    padding = np.zeros((3, 5), dtype=bool)
    padding[0, 3:] = padding[2, 1:] = True
    with torch.no_grad(), ember.no_grad():
        expected = torch_module(torch.tensor(src), src_key_padding_mask=torch.tensor(padding))
        actual = ember_module(ember.tensor(src), src_key_padding_mask=ember.tensor(padding))
    assert_close(actual, expected, 1e-4, 1e-5, "eval encoder with padding")
    assert not to_numpy(actual)[0, 3:].any()


def test_dropout_active_in_training():
    layer = ember.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = ember.randn(5, 3, 8)
    ember.manual_seed(0)
    assert not ember.allclose(layer(x), layer(x)), "training mode applies dropout"
    layer.eval()
    assert ember.equal(layer(x), layer(x))


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_structure_names_repr_and_init():
    torch.manual_seed(0)
    for factory in (lambda lib: lib.nn.Transformer(16, 4, 2, 1, 32),
                    lambda lib: lib.nn.TransformerEncoderLayer(16, 4, activation="gelu",
                                                               bias=False),
                    lambda lib: lib.nn.TransformerDecoderLayer(16, 4, norm_first=True)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference, module = factory(torch), factory(ember)
        assert repr(module) == repr(reference)
        assert [(k, tuple(v.shape)) for k, v in module.state_dict().items()] == [
            (k, tuple(v.shape)) for k, v in reference.state_dict().items()]
    layer = ember.nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fast-path-able layer: no nested-tensor warning
        encoder = ember.nn.TransformerEncoder(layer, 3)
    first, second = encoder.layers[0], encoder.layers[1]
    assert first is not layer and first.linear1.weight is not second.linear1.weight
    assert ember.equal(first.linear1.weight, second.linear1.weight), "deep copies start equal"
    model = ember.nn.Transformer(16, 4, 1, 1, 32)
    weight = to_numpy(model.encoder.layers[0].linear1.weight)
    bound = (6 / (16 + 32)) ** 0.5
    assert np.abs(weight).max() <= bound and weight.std() > bound / 3, "xavier_uniform_"


def test_warnings_and_errors():
    with pytest.warns(UserWarning, match="self_attn.batch_first was not True"):
        ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(8, 2, 16), 1)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        ember.nn.TransformerEncoderLayer(8, 2, activation="tanh")
    model = ember.nn.Transformer(8, 2, 1, 1, 16, batch_first=True)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(ember.randn(3, 5, 8), ember.randn(2, 4, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal"):
        model(ember.randn(3, 5, 8), ember.randn(3, 4, 6))
