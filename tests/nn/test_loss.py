"""Losses, functional and modules, against torch: every reduction and option, gradients,
second order, errors, legacy arguments, reprs and buffers; ctc_loss values and gradients."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, check_op

pytestmark = pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")

RNG = np.random.default_rng(0)
TARGET = RNG.integers(0, 5, (6,))
TARGET[2] = -100                                  # one ignored position
TARGET_K = RNG.integers(0, 5, (2, 3, 4))
TARGET_K[0, 1, 2] = 3                             # ignored below with ignore_index=3
WEIGHT = RNG.uniform(0.5, 2.0, 5)
SIGNS = [1.0, -1.0, 1.0, -1.0, -1.0]
REDUCTIONS = ["none", "mean", "sum"]


def const(lib, values, like=None):
    """A tensor that needs no gradient, in `like`'s dtype when given."""
    return lib.tensor(values) if like is None else lib.tensor(values, dtype=like.dtype)


def F(lib):
    return lib.nn.functional


CLASS_LOSSES = {
    "cross_entropy": lambda L, x, red, ls, w: F(L).cross_entropy(
        x, const(L, TARGET), weight=w, reduction=red, label_smoothing=ls),
    "cross_entropy_kdim": lambda L, x, red, ls, w: F(L).cross_entropy(
        x.reshape(2, 5, 3, 4), const(L, TARGET_K), weight=w, reduction=red, label_smoothing=ls,
        ignore_index=3),
    "cross_entropy_probs": lambda L, x, red, ls, w: F(L).cross_entropy(
        x[:, :5], (x[:, 5:] * 3).softmax(1), weight=w, reduction=red, label_smoothing=ls),
    "nll_loss": lambda L, x, red, ls, w: F(L).nll_loss(
        x, const(L, TARGET), weight=w, reduction=red),
    "nll_loss_kdim": lambda L, x, red, ls, w: F(L).nll_loss(
        x.reshape(2, 5, 3, 4), const(L, TARGET_K), weight=w, reduction=red, ignore_index=3),
}
SHAPES = {"cross_entropy": (6, 5), "cross_entropy_kdim": (24, 5),
          "cross_entropy_probs": (6, 10), "nll_loss": (6, 5), "nll_loss_kdim": (24, 5)}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,smoothing", [(name, smoothing) for name in sorted(CLASS_LOSSES)
                                            for smoothing in (0.0, 0.2)
                                            if not (smoothing and name.startswith("nll"))])
def test_class_losses_match_torch(name, smoothing, reduction, weighted, dtype, device):
    fn = CLASS_LOSSES[name]
    check_op(lambda L, x: fn(L, x, reduction, smoothing,
                             const(L, WEIGHT, x) if weighted else None),
             shapes=[SHAPES[name]], dtype=dtype, device=device, name=name)


