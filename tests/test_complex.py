"""Complex dtypes against torch: promotion, printing, sampling, the complex-only ops
(ember/ops/complex.py), autograd's convention (conjugate Wirtinger gradients, real parts to
real inputs), and the optimizers on complex parameters."""
import numpy as np
import pytest
import torch

import ember

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]


def _pair(values, dtype="complex64", requires_grad=False):
    """The same data as an ember and a torch tensor."""
    array = np.asarray(values, dtype=dtype)
    return (ember.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def _assert_same(actual, expected, rtol=1e-5, atol=1e-6):
    expected = expected.detach().resolve_conj().numpy()
    actual = np.asarray(actual.detach()._data)
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _random_complex(shape, seed=0, dtype="complex64"):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)


# -- dtypes -------------------------------------------------------------------------------

@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", ["complex64", "complex128"])
def test_promote_types_as_torch(a, b):
    expected = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert ember.promote_types(getattr(ember, a), getattr(ember, b)).name == str(
        expected).replace("torch.", "")


@pytest.mark.parametrize("default", ["float32", "float64"])
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("other", [1j, "complex64 0-d", "complex128 0-d", 2.5])
def test_result_type_of_complex_scalars_and_zero_dim_tensors(default, dtype, other):
    results = []
    for lib in (ember, torch):
        lib.set_default_dtype(getattr(lib, default))
        try:
            operand = (lib.tensor(1j, dtype=getattr(lib, other.split()[0]))
                       if isinstance(other, str) else other)
            results.append(str(lib.result_type(lib.ones(2, dtype=getattr(lib, dtype)),
                                               operand)).split(".")[-1])
        finally:
            lib.set_default_dtype(lib.float32)
    assert results[0] == results[1]


def test_dtype_attributes():
    assert ember.cfloat is ember.complex64 and ember.cdouble is ember.complex128
    assert ember.complex64.is_complex and not ember.complex64.is_floating_point
    assert ember.complex128.to_real() is ember.float64
    assert ember.float32.to_complex() is ember.complex64
    assert ember.finfo(ember.complex64).eps == torch.finfo(torch.complex64).eps
    z = ember.tensor([1 + 2j])
    assert z.is_complex() and not z.is_floating_point() and z.dtype is ember.complex64


# -- printing -----------------------------------------------------------------------------

@pytest.mark.parametrize("values", [
    [1 + 2j, 3 - 4.5j], [[0.001 + 1000j, 3], [1, 2]], 1 + 2j, [1e10 + 1j], [-0.5j, 0],
    [complex(float("nan"), 1), complex(1, float("inf"))], list(np.arange(1200) * (1 + 1j)),
])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_repr_as_torch(values, dtype):
    ours, theirs = _pair(values, dtype)
    assert repr(ours) == repr(theirs).replace("torch.", "ember.")


def test_repr_with_grad_and_empty():
    ours, theirs = _pair([1 + 2j, -0.5j], requires_grad=True)
    assert repr(ours) == repr(theirs)
    assert repr(ember.zeros(0, 3, dtype=ember.complex64)) == repr(
        torch.zeros(0, 3, dtype=torch.complex64)).replace("torch.", "ember.")


# -- sampling and creation ----------------------------------------------------------------

@pytest.mark.parametrize("count", [3, 20, 33])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_randn_and_rand_give_torchs_numbers(count, dtype):
    for name in ("randn", "rand"):
        ours = getattr(ember, name)(count, dtype=getattr(ember, dtype),
                                    generator=ember.Generator().manual_seed(3))
        theirs = getattr(torch, name)(count, dtype=getattr(torch, dtype),
                                      generator=torch.Generator().manual_seed(3))
        np.testing.assert_array_equal(ours._data, theirs.numpy())


def test_tensor_from_complex_data():
    assert ember.tensor([1, 2.5, 1j]).dtype is ember.complex64
    assert ember.tensor([True, 1j]).tolist() == [1 + 0j, 1j]
    assert ember.tensor(2 - 3j).item() == 2 - 3j
    ember.set_default_dtype(ember.float64)
    assert ember.tensor([1j]).dtype is ember.complex128


