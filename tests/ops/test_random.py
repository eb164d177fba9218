"""Random sampling: shapes, dtypes and ranges as torch, the right laws (moments), seeding and
generator state, and torch's errors."""
import math

import numpy as np
import pytest
import torch

import ember

N = 40_000  # samples for moment checks: standard errors near 0.005


def _moments(t):
    values = np.asarray(t.detach().double().numpy(), dtype=np.float64).ravel()
    return values.mean(), values.std()


# -- shapes, dtypes, arguments ------------------------------------------------------------

@pytest.mark.parametrize("name", ["rand", "randn"])
def test_size_forms_and_dtypes(name):
    fn = getattr(ember, name)
    for call in (lambda: fn(2, 3), lambda: fn((2, 3)), lambda: fn([2, 3]),
                 lambda: fn(size=(2, 3))):
        out = call()
        assert out.shape == (2, 3) and out.dtype == ember.float32
    for dtype in (ember.float64, ember.float16, ember.bfloat16):
        assert fn(4, dtype=dtype).dtype == dtype
    assert fn(()).shape == () and fn(0).shape == (0,)
    assert fn(3, requires_grad=True).requires_grad
    ember.set_default_dtype(ember.float64)
    assert fn(2).dtype == ember.float64
    with pytest.raises(NotImplementedError):
        fn(2, dtype=ember.int64)
    with pytest.raises(NotImplementedError):
        getattr(torch, name)(2, dtype=torch.int64)
    with pytest.raises(RuntimeError):
        fn(-1)
    with pytest.raises(TypeError):
        fn(2.5)


def test_rand_law():
    x = ember.rand(N)
    assert float(x.min()) >= 0.0 and float(x.max()) < 1.0
    mean, std = _moments(x)
    assert abs(mean - 0.5) < 0.01 and abs(std - math.sqrt(1 / 12)) < 0.01
    x64 = ember.rand(N, dtype=ember.float64)
    assert abs(_moments(x64)[0] - 0.5) < 0.01


def test_randn_law():
    for dtype in (ember.float32, ember.float64, ember.bfloat16):
        mean, std = _moments(ember.randn(N, dtype=dtype))
        assert abs(mean) < 0.02 and abs(std - 1) < 0.02


def test_randint_forms():
    x = ember.randint(10, (N,))
    assert x.dtype == ember.int64 and x.shape == (N,)
    assert int(x.min()) == 0 and int(x.max()) == 9
    counts = np.bincount(x.numpy(), minlength=10) / N
    assert np.abs(counts - 0.1).max() < 0.01
    y = ember.randint(3, 5, size=(2, 3))
    assert y.shape == (2, 3) and set(y.flatten().tolist()) <= {3, 4}
    assert ember.randint(high=5, size=(4,)).shape == (4,)
    assert ember.randint(-3, 3, (100,)).min() >= -3
    z = ember.randint(5, (3,), dtype=ember.float32)
    assert z.dtype == ember.float32 and all(v == int(v) for v in z.tolist())
    assert ember.randint(0, 256, (50,), dtype=ember.uint8).dtype == ember.uint8
    assert ember.randint(2, (50,), dtype=ember.bool).dtype == ember.bool


@pytest.mark.parametrize("call, error", [
    (lambda lib: lib.randint(5, 5, (2,)), RuntimeError),
    (lambda lib: lib.randint(5, (2,), dtype=lib.bool), RuntimeError),
    (lambda lib: lib.randint(0, 300, (2,), dtype=lib.uint8), RuntimeError),
    (lambda lib: lib.randint(5), TypeError),
    (lambda lib: lib.randint(5, (2,), dtype=lib.float32, requires_grad=True) * 0 + lib.randint(
        5, (2,), requires_grad=True), RuntimeError),
    (lambda lib: lib.randperm(-1), RuntimeError),
])
def test_randint_randperm_errors(call, error):
    for lib in (ember, torch):
        with pytest.raises(error):
            call(lib)


def test_randperm():
    p = ember.randperm(50)
    assert p.dtype == ember.int64 and sorted(p.tolist()) == list(range(50))
    assert ember.randperm(5, dtype=ember.float32).dtype == ember.float32
    assert ember.randperm(0).shape == (0,)
    firsts = np.array([ember.randperm(3)[0].item() for _ in range(3000)])
    assert np.abs(np.bincount(firsts, minlength=3) / 3000 - 1 / 3).max() < 0.04


