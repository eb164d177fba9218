"""Argument names, positions and keywords of torch's builtin functions, against torch.

Each case calls the same expression with lib=ember and lib=torch: both must give the same
result, or raise the same exception type.
"""
import inspect

import numpy as np
import pytest
import torch

import ember


def _as_numpy(value):
    if isinstance(value, (torch.Tensor, ember.Tensor)):
        return value.detach().numpy(), str(value.dtype).split(".")[-1]
    if isinstance(value, (tuple, list)):
        return [_as_numpy(item) for item in value]
    return value


def _same(expected, actual):
    if isinstance(expected, tuple) and len(expected) == 2 and isinstance(expected[0], np.ndarray):
        assert expected[1] == actual[1], f"dtype {actual[1]}, torch {expected[1]}"
        np.testing.assert_allclose(actual[0], expected[0], rtol=1e-5, atol=1e-6)
    elif isinstance(expected, list):
        assert len(expected) == len(actual)
        for e, a in zip(expected, actual):
            _same(e, a)
    else:
        assert expected == actual


def _matrix(lib):
    return lib.tensor([[0.5, 0.25, 1.5], [2.0, 0.75, 0.3]])


def _spd(lib):
    return lib.tensor([[2., 1.], [1., 3.]])


SAME_RESULT = {
    # torch's parser takes numpy's names: axis for dim, keepdims for keepdim
    "sum_axis": lambda L: L.sum(_matrix(L), axis=1),
    "sum_axis_keepdims": lambda L: L.sum(_matrix(L), axis=0, keepdims=True),
    "method_sum_axis": lambda L: _matrix(L).sum(axis=1),
    "mean_axis_tuple": lambda L: _matrix(L).mean(axis=(0, 1)),
    "std_axis": lambda L: _matrix(L).std(axis=0),
    "var_keepdims": lambda L: L.var(_matrix(L), axis=1, keepdims=True),
    "amax_axis": lambda L: L.amax(_matrix(L), axis=0, keepdims=True),
    "max_axis": lambda L: list(_matrix(L).max(axis=1)),
    "argmax_axis": lambda L: _matrix(L).argmax(axis=1),
    "cumsum_axis": lambda L: L.cumsum(_matrix(L), axis=1),
    "logsumexp_axis": lambda L: L.logsumexp(_matrix(L), axis=0),
    "sort_axis": lambda L: list(L.sort(_matrix(L), axis=1)),
    "cat_axis": lambda L: L.cat([_matrix(L), _matrix(L)], axis=1),
    "stack_axis": lambda L: L.stack([_matrix(L), _matrix(L)], axis=2),
    "unsqueeze_axis": lambda L: _matrix(L).unsqueeze(axis=0),
    "cumsum_x_alias": lambda L: L.cumsum(x=_matrix(L), axis=0),
    "linalg_vector_norm_x_axis": lambda L: L.linalg.vector_norm(x=_matrix(L), axis=0,
                                                                keepdims=True),
    "linalg_vector_norm_input": lambda L: L.linalg.vector_norm(input=_matrix(L), ord=1),
    "linalg_norm_axis": lambda L: L.linalg.norm(_matrix(L), axis=1),
    "special_logsumexp_axis": lambda L: L.special.logsumexp(_matrix(L), axis=0),
    "fft_fftshift_axis": lambda L: L.fft.fftshift(_matrix(L), axis=1),
    # torch.softmax's third argument is dtype (F.softmax's is _stacklevel)
    "softmax_dtype_positional": lambda L: L.softmax(_matrix(L), 0, L.float64),
    "log_softmax_dtype_positional": lambda L: L.log_softmax(_matrix(L), 1, L.float64),
    "softmax_out": lambda L: L.softmax(_matrix(L), 1, out=L.zeros(2, 3)),
    # the top level's argument names for linalg's functions
    "det_input": lambda L: L.det(input=_matrix(L)[:, :2]),
    "logdet_input": lambda L: L.logdet(input=L.eye(2) * 2),
    "slogdet_input": lambda L: list(L.slogdet(input=_matrix(L)[:, :2])),
    "inverse_input_out": lambda L: L.inverse(input=L.eye(2) * 2, out=L.zeros(2, 2)),
    "matrix_power_input": lambda L: L.matrix_power(input=_matrix(L)[:, :2], n=3),
    "pinverse_rcond": lambda L: L.pinverse(L.tensor([[1., 0.], [0., 1e-3]]), rcond=1e-2),
    "pinverse_rcond_positional": lambda L: L.pinverse(L.tensor([[1., 0.], [0., 1e-3]]), 1e-4),
    "orgqr_input2": lambda L: L.orgqr(*L.geqrf(_matrix(L).T)),
    # hsplit & co: torch's overloads (int sections) and (tuple of ints indices)
    "hsplit_sections": lambda L: list(L.hsplit(L.ones(2, 4), sections=2)),
    "hsplit_indices": lambda L: list(L.hsplit(L.ones(2, 4), indices=(1,))),
    "hsplit_list": lambda L: list(L.hsplit(L.ones(2, 4), [1, 3])),
    "vsplit_sections": lambda L: list(L.vsplit(L.ones(4, 2), sections=2)),
    "dsplit_indices": lambda L: list(L.dsplit(L.ones(1, 2, 4), indices=[1])),
    "method_hsplit_sections": lambda L: list(L.ones(2, 4).hsplit(sections=2)),
    "swapaxes_axis": lambda L: L.swapaxes(_matrix(L), axis0=0, axis1=1),
    "method_swapaxes_axis": lambda L: _matrix(L).swapaxes(0, axis1=1),
    "swapdims_dim": lambda L: L.swapdims(_matrix(L), dim0=0, dim1=1),
    # out= that torch's structured ops take
    "argsort_stable_out": lambda L: L.argsort(L.tensor([3., 1., 2.]), stable=True,
                                              out=L.zeros(3, dtype=L.int64)),
    "diag_out": lambda L: L.diag(L.tensor([1., 2.]), out=L.zeros(2, 2)),
    "index_copy_out": lambda L: L.index_copy(L.zeros(3), 0, L.tensor([1]), L.ones(1),
                                             out=L.zeros(3)),
    "index_reduce_out": lambda L: L.index_reduce(L.ones(3), 0, L.tensor([1, 1]),
                                                 L.tensor([2., 3.]), "prod", out=L.zeros(3)),
    "scatter_out": lambda L: L.scatter(L.zeros(3), 0, L.tensor([1]), L.ones(1),
                                       out=L.zeros(3)),
    "scatter_value_reduce_out": lambda L: L.scatter(L.zeros(3), 0, L.tensor([1]), 2.,
                                                    reduce="add", out=L.zeros(3)),
    "range_out": lambda L: L.range(0, 2, out=L.zeros(3, dtype=L.float64)),
    "diff_out_cast": lambda L: L.diff(L.tensor([1., 4., 9.]), out=L.zeros(2, dtype=L.float64)),
    "slice_scatter_out": lambda L: L.slice_scatter(L.zeros(3, 3), L.ones(1, 3), 0, 0, 1,
                                                   out=L.zeros(3, 3)),
    "nonzero_static_out": lambda L: L.nonzero_static(L.tensor([0, 3, 0]), size=2,
                                                     out=L.zeros(2, 1, dtype=L.int64)),
    "hardshrink_out": lambda L: L.hardshrink(_matrix(L), 0.6, out=L.zeros(2, 3)),
    "threshold_out_cast": lambda L: L.threshold(_matrix(L), 0.6, 0., out=L.zeros(
        2, 3, dtype=L.float64)),
    "roll_empty_dims": lambda L: L.roll(_matrix(L), 1, []),
    "method_roll_empty_dims": lambda L: _matrix(L).roll((2,), ()),
    "expand_implicit": lambda L: _matrix(L)[:1].expand(2, 3, implicit=True),
    # layout= and pin_memory= of the creation functions
    "zeros_layout": lambda L: L.zeros(2, layout=L.strided, pin_memory=False),
    "arange_pin_memory": lambda L: L.arange(3, pin_memory=False, layout=L.strided),
    "linspace_pin_memory": lambda L: L.linspace(0, 1, 3, pin_memory=False),
    "logspace_pin_memory": lambda L: L.logspace(0, 1, 3, pin_memory=False),
    "hann_window_pin_memory": lambda L: L.hann_window(4, layout=L.strided, pin_memory=False),
    "zeros_like_pin_memory": lambda L: L.zeros_like(_matrix(L), pin_memory=False),
    "full_like_layout": lambda L: L.full_like(_matrix(L), 2., layout=L.strided,
                                              pin_memory=False),
    "new_zeros_layout": lambda L: _matrix(L).new_zeros((2,), layout=L.strided,
                                                       pin_memory=False),
    "new_full_layout": lambda L: _matrix(L).new_full((2,), 3., layout=L.strided,
                                                     pin_memory=False),
    "randint_pin_memory": lambda L: L.randint(3, (2,), pin_memory=False).shape,
    "rand_like_pin_memory": lambda L: L.rand_like(_matrix(L), pin_memory=False).shape,
    "empty_strided_layout": lambda L: L.empty_strided((2, 3), (1, 2), layout=L.strided).stride(),
    "layout_of_tensor": lambda L: repr(_matrix(L).layout).split(".")[-1],
    "tril_indices_pin_memory": lambda L: L.tril_indices(3, 3, layout=L.strided,
                                                        pin_memory=False),
    "triu_indices_pin_memory": lambda L: L.triu_indices(3, 2, 1, pin_memory=False),
    # torch's top-level losses leave the reduction at none where it is not given
    "kl_div_default_reduction": lambda L: L.kl_div(_matrix(L).log(), _matrix(L)),
    "cosine_embedding_loss_default_reduction": lambda L: L.cosine_embedding_loss(
        _matrix(L), _matrix(L).flip(0), L.tensor([1., -1.])),
    "hinge_embedding_loss_default_reduction": lambda L: L.hinge_embedding_loss(
        _matrix(L), L.tensor([[1., -1., 1.], [-1., 1., 1.]])),
    "margin_ranking_loss_default_reduction": lambda L: L.margin_ranking_loss(
        _matrix(L), _matrix(L).flip(1), L.tensor([[1., -1., 1.], [-1., 1., 1.]])),
    "triplet_margin_loss_default_reduction": lambda L: L.triplet_margin_loss(
        _matrix(L), _matrix(L).flip(0), _matrix(L).flip(1)),
    "bce_with_logits_default_reduction": lambda L: L.binary_cross_entropy_with_logits(
        _matrix(L), _matrix(L).sigmoid()),
    "cholesky_solve_names": lambda L: L.cholesky_solve(
        input=L.tensor([[1.], [2.]]), input2=L.tensor([[2., 0.], [0.5, 1.5]])),
    "method_cholesky_solve": lambda L: L.tensor([[1.], [2.]]).cholesky_solve(
        L.tensor([[2., 0.], [0.5, 1.5]]), upper=False),
    "lu_solve_names": lambda L: L.lu_solve(
        input=L.tensor([[1.], [2.]]), LU_data=L.tensor([[4., 1.], [0.25, 2.75]]),
        LU_pivots=L.tensor([1, 2], dtype=L.int32)),
    "method_lu_solve": lambda L: L.tensor([[1.], [2.]]).lu_solve(
        L.tensor([[4., 1.], [0.25, 2.75]]), L.tensor([1, 2], dtype=L.int32)),
    "frombuffer": lambda L: L.frombuffer(bytearray(range(8)), dtype=L.int16, offset=2,
                                         count=2),
    "frombuffer_all": lambda L: L.frombuffer(b"abcd", dtype=L.uint8),
    "is_inference": lambda L: L.is_inference(_matrix(L)),
    "channel_shuffle": lambda L: L.channel_shuffle(L.arange(8.).reshape(1, 4, 2, 1), 2),
    # torch.linalg's bindings name the matrix input (See NOTE [ input, not A ])
    "linalg_cholesky_input": lambda L: L.linalg.cholesky(input=_spd(L)),
    "linalg_eigvalsh_input": lambda L: L.linalg.eigvalsh(input=_spd(L)),
    "linalg_norm_input": lambda L: L.linalg.norm(input=_spd(L)),
    "linalg_matrix_norm_input": lambda L: L.linalg.matrix_norm(input=_spd(L), ord=1),
    "linalg_pinv_rcond": lambda L: L.linalg.pinv(input=_spd(L), rcond=0.5),
    "linalg_pinv_rcond_positional": lambda L: L.linalg.pinv(_spd(L), 0.5, True),
    "linalg_matrix_rank_tol": lambda L: L.linalg.matrix_rank(_spd(L), 1.5),
    "linalg_matrix_rank_tol_hermitian": lambda L: L.linalg.matrix_rank(input=_spd(L), tol=1.5,
                                                                       hermitian=True),
    "linalg_solve_triangular_input": lambda L: L.linalg.solve_triangular(
        input=_spd(L), B=_spd(L), upper=True),
    "linalg_lstsq_names": lambda L: L.linalg.lstsq(input=_spd(L), b=_spd(L)).solution,
    "linalg_tensorsolve_names": lambda L: L.linalg.tensorsolve(input=_spd(L), other=L.ones(2)),
    "linalg_cond_input": lambda L: L.linalg.cond(input=_spd(L)),
    "linalg_matrix_exp_input": lambda L: L.linalg.matrix_exp(input=_spd(L)),
    "linalg_householder_product_out": lambda L: L.linalg.householder_product(
        input=_spd(L), tau=L.ones(1), out=L.zeros(2, 2, dtype=L.float64)),
    # other argument names and positions
    "histogramdd_positional": lambda L: list(L.histogramdd(
        L.tensor([[0., 0.], [1., 1.], [1., 0.]]), 2, [0., 1., 0., 1.], None, True)),
    "result_type_names": lambda L: str(L.result_type(tensor=L.ones(1, dtype=L.int32),
                                                     other=1.0)).split(".")[-1],
    # torch.gradient of a dim of size 2 (edge_order=1 needs only 2 samples)
    "gradient_size_2": lambda L: list(L.gradient(_matrix(L))),
    "gradient_size_2_spacing": lambda L: list(L.gradient(L.tensor([1., 3.]), spacing=2.)),
}


