"""autocast against torch.autocast on the CPU (bfloat16 and float16), op by op; the CUDA
policy tables on a fake CUDA device (tests/cuda/fake_gpu.py), whose float16 math is numpy's."""
import os
import sys
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cuda"))
from fake_gpu import installed  # noqa: E402
from oracle import assert_bitwise, to_numpy  # noqa: E402


def _inputs(lib):
    rng = np.random.default_rng(0)

    def t(*shape):
        return lib.tensor(rng.standard_normal(shape).astype(np.float32))
    return {"a": t(4, 4), "b": t(4, 4), "v": t(4), "x4": t(2, 3, 5, 5), "w4": t(4, 3, 3, 3),
            "w3": t(2, 4, 4), "target": lib.tensor([0, 1, 2, 3])}


# (name, fn(lib, F, inputs)): every op the autocast tables name, plus some they don't
CASES = [
    ("matmul", lambda lib, F, i: lib.matmul(i["a"], i["b"])),
    ("mm", lambda lib, F, i: lib.mm(i["a"], i["b"])),
    ("bmm", lambda lib, F, i: lib.bmm(i["a"][None], i["b"][None])),
    ("matmul_operator", lambda lib, F, i: i["a"] @ i["b"]),
    ("mv", lambda lib, F, i: lib.mv(i["a"], i["v"])),
    ("dot", lambda lib, F, i: lib.dot(i["v"], i["v"])),
    ("inner", lambda lib, F, i: lib.inner(i["a"], i["b"])),
    ("addmm", lambda lib, F, i: lib.addmm(i["v"], i["a"], i["b"])),
    ("baddbmm", lambda lib, F, i: lib.baddbmm(i["a"][None], i["a"][None], i["b"][None])),
    ("addbmm", lambda lib, F, i: lib.addbmm(i["a"], i["a"][None], i["b"][None])),
    ("einsum", lambda lib, F, i: lib.einsum("ij,jk->ik", i["a"], i["b"])),
    ("linear", lambda lib, F, i: F.linear(i["a"], i["b"], i["v"])),
    ("linear_half_input", lambda lib, F, i: F.linear(i["a"].bfloat16(), i["b"])),
    ("bilinear", lambda lib, F, i: F.bilinear(i["a"], i["a"], i["w3"])),
    ("conv2d", lambda lib, F, i: F.conv2d(i["x4"], i["w4"], padding=1)),
    ("conv_transpose2d", lambda lib, F, i: F.conv_transpose2d(i["x4"], i["w4"].transpose(0, 1))),
    ("prelu", lambda lib, F, i: F.prelu(i["a"], lib.ones(1))),
    ("softmax_half", lambda lib, F, i: F.softmax(i["a"].bfloat16(), -1)),
    ("log_softmax_half", lambda lib, F, i: F.log_softmax(i["a"].bfloat16(), -1)),
    ("layer_norm", lambda lib, F, i: F.layer_norm(i["a"], (4,))),
    ("layer_norm_half", lambda lib, F, i: F.layer_norm(i["a"].bfloat16(), (4,), i["v"], i["v"])),
    ("group_norm_half", lambda lib, F, i: F.group_norm(i["x4"].bfloat16(), 3)),
    ("batch_norm_half", lambda lib, F, i: F.batch_norm(
        i["x4"].bfloat16(), lib.zeros(3), lib.ones(3), lib.ones(3), lib.zeros(3), True)),
    ("cross_entropy", lambda lib, F, i: F.cross_entropy(i["a"].bfloat16(), i["target"])),
    ("nll_loss", lambda lib, F, i: F.nll_loss(i["a"].bfloat16(), i["target"])),
    ("mse_loss", lambda lib, F, i: F.mse_loss(i["a"].bfloat16(), i["b"].bfloat16())),
    ("l1_loss", lambda lib, F, i: F.l1_loss(i["a"].bfloat16(), i["b"])),
    ("smooth_l1_loss", lambda lib, F, i: F.smooth_l1_loss(i["a"].bfloat16(), i["b"])),
    ("huber_loss", lambda lib, F, i: F.huber_loss(i["a"].bfloat16(), i["b"])),
    ("binary_cross_entropy", lambda lib, F, i: F.binary_cross_entropy(
        i["a"].sigmoid().bfloat16(), i["b"].sigmoid().bfloat16())),
    ("bce_with_logits", lambda lib, F, i: F.binary_cross_entropy_with_logits(
        i["a"].bfloat16(), i["b"].sigmoid())),
    ("kl_div", lambda lib, F, i: F.kl_div(i["a"].bfloat16(), i["b"], reduction="batchmean")),
    ("sum_half", lambda lib, F, i: i["a"].bfloat16().sum()),
    ("prod", lambda lib, F, i: i["a"].prod()),
    ("prod_half", lambda lib, F, i: i["a"].bfloat16().prod()),
    ("cumsum_half", lambda lib, F, i: i["a"].bfloat16().cumsum(0)),
    ("exp_log_half", lambda lib, F, i: i["a"].bfloat16().exp() + i["a"].bfloat16().abs().log()),
    ("pow_half", lambda lib, F, i: i["a"].bfloat16().pow(2)),
    ("norm_half", lambda lib, F, i: i["a"].bfloat16().norm()),
    ("logsumexp_half", lambda lib, F, i: i["a"].bfloat16().logsumexp(0)),
    ("add_mixed", lambda lib, F, i: i["a"].bfloat16() + i["b"]),
    ("cat_mixed", lambda lib, F, i: lib.cat([i["a"], i["b"].bfloat16()])),
    ("relu", lambda lib, F, i: F.relu(i["a"])),
    ("gelu_half", lambda lib, F, i: F.gelu(i["a"].bfloat16())),
    ("matmul_float64", lambda lib, F, i: lib.matmul(i["a"].double(), i["b"].double())),
    ("attention", lambda lib, F, i: F.scaled_dot_product_attention(
        i["a"][None], i["a"][None], i["b"][None])),
]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_cpu_autocast_output_dtype_matches_torch(name, fn, dtype):
    if dtype == "float16" and "half" in name:
        return  # the bfloat16 inputs of these cases say nothing about float16 autocast
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autocast("cpu", dtype=getattr(torch, dtype)):
            expected = fn(torch, torch.nn.functional, _inputs(torch))
    with ember.autocast("cpu", dtype=getattr(ember, dtype)):
        actual = fn(ember, F, _inputs(ember))
    assert actual.dtype.name == str(expected.dtype).split(".")[1], (
        f"{name} under CPU autocast({dtype}): ember {actual.dtype}, torch {expected.dtype}")
    tolerance = 2e-2 if dtype == "bfloat16" else 2e-3
    np.testing.assert_allclose(actual.float().detach().numpy(),
                               expected.float().detach().numpy(), rtol=tolerance,
                               atol=tolerance * 2, err_msg=name)


