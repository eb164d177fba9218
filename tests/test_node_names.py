"""Each op's node (`grad_fn`) has torch's name, so that printed tensors read alike:
`tensor(2.3026, grad_fn=<NllLossBackward0>)`.

Each case is built once with ember and once with torch, from `lib`.
"""
import pytest
import torch

import ember


def _x(lib, *shape):
    return lib.randn(*shape, requires_grad=True)


def _F(lib):
    return lib.nn.functional


def _targets(lib):
    return lib.tensor([0, 1, 4])


CASES = {
    # linear and addmm
    "linear_2d_bias": lambda lib: _F(lib).linear(_x(lib, 3, 4), _x(lib, 2, 4), _x(lib, 2)),
    "linear_2d": lambda lib: _F(lib).linear(_x(lib, 3, 4), _x(lib, 2, 4)),
    "linear_1d_bias": lambda lib: _F(lib).linear(_x(lib, 4), _x(lib, 2, 4), _x(lib, 2)),
    "linear_1d": lambda lib: _F(lib).linear(_x(lib, 4), _x(lib, 2, 4)),
    "linear_3d_bias": lambda lib: _F(lib).linear(_x(lib, 5, 3, 4), _x(lib, 2, 4), _x(lib, 2)),
    "linear_3d": lambda lib: _F(lib).linear(_x(lib, 5, 3, 4), _x(lib, 2, 4)),
    "nn_linear": lambda lib: lib.nn.Linear(4, 2)(lib.randn(3, 4)),
    "nn_linear_no_bias": lambda lib: lib.nn.Linear(4, 2, bias=False)(lib.randn(3, 4)),
    "addmm": lambda lib: lib.addmm(_x(lib, 2), _x(lib, 3, 4), _x(lib, 4, 2)),
    "addmm_scaled": lambda lib: lib.addmm(_x(lib, 2), _x(lib, 3, 4), _x(lib, 4, 2), alpha=2),
    # losses
    "cross_entropy": lambda lib: _F(lib).cross_entropy(_x(lib, 3, 5), _targets(lib)),
    "cross_entropy_sum": lambda lib: _F(lib).cross_entropy(_x(lib, 3, 5), _targets(lib),
                                                           reduction="sum"),
    "cross_entropy_none": lambda lib: _F(lib).cross_entropy(_x(lib, 3, 5), _targets(lib),
                                                            reduction="none"),
    "cross_entropy_weight": lambda lib: _F(lib).cross_entropy(_x(lib, 3, 5), _targets(lib),
                                                              weight=lib.rand(5)),
    "cross_entropy_1d": lambda lib: _F(lib).cross_entropy(_x(lib, 5), lib.tensor(2)),
    "cross_entropy_4d": lambda lib: _F(lib).cross_entropy(
        _x(lib, 2, 5, 2, 2), lib.zeros(2, 2, 2, dtype=lib.long)),
    "cross_entropy_3d_none": lambda lib: _F(lib).cross_entropy(
        _x(lib, 3, 5, 2), lib.zeros(3, 2, dtype=lib.long), reduction="none"),
    "nn_cross_entropy": lambda lib: lib.nn.CrossEntropyLoss()(_x(lib, 3, 5), _targets(lib)),
    "nll_loss": lambda lib: _F(lib).nll_loss(_x(lib, 3, 5), _targets(lib)),
    "nll_loss_4d": lambda lib: _F(lib).nll_loss(_x(lib, 2, 5, 2, 2),
                                                lib.zeros(2, 2, 2, dtype=lib.long)),
    "mse_loss": lambda lib: _F(lib).mse_loss(_x(lib, 3, 4), lib.zeros(3, 4)),
    "mse_loss_sum": lambda lib: _F(lib).mse_loss(_x(lib, 3, 4), lib.zeros(3, 4),
                                                 reduction="sum"),
    "mse_loss_none": lambda lib: _F(lib).mse_loss(_x(lib, 3, 4), lib.zeros(3, 4),
                                                  reduction="none"),
    "nn_mse_loss": lambda lib: lib.nn.MSELoss()(_x(lib, 3, 4), lib.zeros(3, 4)),
    "bce_with_logits": lambda lib: _F(lib).binary_cross_entropy_with_logits(
        _x(lib, 3, 4), lib.zeros(3, 4)),
    "bce_with_logits_pos_weight": lambda lib: _F(lib).binary_cross_entropy_with_logits(
        _x(lib, 3, 4), lib.zeros(3, 4), pos_weight=lib.ones(4), reduction="none"),
    "smooth_l1_loss": lambda lib: _F(lib).smooth_l1_loss(_x(lib, 3, 4), lib.zeros(3, 4)),
    "huber_loss": lambda lib: _F(lib).huber_loss(_x(lib, 3, 4), lib.zeros(3, 4)),
    # reductions
    "sum_dim": lambda lib: _x(lib, 3, 4).sum(1),
    "sum_keepdim": lambda lib: _x(lib, 3, 4).sum(1, keepdim=True),
    "sum_dims": lambda lib: _x(lib, 3, 4).sum((0, 1)),
    "mean_dim": lambda lib: _x(lib, 3, 4).mean(0),
    "mean_keepdim": lambda lib: _x(lib, 3, 4).mean(-1, keepdim=True),
    "max": lambda lib: _x(lib, 3, 4).max(),
    "min": lambda lib: _x(lib, 3, 4).min(),
    "std": lambda lib: _x(lib, 3, 4).std(),
    "std_dim": lambda lib: _x(lib, 3, 4).std(1),
    "norm": lambda lib: _x(lib, 3, 4).norm(),
    "norm_dim": lambda lib: _x(lib, 3, 4).norm(dim=1),
    "torch_norm": lambda lib: lib.norm(_x(lib, 3, 4)),
    "linalg_norm": lambda lib: lib.linalg.norm(_x(lib, 4)),
    "linalg_vector_norm": lambda lib: lib.linalg.vector_norm(_x(lib, 3, 4), ord=3, dim=0),
    # matmul
    "matmul_2d_2d": lambda lib: _x(lib, 3, 4) @ _x(lib, 4, 2),
    "mm": lambda lib: _x(lib, 3, 4).mm(_x(lib, 4, 2)),
    "bmm": lambda lib: lib.bmm(_x(lib, 5, 3, 4), _x(lib, 5, 4, 2)),
    "mv": lambda lib: _x(lib, 3, 4).mv(_x(lib, 4)),
    "matmul_2d_1d": lambda lib: _x(lib, 3, 4) @ _x(lib, 4),
    "dot": lambda lib: _x(lib, 4).dot(_x(lib, 4)),
    "matmul_1d_1d": lambda lib: _x(lib, 4) @ _x(lib, 4),
    "matmul_1d_2d": lambda lib: _x(lib, 4) @ _x(lib, 4, 2),
    "matmul_3d_2d": lambda lib: _x(lib, 5, 3, 4) @ _x(lib, 4, 2),
    "matmul_3d_3d": lambda lib: _x(lib, 5, 3, 4) @ _x(lib, 5, 4, 2),
    "matmul_4d_4d": lambda lib: _x(lib, 2, 5, 3, 4) @ _x(lib, 2, 5, 4, 2),
    "einsum_mm": lambda lib: lib.einsum("ij,jk->ik", _x(lib, 3, 4), _x(lib, 4, 2)),
    "einsum_outer": lambda lib: lib.einsum("i,j->ij", _x(lib, 3), _x(lib, 4)),
    # shapes
    "view": lambda lib: _x(lib, 3, 4).view(12),
    "reshape": lambda lib: _x(lib, 3, 4).reshape(2, 6),
    "reshape_copy": lambda lib: _x(lib, 3, 4).t().reshape(12),
    "flatten": lambda lib: _x(lib, 2, 3, 4).flatten(1),
    "unsqueeze": lambda lib: _x(lib, 3, 4).unsqueeze(0),
    "index_none": lambda lib: _x(lib, 3, 4)[:, None],
    "index_int": lambda lib: _x(lib, 3, 4)[:, 1],
    "squeeze": lambda lib: _x(lib, 3, 1, 4).squeeze(),
    "squeeze_dim": lambda lib: _x(lib, 3, 1, 4).squeeze(1),
    "t": lambda lib: _x(lib, 3, 4).t(),
    "transpose": lambda lib: _x(lib, 2, 3, 4).transpose(0, 2),
    "mT": lambda lib: _x(lib, 2, 3, 4).mT,
    # dtype and clamp
    "to_dtype": lambda lib: _x(lib, 3, 4).to(lib.float64),
    "double": lambda lib: _x(lib, 3, 4).double(),
    "half": lambda lib: _x(lib, 3, 4).half(),
    "type": lambda lib: _x(lib, 3, 4).type(lib.float64),
    "clamp": lambda lib: _x(lib, 3, 4).clamp(0, 1),
    "clamp_min": lambda lib: _x(lib, 3, 4).clamp(min=0),
    "clip_max": lambda lib: _x(lib, 3, 4).clip(max=0.5),
    "clamp_tensors": lambda lib: _x(lib, 3, 4).clamp(lib.zeros(4), lib.ones(4)),
    # dropout and normalization
    "dropout": lambda lib: _F(lib).dropout(_x(lib, 3, 4), 0.5),
    "nn_dropout": lambda lib: lib.nn.Dropout(0.5)(_x(lib, 3, 4)),
    "dropout2d": lambda lib: _F(lib).dropout2d(_x(lib, 2, 3, 4, 4), 0.5),
    "alpha_dropout": lambda lib: _F(lib).alpha_dropout(_x(lib, 3, 4), 0.5, training=True),
    "batch_norm": lambda lib: _F(lib).batch_norm(_x(lib, 2, 3, 4, 4), None, None,
                                                 training=True),
    "nn_batch_norm_eval": lambda lib: lib.nn.BatchNorm1d(3).eval()(_x(lib, 2, 3)),
    "layer_norm": lambda lib: _F(lib).layer_norm(_x(lib, 3, 4), (4,)),
    "group_norm": lambda lib: _F(lib).group_norm(_x(lib, 2, 4, 3), 2),
    # pooling and resampling
    "max_pool1d": lambda lib: _F(lib).max_pool1d(_x(lib, 2, 3, 8), 2),
    "max_pool2d": lambda lib: _F(lib).max_pool2d(_x(lib, 2, 3, 8, 8), 2),
    "max_pool2d_unbatched": lambda lib: _F(lib).max_pool2d(_x(lib, 3, 8, 8), 2),
    "max_pool3d": lambda lib: _F(lib).max_pool3d(_x(lib, 2, 3, 4, 4, 4), 2),
    "avg_pool2d": lambda lib: _F(lib).avg_pool2d(_x(lib, 2, 3, 8, 8), 2),
    "avg_pool3d": lambda lib: _F(lib).avg_pool3d(_x(lib, 2, 3, 4, 4, 4), 2),
    "adaptive_avg_pool2d": lambda lib: _F(lib).adaptive_avg_pool2d(_x(lib, 2, 3, 8, 8), 2),
    "adaptive_avg_pool2d_3": lambda lib: _F(lib).adaptive_avg_pool2d(_x(lib, 2, 3, 8, 8), 3),
    "adaptive_avg_pool2d_1": lambda lib: _F(lib).adaptive_avg_pool2d(_x(lib, 2, 3, 8, 8), 1),
    "adaptive_max_pool2d": lambda lib: _F(lib).adaptive_max_pool2d(_x(lib, 2, 3, 8, 8), 3),
    "nearest_1d": lambda lib: _F(lib).interpolate(_x(lib, 2, 3, 4), scale_factor=2),
    "nearest_2d": lambda lib: _F(lib).interpolate(_x(lib, 2, 3, 4, 4), scale_factor=2),
    "nearest_3d": lambda lib: _F(lib).interpolate(_x(lib, 2, 3, 4, 4, 4), size=(6, 6, 6)),
    "linear_resize": lambda lib: _F(lib).interpolate(_x(lib, 2, 3, 4), size=7, mode="linear"),
    "bilinear": lambda lib: _F(lib).interpolate(_x(lib, 2, 3, 4, 4), scale_factor=2,
                                                mode="bilinear"),
    "trilinear": lambda lib: _F(lib).interpolate(_x(lib, 2, 3, 4, 4, 4), scale_factor=2,
                                                 mode="trilinear"),
    # splitting
    "split_sizes": lambda lib: _x(lib, 5, 4).split([2, 3])[1],
    "split_int": lambda lib: _x(lib, 5, 4).split(2, 1)[1],
    "chunk": lambda lib: _x(lib, 5, 4).chunk(2)[1],
    "unbind": lambda lib: _x(lib, 3, 4).unbind(1)[2],
    # masked_fill, pow, pad
    "masked_fill": lambda lib: _x(lib, 3, 4).masked_fill(lib.tensor([True, False] * 2), 0.0),
    "masked_fill_tensor": lambda lib: _x(lib, 3, 4).masked_fill(lib.tensor([True] * 4),
                                                                lib.tensor(1.0)),
    "square": lambda lib: _x(lib, 3, 4).square(),
    "pow_tensor": lambda lib: _x(lib, 3, 4).pow(_x(lib, 3, 4)),
    "pow_number_base": lambda lib: 2 ** _x(lib, 3, 4),
    "pad_constant": lambda lib: _F(lib).pad(_x(lib, 3, 4), (1, 2)),
    "pad_reflect_1d": lambda lib: _F(lib).pad(_x(lib, 2, 3, 4), (1, 2), mode="reflect"),
    "pad_reflect_2d": lambda lib: _F(lib).pad(_x(lib, 2, 3, 4, 4), (1, 2, 1, 1),
                                              mode="reflect"),
    "pad_replicate_3d": lambda lib: _F(lib).pad(_x(lib, 2, 3, 4, 4, 4), (1, 1, 1, 1, 1, 1),
                                                mode="replicate"),
}


@pytest.mark.parametrize("name", CASES)
def test_node_name(name):
    expected = CASES[name](torch).grad_fn.name()
    assert CASES[name](ember).grad_fn.name() == expected, name
