"""The Tensor object's own API against torch: attributes, conversions, Python protocols,
factories on a tensor, and printing (str(ember_t) == str(torch_t) with 'ember.')."""
import copy
import operator
import pickle

import numpy as np
import pytest
import torch

import ember


def _pair(data, dtype=None, requires_grad=False):
    e = ember.tensor(data, dtype=None if dtype is None else getattr(ember, dtype),
                     requires_grad=requires_grad)
    t = torch.tensor(data, dtype=None if dtype is None else getattr(torch, dtype),
                     requires_grad=requires_grad)
    return e, t


# -- what a tensor is ---------------------------------------------------------------------

def test_shape_size_dim_numel():
    e, t = _pair(np.zeros((2, 3, 4)).tolist())
    assert e.shape == t.shape == (2, 3, 4) and isinstance(e.shape, ember.Size)
    assert repr(e.shape) == repr(t.shape).replace("torch.", "ember.")
    assert e.size() == t.size() and e.size(1) == t.size(1) == 3 and e.size(-1) == 4
    assert e.dim() == e.ndim == e.ndimension() == 3
    assert e.numel() == e.nelement() == e.shape.numel() == 24
    assert len(e) == 2 and e.shape[1:] == (3, 4) and isinstance(e.shape[1:], ember.Size)
    for lib_tensor in (e, t):
        with pytest.raises(IndexError):
            lib_tensor.size(3)
        with pytest.raises(IndexError):
            lib_tensor.stride(-4)


def test_dtype_device_and_type_names():
    for dtype in ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16",
                  "int8", "uint8", "bool"):
        e = ember.zeros(2, dtype=getattr(ember, dtype))
        t = torch.zeros(2, dtype=getattr(torch, dtype))
        assert repr(e.dtype) == repr(t.dtype).replace("torch.", "ember.")
        assert e.type() == t.type().replace("torch.", "ember.")
        assert e.element_size() == t.element_size() == e.itemsize
        assert e.is_floating_point() == t.is_floating_point()
    e = ember.ones(2)
    assert e.device == ember.device("cpu") and e.is_cpu and not e.is_cuda
    assert repr(e.device) == "device(type='cpu')" and e.get_device() == -1
    assert e.type(ember.float64).dtype == ember.float64
    assert e.type("ember.IntTensor").dtype == e.type("torch.IntTensor").dtype == ember.int32


def test_stride_and_contiguity():
    e, t = _pair(np.zeros((2, 3)).tolist())
    assert e.stride() == t.stride() == (3, 1) and e.stride(0) == 3
    assert e.is_contiguous() and not e.T.is_contiguous() and not t.T.is_contiguous()
    assert e.T.stride() == t.T.stride()
    assert e.expand(4, 2, 3).stride() == t.expand(4, 2, 3).stride() == (0, 3, 1)
    c = e.T.contiguous()
    assert c.is_contiguous() and c.tolist() == t.T.tolist()
    assert e.contiguous() is e


# -- autograd attributes ------------------------------------------------------------------

def test_autograd_attributes():
    x = ember.ones(2, requires_grad=True)
    assert x.requires_grad and x.is_leaf and x.grad is None and x.grad_fn is None
    y = (x * 3).sum()
    assert not y.is_leaf and y.grad_fn is not None and y.requires_grad
    y.backward()
    assert x.grad.tolist() == [3.0, 3.0]
    plain = ember.ones(2)
    plain.requires_grad = True
    assert plain.requires_grad and plain.is_leaf
    assert plain.requires_grad_(False) is plain and not plain.requires_grad
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.ones(2, dtype=lib.int64).requires_grad_()
        with pytest.raises(RuntimeError):
            (lib.ones(2, requires_grad=True) * 2).requires_grad_(False)