@pytest.mark.parametrize("case", sorted(SAME_RESULT))
def test_same_result_as_torch(case):
    expected = _as_numpy(SAME_RESULT[case](torch))
    _same(expected, _as_numpy(SAME_RESULT[case](ember)))


SAME_ERROR = {
    "zeros_layout_not_a_layout": lambda L: L.zeros(2, layout=1),
    "hsplit_no_sections": lambda L: L.hsplit(L.ones(2, 4)),
    "argsort_out_dtype": lambda L: L.argsort(L.ones(3), stable=True, out=L.zeros(3)),
    "diag_out_dtype": lambda L: L.diag(L.ones(2), out=L.zeros(2, 2, dtype=L.float64)),
    "softmax_out_dtype": lambda L: L.softmax(L.ones(2), 0, L.float64, out=L.zeros(2)),
    "scatter_out_dtype": lambda L: L.scatter(L.zeros(3), 0, L.tensor([1]), L.ones(1),
                                             out=L.zeros(3, dtype=L.float64)),
    "index_copy_out_dtype": lambda L: L.index_copy(L.zeros(3), 0, L.tensor([1]), L.ones(1),
                                                   out=L.zeros(3, dtype=L.float64)),
    "det_no_input": lambda L: L.det(),
    "linalg_cholesky_A": lambda L: L.linalg.cholesky(A=_spd(L)),
    "linalg_pinv_rcond_and_atol": lambda L: L.linalg.pinv(_spd(L), rcond=0.5, atol=1.0),
    "frombuffer_count_too_large": lambda L: L.frombuffer(bytearray(8), dtype=L.float32,
                                                         count=3),
    "frombuffer_ragged": lambda L: L.frombuffer(bytearray(8), dtype=L.float32, offset=3),
    "frombuffer_empty": lambda L: L.frombuffer(bytearray(0), dtype=L.float32),
    "frombuffer_offset_past_end": lambda L: L.frombuffer(bytearray(8), dtype=L.float32,
                                                         offset=8),
    "threshold_out_cast_refused": lambda L: L.threshold(L.ones(3), 0.5, 0.,
                                                        out=L.zeros(3, dtype=L.int64)),
    "roll_empty_dims_two_shifts": lambda L: L.roll(L.ones(3), (1, 2), []),
    "diff_out_cast_refused": lambda L: L.diff(L.ones(3), out=L.zeros(2, dtype=L.int64)),
    "slice_scatter_out_dtype": lambda L: L.slice_scatter(L.zeros(3, 3), L.ones(1, 3), 0, 0, 1,
                                                         out=L.zeros(3, 3, dtype=L.float64)),
    "nonzero_static_out_dtype": lambda L: L.nonzero_static(L.ones(3), size=2,
                                                           out=L.zeros(2, 1)),
}


