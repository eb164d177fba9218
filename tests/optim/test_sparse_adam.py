"""SparseAdam against torch.optim.SparseAdam on sparse embedding gradients."""
import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(0)
TABLE = RNG.normal(size=(10, 4)).astype(np.float32)
DENSE = RNG.normal(size=(4, 3)).astype(np.float32)
BATCHES = [np.array([[1, 2, 2], [7, 1, 0]]), np.array([[3, 3, 9]]), np.array([[2, 5, 1]])]


def _train(lib, maximize):
    emb = lib.nn.Embedding(10, 4, sparse=True)
    head = lib.nn.Linear(4, 3, bias=False)
    with lib.no_grad():
        emb.weight.copy_(lib.tensor(TABLE))
        head.weight.copy_(lib.tensor(DENSE.T))
    sparse = lib.optim.SparseAdam(list(emb.parameters()), lr=0.05, betas=(0.8, 0.9),
                                  maximize=maximize)
    dense = lib.optim.Adam(head.parameters(), lr=0.05)
    for ids in BATCHES:
        loss = head(emb(lib.tensor(ids))).pow(2).mean()
        sparse.zero_grad()
        dense.zero_grad()
        loss.backward()
        sparse.step()
        dense.step()
    return emb.weight.detach().numpy(), sparse.state[emb.weight]


@pytest.mark.parametrize("maximize", [False, True])
def test_matches_torch_and_leaves_untouched_rows(maximize):
    (ours, state), (theirs, torch_state) = _train(ember, maximize), _train(torch, maximize)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(state["exp_avg_sq"].numpy(), torch_state["exp_avg_sq"].numpy(),
                               rtol=1e-5, atol=1e-9)
    untouched = [4, 6, 8]
    np.testing.assert_array_equal(ours[untouched], TABLE[untouched])
    assert not state["exp_avg"].numpy()[untouched].any()


def test_bad_arguments_raise_like_torch():
    params = [torch.zeros(2, requires_grad=True)], [ember.zeros(2, requires_grad=True)]
    for kwargs in ({"lr": 0.0}, {"eps": 0.0}, {"betas": (1.0, 0.9)}, {"betas": (0.9, -0.1)}):
        with pytest.raises(ValueError):
            torch.optim.SparseAdam(params[0], **kwargs)
        with pytest.raises(ValueError):
            ember.optim.SparseAdam(params[1], **kwargs)
