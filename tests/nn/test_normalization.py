"""Normalisation, functional and modules, against torch: batch/instance/layer/group/RMS/local
response norm values and gradients, running statistics over several steps, train/eval,
double backward of the fused ops, reprs, state_dict keys and errors."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, check_op, to_numpy

TOL = {"float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}


def _copy_state(ember_module, torch_module):
    ember_module.load_state_dict({k: ember.tensor(v.detach().numpy())
                                  for k, v in torch_module.state_dict().items()})


def _compare_module(make, shape, dtype="float32", steps=1, seed=0, affine_params=True):
    """Run the same module (weights copied) in ember and torch for a few training steps;
    compare outputs, input and parameter gradients and the buffers after every step."""
    rng = np.random.default_rng(seed)
    torch_module = make(torch.nn).to(getattr(torch, dtype))
    ember_module = make(ember.nn).to(getattr(ember, dtype))
    if affine_params:  # non-trivial affine parameters
        with torch.no_grad():
            for p in torch_module.parameters():
                p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape))))
    _copy_state(ember_module, torch_module)
    assert list(ember_module.state_dict()) == list(torch_module.state_dict())
    rtol, atol = TOL[dtype]
    for step in range(steps):
        x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
        xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ye, yt = ember_module(xe), torch_module(xt)
        assert_close(ye, yt, rtol, atol, f"{torch_module} step {step} output")
        upstream = rng.standard_normal(tuple(yt.shape)).astype(dtype)
        ye.backward(ember.tensor(upstream))
        yt.backward(torch.tensor(upstream))
        assert_close(xe.grad, xt.grad, rtol * 10, atol * 10, f"{torch_module} grad input")
        for (name, pe), (_, pt) in zip(ember_module.named_parameters(),
                                       torch_module.named_parameters()):
            assert_close(pe.grad, pt.grad, rtol * 10, atol * 10, f"{torch_module} grad {name}")
        for (name, be), (_, bt) in zip(ember_module.named_buffers(),
                                       torch_module.named_buffers()):
            assert_close(be, bt, rtol, atol, f"{torch_module} buffer {name} after step {step}")
    return ember_module, torch_module


# -- functional ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 5)])
def test_batch_norm_training(shape, dtype):
    check_op(lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, True, 0.1, 1e-3),
             shapes=[shape, (3,), (3,)], dtype=dtype, name="batch_norm")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm_eval_and_running_stats(dtype):
    rng = np.random.default_rng(1)
    stats = {lib: (lib.tensor(rng.standard_normal(3).astype(dtype)) if lib is ember else None)
             for lib in (ember, torch)}
    mean0, var0 = rng.standard_normal(3).astype(dtype), rng.uniform(0.5, 2, 3).astype(dtype)

    def fn(L, x, w, b, training):
        mean, var = L.tensor(mean0.copy()), L.tensor(var0.copy())
        out = L.nn.functional.batch_norm(x, mean, var, w, b, training, 0.3)
        stats[L] = (mean, var)
        return out

    for training in (False, True):
        check_op(lambda L, x, w, b: fn(L, x, w, b, training), shapes=[(5, 3, 4), (3,), (3,)],
                 dtype=dtype, name=f"batch_norm training={training}")
        for e, t in zip(stats[ember], stats[torch]):
            assert_close(e, t, *TOL[dtype], f"running stat training={training}")


def test_batch_norm_without_affine_and_no_grad_updates_stats():
    mean = ember.zeros(3)
    with ember.no_grad():
        ember.nn.functional.batch_norm(ember.randn(8, 3) + 5, mean, ember.ones(3),
                                       training=True, momentum=1.0)
    assert float(mean.min()) > 4  # momentum 1: the running mean is the batch mean


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,normalized", [((4, 5), (5,)), ((2, 3, 4, 5), (4, 5)),
                                              ((3, 7), [7])])
def test_layer_norm(shape, normalized, dtype):
    affine = tuple(normalized)
    check_op(lambda L, x, w, b: L.nn.functional.layer_norm(x, normalized, w, b, 1e-4),
             shapes=[shape, affine, affine], dtype=dtype, name="layer_norm")
    check_op(lambda L, x: L.nn.functional.layer_norm(x, normalized), shapes=[shape],
             dtype=dtype, name="layer_norm no affine")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,groups", [((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((2, 4), 4),
                                          ((2, 4, 3), 1)])
def test_group_norm(shape, groups, dtype):
    channels = shape[1]
    check_op(lambda L, x, w, b: L.nn.functional.group_norm(x, groups, w, b, 1e-4),
             shapes=[shape, (channels,), (channels,)], dtype=dtype, name="group_norm")
    check_op(lambda L, x: L.nn.functional.group_norm(x, groups), shapes=[shape], dtype=dtype,
             name="group_norm no affine")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_instance_norm(dtype):
    check_op(lambda L, x, w, b: L.nn.functional.instance_norm(x, weight=w, bias=b),
             shapes=[(2, 3, 4, 5), (3,), (3,)], dtype=dtype, name="instance_norm")


def test_rms_norm_and_local_response_norm():
    check_op(lambda L, x, w: L.nn.functional.rms_norm(x, (4,), w), shapes=[(3, 4), (4,)],
             dtype="float64", name="rms_norm")
    check_op(lambda L, x: L.nn.functional.rms_norm(x, [3, 4], eps=1e-3), shapes=[(2, 3, 4)],
             name="rms_norm eps")
    for size in (1, 2, 3, 5):
        check_op(lambda L, x: L.nn.functional.local_response_norm(x, size, 0.1, 0.6, 2.0),
                 shapes=[(2, 6, 3)], dtype="float64", name=f"local_response_norm {size}")
    check_op(lambda L, x: L.nn.functional.local_response_norm(x, 3), shapes=[(2, 4, 3, 3)],
             name="local_response_norm 4d")


def _f64(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return ember.tensor(rng.standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("name,fn,shapes", [
    ("batch_norm", lambda x, w, b: ember.nn.functional.batch_norm(x, None, None, w, b, True),
     [(3, 2, 2), (2,), (2,)]),
    ("batch_norm eval", lambda x, w, b: ember.nn.functional.batch_norm(
        x, ember.tensor([0.1, -0.2], dtype=ember.float64),
        ember.tensor([1.5, 0.7], dtype=ember.float64), w, b, False), [(3, 2, 2), (2,), (2,)]),
    ("layer_norm", lambda x, w, b: ember.nn.functional.layer_norm(x, (3,), w, b),
     [(2, 3), (3,), (3,)]),
    ("group_norm", lambda x, w, b: ember.nn.functional.group_norm(x, 2, w, b),
     [(2, 4, 2), (4,), (4,)]),
])
def test_fused_norms_gradcheck_and_double_backward(name, fn, shapes):
    inputs = [_f64(*s, seed=i) for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs), name
    assert gradgradcheck(fn, inputs), name


def test_fused_norm_backward_paths_agree():
    """The array path (plain backward) and the ember-op path (create_graph) give the same
    first derivatives."""
    x, w, b = _f64(4, 3, 5), _f64(3, seed=1), _f64(3, seed=2)
    for fn in (lambda: ember.nn.functional.batch_norm(x, None, None, w, b, True),
               lambda: ember.nn.functional.layer_norm(x, (5,)),
               lambda: ember.nn.functional.group_norm(x.reshape(4, 3, 5), 3, w, b)):
        y = fn()
        upstream = ember.tensor(np.random.default_rng(3).standard_normal(tuple(y.shape)))
        plain = ember.autograd.grad(y, [x], upstream, retain_graph=True)[0]
        graph = ember.autograd.grad(y, [x], upstream, create_graph=True)[0]
        np.testing.assert_allclose(to_numpy(plain), to_numpy(graph), rtol=1e-10, atol=1e-12)


# -- modules ------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.BatchNorm1d(3), (8, 3)),
    (lambda nn: nn.BatchNorm1d(3, momentum=None), (4, 3, 5)),
    (lambda nn: nn.BatchNorm2d(4, eps=1e-3, momentum=0.3), (3, 4, 5, 2)),
    (lambda nn: nn.BatchNorm2d(4, affine=False), (3, 4, 2, 2)),
    (lambda nn: nn.BatchNorm2d(4, track_running_stats=False), (3, 4, 2, 2)),
    (lambda nn: nn.BatchNorm2d(4, bias=False), (3, 4, 2, 2)),
])
def test_batchnorm_module_training_steps_then_eval(make, shape, dtype):
    ember_module, torch_module = _compare_module(make, shape, dtype, steps=3)
    if ember_module.track_running_stats:
        assert int(ember_module.num_batches_tracked) == 3
        assert ember_module.num_batches_tracked.dtype == ember.int64
    ember_module.eval()
    torch_module.eval()
    x = np.random.default_rng(9).standard_normal(shape).astype(dtype)
    assert_close(ember_module(ember.tensor(x)), torch_module(torch.tensor(x)), *TOL[dtype],
                 f"{torch_module} eval")


def test_batchnorm_defaults_and_state_dict():
    bn = ember.nn.BatchNorm2d(5)
    assert repr(bn) == ("BatchNorm2d(5, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                        "track_running_stats=True)")
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    np.testing.assert_array_equal(to_numpy(bn.weight), 1)
    np.testing.assert_array_equal(to_numpy(bn.bias), 0)
    np.testing.assert_array_equal(to_numpy(bn.running_mean), 0)
    np.testing.assert_array_equal(to_numpy(bn.running_var), 1)
    assert bn.num_batches_tracked.dtype == ember.int64 and int(bn.num_batches_tracked) == 0
    assert repr(ember.nn.BatchNorm1d(3, affine=False, track_running_stats=False)) == (
        "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, "
        "track_running_stats=False)")
    assert list(ember.nn.BatchNorm1d(3, track_running_stats=False).state_dict()) == [
        "weight", "bias"]


def test_batchnorm_loads_torch_checkpoint_without_num_batches_tracked():
    bn = ember.nn.BatchNorm1d(2)
    state = {"weight": ember.ones(2), "bias": ember.zeros(2), "running_mean": ember.zeros(2),
             "running_var": ember.ones(2)}
    state = type("StateDict", (dict,), {})(state)
    state._metadata = {"": {"version": 1}}
    bn.load_state_dict(state)
    assert int(bn.num_batches_tracked) == 0


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        ember.nn.BatchNorm1d(3)(ember.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        ember.nn.BatchNorm2d(3)(ember.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"BatchNorm2d\(3\) expected input with 3 channels"):
        ember.nn.BatchNorm2d(3)(ember.randn(2, 4, 2, 2))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        ember.nn.BatchNorm1d(3)(ember.randn(1, 3))
    ember.nn.BatchNorm1d(3).eval()(ember.randn(1, 3))  # fine in eval mode
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 4"):
        ember.nn.functional.batch_norm(ember.randn(2, 3), ember.zeros(4), ember.ones(4))


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.InstanceNorm1d(3), (2, 3, 6)),
    (lambda nn: nn.InstanceNorm1d(3, affine=True), (3, 6)),
    (lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 4, 4)),
])
def test_instancenorm_module(make, shape):
    ember_module, torch_module = _compare_module(make, shape, "float64", steps=2)
    ember_module.eval()
    torch_module.eval()
    x = np.random.default_rng(9).standard_normal(shape)
    assert_close(ember_module(ember.tensor(x)), torch_module(torch.tensor(x)), *TOL["float64"],
                 f"{torch_module} eval")


def test_instancenorm_repr_and_errors():
    assert repr(ember.nn.InstanceNorm2d(3)) == (
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, "
        "track_running_stats=False)")
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        ember.nn.InstanceNorm2d(3)(ember.randn(3, 4))
    with pytest.raises(ValueError, match="to match num_features"):
        ember.nn.InstanceNorm1d(3, affine=True)(ember.randn(2, 4, 5))
    with pytest.raises(ValueError, match="Expected more than 1 spatial element"):
        ember.nn.InstanceNorm1d(3)(ember.randn(2, 3, 1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.LayerNorm(5), (3, 5)),
    (lambda nn: nn.LayerNorm((3, 4), eps=1e-3, bias=False), (2, 3, 4)),
    (lambda nn: nn.LayerNorm(4, elementwise_affine=False), (2, 4)),
    (lambda nn: nn.GroupNorm(2, 4), (3, 4, 5)),
    (lambda nn: nn.GroupNorm(1, 3, affine=False), (2, 3, 2, 2)),
    (lambda nn: nn.RMSNorm(4), (3, 4)),
    (lambda nn: nn.LocalResponseNorm(3), (2, 5, 3)),
])
def test_stateless_norm_modules(make, shape, dtype):
    _compare_module(make, shape, dtype)


def test_stateless_norm_reprs_and_errors():
    assert repr(ember.nn.LayerNorm(5)) == (
        "LayerNorm((5,), eps=1e-05, elementwise_affine=True, bias=True)")
    assert repr(ember.nn.GroupNorm(2, 4)) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert repr(ember.nn.RMSNorm([2, 3])) == "RMSNorm((2, 3), eps=None, elementwise_affine=True)"
    assert repr(ember.nn.LocalResponseNorm(2)) == (
        "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)")
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by num_groups"):
        ember.nn.GroupNorm(2, 5)
    with pytest.raises(RuntimeError, match="expected input with 4 channels"):
        ember.nn.GroupNorm(2, 4)(ember.randn(2, 6, 3))
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[5\], expected input with "
                                           r"shape \[\*, 5\], but got input of size"):
        ember.nn.LayerNorm(5)(ember.randn(2, 4))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        ember.nn.functional.group_norm(ember.randn(2, 5, 3), 2)
    with pytest.raises(ValueError, match="Expected 3D or higher dimensionality input"):
        ember.nn.functional.local_response_norm(ember.randn(2, 3), 2)


@pytest.mark.parametrize("call,message", [
    (lambda: ember.nn.BatchNorm2d(3)(ember.randn(2, 3, 4, 4, dtype=ember.float64)),
     "batch_norm: mixed dtypes"),
    (lambda: ember.nn.LayerNorm(3)(ember.randn(2, 3, dtype=ember.float64)),
     "layer_norm: mixed dtypes"),
    (lambda: ember.nn.GroupNorm(1, 3)(ember.randn(2, 3, dtype=ember.float64)),
     "group_norm: mixed dtypes"),
    (lambda: ember.nn.functional.batch_norm(ember.randn(2, 3), ember.zeros(3), ember.ones(3),
                                            ember.ones(4)), "weight should contain 3 elements"),
    (lambda: ember.nn.functional.layer_norm(ember.randn(2, 3), (3,), ember.ones(4)),
     "Expected weight to be of same shape as normalized_shape"),
    (lambda: ember.nn.functional.group_norm(ember.randn(2, 4, 3), 2, ember.ones(3)),
     "Expected weight to be a vector of size equal to the number of channels"),
])
def test_functional_norm_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