@pytest.mark.parametrize("name", sorted(CLASS_LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_losses_second_order(name, reduction):
    x = ember.tensor(RNG.standard_normal(SHAPES[name]), requires_grad=True)
    weight = ember.tensor(WEIGHT)
    smoothing = 0.0 if name.startswith("nll") else 0.3
    fn = lambda t: CLASS_LOSSES[name](ember, t, reduction, smoothing, weight)  # noqa: E731
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


def test_cross_entropy_double_backward_matches_torch():
    values = RNG.standard_normal((4, 3))
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(values, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor([0, 2, 1, 2]), label_smoothing=0.1)
        (grad,) = lib.autograd.grad(loss, x, create_graph=True)
        (grad.square().sum()).backward()
        grads.append(x.grad)
    assert_close(grads[0], grads[1], 1e-7, 1e-9, "d/dx |d cross_entropy / dx|²")


def test_cross_entropy_unbatched_and_uint8_targets():
    check_op(lambda L, x: F(L).cross_entropy(x, L.tensor(3)), shapes=[(5,)])
    # torch's own backward fails for a (1,) target with a (C,) input: compare values only
    check_op(lambda L, x: F(L).cross_entropy(x, L.tensor([3]), reduction="none"), shapes=[(5,)],
             grad=False)
    check_op(lambda L, x: F(L).cross_entropy(x, L.tensor([1, 0, 4], dtype=L.uint8)),
             shapes=[(3, 5)])
    check_op(lambda L, x, p: F(L).cross_entropy(x, p.softmax(0)), shapes=[(5,), (5,)])


def test_cross_entropy_soft_targets_receive_gradient():
    check_op(lambda L, x, p: F(L).cross_entropy(x, p, reduction="sum"),
             shapes=[(3, 4), (3, 4)], dtype="float64")


def test_cross_entropy_all_ignored_is_nan_like_torch():
    out = ember.nn.functional.cross_entropy(ember.zeros(2, 3), ember.tensor([-100, -100]))
    assert np.isnan(out.item())


def _message(call):
    with pytest.raises(Exception) as info:
        call()
    return info.type, str(info.value)


@pytest.mark.parametrize("call", [
    lambda L: F(L).cross_entropy(L.zeros(64, 10), L.zeros(64)),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 12, 4])),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, -3, 4])),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 3])),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 3, 4], dtype=L.int32)),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 3, 4]), weight=L.ones(9)),
    lambda L: F(L).cross_entropy(L.zeros(4, 10, dtype=L.float64), L.tensor([1, 2, 3, 4]),
                                 weight=L.ones(10)),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 3, 4]), label_smoothing=1.5),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 3, 4]), reduction="avg"),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.zeros(4, 10), ignore_index=3),
    lambda L: F(L).cross_entropy(L.zeros(4, 10, dtype=L.long), L.tensor([1, 2, 3, 4])),
    lambda L: F(L).cross_entropy(L.zeros(2, 3, 4, 5), L.zeros(2, 4, 4, dtype=L.long)),
    lambda L: F(L).nll_loss(L.zeros(4, 10), L.zeros(4, 10, dtype=L.long)),
    lambda L: F(L).nll_loss(L.zeros(4, 10), L.zeros(4)),
    lambda L: F(L).nll_loss(L.tensor(1.0), L.tensor(1)),
    lambda L: F(L).nll_loss(L.zeros(10), L.tensor([1, 2])),
])
def test_class_loss_errors_match_torch_types(call):
    ours, theirs = _message(lambda: call(ember)), _message(lambda: call(torch))
    assert ours[0] is theirs[0], f"{ours} vs torch {theirs}"


def test_class_loss_error_messages_name_the_fix():
    _, text = _message(lambda: F(ember).cross_entropy(ember.zeros(64, 10), ember.zeros(64)))
    assert text == ("cross_entropy: expected target of dtype int64 (class indices) with shape "
                    "(64,), or float probabilities with the input's shape (64, 10); got float32 "
                    "of shape (64,)")
    _, text = _message(lambda: F(ember).cross_entropy(ember.zeros(4, 10),
                                                       ember.tensor([1, 2, 12, 4])))
    assert text.startswith("Target 12 is out of bounds.") and "[0, 9]" in text
    _, text = _message(lambda: F(ember).cross_entropy(ember.zeros(4, 10),
                                                       ember.zeros(4, 10, dtype=ember.long)))
    assert "class probabilities" in text and "(4,)" in text