# -- normal, bernoulli, multinomial, poisson ----------------------------------------------

def test_normal_forms():
    mean, std = ember.full((N,), 2.0), ember.full((N,), 3.0)
    for sample in (ember.normal(mean, std), ember.normal(mean, 3.0),
                   ember.normal(2.0, std), ember.normal(2.0, 3.0, size=(N,)),
                   ember.normal(2.0, 3.0, (N,), dtype=ember.float64)):
        assert sample.shape == (N,)
        m, s = _moments(sample)
        assert abs(m - 2) < 0.06 and abs(s - 3) < 0.06
    assert ember.normal(ember.zeros(3), 1.0).dtype == ember.float32
    assert ember.normal(0.0, 1.0, (2,), dtype=ember.float64).dtype == ember.float64
    assert ember.normal(ember.zeros(3, 1), ember.ones(4)).shape == (3, 4)
    assert ember.normal(ember.zeros(3, dtype=ember.float64)).dtype == ember.float64
    # per-element laws: row 0 around 0, row 1 around 100
    two = ember.normal(ember.tensor([[0.0], [100.0]]).expand(2, 1000), 0.5)
    assert abs(float(two[0].mean())) < 0.1 and abs(float(two[1].mean()) - 100) < 0.1


def test_normal_gradients_are_zero_as_torch():
    for lib in (ember, torch):
        mean = lib.zeros(3, requires_grad=True)
        std = lib.ones(3, requires_grad=True)
        out = lib.normal(mean, std)
        assert out.requires_grad
        out.sum().backward()
        assert mean.grad.tolist() == [0.0] * 3 and std.grad.tolist() == [0.0] * 3


@pytest.mark.parametrize("call", [
    lambda lib: lib.normal(lib.zeros(3), -1.0),
    lambda lib: lib.normal(lib.zeros(3), -lib.ones(3)),
    lambda lib: lib.normal(lib.zeros(3), lib.ones(4)),
])
def test_normal_errors(call):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            call(lib)


def test_bernoulli():
    p = ember.tensor([0.0, 1.0, 0.3]).expand(N, 3).contiguous()
    x = ember.bernoulli(p)
    assert x.dtype == ember.float32 and set(np.unique(x.numpy())) <= {0.0, 1.0}
    means = x.numpy().mean(0)
    assert means[0] == 0 and means[1] == 1 and abs(means[2] - 0.3) < 0.01
    y = ember.bernoulli(ember.zeros(N, dtype=ember.float64), 0.25)
    assert y.dtype == ember.float64 and abs(float(y.mean()) - 0.25) < 0.01
    assert abs(float(p.bernoulli().mean()) - 1.3 / 3) < 0.01
    q = ember.full((3,), 0.5, requires_grad=True)
    ember.bernoulli(q).sum().backward()
    assert q.grad.tolist() == [0.0, 0.0, 0.0]
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.bernoulli(lib.ones(3) * 2)
        with pytest.raises(NotImplementedError):
            lib.bernoulli(lib.ones(3, dtype=lib.int64))


def test_multinomial_with_replacement():
    probs = ember.tensor([1.0, 0.0, 3.0])
    draws = ember.multinomial(probs, N, replacement=True)
    assert draws.dtype == ember.int64 and draws.shape == (N,)
    counts = np.bincount(draws.numpy(), minlength=3) / N
    assert counts[1] == 0 and abs(counts[0] - 0.25) < 0.01 and abs(counts[2] - 0.75) < 0.01
    rows = ember.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    sample = ember.multinomial(rows, 1000, True).numpy()
    assert sample.shape == (3, 1000) and (sample[0] == 1).all() and (sample[1] == 0).all()
    assert abs(sample[2].mean() - 0.5) < 0.06


def test_multinomial_without_replacement():
    probs = ember.tensor([[1.0, 0.0, 2.0, 1.0]] * 2000)
    draws = probs.multinomial(3).numpy()
    assert draws.shape == (2000, 3)
    assert all(len(set(row)) == 3 and 1 not in row for row in draws.tolist())
    # the first draw follows the normalised probabilities
    first = np.bincount(draws[:, 0], minlength=4) / 2000
    assert abs(first[2] - 0.5) < 0.04 and abs(first[0] - 0.25) < 0.04
    assert sorted(ember.multinomial(ember.ones(5), 5).tolist()) == [0, 1, 2, 3, 4]
    # more samples than nonzero categories: the zero ones follow, in index order (as torch)
    assert ember.multinomial(ember.tensor([1.0, 0, 0]), 3).tolist() == [0, 1, 2]