def test_state_functions_match_torch():
    assert ember.is_autocast_enabled() is False
    assert ember.get_autocast_dtype("cpu") is ember.bfloat16
    assert ember.get_autocast_dtype("cuda") is ember.float16
    with ember.autocast("cpu"):
        # without an argument torch asks about CUDA
        assert ember.is_autocast_enabled() is False
        assert ember.is_autocast_enabled("cpu") is True
        with ember.autocast("cpu", enabled=False):
            assert ember.is_autocast_enabled("cpu") is False
            assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.float32
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.bfloat16
    assert ember.is_autocast_enabled("cpu") is False
    assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.float32


def test_bad_arguments_raise_like_torch():
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        ember.autocast("tpu")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        ember.autocast(ember.device("cpu"))
    with pytest.warns(UserWarning, match="CPU Autocast only supports dtypes"):
        region = ember.autocast("cpu", dtype=ember.float64)
    with region:
        assert ember.is_autocast_enabled("cpu") is False


@pytest.mark.skipif(ember.cuda.is_available(), reason="checks the no-GPU behaviour")
def test_cuda_autocast_without_cuda_warns_and_disables():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        region = ember.autocast("cuda")
    with region:
        assert ember.is_autocast_enabled("cuda") is False
    with pytest.warns(FutureWarning, match="torch.cuda.amp.autocast"):
        ember.cuda.amp.autocast(enabled=False)