POINTWISE = {
    "mse_loss": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).mse_loss(a, b, reduction=red)),
    "mse_loss_weight": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).mse_loss(
        a, b, reduction=red, weight=const(L, WEIGHT[:4], a).expand(3, 4))),
    "l1_loss": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).l1_loss(a, b, reduction=red)),
    "l1_loss_weight": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).l1_loss(
        a, b, reduction=red, weight=const(L, WEIGHT[:4], a).expand(3, 4))),
    "smooth_l1_loss": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).smooth_l1_loss(
        a, b, reduction=red, beta=0.7)),
    "smooth_l1_beta0": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).smooth_l1_loss(
        a, b, reduction=red, beta=0.0)),
    "huber_loss": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).huber_loss(
        a, b, reduction=red, delta=0.7)),
    "huber_weight": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).huber_loss(
        a, b, reduction=red, weight=const(L, WEIGHT[:4], a).expand(3, 4))),
    "binary_cross_entropy": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).binary_cross_entropy(
        a.sigmoid(), b.sigmoid(), weight=const(L, WEIGHT[:4], a), reduction=red)),
    "bce_with_logits": ([(3, 4), (3, 4)], lambda L, a, b, red:
                        F(L).binary_cross_entropy_with_logits(
                            a * 5, b.sigmoid(), weight=const(L, WEIGHT[:4], a),
                            pos_weight=const(L, WEIGHT[1:], a), reduction=red)),
    "kl_div": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).kl_div(
        a.log_softmax(1), b.softmax(1), reduction=red)),
    "kl_div_log_target": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).kl_div(
        a.log_softmax(1), b.log_softmax(1), reduction=red, log_target=True)),
    "poisson_nll_full": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).poisson_nll_loss(
        a, b.abs() * 3, full=True, reduction=red)),
    "poisson_nll_rate": ([(3, 4), (3, 4)], lambda L, a, b, red: F(L).poisson_nll_loss(
        a.abs(), b.abs() * 3, log_input=False, reduction=red)),
    "gaussian_nll": ([(3, 4), (3, 4), (3,)], lambda L, a, b, v, red: F(L).gaussian_nll_loss(
        a, b, v.abs(), full=True, reduction=red)),
    "cosine_embedding": ([(5, 4), (5, 4)], lambda L, a, b, red: F(L).cosine_embedding_loss(
        a, b, const(L, SIGNS), margin=0.1, reduction=red)),
    "margin_ranking": ([(5,), (5,)], lambda L, a, b, red: F(L).margin_ranking_loss(
        a, b, const(L, SIGNS, a), margin=0.1, reduction=red)),
    "triplet_margin": ([(5, 4), (5, 4), (5, 4)], lambda L, a, b, c, red: F(L).triplet_margin_loss(
        a, b, c, margin=2.0, p=1.5, swap=True, reduction=red)),
    "triplet_distance": ([(5, 4), (5, 4), (5, 4)], lambda L, a, b, c, red:
                         F(L).triplet_margin_with_distance_loss(
                             a, b, c, distance_function=lambda u, v: (u - v).abs().sum(-1),
                             margin=2.0, swap=True, reduction=red)),
    "hinge_embedding": ([(5,)], lambda L, a, red: F(L).hinge_embedding_loss(
        a, const(L, SIGNS, a), reduction=red)),
    "soft_margin": ([(5,)], lambda L, a, red: F(L).soft_margin_loss(
        a, const(L, SIGNS, a), reduction=red)),
    "multilabel_soft_margin": ([(5, 4), (5, 4)], lambda L, a, b, red:
                               F(L).multilabel_soft_margin_loss(
                                   a, (b > 0).to(a.dtype), weight=const(L, WEIGHT[:4], a),
                                   reduction=red)),
    "multi_margin_p1": ([(5, 4)], lambda L, a, red: F(L).multi_margin_loss(
        a, const(L, [0, 3, 1, 2, 2]), margin=0.7, weight=const(L, WEIGHT[:4], a),
        reduction=red)),
    "multi_margin_p2": ([(5, 4)], lambda L, a, red: F(L).multi_margin_loss(
        a, const(L, [0, 3, 1, 2, 2]), p=2, reduction=red)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(POINTWISE))
def test_losses_match_torch(name, reduction, dtype, device):
    shapes, fn = POINTWISE[name]
    check_op(lambda L, *xs: fn(L, *xs, reduction), shapes=shapes, dtype=dtype, device=device,
             name=name)


@pytest.mark.parametrize("name", ["binary_cross_entropy", "bce_with_logits", "smooth_l1_loss",
                                  "huber_loss", "kl_div", "gaussian_nll", "cosine_embedding",
                                  "triplet_margin", "soft_margin", "multilabel_soft_margin"])
def test_losses_second_order(name):
    shapes, fn = POINTWISE[name]
    rng = np.random.default_rng(5)
    inputs = [ember.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in shapes]
    assert gradcheck(lambda *xs: fn(ember, *xs, "sum"), inputs)
    assert gradgradcheck(lambda *xs: fn(ember, *xs, "mean"), inputs)


def test_binary_cross_entropy_clamps_log_like_torch():
    # log(0) is clamped at -100 and the gradient's denominator at 1e-12, as in torch
    check_op(lambda L, x: F(L).binary_cross_entropy(x, L.tensor([1.0, 0.0, 1.0]),
                                                    reduction="sum"),
             arrays=[np.array([0.0, 1.0, 0.5], dtype=np.float32)])


def test_kl_div_batchmean_and_mean_warning():
    check_op(lambda L, a, b: F(L).kl_div(a, b.abs(), reduction="batchmean"),
             shapes=[(3, 4), (3, 4)])
    with pytest.warns(UserWarning, match="batchmean"):
        ember.nn.functional.kl_div(ember.zeros(2), ember.ones(2))