# -- arithmetic and autograd ----------------------------------------------------------------

def _grads(lib, fn, *arrays):
    leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *leaves)
    weights = _random_complex(out.shape, seed=9)  # a random upstream gradient
    if out.is_complex():
        (out * lib.tensor(weights, dtype=out.dtype)).real.sum().backward()
    else:
        (out * lib.tensor(weights.real, dtype=out.dtype)).sum().backward()
    return out, [leaf.grad for leaf in leaves]


ARITHMETIC = {
    "add": lambda lib, a, b: a + b * (2 - 1j),
    "sub": lambda lib, a, b: lib.sub(a, b, alpha=3),
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "pow": lambda lib, a, b: a ** b,
    "pow_scalar": lambda lib, a, b: a ** 2.5 + b ** (1 + 1j),
    "rpow": lambda lib, a, b: 2 ** a * b,
    "matmul": lambda lib, a, b: a @ b.mT,
    "einsum": lambda lib, a, b: lib.einsum("ij,kj->ik", a, b),
    "conj_mul": lambda lib, a, b: a.conj() * b,
    "mH": lambda lib, a, b: a.mH @ b,
}


MATRIX_PRODUCTS = ("matmul", "einsum", "mH")  # these take operands of one dtype, as torch's


@pytest.mark.parametrize("name, real_operand", [
    (name, real) for name in sorted(ARITHMETIC) for real in (None, 0, 1)
    if real is None or name not in MATRIX_PRODUCTS])
def test_arithmetic_values_and_gradients(name, real_operand):
    arrays = [_random_complex((3, 3), seed=1), _random_complex((3, 3), seed=2)]
    if real_operand is not None:  # a real leaf in complex arithmetic gets a real gradient
        arrays[real_operand] = arrays[real_operand].real.copy()
    out, grads = _grads(ember, ARITHMETIC[name], *arrays)
    expected, expected_grads = _grads(torch, ARITHMETIC[name], *arrays)
    _assert_same(out, expected, rtol=1e-4, atol=1e-5)
    for grad, expected_grad in zip(grads, expected_grads):
        _assert_same(grad, expected_grad, rtol=1e-4, atol=1e-5)


UNARY = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin",
         "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
         "atanh", "sigmoid", "reciprocal", "square", "neg", "abs", "sgn", "angle", "conj",
         "conj_physical"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_unary_values_and_gradients(name, dtype):
    array = _random_complex((2, 5), seed=4, dtype=dtype) * 0.7
    array[0, 0] = 0.3 + 0j  # the real axis
    out, (grad,) = _grads(ember, lambda lib, z: getattr(lib, name)(z), array)
    expected, (expected_grad,) = _grads(torch, lambda lib, z: getattr(lib, name)(z), array)
    tolerance = (1e-4, 1e-5) if dtype == "complex64" else (1e-10, 1e-12)
    _assert_same(out, expected, *tolerance)
    _assert_same(grad, expected_grad, *tolerance)


def test_abs_sgn_and_angle_have_zero_gradient_at_zero():
    for lib in (ember, torch):
        z = lib.tensor([0j, 1 + 1j], requires_grad=True)
        (z.abs().sum() + z.sgn().real.sum() + z.angle().sum()).backward()
        assert z.grad[0].item() == 0
    x = ember.tensor([-1.0, 2.0], requires_grad=True)
    ember.angle(x).sum().backward()
    assert ember.angle(x).tolist() == pytest.approx([np.pi, 0.0])
    assert x.grad.tolist() == [0.0, 0.0]


def test_real_leaf_through_a_complex_graph_gets_real_grad():
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * (2 + 3j)).abs().sum().backward()
        assert x.grad.dtype == lib.float32
        np.testing.assert_allclose(x.grad.numpy() if lib is torch else x.grad._data,
                                   [np.sqrt(13)] * 2, rtol=1e-6)


# -- the complex ops -------------------------------------------------------------------------

def test_real_and_imag_are_writable_views():
    z = ember.tensor([1 + 2j, 3 + 4j])
    z.real[0] = 9
    z.imag = ember.tensor([7.0, 8.0])
    assert z.tolist() == [9 + 7j, 3 + 8j]
    x = ember.tensor([1.0, 2.0])
    assert ember.real(x) is x and x.conj() is x
    z.conj_physical_()
    assert z.tolist() == [9 - 7j, 3 - 8j]