@pytest.mark.parametrize("call", [
    lambda lib: lib.multinomial(lib.tensor([1.0, 0, 1]), 4),
    lambda lib: lib.multinomial(lib.tensor([1.0, -1, 1]), 1),
    lambda lib: lib.multinomial(lib.tensor([0.0, 0, 0]), 1),
    lambda lib: lib.multinomial(lib.tensor([[[0.0, 1, 0]]]), 1),
    lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
    lambda lib: lib.multinomial(lib.tensor([1.0, 2]), 0),
])
def test_multinomial_errors(call):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            call(lib)


def test_poisson():
    rates = ember.tensor([0.0, 1.0, 4.0]).expand(N, 3).contiguous()
    x = ember.poisson(rates)
    assert x.dtype == ember.float32
    means = x.numpy().mean(0)
    assert means[0] == 0 and abs(means[1] - 1) < 0.03 and abs(means[2] - 4) < 0.06
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.poisson(lib.tensor([1.0, -1.0]))


def test_like_forms():
    base = ember.zeros(2, 3, dtype=ember.float64)
    assert ember.rand_like(base).dtype == ember.float64
    assert ember.randn_like(base, dtype=ember.float32).dtype == ember.float32
    r = ember.randint_like(base, 10)
    assert r.dtype == ember.float64 and r.shape == (2, 3) and float(r.max()) < 10
    s = ember.randint_like(base, 5, 7)
    assert set(s.flatten().tolist()) <= {5.0, 6.0}
    for lib in (ember, torch):
        with pytest.raises(NotImplementedError):
            lib.randn_like(lib.ones(3, dtype=lib.int64))


# -- in-place fills -----------------------------------------------------------------------

def test_uniform_normal_inplace():
    x = ember.empty(N)
    assert x.uniform_(-2, 3) is x
    assert float(x.min()) >= -2 and float(x.max()) < 3 and abs(float(x.mean()) - 0.5) < 0.03
    x.normal_(1.0, 2.0)
    mean, std = _moments(x)
    assert abs(mean - 1) < 0.04 and abs(std - 2) < 0.04
    assert x._version[0] == 2


def test_other_fills():
    x = ember.empty(N, dtype=ember.float64)
    assert abs(float(x.exponential_(2.0).mean()) - 0.5) < 0.02
    assert float(x.geometric_(0.25).min()) >= 1 and abs(float(x.mean()) - 4) < 0.15
    logs = x.log_normal_(0.0, 0.5).log()
    assert abs(float(logs.mean())) < 0.02 and abs(float(logs.std()) - 0.5) < 0.02
    assert abs(float(x.cauchy_(1.0, 2.0).median()) - 1.0) < 0.1
    assert abs(float(x.bernoulli_(0.2).mean()) - 0.2) < 0.01
    b = ember.empty(4).bernoulli_(ember.tensor([0.0, 1.0, 0.0, 1.0]))
    assert b.tolist() == [0.0, 1.0, 0.0, 1.0]
    ints = ember.zeros(N, dtype=ember.int64).bernoulli_(0.5)
    assert ints.dtype == ember.int64 and set(ints.unique().tolist()) == {0, 1}


def test_random_():
    x = ember.empty(1000)
    assert float(x.random_(10).max()) <= 9 and float(x.min()) >= 0
    assert set(x.random_(2, 4).unique().tolist()) == {2.0, 3.0}
    assert float(x.random_().max()) <= 2 ** 24
    u = ember.zeros(1000, dtype=ember.uint8).random_()
    assert int(u.max()) > 200
    assert set(ember.zeros(100, dtype=ember.bool).random_().unique().tolist()) == {False, True}
    assert int(ember.zeros(10, dtype=ember.int64).random_(-5, -2).max()) < -2


@pytest.mark.parametrize("call, error", [
    (lambda lib: lib.ones(3).uniform_(2, 1), RuntimeError),
    (lambda lib: lib.ones(3).normal_(0, -1), RuntimeError),
    (lambda lib: lib.ones(3).exponential_(-1), RuntimeError),
    (lambda lib: lib.ones(3).geometric_(0), RuntimeError),
    (lambda lib: lib.ones(3, dtype=lib.int64).uniform_(), NotImplementedError),
    (lambda lib: lib.ones(3, dtype=lib.int64).normal_(), NotImplementedError),
    (lambda lib: lib.ones(3).random_(5, 5), RuntimeError),
    (lambda lib: lib.ones(3, requires_grad=True).uniform_(), RuntimeError),
    (lambda lib: lib.ones(3).bernoulli_(1.5), RuntimeError),
])
def test_fill_errors(call, error):
    for lib in (ember, torch):
        with pytest.raises(error):
            call(lib)