def test_mismatched_target_size_warns_like_torch():
    with pytest.warns(UserWarning, match="different to the input size"):
        out = ember.nn.functional.mse_loss(ember.zeros(3), ember.ones(3, 1))
    assert out.item() == 1.0


@pytest.mark.parametrize("call", [
    lambda L: F(L).binary_cross_entropy(L.tensor([1.5]), L.tensor([1.0])),
    lambda L: F(L).binary_cross_entropy(L.rand(3), L.rand(3, 1)),
    lambda L: F(L).binary_cross_entropy_with_logits(L.rand(3), L.rand(3, 1)),
    lambda L: F(L).mse_loss(L.rand(3), L.rand(3), reduction="batchmean"),
    lambda L: F(L).mse_loss(L.arange(3), L.arange(3)),
    lambda L: F(L).mse_loss(L.rand(3), L.rand(3), weight=L.rand(2)),
    lambda L: F(L).cosine_embedding_loss(L.rand(3, 2), L.rand(3, 2), L.ones(3, 1)),
    lambda L: F(L).cosine_embedding_loss(L.rand(3, 2, 2), L.rand(3, 2, 2), L.ones(3)),
    lambda L: F(L).triplet_margin_loss(L.rand(3, 2), L.rand(3, 2), L.rand(2)),
    lambda L: F(L).triplet_margin_loss(L.rand(3, 2), L.rand(3, 2), L.rand(3, 2), margin=0),
    lambda L: F(L).margin_ranking_loss(L.rand(3), L.rand(3), L.rand(3, 1)),
    lambda L: F(L).gaussian_nll_loss(L.rand(3), L.rand(3), -L.rand(3)),
    lambda L: F(L).gaussian_nll_loss(L.rand(3, 2), L.rand(3, 2), L.rand(4)),
    lambda L: F(L).multi_margin_loss(L.rand(3, 4), L.tensor([1, 2, 3]), p=3),
    lambda L: F(L).multi_margin_loss(L.rand(3, 4), L.tensor([1, 2, 5])),
    lambda L: F(L).multi_margin_loss(L.rand(3, 4, 2), L.tensor([1, 2, 3])),
    lambda L: F(L).multi_margin_loss(L.rand(3, 4), L.tensor([1, 2])),
    lambda L: F(L).binary_cross_entropy(L.rand(3), L.rand(3), weight=L.rand(3).requires_grad_()),
    lambda L: F(L).binary_cross_entropy_with_logits(L.rand(3), L.rand(3),
                                                    pos_weight=L.rand(3).requires_grad_()),
    lambda L: F(L).multi_margin_loss(L.rand(3, 4), L.tensor([1, 2, 3]),
                                     weight=L.rand(4).requires_grad_()),
    lambda L: F(L).cross_entropy(L.zeros(4, 10), L.tensor([1, 2, 3, 4]),
                                 weight=L.ones(10).requires_grad_()),
])
def test_loss_errors_match_torch_types(call):
    ours, theirs = _message(lambda: call(ember)), _message(lambda: call(torch))
    assert ours[0] is theirs[0], f"{ours} vs torch {theirs}"


def test_legacy_size_average_and_reduce():
    x, y = ember.tensor([1.0, 3.0]), ember.zeros(2)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert ember.nn.functional.l1_loss(x, y, size_average=False).item() == 4.0
    with pytest.warns(UserWarning, match="reduction='none'"):
        module = ember.nn.MSELoss(reduce=False)
    assert module.reduction == "none" and module(x, y).tolist() == [1.0, 9.0]
    with pytest.warns(UserWarning):
        assert ember.nn.CrossEntropyLoss(size_average=False).reduction == "sum"


LOSS_MODULES = [
    ("L1Loss", {}), ("MSELoss", {"reduction": "sum"}), ("CrossEntropyLoss", {}),
    ("NLLLoss", {}), ("SmoothL1Loss", {"beta": 0.5}), ("HuberLoss", {"delta": 2.0}),
    ("BCELoss", {}), ("BCEWithLogitsLoss", {}), ("KLDivLoss", {"reduction": "batchmean"}),
    ("PoissonNLLLoss", {}), ("GaussianNLLLoss", {}), ("CosineEmbeddingLoss", {"margin": 0.1}),
    ("MarginRankingLoss", {}), ("TripletMarginLoss", {"swap": True}),
    ("TripletMarginWithDistanceLoss", {}), ("HingeEmbeddingLoss", {}), ("SoftMarginLoss", {}),
    ("MultiLabelSoftMarginLoss", {}), ("MultiMarginLoss", {"p": 2}), ("CTCLoss", {}),
]