def test_detach_and_clone():
    x = ember.arange(3.0, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    with ember.no_grad():
        d[0] = 5.0
    assert x[0].item() == 5.0  # detach shares memory
    c = x.clone()
    assert c.requires_grad and c.grad_fn is not None
    c.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    c2 = x.detach().clone()
    c2[1] = -1.0
    assert x[1].item() == 1.0  # clone copies


# -- conversions --------------------------------------------------------------------------

def test_item_and_tolist():
    for data, dtype in [(2.5, None), (3, None), (True, None), ([[1, 2], [3, 4]], None),
                        ([1.5, 2.5], "float16"), ([1.5, 2.5], "bfloat16"), ([7], "uint8")]:
        e, t = _pair(data, dtype)
        assert e.tolist() == t.tolist()
        assert type(e.tolist()) is type(t.tolist())
        if t.numel() == 1:
            assert e.item() == t.item() and type(e.item()) is type(t.item())
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.tensor([1, 2, 3]).item()


def test_numpy_shares_memory_and_refuses_grad():
    e = ember.zeros(3)
    array = e.numpy()
    array[0] = 7.0
    assert e[0].item() == 7.0
    e[1] = 3.0
    assert array[1] == 3.0
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.ones(2, requires_grad=True).numpy()
    assert ember.ones(2, requires_grad=True).detach().numpy().tolist() == [1.0, 1.0]
    assert np.asarray(e).dtype == np.float32 and np.asarray(e, dtype=np.float64).dtype == np.float64
    assert np.shares_memory(np.asarray(e), array)
    assert not np.shares_memory(np.array(e, copy=True), array)


@pytest.mark.parametrize("target", [
    "float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool"])
def test_dtype_shortcuts(target):
    e, t = _pair([0.0, 1.5, -2.0])
    converted, expected = getattr(e, target)(), getattr(t, target)()
    assert str(converted.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    assert converted.float().tolist() == expected.float().tolist()


def test_to_forms():
    e = ember.ones(2)
    assert e.to(ember.float64).dtype == ember.float64
    assert e.to("cpu") is e and e.to(ember.float32) is e
    assert e.to("cpu", ember.int32).dtype == ember.int32
    assert e.to(device="cpu", dtype=ember.int32).dtype == ember.int32
    assert e.to(ember.zeros(1, dtype=ember.int8)).dtype == ember.int8
    assert e.to(torch.float64).dtype == ember.float64
    copied = e.to(ember.float32, copy=True)
    assert copied is not e and copied.tolist() == e.tolist()
    assert e.to(float).dtype == ember.float32 and e.to(int).dtype == ember.int64
    x = ember.ones(2, requires_grad=True)
    x.to(ember.float64).sum().backward()
    assert x.grad.dtype == ember.float32 and x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(TypeError):
        e.to(nonsense=True)
    with pytest.raises(RuntimeError):
        e.to("tpu")


# -- Python protocols ---------------------------------------------------------------------

def test_len_iter_bool():
    e, t = _pair([[1, 2], [3, 4]])
    assert len(e) == len(t) == 2
    assert [row.tolist() for row in e] == [row.tolist() for row in t]
    for lib in (ember, torch):
        with pytest.raises(TypeError):
            len(lib.tensor(1))
        with pytest.raises(TypeError):
            iter(lib.tensor(1))
        with pytest.raises(RuntimeError):
            bool(lib.tensor([1, 2]))
        with pytest.raises(RuntimeError):
            bool(lib.tensor([]))
    assert bool(ember.tensor([0.5])) and not bool(ember.tensor(0))


def test_int_float_index():
    for data in (2.7, [-2.7], [[3]], True):
        e, t = _pair(data)
        assert int(e) == int(t) and float(e) == float(t)
    assert operator.index(ember.tensor(3)) == 3 and operator.index(ember.tensor(True)) == 1
    assert [10, 20, 30][ember.tensor(1)] == 20
    for lib in (ember, torch):
        with pytest.raises(TypeError):
            operator.index(lib.tensor(3.0))
        with pytest.raises(ValueError):
            int(lib.ones(2))
        with pytest.raises(ValueError):
            float(lib.ones(2))
    assert f"{ember.tensor(2.5):.2f}" == f"{torch.tensor(2.5):.2f}" == "2.50"


def test_numpy_scalars_with_tensors():
    for lib in (ember, torch):
        for result in (np.float64(2.0) * lib.ones(2), lib.ones(2) * np.float64(2.0)):
            assert isinstance(result, lib.Tensor) and result.dtype == lib.float32
        with pytest.raises(TypeError):
            np.ones(2) @ lib.ones(2)


def test_copy_pickle_hash():
    x = ember.arange(3.0, requires_grad=True)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.tolist() == x.tolist()
    z = pickle.loads(pickle.dumps(x))
    assert z.tolist() == x.tolist() and z.requires_grad
    assert len({x, y}) == 2 and x in {x}


# -- factories on a tensor ----------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda x: x.new_zeros(2, 3), lambda x: x.new_zeros((2, 3)), lambda x: x.new_ones(3),
    lambda x: x.new_ones((2, 2)), lambda x: x.new_full((2,), 1.5),
    lambda x: x.new_tensor([1.5, 2]), lambda x: x.new_empty(3).zero_(),
    lambda x: x.new_empty((2, 2)).fill_(4),
])
@pytest.mark.parametrize("dtype", ["int32", "float64"])
def test_new_factories(call, dtype):
    e, t = ember.ones(2, dtype=getattr(ember, dtype)), torch.ones(2, dtype=getattr(torch, dtype))
    a, b = call(e), call(t)
    assert a.shape == b.shape and str(a.dtype)[6:] == str(b.dtype)[6:]
    assert a.tolist() == b.tolist()


def test_new_factories_keywords():
    x = ember.ones(2, dtype=ember.int32)
    assert x.new_ones(3, dtype=ember.int64).dtype == ember.int64
    assert x.new_zeros(2, dtype=ember.float32, requires_grad=True).requires_grad