def test_fill_in_graph_gives_zero_gradient():
    leaf = ember.ones(3, requires_grad=True)
    y = leaf * 2
    y.uniform_()
    assert y.requires_grad
    (y * 3).sum().backward()
    assert leaf.grad.tolist() == [0.0, 0.0, 0.0]
    with ember.no_grad():
        assert leaf.normal_() is leaf


def test_fill_through_view_reaches_base():
    base = ember.zeros(4, 3)
    base.view(12)[3:6].uniform_(5, 6)
    assert float(base[1].min()) >= 5 and float(base[0].max()) == 0


# -- generators and seeding ---------------------------------------------------------------

SAMPLERS = [
    lambda g: ember.rand(5, generator=g), lambda g: ember.randn(5, generator=g),
    lambda g: ember.randint(0, 100, (5,), generator=g), lambda g: ember.randperm(7, generator=g),
    lambda g: ember.normal(ember.zeros(5), 1.0, generator=g),
    lambda g: ember.normal(0.0, 1.0, (5,), generator=g),
    lambda g: ember.bernoulli(ember.full((5,), 0.5), generator=g),
    lambda g: ember.multinomial(ember.ones(5), 3, generator=g),
    lambda g: ember.multinomial(ember.ones(5), 5, True, generator=g),
    lambda g: ember.poisson(ember.full((5,), 3.0), generator=g),
    lambda g: ember.rand_like(ember.zeros(5), generator=g),
    lambda g: ember.empty(5).uniform_(generator=g), lambda g: ember.empty(5).normal_(generator=g),
    lambda g: ember.empty(5).random_(generator=g),
    lambda g: ember.empty(5).exponential_(generator=g),
    lambda g: ember.empty(5).bernoulli_(0.5, generator=g),
]


@pytest.mark.parametrize("index", range(len(SAMPLERS)))
def test_generator_and_manual_seed_reproduce(index):
    sample = SAMPLERS[index]
    first = sample(ember.Generator().manual_seed(7)).tolist()
    assert sample(ember.Generator().manual_seed(7)).tolist() == first
    assert sample(ember.Generator().manual_seed(8)).tolist() != first
    ember.manual_seed(3)
    default = sample(None).tolist()
    ember.manual_seed(3)
    assert sample(None).tolist() == default


def test_generator_state_round_trip():
    g = ember.Generator().manual_seed(123)
    ember.rand(3, generator=g)
    state = g.get_state()
    assert state.dtype == ember.uint8 and state.ndim == 1
    after = ember.randn(4, generator=g).tolist()
    g.set_state(state)
    assert ember.randn(4, generator=g).tolist() == after
    assert g.initial_seed() == 123
    other = ember.Generator().set_state(state)
    assert ember.randn(4, generator=other).tolist() == after
    with pytest.raises(TypeError):
        g.set_state(ember.zeros(3))
    with pytest.raises(RuntimeError):
        g.set_state(ember.zeros(3, dtype=ember.uint8))


def test_default_rng_state_and_random_module():
    ember.manual_seed(5)
    state = ember.get_rng_state()
    first = ember.rand(3).tolist()
    ember.set_rng_state(state)
    assert ember.rand(3).tolist() == first
    assert ember.random.initial_seed() == 5
    ember.random.manual_seed(9)
    assert ember.initial_seed() == 9
    with ember.random.fork_rng():
        inside = ember.rand(3).tolist()
    assert ember.rand(3).tolist() == inside
    with ember.random.fork_rng(enabled=False):
        ember.rand(1)
    seed = ember.random.seed()
    assert ember.initial_seed() == seed
    state = ember.random.get_rng_state()
    later = ember.rand(2).tolist()
    ember.random.set_rng_state(state)
    assert ember.rand(2).tolist() == later
    assert ember.random.default_generator is ember.default_generator


def test_generator_argument_checked():
    with pytest.raises(TypeError):
        ember.rand(2, generator=np.random.default_rng(0))
    with pytest.raises(RuntimeError):
        ember.Generator().manual_seed(1 << 64)
    assert ember.Generator().manual_seed(-1).initial_seed() == (1 << 64) - 1