@pytest.mark.parametrize("name,kwargs", LOSS_MODULES)
def test_loss_module_repr_and_attributes(name, kwargs):
    ours, theirs = getattr(ember.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    for attribute in ("reduction", "ignore_index", "label_smoothing", "margin", "p", "eps",
                      "swap", "beta", "delta", "log_target", "blank", "zero_infinity",
                      "log_input", "full"):
        if hasattr(theirs, attribute):
            assert getattr(ours, attribute) == getattr(theirs, attribute), attribute


def test_loss_modules_forward_and_weight_buffers():
    rng = np.random.default_rng(7)
    logits, target = rng.standard_normal((4, 3)).astype(np.float32), [0, 2, 1, 2]
    weight = [0.2, 1.0, 3.0]
    for lib in (ember, torch):
        module = lib.nn.CrossEntropyLoss(weight=lib.tensor(weight), label_smoothing=0.1,
                                         ignore_index=1)
        value = module(lib.tensor(logits), lib.tensor(target))
        if lib is ember:
            ours, state = value, module.state_dict()
    assert_close(ours, value, 1e-6, 1e-6, "CrossEntropyLoss module")
    assert list(state) == ["weight"] and state["weight"].tolist() == pytest.approx(weight)
    module = ember.nn.BCEWithLogitsLoss(pos_weight=ember.ones(3))
    assert set(dict(module.named_buffers())) == {"pos_weight"}
    assert ember.nn.NLLLoss(weight=ember.ones(3)).weight is not None
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        ember.nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="greater than 0"):
        ember.nn.TripletMarginLoss(margin=0.0)


# -- ctc_loss -----------------------------------------------------------------------------