@pytest.mark.parametrize("case", sorted(SAME_ERROR))
def test_same_error_as_torch(case):
    with pytest.raises(Exception) as expected:
        SAME_ERROR[case](torch)
    with pytest.raises(expected.type):
        SAME_ERROR[case](ember)


@pytest.mark.parametrize("lib", [torch, ember])
def test_cat_into_an_empty_input_raises(lib):
    empty = lib.empty(0)
    with pytest.raises(RuntimeError, match="single memory location"):
        lib.cat([empty, lib.ones(4, 6)], out=empty)


def test_sparse_layout_is_refused():
    with pytest.raises(NotImplementedError, match="strided"):
        ember.zeros(2, layout=ember.sparse_coo)
    with pytest.raises(NotImplementedError, match="strided"):
        ember.ones(2).new_ones(2, layout=ember.sparse_csr)


def test_pin_memory_without_cuda_raises_as_torch():
    if ember.cuda.is_available():
        pytest.skip("pins for real where CUDA is available")
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.zeros(2, pin_memory=True)
        with pytest.raises(RuntimeError):
            lib.arange(3, pin_memory=True)


def test_torch_layouts_are_taken_as_torch_dtypes_are():
    assert ember.zeros(2, layout=torch.strided).layout is ember.strided
    with pytest.raises(NotImplementedError):
        ember.zeros(2, layout=torch.sparse_coo)


