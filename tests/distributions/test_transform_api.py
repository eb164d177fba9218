"""Transform's API as torch's: cache_size on every transform, with_cache, forward_shape and
inverse_shape, equality, the inverse made once, SigmoidTransform's clamp to [tiny, 1 - eps]."""
import pickle

import pytest
import torch

import ember
from oracle import assert_close

LIBS = [ember, torch]


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
@pytest.mark.parametrize("make", [
    lambda d: d.ExpTransform, lambda d: d.SigmoidTransform,
    lambda d: lambda **kw: d.AffineTransform(1.0, 2.0, **kw)])
def test_cache_size(lib, make):
    d = lib.distributions
    cached, plain = make(d)(cache_size=1), make(d)()
    x = lib.tensor([0.25, -1.0])
    y = cached(x)
    assert cached.inv(y) is x and cached(x) is y
    assert plain.inv(plain(x)) is not x
    assert cached.with_cache(1) is cached and plain.with_cache(0) is plain
    assert plain.with_cache(1)._cache_size == 1 and cached.inv.with_cache(0)._cache_size == 0
    assert cached == plain and cached.inv == plain.inv and cached.inv.inv is cached
    with pytest.raises(ValueError, match="cache_size"):
        make(d)(cache_size=2)


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_shapes(lib):
    d = lib.distributions
    affine = d.AffineTransform(lib.zeros(3, 1), 2.0)
    assert tuple(affine.forward_shape((2, 1, 4))) == (2, 3, 4)
    assert tuple(affine.inv.forward_shape((5,))) == (3, 5)
    assert tuple(affine.inverse_shape((4,))) == (3, 4)
    assert tuple(d.ExpTransform().forward_shape((2, 7))) == (2, 7)
    assert d.ExpTransform().event_dim == 0 and d.AffineTransform(0.0, 1.0, 2).event_dim == 2
    assert d.AffineTransform(0.0, 2.0) != d.AffineTransform(0.0, 3.0)
    assert d.AffineTransform(0.0, 0.0).sign == 0 and d.AffineTransform(0.0, -2.0).sign == -1


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_pickling_drops_the_inverse(lib):
    t = lib.distributions.ExpTransform()
    assert t.inv._inv is t
    assert pickle.loads(pickle.dumps(t))._inv is None


def test_sigmoid_clamps_to_tiny_as_torch():
    x = [-200.0, -90.0, 0.0, 40.0]
    for dtype in ("float32", "float64"):
        te = ember.distributions.SigmoidTransform()
        tt = torch.distributions.SigmoidTransform()
        ye = te(ember.tensor(x, dtype=getattr(ember, dtype)))
        yt = tt(torch.tensor(x, dtype=getattr(torch, dtype)))
        assert_close(ye, yt, 0, 0, f"sigmoid {dtype}")
        zero = [0.0, 1e-40, 0.5]
        assert_close(te.inv(ember.tensor(zero, dtype=getattr(ember, dtype))),
                     tt.inv(torch.tensor(zero, dtype=getattr(torch, dtype))), 1e-12, 0,
                     f"logit {dtype}")
