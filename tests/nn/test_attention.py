"""scaled_dot_product_attention, multi_head_attention_forward and MultiheadAttention against
torch: outputs, attention weights, and gradients of inputs, masks and parameters."""
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck
from tests.oracle import assert_close, check_op, to_numpy

TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-10)}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """The oracle runs tiny shapes: one thread avoids contention on the shared cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _bool_mask(shape, seed=0):
    return np.random.default_rng(seed).random(shape) > 0.3


# -- scaled_dot_product_attention ---------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", [dict(), dict(is_causal=True), dict(scale=0.3),
                                    dict(is_causal=True, scale=2.0)],
                         ids=["plain", "causal", "scale", "causal_scale"])
def test_sdpa(kwargs, dtype):
    def fn(lib, q, k, v):
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)
    check_op(fn, shapes=[(2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 7)], dtype=dtype,
             name=f"sdpa {kwargs}")


@pytest.mark.parametrize("mask_shape", [(5, 6), (2, 1, 5, 6), (2, 3, 1, 6)])
def test_sdpa_bool_mask(mask_shape):
    mask = _bool_mask(mask_shape)

    def fn(lib, q, k, v):
        return lib.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=lib.tensor(mask))
    check_op(fn, shapes=[(2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4)], dtype="float64")


def test_sdpa_float_mask_gets_gradient():
    def fn(lib, q, k, v, mask):
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    check_op(fn, shapes=[(2, 5, 4), (2, 6, 4), (2, 6, 3), (5, 6)], dtype="float64")


def test_sdpa_fully_masked_rows_are_zero():
    mask = np.ones((4, 4), dtype=bool)
    mask[1] = False
    float_mask = np.where(mask, 0.0, -np.inf)
    for m in (mask, float_mask):
        def fn(lib, q, k, v):
            return lib.nn.functional.scaled_dot_product_attention(q, k, v,
                                                                  attn_mask=lib.tensor(m))
        out = check_op(fn, shapes=[(2, 4, 3)] * 3, dtype="float64")[0]
        assert not np.isnan(to_numpy(out)).any()
        assert (to_numpy(out)[:, 1] == 0).all()


def test_sdpa_gqa():
    def fn(lib, q, k, v):
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    check_op(fn, shapes=[(2, 6, 5, 4), (2, 2, 5, 4), (2, 3, 5, 4)], dtype="float64")


def test_sdpa_dropout():
    q = ember.randn(2, 16, 8)
    v = ember.ones(2, 16, 8)
    ember.manual_seed(3)
    first = F.scaled_dot_product_attention(q, q, v, dropout_p=0.5)
    second = F.scaled_dot_product_attention(q, q, v, dropout_p=0.5)
    assert not ember.equal(first, second), "dropout_p > 0 must drop, whatever the mode"
    # each output is a sum of kept weights / (1 - p): its mean over many rows is near 1
    assert abs(float(first.mean()) - 1.0) < 0.2
    assert ember.allclose(F.scaled_dot_product_attention(q, q, v), ember.ones(2, 16, 8))


def test_sdpa_gradcheck_and_double_backward():
    q, k, v = (ember.randn(2, 3, 4, dtype=ember.float64, requires_grad=True) for _ in range(3))
    mask = ember.tensor(_bool_mask((3, 3), 1))
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                     (q, k, v))
    results = []
    for lib, tensors in ((ember, (q, k, v)),
                         (torch, [torch.tensor(to_numpy(t), requires_grad=True)
                                  for t in (q, k, v)])):
        out = lib.nn.functional.scaled_dot_product_attention(*tensors, is_causal=True)
        grads = lib.autograd.grad((out * out).sum(), tensors, create_graph=True)
        sum(g.pow(2).sum() for g in grads).backward()
        results.append([t.grad for t in tensors])
    for e, t in zip(*results):
        assert_close(e, t, 1e-8, 1e-9, "sdpa double backward")


def test_sdpa_errors():
    q = ember.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(3, 3, dtype=ember.bool),
                                       is_causal=True)
    with pytest.raises(RuntimeError, match="same feature size"):
        F.scaled_dot_product_attention(q, ember.randn(2, 3, 5), q)
    with pytest.raises(RuntimeError, match="same length"):
        F.scaled_dot_product_attention(q, q, ember.randn(2, 4, 4))


# -- MultiheadAttention -------------------------------------------------------------------

def _pair(*args, dtype="float32", **kwargs):
    torch.manual_seed(0)
    torch_module = torch.nn.MultiheadAttention(*args, **kwargs).to(getattr(torch, dtype))
    ember_module = ember.nn.MultiheadAttention(*args, **kwargs).to(getattr(ember, dtype))
    ember_module.load_state_dict(
        {k: ember.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()})
    return torch_module, ember_module


def _run_mha(torch_module, ember_module, shapes, dtype, call, label, self_attention=False):
    """Forward both with the same random inputs (query is key is value when
    self_attention), compare outputs and weights, then all gradients."""
    rtol, atol = TOL[dtype]
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-1, 1, size=s).astype(dtype) for s in shapes]
    results = []
    for lib, module in ((torch, torch_module), (ember, ember_module)):
        tensors = [lib.tensor(a, requires_grad=True) for a in arrays]
        qkv = tensors * 3 if self_attention else tensors
        output, weights = call(lib, module, *qkv)
        loss = (output * lib.tensor(np.linspace(-1, 1, output.numel()).reshape(
            tuple(output.shape)).astype(dtype))).sum()
        if weights is not None:
            loss = loss + (weights * weights).sum()
        loss.backward()
        results.append((output, weights, tensors, dict(module.named_parameters())))
    (t_out, t_w, t_in, t_params), (e_out, e_w, e_in, e_params) = results
    assert_close(e_out, t_out, rtol, atol, f"{label} output")
    if t_w is None:
        assert e_w is None, f"{label}: weights should be None"
    else:
        assert_close(e_w, t_w, rtol, atol, f"{label} weights")
    for i, (e, t) in enumerate(zip(e_in, t_in)):
        assert_close(e.grad, t.grad, rtol * 10, atol * 10, f"{label} grad of input {i}")
    for name, param in t_params.items():
        assert_close(e_params[name].grad, param.grad, rtol * 10, atol * 10,
                     f"{label} grad of {name}")


MHA_CASES = [
    ("plain", dict(), dict()),
    ("no_weights", dict(), dict(need_weights=False)),
    ("per_head", dict(), dict(average_attn_weights=False)),
    ("batch_first", dict(batch_first=True), dict()),
    ("kdim_vdim", dict(kdim=3, vdim=5), dict()),
    ("bias_kv_zero_attn", dict(add_bias_kv=True, add_zero_attn=True), dict()),
    ("no_bias", dict(bias=False), dict(need_weights=False)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("label,init_kwargs,call_kwargs", MHA_CASES, ids=[c[0] for c in MHA_CASES])
def test_mha(label, init_kwargs, call_kwargs, dtype):
    torch_module, ember_module = _pair(8, 2, dtype=dtype, **init_kwargs)
    kdim, vdim = init_kwargs.get("kdim", 8), init_kwargs.get("vdim", 8)
    if init_kwargs.get("batch_first"):
        shapes = [(3, 4, 8), (3, 5, kdim), (3, 5, vdim)]
    else:
        shapes = [(4, 3, 8), (5, 3, kdim), (5, 3, vdim)]
    _run_mha(torch_module, ember_module, shapes, dtype,
             lambda lib, m, q, k, v: m(q, k, v, **call_kwargs), label)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("kind", ["bool", "float"])
def test_mha_masks(kind, need_weights):
    torch_module, ember_module = _pair(8, 2, batch_first=True, dtype="float64")
    padding = np.zeros((3, 5), dtype=bool)
    padding[0, 3:] = padding[2, 1:] = True
    attn = _bool_mask((6, 4, 5), 2)
    attn[:, :, 0] = False  # every query keeps a key
    masks = [padding, attn]
    if kind == "float":
        masks = [np.where(m, -np.inf, np.random.default_rng(4).uniform(-1, 1, m.shape))
                 for m in masks]

    def call(lib, module, q, k, v):
        return module(q, k, v, key_padding_mask=lib.tensor(masks[0]),
                      attn_mask=lib.tensor(masks[1]), need_weights=need_weights)
    _run_mha(torch_module, ember_module, [(3, 4, 8), (3, 5, 8), (3, 5, 8)], "float64", call,
             f"mha {kind} masks")


def test_mha_self_attention_causal_and_unbatched():
    torch_module, ember_module = _pair(8, 4, dtype="float64")
    causal = np.triu(np.full((5, 5), -np.inf), 1)

    def causal_call(lib, module, q, k, v):
        return module(q, k, v, attn_mask=lib.tensor(causal), is_causal=True,
                      need_weights=False)
    _run_mha(torch_module, ember_module, [(5, 2, 8)], "float64", causal_call, "causal",
             self_attention=True)
    torch_module.zero_grad()
    ember_module.zero_grad()
    _run_mha(torch_module, ember_module, [(5, 8)], "float64",
             lambda lib, module, q, k, v: module(q, k, v, attn_mask=lib.tensor(causal)),
             "unbatched", self_attention=True)


def test_mha_dropout_in_training_only():
    module = ember.nn.MultiheadAttention(8, 2, dropout=0.5)
    x = ember.randn(4, 2, 8)
    ember.manual_seed(0)
    a = module(x, x, x)[0]
    b = module(x, x, x)[0]
    assert not ember.allclose(a, b), "training mode drops attention weights"
    module.eval()
    assert ember.equal(module(x, x, x)[0], module(x, x, x)[0])


def test_multi_head_attention_forward_functional():
    torch_module, ember_module = _pair(8, 2, dtype="float64")
    names = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]

    def call(lib, module, q, k, v):
        params = dict(module.named_parameters())
        return lib.nn.functional.multi_head_attention_forward(
            q, k, v, 8, 2, params[names[0]], params[names[1]], None, None, False, 0.0,
            params[names[2]], params[names[3]], training=False)
    _run_mha(torch_module, ember_module, [(4, 3, 8), (5, 3, 8), (5, 3, 8)], "float64", call,
             "functional")


@pytest.mark.parametrize("need_weights", [True, False])
def test_multi_head_attention_forward_static_kv_zero_attn(need_weights):
    torch.manual_seed(0)
    params = {k: v.detach().numpy() for k, v in
              torch.nn.MultiheadAttention(8, 2).double().state_dict().items()}
    rng = np.random.default_rng(0)
    query, static_k, static_v = (rng.standard_normal(s) for s in [(4, 3, 8), (6, 5, 4),
                                                                   (6, 5, 4)])
    padding = np.zeros((3, 5), dtype=bool)
    padding[:, 4] = True
    results = []
    for lib in (torch, ember):
        p = {k: lib.tensor(v) for k, v in params.items()}
        q = lib.tensor(query)
        results.append(lib.nn.functional.multi_head_attention_forward(
            q, q, q, 8, 2, p["in_proj_weight"], p["in_proj_bias"], None, None, True, 0.0,
            p["out_proj.weight"], p["out_proj.bias"], training=False,
            key_padding_mask=lib.tensor(padding), need_weights=need_weights,
            static_k=lib.tensor(static_k), static_v=lib.tensor(static_v)))
    (t_out, t_weights), (e_out, e_weights) = results
    assert_close(e_out, t_out, 1e-9, 1e-10, "static k/v output")
    if need_weights:
        assert_close(e_weights, t_weights, 1e-9, 1e-10, "static k/v weights")


def test_mha_init_state_dict_repr():
    module = ember.nn.MultiheadAttention(16, 4, add_bias_kv=True)
    reference = torch.nn.MultiheadAttention(16, 4, add_bias_kv=True)
    assert list(module.state_dict()) == list(reference.state_dict())
    assert repr(module) == repr(reference)
    assert not to_numpy(module.in_proj_bias).any() and not to_numpy(module.out_proj.bias).any()
    bound = (6 / (16 + 48)) ** 0.5  # xavier_uniform_ of (3E, E)
    weight = to_numpy(module.in_proj_weight)
    assert np.abs(weight).max() <= bound and weight.std() > bound / 3
    separate = ember.nn.MultiheadAttention(16, 4, kdim=8, vdim=8, bias=False)
    assert list(separate.state_dict()) == list(
        torch.nn.MultiheadAttention(16, 4, kdim=8, vdim=8, bias=False).state_dict())


def test_mha_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        ember.nn.MultiheadAttention(10, 3)
    module = ember.nn.MultiheadAttention(8, 2)
    x = ember.randn(4, 3, 8)
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
        module(x, ember.randn(4, 8), x)
    with pytest.raises(RuntimeError, match="The shape of the 2D attn_mask is"):
        module(x, x, x, attn_mask=ember.zeros(3, 4))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        module(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="only bool and floating types"):
        module(x, x, x, key_padding_mask=ember.zeros(3, 4, dtype=ember.int64))
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 8"):
        module(ember.randn(4, 3, 6), ember.randn(4, 3, 6), ember.randn(4, 3, 6))