# -- repr ---------------------------------------------------------------------------------

REPR_DATA = [
    [1.5, 2.0], [1.0, 2.0], [0.0], 3.0, 0.5, -0.0, [1e-5, 1.0], [1e10, 1.0], [1e9, 2e9],
    [float("nan"), 1.0], [float("inf"), -float("inf"), 0.0], [float("nan")], [[1e-8, 5.0]],
    [[1, 2], [3, 4]], [True, False], [], [[]], [[], []], 7, True, [-0.0, 1.5],
    [123456.789, 0.001], [[1.5, -2.25], [1000.0, 4.0]], list(range(30)), [1e100, -1e-100],
    [0.1, 0.25, 100.0], [12345678.0, 1.0], [-5, 1000000], [[[1.0]]],
]


@pytest.mark.parametrize("data", REPR_DATA, ids=lambda d: repr(d)[:30])
@pytest.mark.parametrize("dtype", [None, "float64", "float16", "bfloat16", "int32", "uint8",
                                   "bool", "int64"])
def test_repr_matches_torch(data, dtype):
    try:
        t = torch.tensor(data) if dtype is None else torch.tensor(data).to(getattr(torch, dtype))
    except (RuntimeError, TypeError, ValueError):
        pytest.skip("torch can't make this tensor")
    source = t.float().numpy() if t.dtype == torch.bfloat16 else t.numpy()
    e = ember.tensor(source).to(getattr(ember, str(t.dtype).split(".")[1]))
    assert str(e) == str(t).replace("torch.", "ember.")
    assert repr(e) == repr(t).replace("torch.", "ember.")


@pytest.mark.parametrize("shape", [(2000,), (50, 50), (3, 400), (4, 5, 60), (2, 3, 40, 40),
                                   (7, 1), (1001,), (6, 7), (2, 1, 2, 1, 2)])
@pytest.mark.parametrize("scale", [1.0, 1e-5, 1e6])
def test_repr_large_and_nested(shape, scale):
    values = np.random.default_rng(1).standard_normal(shape) * scale
    t = torch.tensor(values, dtype=torch.float32)
    e = ember.tensor(values, dtype=ember.float32)
    assert str(e) == str(t).replace("torch.", "ember.")
    ints = torch.tensor((values * 100).astype(np.int64))
    assert str(ember.tensor(ints.numpy())) == str(ints)


def test_repr_suffixes():
    for data, kwargs in [([1.0, 2.0], {}), (2.0, {}), ([1.5] * 30, {})]:
        e = ember.tensor(data, requires_grad=True)
        t = torch.tensor(data, requires_grad=True)
        assert repr(e) == repr(t).replace("torch.", "ember.")
        assert repr(e * 2).split(", grad_fn=")[0] == repr(t * 2).split(", grad_fn=")[0]
        assert repr(e * 2).endswith("grad_fn=<MulBackward0>)")
    e64 = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    t64 = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    assert repr(e64) == repr(t64).replace("torch.", "ember.")
    # a long last line moves the suffixes to the next line
    e = ember.arange(18, dtype=ember.float64) * 1.123
    t = torch.arange(18, dtype=torch.float64) * 1.123
    assert repr(e) == repr(t).replace("torch.", "ember.")


def test_repr_default_dtype_float64():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for data in ([1.5, 2.0], [], [[]]):
            assert repr(ember.tensor(data)) == repr(torch.tensor(data)).replace("torch.", "ember.")
        e32, t32 = ember.tensor([1.5], dtype=ember.float32), torch.tensor([1.5],
                                                                          dtype=torch.float32)
        assert repr(e32) == repr(t32).replace("torch.", "ember.")
    finally:
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("options", [
    {"precision": 2}, {"precision": 7}, {"threshold": 5}, {"edgeitems": 1, "threshold": 10},
    {"linewidth": 40}, {"sci_mode": True}, {"sci_mode": False}, {"profile": "short"},
    {"profile": "full"}, {"edgeitems": 0, "threshold": 3},
])
def test_set_printoptions(options):
    values = np.random.default_rng(2).standard_normal((12, 12)) * 30
    cases = [values, values[0], values * 1e-6, np.round(values), values[:2, :2]]
    try:
        ember.set_printoptions(**options)
        torch.set_printoptions(**options)
        for array in cases:
            e = ember.tensor(array, dtype=ember.float32)
            t = torch.tensor(array, dtype=torch.float32)
            assert str(e) == str(t).replace("torch.", "ember.")
    finally:
        ember.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    assert str(ember.tensor([1.23456])) == "tensor([1.2346])"


def test_printoptions_context_and_get():
    before = ember.get_printoptions()
    with ember.printoptions(precision=1):
        assert str(ember.tensor([1.25, 2.0])) == "tensor([1.2, 2.0])"
    assert ember.get_printoptions() == before and before["precision"] == 4
