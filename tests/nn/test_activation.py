"""Activations, functional and modules, against torch: values, gradients, second order,
inplace forms, reprs and errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, check_op

# name -> fn(lib, x); the input is scaled so that every branch of the function is visited.
ACTIVATIONS = {
    "relu": lambda L, x: L.nn.functional.relu(x),
    "relu6": lambda L, x: L.nn.functional.relu6(x * 4),
    "hardtanh": lambda L, x: L.nn.functional.hardtanh(x, -0.5, 0.7),
    "leaky_relu": lambda L, x: L.nn.functional.leaky_relu(x, 0.2),
    "elu": lambda L, x: L.nn.functional.elu(x, 0.7),
    "selu": lambda L, x: L.nn.functional.selu(x),
    "celu": lambda L, x: L.nn.functional.celu(x, 1.3),
    "gelu": lambda L, x: L.nn.functional.gelu(x * 2),
    "gelu_tanh": lambda L, x: L.nn.functional.gelu(x * 2, approximate="tanh"),
    "silu": lambda L, x: L.nn.functional.silu(x * 3),
    "mish": lambda L, x: L.nn.functional.mish(x * 3),
    "sigmoid": lambda L, x: L.nn.functional.sigmoid(x * 3),
    "tanh": lambda L, x: L.nn.functional.tanh(x),
    "hardsigmoid": lambda L, x: L.nn.functional.hardsigmoid(x * 3),
    "hardswish": lambda L, x: L.nn.functional.hardswish(x * 3),
    "softplus": lambda L, x: L.nn.functional.softplus(x * 3, 2, 3),
    "softplus_default": lambda L, x: L.nn.functional.softplus(x * 15),
    "softsign": lambda L, x: L.nn.functional.softsign(x),
    "softshrink": lambda L, x: L.nn.functional.softshrink(x, 0.6),
    "hardshrink": lambda L, x: L.nn.functional.hardshrink(x, 0.6),
    "tanhshrink": lambda L, x: L.nn.functional.tanhshrink(x),
    "threshold": lambda L, x: L.nn.functional.threshold(x, 0.3, -2.0),
    "logsigmoid": lambda L, x: L.nn.functional.logsigmoid(x * 10),
    "glu": lambda L, x: L.nn.functional.glu(x, 1),
    "softmax": lambda L, x: L.nn.functional.softmax(x * 5, 1),
    "log_softmax": lambda L, x: L.nn.functional.log_softmax(x * 5, 0),
    "softmin": lambda L, x: L.nn.functional.softmin(x, -1),
    "softmax_dtype": lambda L, x: L.nn.functional.softmax(x, 1, dtype=L.float64),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_torch(name, dtype, device):
    check_op(ACTIVATIONS[name], shapes=[(4, 6)], dtype=dtype, device=device, name=name)


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu", "mish", "elu", "selu", "celu",
                                  "softplus", "softplus_default", "logsigmoid", "hardswish",
                                  "softsign", "softmax", "log_softmax", "softmin", "glu",
                                  "leaky_relu", "tanhshrink"])
def test_activation_second_order(name):
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.uniform(-2, 2, (3, 4)), dtype=ember.float64, requires_grad=True)
    fn = lambda t: ACTIVATIONS[name](ember, t)  # noqa: E731
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


def _third_derivative(lib, fn, values):
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    (grad,) = lib.autograd.grad(fn(lib, x).sum(), x, create_graph=True)
    (grad2,) = lib.autograd.grad(grad.sum(), x, create_graph=True)
    (grad3,) = lib.autograd.grad(grad2.sum(), x)
    return grad3


@pytest.mark.parametrize("name", ["gelu", "silu", "softmax"])
def test_third_order_through_grad_ops(name):
    values = [[0.3, -1.2, 0.7], [2.0, -0.1, 0.4]]
    fn = ACTIVATIONS[name]
    assert_close(_third_derivative(ember, fn, values), _third_derivative(torch, fn, values),
                 1e-6, 1e-8, f"{name} third derivative")


def test_prelu_and_module():
    rng = np.random.default_rng(2)
    x = rng.uniform(-2, 2, (2, 3, 4))
    weight = np.array([0.1, 0.2, 0.3])
    check_op(lambda L, a, w: L.nn.functional.prelu(a, w), arrays=[x, weight], dtype="float64")
    check_op(lambda L, a, w: L.nn.functional.prelu(a, w), arrays=[x, weight[:1]])
    module = ember.nn.PReLU(3)
    assert repr(module) == "PReLU(num_parameters=3)"
    assert module.weight.tolist() == pytest.approx([0.25] * 3)
    assert [name for name, _ in module.named_parameters()] == ["weight"]
    with pytest.raises(RuntimeError, match="parameter numbers = 2 and channel size = 3"):
        ember.nn.functional.prelu(ember.ones(2, 3), ember.ones(2))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("size", [7, 300_001])  # whole, and in shares
def test_relu_gradient_is_zero_where_the_input_is_not_positive_even_for_inf_and_nan(dtype,
                                                                                   size):
    """torch's threshold_backward: 0 where relu's output <= 0 whatever the incoming gradient
    (grad * mask would give nan for inf and nan there), the gradient itself elsewhere (also
    where the input is nan)."""
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((2, size))
    x[::5], x[1::11], x[3::17] = 0.0, np.nan, -0.0
    g[::3], g[2::13] = np.inf, np.nan
    grads = []
    for lib in (ember, torch):
        xt = lib.tensor(x).to(getattr(lib, dtype)).requires_grad_()
        lib.relu(xt).backward(lib.tensor(g).to(getattr(lib, dtype)))
        grads.append(xt.grad.double().numpy())
    np.testing.assert_array_equal(*grads)


def test_relu_on_integers_keeps_dtype():
    out = ember.nn.functional.relu(ember.tensor([-2, 3]))
    assert out.dtype == ember.int64 and out.tolist() == [0, 3]
    assert ember.nn.functional.hardtanh(ember.tensor([-2, 3])).tolist() == [-1, 1]


@pytest.mark.parametrize("name,kwargs", [
    ("relu", {}), ("relu6", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {}),
    ("selu", {}), ("celu", {}), ("hardtanh", {}), ("silu", {}), ("mish", {}),
    ("hardswish", {}), ("hardsigmoid", {}), ("threshold", {"threshold": 0.1, "value": 5.0}),
])
def test_inplace_writes_into_input(name, kwargs):
    values = [-1.5, -0.2, 0.3, 2.0]
    x = ember.tensor(values)
    result = getattr(ember.nn.functional, name)(x, inplace=True, **kwargs)
    expected = getattr(torch.nn.functional, name)(torch.tensor(values), **kwargs)
    assert result is x
    assert_close(x, expected, 1e-6, 1e-6, name)


def test_inplace_on_graph_records_gradient_and_leaf_raises():
    leaf = ember.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        ember.nn.functional.relu(leaf, inplace=True)
    out = ember.nn.functional.elu(leaf * 2, inplace=True)
    out.sum().backward()
    assert leaf.grad.tolist() == pytest.approx([2 * np.exp(-2.0), 2.0])
    x = ember.tensor([-1.0, 3.0])
    assert ember.nn.functional.relu_(x) is x and x.tolist() == [0.0, 3.0]
    assert ember.nn.functional.leaky_relu_(ember.tensor([-1.0]), 0.5).tolist() == [-0.5]


def test_softmax_implicit_dim_warns_and_follows_torch_rule():
    for shape, dim in (((3,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)):
        x = ember.randn(*shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            out = ember.nn.functional.softmax(x)
        assert_close(out.sum(dim), torch.ones(tuple(s for i, s in enumerate(shape) if i != dim)),
                     1e-5, 1e-6, f"softmax implicit dim of {shape}")


def test_softmax_edge_cases():
    assert ember.nn.functional.softmax(ember.tensor(2.0), 0).item() == 1.0
    empty = ember.nn.functional.log_softmax(ember.zeros(0, 3), 1)
    assert tuple(empty.shape) == (0, 3)
    big = ember.nn.functional.log_softmax(ember.tensor([1000.0, 0.0]), 0)
    assert big.tolist() == pytest.approx([0.0, -1000.0])
    assert ember.tensor([[1.0, 1.0]]).softmax(1).tolist() == [[0.5, 0.5]]
    assert ember.tensor([1.0, 1.0]).log_softmax(0).tolist() == pytest.approx([-0.6931472] * 2)


@pytest.mark.parametrize("call,error,match", [
    (lambda F: F.gelu(ember.tensor([1, 2])), NotImplementedError, "gelu.*float"),
    (lambda F: F.silu(ember.tensor([1, 2])), NotImplementedError, "silu"),
    (lambda F: F.softmax(ember.tensor([1, 2]), 0), NotImplementedError, "dtype"),
    (lambda F: F.gelu(ember.ones(2), approximate="fast"), RuntimeError, "none or tanh"),
    (lambda F: F.glu(ember.ones(2, 3)), RuntimeError, "dimension 1 is size 3"),
    (lambda F: F.glu(ember.tensor(1.0)), RuntimeError, "scalars"),
    (lambda F: F.softmax(ember.ones(2, 3), 2), IndexError, "Dimension out of range"),
    (lambda F: F.hardtanh(ember.ones(2), 1.0, -1.0), ValueError, "min_val cannot be greater"),
    (lambda F: F.softshrink(ember.ones(2), -1.0), RuntimeError, "lambda"),
    (lambda F: F.prelu(ember.ones(2, 3), ember.ones(3, 1)), RuntimeError, "scalar or 1D"),
    (lambda F: F.relu([1.0]), TypeError, "must be Tensor"),
])
def test_activation_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(ember.nn.functional)


MODULES = [
    ("ReLU", (), {}, "ReLU()"),
    ("ReLU", (), {"inplace": True}, "ReLU(inplace=True)"),
    ("ReLU6", (), {}, "ReLU6()"),
    ("LeakyReLU", (0.2, True), {}, "LeakyReLU(negative_slope=0.2, inplace=True)"),
    ("ELU", (0.5,), {}, "ELU(alpha=0.5)"),
    ("SELU", (), {}, "SELU()"),
    ("CELU", (2.0, True), {}, "CELU(alpha=2.0, inplace=True)"),
    ("GELU", ("tanh",), {}, "GELU(approximate='tanh')"),
    ("SiLU", (), {}, "SiLU()"),
    ("Mish", (), {}, "Mish()"),
    ("Sigmoid", (), {}, "Sigmoid()"),
    ("Tanh", (), {}, "Tanh()"),
    ("Hardtanh", (-2.0, 3.0), {}, "Hardtanh(min_val=-2.0, max_val=3.0)"),
    ("Hardsigmoid", (), {}, "Hardsigmoid()"),
    ("Hardswish", (), {}, "Hardswish()"),
    ("Softplus", (2, 10), {}, "Softplus(beta=2, threshold=10)"),
    ("Softsign", (), {}, "Softsign()"),
    ("Softshrink", (), {}, "Softshrink(0.5)"),
    ("Hardshrink", (0.3,), {}, "Hardshrink(0.3)"),
    ("Tanhshrink", (), {}, "Tanhshrink()"),
    ("Threshold", (0.1, 20), {}, "Threshold(threshold=0.1, value=20)"),
    ("LogSigmoid", (), {}, "LogSigmoid()"),
    ("GLU", (), {}, "GLU(dim=-1)"),
    ("Softmax", (), {"dim": 1}, "Softmax(dim=1)"),
    ("LogSoftmax", (1,), {}, "LogSoftmax(dim=1)"),
    ("Softmin", (1,), {}, "Softmin(dim=1)"),
    ("Softmax2d", (), {}, "Softmax2d()"),
    ("RReLU", (), {}, "RReLU(lower=0.125, upper=0.3333333333333333)"),
]


@pytest.mark.parametrize("name,args,kwargs,text", MODULES)
def test_module_repr_and_forward(name, args, kwargs, text):
    module = getattr(ember.nn, name)(*args, **kwargs)
    reference = getattr(torch.nn, name)(*args, **kwargs)
    assert repr(module) == text == repr(reference)
    x = np.random.default_rng(3).uniform(-3, 3, (2, 4, 2, 2)).astype(np.float32)
    if name == "RReLU":
        module.eval()
        reference.eval()
    inplace = kwargs.get("inplace") or (len(args) > 1 and args[-1] is True)
    source = ember.tensor(x.copy())
    assert_close(module(source), reference(torch.tensor(x.copy())), 1e-5, 1e-6, name)
    if inplace:
        assert_close(source, reference(torch.tensor(x.copy())), 1e-5, 1e-6, name + " inplace")


def test_rrelu_training_draws_slopes_in_range():
    x = -ember.ones(1000)
    out = ember.nn.RReLU(0.1, 0.3)(x)
    slopes = -out.numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.02


def test_hardtanh_module_rejects_bad_range_and_old_names():
    with pytest.raises(AssertionError, match="must be greater than min_val"):
        ember.nn.Hardtanh(1.0, -1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = ember.nn.Hardtanh(min_value=-2.0)
    assert module.min_val == -2.0 and caught[0].category is FutureWarning


# name -> (fn(lib, x), the function's breakpoints): torch picks a side at each one.
BREAKPOINTS = {
    "relu": (lambda L, x: L.nn.functional.relu(x), [0.0]),
    "relu6": (lambda L, x: L.nn.functional.relu6(x), [0.0, 6.0]),
    "hardtanh": (lambda L, x: L.nn.functional.hardtanh(x, -0.5, 0.75), [-0.5, 0.75]),
    "leaky_relu": (lambda L, x: L.nn.functional.leaky_relu(x, 0.2), [0.0]),
    "elu": (lambda L, x: L.nn.functional.elu(x, 0.7), [0.0]),
    "celu": (lambda L, x: L.nn.functional.celu(x, 1.5), [0.0]),
    "selu": (lambda L, x: L.nn.functional.selu(x), [0.0]),
    "hardsigmoid": (lambda L, x: L.nn.functional.hardsigmoid(x), [-3.0, 3.0]),
    "hardswish": (lambda L, x: L.nn.functional.hardswish(x), [-3.0, 3.0]),
    "softshrink": (lambda L, x: L.nn.functional.softshrink(x, 0.5), [-0.5, 0.5]),
    "hardshrink": (lambda L, x: L.nn.functional.hardshrink(x, 0.5), [-0.5, 0.5]),
    "threshold": (lambda L, x: L.nn.functional.threshold(x, 0.25, -2.0), [0.25]),
    "softplus": (lambda L, x: L.nn.functional.softplus(x, 2, 3), [1.5]),
    "rrelu_eval": (lambda L, x: L.nn.functional.rrelu(x, training=False), [0.0]),
}


@pytest.mark.parametrize("name", sorted(BREAKPOINTS))
def test_activation_gradient_at_breakpoints_matches_torch(name):
    fn, points = BREAKPOINTS[name]
    values = [p + d for p in points for d in (-0.25, 0.0, 0.25)]
    grads = []
    for lib in (torch, ember):
        x = lib.tensor(values, dtype=lib.float32, requires_grad=True)
        fn(lib, x).backward(lib.ones(len(values)))
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6, atol=0)
