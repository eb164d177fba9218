"""svd_lowrank and pca_lowrank (ember/_lowrank.py): shapes and dtypes as torch's, and the
factors reconstruct low-rank matrices (their random bits differ from torch's)."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck
from oracle import to_numpy


def _low_rank(shape, rank, seed=0):
    rng = np.random.default_rng(seed)
    *batch, m, n = shape
    return rng.standard_normal((*batch, m, rank)) @ rng.standard_normal((*batch, rank, n))


@pytest.mark.parametrize("shape", [(20, 8), (8, 20), (3, 12, 9)])
def test_svd_lowrank_reconstructs_and_matches_torch_shapes(shape):
    A = _low_rank(shape, 3)
    U, S, V = ember.svd_lowrank(ember.tensor(A), q=4)
    tU, tS, tV = torch.svd_lowrank(torch.tensor(A), q=4)
    for e, t in ((U, tU), (S, tS), (V, tV)):
        assert tuple(e.shape) == tuple(t.shape) and e.dtype == ember.float64
    np.testing.assert_allclose(to_numpy(S), tS.numpy(), rtol=1e-8, atol=1e-8)
    rebuilt = to_numpy(U @ ember.diag_embed(S) @ V.mT)
    np.testing.assert_allclose(rebuilt, A, atol=1e-8)


def test_svd_lowrank_of_a_difference():
    A, M = _low_rank((15, 10), 2, seed=1), _low_rank((15, 10), 2, seed=2)
    U, S, V = ember.svd_lowrank(ember.tensor(A + M), q=3, M=ember.tensor(M))
    np.testing.assert_allclose(to_numpy(U @ ember.diag(S) @ V.T), A, atol=1e-8)


def test_pca_lowrank_centers_the_columns():
    A = _low_rank((30, 6), 2) + 5.
    U, S, V = ember.pca_lowrank(ember.tensor(A), q=3)
    _, expected, _ = np.linalg.svd(A - A.mean(0), full_matrices=False)
    np.testing.assert_allclose(to_numpy(S), expected[:3], atol=1e-8)
    assert tuple(V.shape) == (6, 3)
    _, S_raw, _ = ember.pca_lowrank(ember.tensor(A), q=3, center=False)
    assert to_numpy(S_raw)[0] > to_numpy(S)[0]


@pytest.mark.parametrize("kwargs", [{"q": 7}, {"q": -1}, {"niter": -1}])
def test_pca_lowrank_errors(kwargs):
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.pca_lowrank(lib.zeros(6, 5, dtype=lib.float64), **kwargs)


def test_svd_lowrank_gradcheck():
    A = ember.tensor(_low_rank((6, 4), 2), requires_grad=True)

    def singular_values(a):
        ember.manual_seed(0)  # the same random projection on every call
        return ember.svd_lowrank(a, q=2)[1]
    assert gradcheck(singular_values, [A])