def test_layouts_pickle_as_singletons():
    import pickle
    assert pickle.loads(pickle.dumps(ember.strided)) is ember.strided
    assert ember.ones(1).layout is ember.strided


def test_frombuffer_shares_memory():
    buffer = bytearray(8)
    ember.frombuffer(buffer, dtype=ember.float32)[1] = 1.0
    assert bytes(buffer) == bytes(torch.tensor([0.0, 1.0]).numpy().tobytes())


def test_from_dlpack_copy_and_device():
    for lib in (torch, ember):
        array = np.arange(3.0)
        lib.from_dlpack(array, copy=True)[0] = 5.0
        assert array[0] == 0.0
        lib.from_dlpack(array, copy=False, device="cpu")[0] = 5.0
        assert array[0] == 5.0


def test_numpy_names_keep_signatures_and_gradients():
    assert list(inspect.signature(ember.sum).parameters)[:3] == ["input", "dim", "keepdim"]
    x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    x.sum(axis=1, keepdims=True).sum().backward()
    assert x.grad.tolist() == [[1., 1.], [1., 1.]]


def test_numpy_names_leave_other_keywords_alone():
    # trapezoid's own argument x is not input's alias
    y, x = [1., 2., 4.], [0., 1., 3.]
    expected = torch.trapezoid(torch.tensor(y), x=torch.tensor(x)).item()
    assert ember.trapezoid(ember.tensor(y), x=ember.tensor(x)).item() == pytest.approx(expected)
    with pytest.raises(TypeError):
        ember.sum(ember.ones(2), bogus=1)


def test_gradient_of_size_2_dim_gradcheck():
    x = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: ember.gradient(t)[0], [x])
    assert ember.autograd.gradgradcheck(lambda t: ember.gradient(t)[0], [x])
