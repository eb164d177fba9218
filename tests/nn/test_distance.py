"""Distances and normalisation against torch: values, gradients (also at zero vectors),
second order, modules and errors."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, check_op

CASES = {
    "cosine_similarity": ([(5, 4), (5, 4)],
                          lambda L, a, b: L.nn.functional.cosine_similarity(a, b)),
    "cosine_similarity_broadcast": ([(5, 4), (4,)],
                                    lambda L, a, b: L.nn.functional.cosine_similarity(a, b, -1)),
    "cosine_similarity_dim0": ([(3, 4), (3, 4)],
                               lambda L, a, b: L.nn.functional.cosine_similarity(a, b, dim=0)),
    "pairwise_distance": ([(5, 4), (5, 4)],
                          lambda L, a, b: L.nn.functional.pairwise_distance(a, b)),
    "pairwise_distance_p3_keepdim": ([(5, 4), (5, 4)], lambda L, a, b:
                                     L.nn.functional.pairwise_distance(a, b, 3, keepdim=True)),
    "pairwise_distance_p1_broadcast": ([(5, 4), (4,)], lambda L, a, b:
                                       L.nn.functional.pairwise_distance(a, b, p=1)),
    "pairwise_distance_inf": ([(2, 3, 4), (2, 3, 4)], lambda L, a, b:
                              L.nn.functional.pairwise_distance(a, b, p=float("inf"))),
    "pairwise_distance_1d": ([(4,), (4,)],
                             lambda L, a, b: L.nn.functional.pairwise_distance(a, b)),
    "pdist": ([(5, 4)], lambda L, a: L.nn.functional.pdist(a)),
    "pdist_p1_5": ([(5, 4)], lambda L, a: L.nn.functional.pdist(a, p=1.5)),
    "normalize": ([(5, 4)], lambda L, a: L.nn.functional.normalize(a)),
    "normalize_p3_dim0": ([(5, 4)], lambda L, a: L.nn.functional.normalize(a, p=3, dim=0)),
    "normalize_p1_last": ([(2, 3, 4)], lambda L, a: L.nn.functional.normalize(a, 1, -1)),
    "cdist": ([(5, 4), (3, 4)], lambda L, a, b: L.cdist(a, b)),
    "cdist_p1": ([(5, 4), (3, 4)], lambda L, a, b: L.cdist(a, b, p=1)),
    "cdist_p0": ([(5, 4), (3, 4)], lambda L, a, b: L.cdist(a, b, p=0)),
    "cdist_p3_batched": ([(2, 5, 4), (2, 3, 4)], lambda L, a, b: L.cdist(a, b, 3.0)),
    "cdist_inf_broadcast": ([(2, 1, 5, 4), (3, 6, 4)],
                            lambda L, a, b: L.cdist(a, b, p=float("inf"))),
    "cdist_mm": ([(30, 4), (27, 4)], lambda L, a, b: L.cdist(a, b)),
    "cdist_mm_forced": ([(2, 5, 4), (2, 3, 4)],
                        lambda L, a, b: L.cdist(a, b, compute_mode="use_mm_for_euclid_dist")),
    "cdist_no_mm": ([(30, 4), (27, 4)], lambda L, a, b:
                    L.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist")),
    "top_level_aliases": ([(5, 4), (5, 4)], lambda L, a, b: (
        L.cosine_similarity(a, b), L.pairwise_distance(a, b), L.pdist(a))),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_distance_matches_torch(name, dtype, device):
    shapes, fn = CASES[name]
    check_op(fn, shapes=shapes, dtype=dtype, device=device, name=name)


@pytest.mark.parametrize("name", ["cosine_similarity", "pairwise_distance", "pdist",
                                  "normalize_p3_dim0", "cdist", "cdist_p3_batched",
                                  "cdist_mm_forced"])
def test_distance_second_order(name):
    shapes, fn = CASES[name]
    rng = np.random.default_rng(4)
    inputs = [ember.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in shapes]
    assert gradcheck(lambda *xs: fn(ember, *xs), inputs)
    assert gradgradcheck(lambda *xs: fn(ember, *xs), inputs)


@pytest.mark.parametrize("fn", [
    lambda L, a, b: L.nn.functional.cosine_similarity(a, b),
    lambda L, a, b: L.nn.functional.normalize(a) + b,
    lambda L, a, b: L.nn.functional.pairwise_distance(a, b, eps=0.0),
    lambda L, a, b: L.cdist(a, b),
    lambda L, a, b: L.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
    lambda L, a, b: L.cdist(a, b, p=1.0),
])
def test_zero_vectors_give_finite_gradients_like_torch(fn):
    zeros = np.zeros((2, 3))
    other = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    outputs = check_op(fn, arrays=[zeros, other], dtype="float64")
    assert np.isfinite(outputs[0].detach().numpy()).all()


def test_cosine_similarity_tiny_vectors_divide_by_eps_like_torch():
    check_op(lambda L, a, b: L.nn.functional.cosine_similarity(a, b),
             arrays=[np.array([[1e-9, 2e-9]]), np.array([[3e-9, -1e-9]])], dtype="float64")


def test_normalize_out_argument():
    out = ember.empty(2, 2)
    result = ember.nn.functional.normalize(ember.tensor([[3.0, 4.0], [0.0, 0.0]]), out=out)
    assert result is out
    assert np.allclose(out.numpy(), [[0.6, 0.8], [0.0, 0.0]])


def test_modules_match_functional_and_torch():
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    for name, kwargs in (("CosineSimilarity", {"dim": 0, "eps": 1e-6}),
                         ("PairwiseDistance", {"p": 1.0, "keepdim": True})):
        ours = getattr(ember.nn, name)(**kwargs)
        theirs = getattr(torch.nn, name)(**kwargs)
        assert repr(ours) == repr(theirs)
        assert_close(ours(ember.tensor(a), ember.tensor(b)),
                     theirs(torch.tensor(a), torch.tensor(b)), 1e-9, 1e-10, name)
    assert ember.nn.PairwiseDistance(p=3.0).norm == 3.0


@pytest.mark.parametrize("call", [
    lambda L: L.nn.functional.cosine_similarity(L.rand(3, 4), L.rand(3, 5)),
    lambda L: L.nn.functional.cosine_similarity(L.arange(4), L.arange(4), dim=0),
    lambda L: L.nn.functional.pairwise_distance(L.rand(3, 4), L.rand(3, 5)),
    lambda L: L.nn.functional.pdist(L.rand(4)),
    lambda L: L.nn.functional.pdist(L.rand(4, 3), p=-1),
    lambda L: L.cdist(L.rand(3), L.rand(3)),
    lambda L: L.cdist(L.rand(3, 2), L.rand(3, 3)),
    lambda L: L.cdist(L.ones(2, 2, dtype=L.int64), L.ones(2, 2, dtype=L.int64)),
    lambda L: L.cdist(L.rand(3, 2), L.rand(3, 2), p=-1),
    lambda L: L.cdist(L.rand(3, 2), L.rand(3, 2, dtype=L.float64)),
    lambda L: L.cdist(L.rand(3, 2), L.rand(3, 2), compute_mode="fast"),
])
def test_distance_errors_match_torch_types(call):
    with pytest.raises(Exception) as ours:
        call(ember)
    with pytest.raises(Exception) as theirs:
        call(torch)
    assert ours.type is theirs.type, f"{ours.value!r} vs torch {theirs.value!r}"