def test_view_as_real_and_complex_share_memory_and_differentiate():
    z, tz = _pair(_random_complex((2, 3)), requires_grad=True)
    pairs, tpairs = ember.view_as_real(z), torch.view_as_real(tz)
    _assert_same(pairs, tpairs)
    weights = np.random.default_rng(0).normal(size=(2, 3, 2)).astype("float32")
    (pairs * ember.tensor(weights)).sum().backward()
    (tpairs * torch.tensor(weights)).sum().backward()
    _assert_same(z.grad, tz.grad)
    plain = ember.zeros(3, 2)
    ember.view_as_complex(plain)[1] = 1 - 2j
    assert plain.tolist() == [[0, 0], [1, -2], [0, 0]]
    strided = ember.view_as_real(ember.zeros(4, 3, dtype=ember.complex64).t())
    assert strided.shape == (3, 4, 2)


def test_complex_and_polar():
    real, treal = _pair([[1.0], [2.0]], "float32", requires_grad=True)
    imag, timag = _pair([0.5, -1.0, 3.0], "float32", requires_grad=True)
    for fn in (lambda lib, a, b: lib.complex(a, b), lambda lib, a, b: lib.polar(a, b)):
        ours, theirs = fn(ember, real, imag), fn(torch, treal, timag)
        _assert_same(ours, theirs)
        ours.abs().sum().backward()
        theirs.abs().sum().backward()
        _assert_same(real.grad, treal.grad)
        _assert_same(imag.grad, timag.grad)
        for leaf in (real, treal, imag, timag):
            leaf.grad = None


@pytest.mark.parametrize("call, error", [
    (lambda lib: lib.view_as_complex(lib.ones(3, 3)), RuntimeError),
    (lambda lib: lib.view_as_complex(lib.ones(3, 2).t()), RuntimeError),
    (lambda lib: lib.view_as_real(lib.ones(3, 2)), RuntimeError),
    (lambda lib: lib.ones(2).imag, RuntimeError),
    (lambda lib: lib.complex(lib.ones(2), lib.ones(2, dtype=lib.float64)), RuntimeError),
    (lambda lib: lib.complex(lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)),
     RuntimeError),
    (lambda lib: lib.sign(lib.tensor([1j])), NotImplementedError),
    (lambda lib: lib.relu(lib.tensor([1j])), NotImplementedError),
    (lambda lib: lib.erf(lib.tensor([1j])), NotImplementedError),
    (lambda lib: lib.floor(lib.tensor([1j])), NotImplementedError),
    (lambda lib: lib.clamp(lib.tensor([1j]), 0, 1), NotImplementedError),
    (lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_(), RuntimeError),
    (lambda lib: lib.tensor(1j, requires_grad=True).mul(2).backward(), RuntimeError),
    (lambda lib: lib.ones(2).mul_(1j), RuntimeError),
    (lambda lib: lib.tensor([1j]).abs_(), RuntimeError),
])
def test_errors_as_torch(call, error):
    with pytest.raises(error) as expected:
        call(torch)
    with pytest.raises(error) as ours:
        call(ember)
    if "scalar outputs" in str(expected.value):
        assert "real scalar outputs" in str(ours.value)


def test_casting_to_real_keeps_the_real_part_with_a_warning():
    ember.set_warn_always(True)  # torch warns once per process, as ember does
    try:
        with pytest.warns(UserWarning, match="discards the imaginary part"):
            x = ember.tensor([1 + 2j]).float()
    finally:
        ember.set_warn_always(False)
    assert x.tolist() == [1.0]


# -- optimizers ----------------------------------------------------------------------------

