"""Dropout (by its statistics and train/eval behaviour, not torch's exact masks), embedding,
embedding_bag and one_hot against torch, with their modules, reprs and errors."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, to_numpy

F = ember.nn.functional


# -- dropout ------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_statistics_and_gradient(p):
    x = ember.ones(200, 100, requires_grad=True)
    y = F.dropout(x, p)
    values = to_numpy(y)
    kept = values != 0
    assert abs(kept.mean() - (1 - p)) < 0.02
    np.testing.assert_allclose(values[kept], 1 / (1 - p), rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(to_numpy(x.grad), values)  # the same mask, scaled


def test_dropout_train_eval_and_edge_probabilities():
    x = ember.randn(4, 5)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(to_numpy(F.dropout(x, 1.0)), 0)
    layer = ember.nn.Dropout(0.5)
    assert layer.training and (to_numpy(layer(ember.ones(1000))) == 0).any()
    layer.eval()
    np.testing.assert_array_equal(to_numpy(layer(x)), to_numpy(x))
    assert repr(layer) == "Dropout(p=0.5, inplace=False)"


def test_dropout_reproducible_with_manual_seed():
    ember.manual_seed(123)
    first = to_numpy(F.dropout(ember.ones(50), 0.5))
    ember.manual_seed(123)
    second = to_numpy(F.dropout(ember.ones(50), 0.5))
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, to_numpy(F.dropout(ember.ones(50), 0.5)))


def test_dropout_inplace():
    x = ember.ones(100, 10)
    out = F.dropout(x, 0.5, inplace=True)
    assert out is x and (to_numpy(x) == 0).any() and (to_numpy(x) == 2).any()
    leaf = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        F.dropout(leaf, 0.5, inplace=True)


@pytest.mark.parametrize("fn,shape,channel_dims", [
    (F.dropout1d, (50, 40, 7), 2), (F.dropout1d, (40, 7), 1),
    (F.dropout2d, (50, 40, 3, 3), 2), (F.dropout3d, (20, 40, 2, 2, 2), 2),
    (F.dropout3d, (40, 2, 2, 2), 1),
])
def test_channel_dropout_drops_whole_channels(fn, shape, channel_dims):
    y = to_numpy(fn(ember.ones(*shape), 0.5))
    per_channel = y.reshape(shape[:channel_dims] + (-1,))
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # each channel kept or dropped
    assert abs((per_channel[..., 0] == 0).mean() - 0.5) < 0.1
    assert set(np.unique(y)) <= {0.0, 2.0}


def test_channel_dropout_errors_and_warnings():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        F.dropout1d(ember.ones(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F.dropout2d(ember.ones(2, 3, 4))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        F.dropout(ember.ones(2), 1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        ember.nn.Dropout2d(-0.1)


def test_alpha_dropout_keeps_mean_and_variance():
    x = ember.randn(400, 500)
    for y in (F.alpha_dropout(x, 0.3, True), F.feature_alpha_dropout(x.reshape(400, 500, 1),
                                                                     0.3, True)):
        values = to_numpy(y)
        assert abs(values.mean()) < 0.02 and abs(values.std() - 1) < 0.02
    assert F.alpha_dropout(x, 0.3) is x  # training defaults to False, as torch
    assert ember.nn.AlphaDropout(0.3).eval()(x) is x


def test_dropout_modules():
    x = ember.ones(30, 20, 4, 4, requires_grad=True)
    y = ember.nn.Dropout2d(0.25)(x)
    y.sum().backward()
    assert_close(x.grad, torch.tensor(to_numpy(y)), 0, 0, "Dropout2d grad equals its mask")
    assert repr(ember.nn.Dropout1d(0.1, inplace=True)) == "Dropout1d(p=0.1, inplace=True)"
    for layer, shape in ((ember.nn.Dropout1d(), (2, 3, 4)), (ember.nn.Dropout3d(), (2, 3, 4, 5)),
                         (ember.nn.FeatureAlphaDropout(), (2, 3, 4))):
        x = ember.ones(*shape)
        assert layer.eval()(x) is x


# -- embedding ----------------------------------------------------------------------------

def _embedding_case(dtype, **kwargs):
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((10, 4)).astype(dtype)
    indices = np.array([[1, 2, 2, 9], [0, 2, 5, 1]])
    upstream = rng.standard_normal((2, 4, 4)).astype(dtype)
    results = []
    for lib in (ember, torch):
        w = lib.tensor(weight, requires_grad=True)
        y = lib.nn.functional.embedding(lib.tensor(indices), w, **kwargs)
        y.backward(lib.tensor(upstream))
        results.append((y, w))
    (ye, we), (yt, wt) = results
    label = f"embedding {kwargs} {dtype}"
    assert_close(ye, yt, 1e-6, 1e-7, label)
    assert_close(we.grad, wt.grad, 1e-6, 1e-7, label + " grad")
    assert_close(we.detach(), wt.detach(), 1e-6, 1e-7, label + " weight after max_norm")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 2}, {"padding_idx": -1},
                                    {"scale_grad_by_freq": True},
                                    {"padding_idx": 1, "scale_grad_by_freq": True},
                                    {"max_norm": 1.0}, {"max_norm": 1.5, "norm_type": 1.0}])
def test_embedding_against_torch(kwargs, dtype):
    _embedding_case(dtype, **kwargs)


def test_embedding_gradcheck_and_double_backward():
    weight = ember.tensor(np.random.default_rng(1).standard_normal((5, 2)), requires_grad=True)
    indices = ember.tensor([[1, 2, 2], [0, 4, 2]])
    assert gradcheck(lambda w: F.embedding(indices, w) ** 2, [weight])
    assert gradgradcheck(lambda w: F.embedding(indices, w, padding_idx=2) ** 2, [weight])


def test_embedding_module_and_from_pretrained():
    emb = ember.nn.Embedding(10, 3, padding_idx=0)
    assert list(emb.state_dict()) == ["weight"] and tuple(emb.weight.shape) == (10, 3)
    np.testing.assert_array_equal(to_numpy(emb.weight)[0], 0)
    assert abs(to_numpy(emb.weight)[1:].std() - 1) < 0.5  # N(0, 1) initialisation
    assert repr(emb) == "Embedding(10, 3, padding_idx=0)"
    out = emb(ember.tensor([[0, 3]]))
    out.sum().backward()
    np.testing.assert_array_equal(to_numpy(emb.weight.grad)[0], 0)
    np.testing.assert_array_equal(to_numpy(emb.weight.grad)[3], 1)
    pretrained = ember.tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
    frozen = ember.nn.Embedding.from_pretrained(pretrained)
    assert not frozen.weight.requires_grad
    np.testing.assert_allclose(to_numpy(frozen(ember.tensor([1]))), [[4.0, 5.1, 6.3]])
    assert ember.nn.Embedding.from_pretrained(pretrained, freeze=False).weight.requires_grad
    assert ember.nn.Embedding.from_pretrained(pretrained, padding_idx=-1).padding_idx == 1


def test_embedding_errors():
    weight = ember.randn(5, 2)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ember.tensor([5]), weight)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ember.tensor([-1]), weight)
    with pytest.raises(RuntimeError, match="'indices' to have one of the following scalar types: "
                                           "Long, Int"):
        F.embedding(ember.tensor([1.0]), weight)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        ember.nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be "
                                             "2-dimensional"):
        ember.nn.Embedding.from_pretrained(ember.randn(3))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_against_torch(mode):
    rng = np.random.default_rng(2)
    weight = rng.standard_normal((10, 3))
    cases = [dict(input=np.array([[1, 2, 4], [4, 3, 9]])),
             dict(input=np.array([1, 2, 4, 5, 4, 3, 2, 9]), offsets=np.array([0, 4, 4])),
             dict(input=np.array([1, 2, 4, 5, 4, 3, 2, 9]), offsets=np.array([0, 3, 8]),
                  include_last_offset=True),
             dict(input=np.array([1, 2, 4, 2, 2]), offsets=np.array([0, 3]), padding_idx=2)]
    for case in cases:
        results = []
        for lib in (ember, torch):
            w = lib.tensor(weight, requires_grad=True)
            kwargs = {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v)
                      for k, v in case.items()}
            y = lib.nn.functional.embedding_bag(weight=w, mode=mode, **kwargs)
            y.backward(lib.tensor(np.arange(y.numel(), dtype=np.float64).reshape(y.shape)))
            results.append((y, w.grad))
        assert_close(results[0][0], results[1][0], 1e-10, 1e-12, f"embedding_bag {mode} {case}")
        assert_close(results[0][1], results[1][1], 1e-10, 1e-12, f"grad {mode} {case}")


def test_embedding_bag_per_sample_weights_and_module():
    weight = np.random.default_rng(3).standard_normal((6, 2))
    outputs = []
    for lib in (ember, torch):
        bag = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(weight), mode="sum")
        outputs.append(bag(lib.tensor([1, 2, 3, 5]), lib.tensor([0, 2]),
                           per_sample_weights=lib.tensor([0.5, 1.0, 2.0, -1.0],
                                                         dtype=lib.float64)))
    assert_close(outputs[0], outputs[1], 1e-10, 1e-12, "embedding_bag per_sample_weights")
    assert repr(ember.nn.EmbeddingBag(10, 3)) == "EmbeddingBag(10, 3, mode='mean')"
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for "
                                                  "mode='sum'"):
        F.embedding_bag(ember.tensor([[1, 2]]), ember.randn(4, 2),
                        per_sample_weights=ember.ones(1, 2))


# -- one_hot ------------------------------------------------------------------------------

def test_one_hot():
    for num_classes in (-1, 6):
        indices = np.array([[0, 3], [1, 4]])
        expected = torch.nn.functional.one_hot(torch.tensor(indices), num_classes)
        assert_close(F.one_hot(ember.tensor(indices), num_classes), expected, 0, 0, "one_hot")
    assert F.one_hot(ember.tensor([2])).dtype == ember.int64


@pytest.mark.parametrize("call,message", [
    (lambda: F.one_hot(ember.tensor([0.0, 1.0])), "only applicable to index tensor"),
    (lambda: F.one_hot(ember.tensor([-1, 0])), "Class values must be non-negative"),
    (lambda: F.one_hot(ember.tensor([3]), 2), "Class values must be smaller than num_classes"),
    (lambda: F.one_hot(ember.tensor([], dtype=ember.int64)), "Can not infer total number"),
])
def test_one_hot_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("name", ["dropout", "dropout1d", "dropout2d", "alpha_dropout",
                                  "feature_alpha_dropout"])
def test_dropout_masks_equal_torch(name, p):
    x = np.random.default_rng(0).standard_normal((4, 6, 5, 5)).astype(np.float32)
    if name == "dropout1d":
        x = x.reshape(4, 6, 25)
    for seed in (0, 1):
        torch.manual_seed(seed)
        expected = getattr(torch.nn.functional, name)(torch.tensor(x), p, True)
        ember.manual_seed(seed)
        actual = getattr(ember.nn.functional, name)(ember.tensor(x), p, True)
        np.testing.assert_array_equal(actual.detach().numpy(), expected.numpy())


def test_dropout_module_sequence_equals_torch():
    torch.manual_seed(5)
    theirs = torch.nn.Sequential(torch.nn.Linear(10, 32), torch.nn.Dropout(0.3),
                                 torch.nn.Linear(32, 2))
    expected = [theirs(torch.ones(8, 10)) for _ in range(3)]
    ember.manual_seed(5)
    mine = ember.nn.Sequential(ember.nn.Linear(10, 32), ember.nn.Dropout(0.3),
                               ember.nn.Linear(32, 2))
    actual = [mine(ember.ones(8, 10)) for _ in range(3)]
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a.detach().numpy(), e.detach().numpy(), rtol=1e-6, atol=1e-6)
