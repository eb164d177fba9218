"""Differential testing against PyTorch (the CPU build is the oracle).

`check_op(fn, shapes)` feeds the same random inputs to ember and to torch through
`fn(lib, *tensors)`, where `lib` is the `ember` or `torch` module, and compares the
outputs (shape, dtype, values), then the gradients of every input under a random upstream
gradient. A failure message names the op, the shapes, the dtype and the device.
"""
import numpy as np
import torch

import ember

# float32 and float64 tolerances (rtol, atol); half types are loose by nature
TOLERANCE = {
    "float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5), "float16": (1e-2, 1e-2),
    "bfloat16": (2e-2, 2e-2),
}


# torch picks its CPU kernels by the vector extensions of the CPU it runs on. ember reproduces
# the ones torch runs on AVX2 machines like this project's (the float32 normal sampler, the
# compiler's fused multiply-adds, oneDNN's bfloat16 GEMMs); on other CPUs torch's last bits
# may differ, so bit-for-bit checks fall back to a tolerance there.
TORCH_KERNELS_AS_EMBERS = torch.backends.cpu.get_cpu_capability() == "AVX2"


def assert_bitwise(actual, expected, rtol=1e-4, atol=1e-5, err_msg=""):
    """actual equals expected bit for bit where torch runs the kernels ember reproduces, and
    to (rtol, atol) on other CPUs."""
    if TORCH_KERNELS_AS_EMBERS:
        np.testing.assert_array_equal(actual, expected, err_msg=err_msg)
    else:
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=err_msg)


def to_numpy(value):
    """A numpy array from an ember or torch tensor (bfloat16 widened to float32)."""
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.cpu().numpy()
    if isinstance(value, ember.Tensor):
        array = np.asarray(value.detach().cpu()._data)
        return array.astype(np.float32) if value.dtype == ember.bfloat16 else array
    return np.asarray(value)


def random_array(shape, dtype="float32", low=-2.0, high=2.0, rng=None):
    rng = rng or np.random.default_rng(0)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith(("int", "uint")):
        return rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    values = rng.uniform(low, high, size=shape)
    return values.astype(np.float32) if dtype == "bfloat16" else values.astype(dtype)


def _to_lib(array, lib, dtype, requires_grad, device):
    if lib is torch:
        tensor = torch.tensor(array, dtype=getattr(torch, dtype))
    else:
        tensor = ember.tensor(array, dtype=getattr(ember, dtype), device=device)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _as_list(value):
    return list(value) if isinstance(value, (tuple, list)) else [value]


def assert_close(ember_value, torch_value, rtol, atol, what):
    if isinstance(torch_value, torch.Tensor):
        assert isinstance(ember_value, ember.Tensor), f"{what}: expected a Tensor, got {ember_value!r}"
        assert tuple(ember_value.shape) == tuple(torch_value.shape), (
            f"{what}: shape {tuple(ember_value.shape)} != torch {tuple(torch_value.shape)}")
        assert str(ember_value.dtype).split(".")[-1] == str(torch_value.dtype).split(".")[-1], (
            f"{what}: dtype {ember_value.dtype} != torch {torch_value.dtype}")
    actual, expected = to_numpy(ember_value), to_numpy(torch_value)
    if expected.dtype == np.bool_ or expected.dtype.kind in "iu":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
    else:
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=what)


def check_op(fn, shapes=None, arrays=None, dtype="float32", grad=True, rtol=None, atol=None,
             low=-2.0, high=2.0, device="cpu", seed=0, name=None):
    """Compare fn(ember, *inputs) with fn(torch, *inputs): outputs, then input gradients."""
    rng = np.random.default_rng(seed)
    if arrays is None:
        arrays = [random_array(s, dtype, low, high, rng) for s in shapes]
    default_rtol, default_atol = TOLERANCE.get(dtype, (0, 0))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    is_float = dtype in TOLERANCE
    want_grad = grad and is_float
    ember_inputs = [_to_lib(a, ember, dtype, want_grad, device) for a in arrays]
    torch_inputs = [_to_lib(a, torch, dtype, want_grad, None) for a in arrays]
    label = f"{name or getattr(fn, '__name__', 'op')} shapes={[np.shape(a) for a in arrays]} " \
            f"dtype={dtype} device={device}"

    ember_out = _as_list(fn(ember, *ember_inputs))
    torch_out = _as_list(fn(torch, *torch_inputs))
    assert len(ember_out) == len(torch_out), f"{label}: {len(ember_out)} outputs, torch {len(torch_out)}"
    for i, (e, t) in enumerate(zip(ember_out, torch_out)):
        assert_close(e, t, rtol, atol, f"{label} output {i}")
    if not want_grad:
        return ember_out

    pairs = [(e, t) for e, t in zip(ember_out, torch_out)
             if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs:
        return ember_out
    upstream = [random_array(tuple(t.shape), "float64", rng=rng) for _, t in pairs]
    ember_loss = sum((e * ember.tensor(u, dtype=e.dtype, device=device)).sum()
                     for (e, _), u in zip(pairs, upstream))
    torch_loss = sum((t * torch.tensor(u, dtype=t.dtype)).sum() for (_, t), u in zip(pairs, upstream))
    ember_loss.backward()
    torch_loss.backward()
    for i, (e, t) in enumerate(zip(ember_inputs, torch_inputs)):
        if t.grad is None:
            assert e.grad is None or not to_numpy(e.grad).any(), f"{label}: grad of input {i} should be None"
            continue
        assert e.grad is not None, f"{label}: no gradient reached input {i}"
        assert_close(e.grad, t.grad, rtol * 10, atol * 10, f"{label} grad of input {i}")
    return ember_out