OPTIMIZERS = {
    "SGD": {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
    "Adam": {"amsgrad": True, "weight_decay": 0.01}, "AdamW": {}, "RMSprop": {"centered": True,
                                                                             "momentum": 0.5},
    "Adagrad": {}, "Adadelta": {}, "Adamax": {}, "NAdam": {}, "RAdam": {}, "ASGD": {},
    "Rprop": {}, "LBFGS": {},
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizers_treat_complex_parameters_as_real_pairs(name):
    trajectories = []
    for lib in (ember, torch):
        w = lib.tensor(_random_complex(3, seed=5), requires_grad=True)
        x = lib.tensor(_random_complex(3, seed=6))
        opt = getattr(lib.optim, name)([w], lr=0.1, **OPTIMIZERS[name])

        def closure():
            opt.zero_grad()
            loss = ((w * x).sum() - 1).abs() ** 2
            loss.backward()
            return loss
        for _ in range(8):
            opt.step(closure)
        trajectories.append(w.detach())
    _assert_same(*trajectories, rtol=1e-4, atol=1e-5)


def test_optimizers_that_refuse_complex_parameters():
    w = ember.zeros(2, dtype=ember.complex64, requires_grad=True)
    with pytest.raises(ValueError, match="SparseAdam does not support complex"):
        ember.optim.SparseAdam([w])
    opt = ember.optim.Adafactor([w])
    w.grad = ember.ones(2, dtype=ember.complex64)
    with pytest.raises(RuntimeError, match="Adafactor does not support complex"):
        opt.step()


# -- nn ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("layer, shape", [
    (lambda nn, dtype: nn.Linear(3, 2, dtype=dtype), (4, 3)),
    (lambda nn, dtype: nn.Conv1d(2, 3, 3, padding=1, dtype=dtype), (1, 2, 5)),
    (lambda nn, dtype: nn.Conv2d(2, 3, 3, stride=2, dtype=dtype), (2, 2, 6, 6)),
    (lambda nn, dtype: nn.ConvTranspose2d(2, 3, 3, dtype=dtype), (1, 2, 4, 4)),
])
def test_complex_layers_initialise_compute_and_differentiate_as_torch(layer, shape):
    results = []
    for lib in (ember, torch):
        lib.manual_seed(0)  # the same kaiming_uniform_ draws for the real and imaginary parts
        module = layer(lib.nn, lib.complex64)
        x = lib.tensor(_random_complex(shape, seed=7), requires_grad=True)
        y = module(x)
        y.abs().sum().backward()
        results.append([y, x.grad] + [p.grad for p in module.parameters()])
    for ours, theirs in zip(*results):
        _assert_same(ours, theirs, rtol=1e-4, atol=1e-5)


def test_module_to_complex_and_l1_loss():
    model = ember.nn.Linear(2, 2)
    with pytest.warns(UserWarning, match="Complex modules"):
        model.to(ember.complex64)
    assert model.weight.dtype is ember.complex64 and model.weight.is_leaf
    ours, theirs = _pair([1 + 1j, -2j])
    _assert_same(ember.nn.functional.l1_loss(ours, ember.zeros(2, dtype=ember.complex64)),
                 torch.nn.functional.l1_loss(theirs, torch.zeros(2, dtype=torch.complex64)))
    with pytest.raises(NotImplementedError, match="complex"):
        ember.nn.functional.mse_loss(ours, ours)


def test_gradcheck_in_real_coordinates():
    z = ember.tensor([1 + 2j, 0.5 - 1j], dtype=ember.complex128, requires_grad=True)
    x = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: (t * t).exp(), [z])
    assert ember.autograd.gradcheck(lambda a, b: a.abs() * b + a.conj() * 1j, [z, x])
    assert ember.autograd.gradgradcheck(lambda t: (t * t.conj()).sin(), [z])
    matrix = ember.tensor([[2 + 1j, 0.5], [1j, 3 - 1j]], dtype=ember.complex128,
                          requires_grad=True)
    assert ember.autograd.gradcheck(lambda m: m.mT * 2, [matrix])  # a transposed output
    assert ember.autograd.gradcheck(lambda m: m.sum(), [matrix])   # a 0-d complex output

    class ForgetsTheConjugate(ember.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t * t

        @staticmethod
        def backward(ctx, grad):
            (t,) = ctx.saved_tensors
            return grad * 2 * t  # torch's convention wants grad * 2 * conj(t)

    assert not ember.autograd.gradcheck(ForgetsTheConjugate.apply, [z], raise_exception=False)