def _ctc_case(seed, time, batch, classes, longest, blank=0, impossible=False):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((time, batch, classes))
    input_lengths = rng.integers(max(time // 2, 1), time + 1, batch)
    input_lengths[0] = time
    target_lengths = rng.integers(0, longest + 1, batch)
    target_lengths[-1] = longest
    targets = rng.integers(0, classes, (batch, longest))
    targets[targets == blank] = (blank + 1) % classes
    targets[0, -1] = targets[0, -2]                   # a repeated label needs a blank between
    if impossible:
        input_lengths[1], target_lengths[1] = 1, longest
    return logits, targets, input_lengths, target_lengths


def _ctc_run(lib, case, reduction, concatenated=False, dtype="float64", **kwargs):
    logits, targets, input_lengths, target_lengths = case
    log_probs = lib.tensor(logits, dtype=getattr(lib, dtype)).log_softmax(2).detach()
    log_probs.requires_grad_(True)
    if concatenated:
        targets = np.concatenate([row[:n] for row, n in zip(targets, target_lengths)])
    loss = lib.nn.functional.ctc_loss(log_probs, lib.tensor(targets), lib.tensor(input_lengths),
                                      lib.tensor(target_lengths), reduction=reduction, **kwargs)
    weights = np.linspace(0.5, 1.5, loss.numel()).reshape(tuple(loss.shape))
    (loss * lib.tensor(weights, dtype=loss.dtype)).sum().backward()
    return loss, log_probs.grad


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("concatenated", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ctc_loss_matches_torch(reduction, concatenated, dtype):
    case = _ctc_case(1, time=12, batch=4, classes=6, longest=4)
    ours = _ctc_run(ember, case, reduction, concatenated, dtype)
    theirs = _ctc_run(torch, case, reduction, concatenated, dtype)
    tolerance = (1e-5, 1e-6) if dtype == "float32" else (1e-9, 1e-10)
    assert_close(ours[0], theirs[0], *tolerance, f"ctc_loss {reduction}")
    assert_close(ours[1], theirs[1], *tolerance, f"ctc_loss grad {reduction}")


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_impossible_alignment_and_blank(zero_infinity):
    case = _ctc_case(2, time=10, batch=3, classes=5, longest=6, blank=3, impossible=True)
    ours = _ctc_run(ember, case, "none", blank=3, zero_infinity=zero_infinity)
    theirs = _ctc_run(torch, case, "none", blank=3, zero_infinity=zero_infinity)
    assert_close(ours[0], theirs[0], 1e-9, 1e-10, "ctc_loss impossible")
    assert_close(ours[1], theirs[1], 1e-9, 1e-10, "ctc_loss impossible grad")
    assert np.isinf(ours[0][1].item()) != zero_infinity


def test_ctc_loss_unbatched_lists_and_module():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 4))
    values = []
    for lib in (ember, torch):
        log_probs = lib.tensor(logits).log_softmax(1)
        values.append(lib.nn.CTCLoss(blank=0)(log_probs, lib.tensor([1, 2, 2]), lib.tensor(6),
                                              lib.tensor(3)))
    assert_close(values[0], values[1], 1e-9, 1e-10, "unbatched ctc_loss")
    batched = ember.tensor(logits).log_softmax(1).unsqueeze(1)
    from_lists = ember.nn.functional.ctc_loss(batched, ember.tensor([[1, 2, 2]]), [6], [3])
    assert from_lists.item() == pytest.approx(values[1].item())


def test_ctc_loss_gradcheck_through_log_softmax():
    case = _ctc_case(4, time=5, batch=2, classes=3, longest=2)
    logits, targets, input_lengths, target_lengths = case
    x = ember.tensor(logits, requires_grad=True)

    def loss(t):
        return ember.nn.functional.ctc_loss(t.log_softmax(2), ember.tensor(targets),
                                            ember.tensor(input_lengths),
                                            ember.tensor(target_lengths))
    assert gradcheck(loss, [x])
    (grad,) = ember.autograd.grad(loss(x), x, create_graph=True)
    with pytest.raises(RuntimeError, match="double backward"):
        grad.sum().backward()


@pytest.mark.parametrize("call", [
    lambda L, lp: F(L).ctc_loss(lp, L.tensor([[1, 2]]), L.tensor([9]), L.tensor([2])),
    lambda L, lp: F(L).ctc_loss(lp, L.tensor([[1, 2]]), L.tensor([8]), L.tensor([3])),
    lambda L, lp: F(L).ctc_loss(lp, L.tensor([[1, 2]]), L.tensor([8]), L.tensor([2]), blank=4),
    lambda L, lp: F(L).ctc_loss(lp, L.tensor([[1, 2]]), L.tensor([8]), L.tensor([2]),
                                reduction="avg"),
])
def test_ctc_loss_errors_match_torch_types(call):
    ours = _message(lambda: call(ember, ember.zeros(8, 1, 4)))
    theirs = _message(lambda: call(torch, torch.zeros(8, 1, 4)))
    assert ours[0] is theirs[0], f"{ours} vs torch {theirs}"


def test_no_warnings_on_plain_calls():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.nn.functional.cross_entropy(ember.zeros(2, 3), ember.tensor([0, 1]))
        ember.nn.functional.mse_loss(ember.zeros(2), ember.ones(2))


def test_soft_margin_loss_refuses_a_target_that_requires_grad_as_torch():
    for lib in (ember, torch):
        x, target = lib.randn(4, requires_grad=True), lib.ones(4, requires_grad=True)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument"):
            lib.nn.functional.soft_margin_loss(x, target)
        with lib.no_grad():
            lib.nn.functional.soft_margin_loss(x, target)


@pytest.mark.parametrize("loss, options", [
    ("cross_entropy", {}), ("cross_entropy", {"label_smoothing": 0.2}), ("nll_loss", {})])
@pytest.mark.parametrize("shape", [(3, 4), (2, 4, 3)])
def test_every_position_ignored_gives_zero_gradients_as_torch(loss, options, shape):
    """'mean' over no positions divides by a total weight of 0: the loss is NaN, and the
    ignored positions' gradients stay 0 (not 0 * inf)."""
    values = RNG.standard_normal(shape).astype(np.float32)
    target = np.full(shape[:1] + shape[2:], 2)
    results = []
    for lib in (ember, torch):
        x = lib.tensor(values, requires_grad=True)
        out = getattr(lib.nn.functional, loss)(x, lib.tensor(target), ignore_index=2, **options)
        out.backward()
        results.append((out.detach().numpy(), x.grad.numpy()))
    (got, got_grad), (want, want_grad) = results
    assert np.isnan(got) and np.isnan(want)
    np.testing.assert_array_equal(got_grad, want_grad)
    assert not want_grad.any()