def test_decorator_and_gradients_reach_float32_parameters():
    model = ember.nn.Linear(3, 2)

    @ember.autocast("cpu")
    def forward(x):
        return model(x)

    out = forward(ember.randn(4, 3))
    assert out.dtype == ember.bfloat16 and not ember.is_autocast_enabled("cpu")
    out.float().sum().backward()
    assert model.weight.grad.dtype == ember.float32 and model.bias.grad.dtype == ember.float32
    np.testing.assert_allclose(model.bias.grad.numpy(), [4.0, 4.0])


def test_parameter_casts_are_cached_within_a_region():
    from ember.amp import autocast_mode
    weight = ember.nn.Parameter(ember.randn(3, 3))
    x = ember.randn(2, 3)
    with ember.autocast("cpu"):
        first = F.linear(x, weight)
        second = F.linear(x, weight)
        assert len(autocast_mode._cache) == 1  # one bfloat16 copy serves both calls
        (first.float().sum() + second.float().sum()).backward()
    assert autocast_mode._cache == {}
    np.testing.assert_allclose(weight.grad.numpy(), np.tile(2 * x.sum(0).numpy(), (3, 1)),
                               rtol=2e-2)
    with ember.autocast("cpu", cache_enabled=False):
        F.linear(x, weight)
        assert autocast_mode._cache == {}


def test_custom_fwd_casts_inputs_and_custom_bwd_restores_the_state():
    seen = {}

    class Square(ember.autograd.Function):
        @staticmethod
        @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
        def forward(ctx, x):
            seen["forward"] = (x.dtype, ember.is_autocast_enabled("cpu"))
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ember.amp.custom_bwd(device_type="cpu")
        def backward(ctx, grad):
            seen["backward"] = ember.is_autocast_enabled("cpu")
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = ember.randn(3, dtype=ember.bfloat16, requires_grad=True)
    with ember.autocast("cpu"):
        y = Square.apply(x)
    y.sum().backward()
    assert seen == {"forward": (ember.float32, False), "backward": False}
    assert y.dtype == ember.float32 and x.grad.dtype == ember.bfloat16


def test_mlp_training_under_cpu_autocast_follows_torch():
    """Eight SGD steps of the same MLP under CPU autocast (bfloat16) in ember and torch, with
    GradScaler(enabled=False) as scripts written for both devices use it."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal((64, 8)).astype(np.float32)
    labels = (data[:, 0] > 0).astype(np.int64) + 2 * (data[:, 1] > 0)
    weights = [rng.standard_normal(s).astype(np.float32) * 0.3
               for s in [(16, 8), (16,), (4, 16), (4,)]]
    losses = {}
    for lib in (torch, ember):
        model = lib.nn.Sequential(lib.nn.Linear(8, 16), lib.nn.ReLU(), lib.nn.Linear(16, 4))
        with lib.no_grad():
            for p, w in zip(model.parameters(), weights):
                p.copy_(lib.tensor(w))
        optimizer = lib.optim.SGD(model.parameters(), lr=0.5)
        scaler = lib.amp.GradScaler("cpu", enabled=False)
        x, y = lib.tensor(data), lib.tensor(labels)
        losses[lib.__name__] = []
        for _ in range(8):
            optimizer.zero_grad()
            with lib.autocast("cpu", dtype=lib.bfloat16):
                loss = lib.nn.functional.cross_entropy(model(x), y)
            assert loss.dtype == lib.float32
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            losses[lib.__name__].append(loss.item())
        assert all(p.dtype == lib.float32 for p in model.parameters())
    np.testing.assert_allclose(losses["ember"], losses["torch"], rtol=3e-2, atol=1e-2)
    assert losses["ember"][-1] < 0.7 * losses["ember"][0]


# -- the CUDA tables, on the fake CUDA device ---------------------------------------------

CUDA_DTYPES = [  # torch's CUDA autocast (float16) op reference
    ("matmul", lambda i: i["a"] @ i["b"], ember.float16),
    ("linear", lambda i: F.linear(i["a"], i["b"], i["v"]), ember.float16),
    ("conv2d", lambda i: F.conv2d(i["x4"], i["w4"]), ember.float16),
    ("mv", lambda i: ember.mv(i["a"], i["v"]), ember.float16),
    ("dot", lambda i: ember.dot(i["v"], i["v"]), ember.float32),
    ("dot_mixed", lambda i: ember.dot(i["v"].half(), i["v"]), ember.float32),
    ("softmax", lambda i: F.softmax(i["a"].half(), -1), ember.float32),
    ("log_softmax", lambda i: F.log_softmax(i["a"].half(), -1), ember.float32),
    ("softmax_dtype", lambda i: F.softmax(i["a"].half(), -1, dtype=ember.float16),
     ember.float16),
    ("sum", lambda i: i["a"].half().sum(), ember.float32),
    ("cumsum", lambda i: i["a"].half().cumsum(0), ember.float32),
    ("exp", lambda i: i["a"].half().exp(), ember.float32),
    ("pow", lambda i: i["a"].half() ** 2, ember.float32),
    ("layer_norm", lambda i: F.layer_norm(i["a"].half(), (4,)), ember.float32),
    ("batch_norm", lambda i: F.batch_norm(
        i["x4"].half(), ember.zeros(3, device="cuda"), ember.ones(3, device="cuda"),
        ember.ones(3, device="cuda"), ember.zeros(3, device="cuda"), True), ember.float16),
    ("mse_loss", lambda i: F.mse_loss(i["a"].half(), i["b"].half()), ember.float32),
    ("cross_entropy", lambda i: F.cross_entropy(i["a"], i["target"]), ember.float32),
    ("relu", lambda i: F.relu(i["a"].half()), ember.float16),
    ("add_mixed", lambda i: i["a"].half() + i["b"], ember.float32),
]


@pytest.fixture
def fake_cuda(monkeypatch):
    monkeypatch.setattr(ember.cuda, "is_available", lambda: True)
    with installed():
        yield


@pytest.mark.parametrize("name,fn,dtype", CUDA_DTYPES, ids=[c[0] for c in CUDA_DTYPES])
def test_cuda_autocast_tables(fake_cuda, name, fn, dtype):
    inputs = {k: v.to("cuda") for k, v in _inputs(ember).items()}
    with ember.autocast("cuda"):
        out = fn(inputs)
    assert out.dtype is dtype and out.is_cuda, f"{name}: {out.dtype} on {out.device}"


def test_cuda_autocast_ignores_cpu_tensors_and_bans_bce(fake_cuda):
    with ember.autocast("cuda"):
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.float32  # a CPU op
        probabilities = ember.full((3,), 0.5, device="cuda")
        with pytest.raises(RuntimeError, match="unsafe to autocast"):
            F.binary_cross_entropy(probabilities, probabilities)


def test_cuda_amp_aliases_warn(fake_cuda):
    with pytest.warns(FutureWarning, match=r"torch.amp.autocast\('cuda', args...\)"):
        region = ember.cuda.amp.autocast()
    with region:
        assert ember.is_autocast_enabled() and ember.get_autocast_dtype("cuda") is ember.float16
    with pytest.warns(FutureWarning, match=r"torch.amp.GradScaler\('cuda', args...\)"):
        scaler = ember.cuda.amp.GradScaler(init_scale=8.0)
    assert scaler.is_enabled() and scaler.get_scale() == 8.0


def test_bfloat16_linear_and_activations_round_once_as_torch():
    """Half-precision kernels compute in float32 and round once: bit-equal to torch's (where
    torch's oneDNN GEMMs sum as on this project's machines, see tests/oracle.py)."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(32, 16), (24, 16), (24,)]]
    upstream = rng.standard_normal((32, 24)).astype(np.float32)
    for op in ["linear", "sigmoid", "tanh"]:
        results = []
        for lib in (ember, torch):
            x, w, b = (lib.tensor(a).to(lib.bfloat16).requires_grad_() for a in arrays)
            if op == "linear":
                out, leaves = lib.nn.functional.linear(x, w, b), (x, w, b)
            else:
                h = lib.nn.functional.linear(x, w, b).detach().requires_grad_()
                out, leaves = getattr(lib, op)(h), (h,)
            out.backward(lib.tensor(upstream).to(lib.bfloat16))
            results.append([to_numpy(out)] + [to_numpy(t.grad) for t in leaves])
        for ours, theirs in zip(*results):
            assert_bitwise(ours, theirs, rtol=2e-2, atol=2e-2, err_msg=op)
