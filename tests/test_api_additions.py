"""torch APIs ember added late, against torch: nn.attention's sdpa_kernel, top-level
functional forms (rms_norm, embedding_bag, convolution, the recurrent cells ...), deprecated
top-level helpers, nn.utils' memory-format conversion and Tensor.resize / resize_as."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.attention as torch_attention

import ember
import ember.nn.attention as ember_attention
from oracle import assert_close, check_op, random_array


def _pair(array, requires_grad=False):
    """The same values as an ember and a torch tensor."""
    return (ember.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def _raises_like_torch(call):
    """call(lib) raises the same exception type under ember as under torch."""
    with pytest.raises(Exception) as torch_error:
        call(torch)
    with pytest.raises(torch_error.type):
        call(ember)


# -- nn.attention ----------------------------------------------------------------------------

def test_sdp_backend_members_match_torch():
    assert ({name: int(value) for name, value in torch_attention.SDPBackend.__members__.items()}
            == {name: int(value) for name, value in ember_attention.SDPBackend.__members__.items()})
    assert ember_attention.SDPBackend.MATH.name == "MATH"
    assert ember_attention.SDPBackend(2) is ember_attention.SDPBackend.EFFICIENT_ATTENTION
    assert repr(ember_attention.SDPBackend.MATH) == repr(torch_attention.SDPBackend.MATH)


def _enabled(lib):
    return [backend.name for backend in lib.nn.attention._cur_sdpa_kernel_backends()]


def _priority(lib):
    if lib is torch:
        return torch._C._get_sdp_priority_order()
    return list(ember.backends.cuda._sdp_priority)


@pytest.mark.parametrize("backends", [
    "MATH", "FLASH_ATTENTION", "ERROR", ["MATH", "CUDNN_ATTENTION"], [], ["MATH", "MATH"],
], ids=str)
def test_sdpa_kernel_sets_and_restores_the_switches(backends):
    states = {}
    for lib in (torch, ember):
        SDPBackend = lib.nn.attention.SDPBackend
        chosen = (getattr(SDPBackend, backends) if isinstance(backends, str)
                  else [getattr(SDPBackend, name) for name in backends])
        before = _enabled(lib)
        with lib.nn.attention.sdpa_kernel(chosen) as value:
            inside = _enabled(lib)
        states[lib.__name__] = (before, inside, _enabled(lib), value)
    assert states["ember"] == states["torch"]
    assert states["ember"][0] == states["ember"][2]  # restored


def test_sdpa_kernel_set_priority_matches_torch():
    orders = {}
    for lib in (torch, ember):
        SDPBackend = lib.nn.attention.SDPBackend
        before = _priority(lib)
        with lib.nn.attention.sdpa_kernel([SDPBackend.CUDNN_ATTENTION, SDPBackend.MATH],
                                          set_priority=True):
            inside = _priority(lib)
        orders[lib.__name__] = (before, inside, _priority(lib))
    assert orders["ember"] == orders["torch"]
    assert orders["ember"][1][:2] == [3, 0]


@pytest.mark.parametrize("backends", [("MATH",), "math", 0, None, {"MATH"}], ids=repr)
def test_sdpa_kernel_rejects_what_torch_rejects(backends):
    for lib in (torch, ember):
        SDPBackend = lib.nn.attention.SDPBackend
        value = backends
        if isinstance(backends, tuple):
            value = (SDPBackend.MATH,)
        elif isinstance(backends, set):
            value = {SDPBackend.MATH}
        with pytest.raises(AssertionError, match="Backend must be an instance of SDPBackend"):
            with lib.nn.attention.sdpa_kernel(value):
                pass


def test_sdpa_kernel_ignores_non_backends_in_a_list_as_torch():
    # torch keeps only the list's SDPBackend members: [0] enables nothing
    for lib in (torch, ember):
        with lib.nn.attention.sdpa_kernel([0, lib.nn.attention.SDPBackend.MATH]):
            assert _enabled(lib) == ["MATH"]


def test_sdpa_kernel_restores_after_an_error_and_decorates():
    SDPBackend = ember_attention.SDPBackend
    before = _enabled(ember)
    with pytest.raises(KeyError):
        with ember_attention.sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):
            raise KeyError("boom")
    assert _enabled(ember) == before

    @ember_attention.sdpa_kernel(SDPBackend.MATH)
    def enabled_inside():
        return _enabled(ember)

    assert enabled_inside() == ["MATH"] and enabled_inside() == ["MATH"]
    assert _enabled(ember) == before


@pytest.mark.parametrize("backend", ["MATH", "FLASH_ATTENTION", "EFFICIENT_ATTENTION",
                                     "CUDNN_ATTENTION", "OVERRIDEABLE", "ERROR"])
def test_scaled_dot_product_attention_under_sdpa_kernel(backend):
    arrays = [random_array((2, 3, 5, 8), rng=np.random.default_rng(i)) for i in range(3)]
    results = {}
    for lib in (torch, ember):
        q, k, v = (lib.tensor(a) for a in arrays)
        with lib.nn.attention.sdpa_kernel(getattr(lib.nn.attention.SDPBackend, backend)):
            try:
                results[lib.__name__] = lib.nn.functional.scaled_dot_product_attention(
                    q, k, v, is_causal=True)
            except RuntimeError as error:
                results[lib.__name__] = type(error)
    if isinstance(results["torch"], type):  # no CPU kernel of torch's is enabled
        assert results["ember"] is results["torch"]
    else:
        assert_close(results["ember"], results["torch"], 1e-5, 1e-6, f"sdpa under {backend}")


def test_backends_cuda_sdp_switches():
    flags = ember.backends.cuda
    assert flags.math_sdp_enabled() == torch.backends.cuda.math_sdp_enabled()
    flags.enable_math_sdp(False)
    try:
        assert not flags.math_sdp_enabled()
        assert "MATH" not in _enabled(ember)
    finally:
        flags.enable_math_sdp(True)
    assert flags.math_sdp_enabled()
    _raises_like_torch(lambda lib: lib.backends.cuda.enable_flash_sdp(1))


# -- top-level functional forms --------------------------------------------------------------

def test_rms_norm():
    check_op(lambda lib, x, w: lib.rms_norm(x, [4], w, 1e-3), shapes=[(3, 4), (4,)])
    check_op(lambda lib, x: lib.rms_norm(x, (3, 4)), shapes=[(2, 3, 4)], dtype="float64")
    _raises_like_torch(lambda lib: lib.rms_norm(lib.ones(2, 3), 3))
    _raises_like_torch(lambda lib: lib.rms_norm(lib.ones(2, 3), [4]))


def test_index_put_():
    for lib in (torch, ember):
        x = lib.zeros(5)
        out = lib.index_put_(x, (lib.tensor([0, 2, 2]),), lib.tensor([1.0, 2.0, 3.0]), True)
        assert out is x and x.tolist() == [1.0, 0.0, 5.0, 0.0, 0.0]
    check_op(lambda lib, x, v: lib.index_put(x, (lib.tensor([1, 0]),), v), shapes=[(3, 2), (2,)])
    _raises_like_torch(lambda lib: lib.index_put_([1.0], (lib.tensor([0]),), lib.tensor([1.0])))


def test_max_pool3d():
    check_op(lambda lib, x: lib.max_pool3d(x, 2), shapes=[(1, 2, 4, 4, 4)])
    check_op(lambda lib, x: lib.max_pool3d(x, [2, 2, 2], [], 1, 1, True), shapes=[(2, 5, 5, 5)])
    check_op(lambda lib, x: lib.max_pool3d(x, 3, [1, 2, 1], [1, 0, 1], 2), shapes=[(1, 1, 6, 6, 6)])
    _raises_like_torch(lambda lib: lib.max_pool3d(lib.ones(1, 2, 4, 4, 4), 2, return_indices=True))
    _raises_like_torch(lambda lib: lib.max_pool3d(lib.ones(1, 2, 4, 4, 4), 2, padding=2))


_BAG_INDICES = np.array([1, 2, 4, 5, 4, 3, 2, 9])


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("offsets,extra", [
    ([0, 3, 3], ()),                                 # an empty bag
    ([0, 4], (False, None, False, 4)),               # padding_idx
    ([0, 2, 8], (False, None, True)),                # include_last_offset
    ([0, 5], (False, None, False, -1)),              # padding_idx from the end
], ids=["empty-bag", "padding", "last-offset", "negative-padding"])
def test_embedding_bag_returns_torchs_four_tensors(mode, offsets, extra):
    def run(lib, weight):
        return lib.embedding_bag(weight, lib.tensor(_BAG_INDICES), lib.tensor(offsets), False,
                                 mode, *extra)
    outputs = check_op(run, shapes=[(10, 3)], name=f"embedding_bag mode={mode}")
    assert len(outputs) == 4


def test_embedding_bag_per_sample_weights_and_int32():
    check_op(lambda lib, w, p: lib.embedding_bag(w, lib.tensor(_BAG_INDICES), lib.tensor([0, 3]),
                                                 False, 0, False, p)[0],
             shapes=[(10, 3), (8,)])
    for mode in (0, 1, 2):
        outputs = [lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES).int(),
                                     lib.tensor([0, 2]).int(), False, mode)
                   for lib in (ember, torch)]
        for ember_value, torch_value in zip(*outputs):
            assert str(ember_value.dtype)[6:] == str(torch_value.dtype)[6:]  # after "ember."


@pytest.mark.parametrize("call", [
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 4]),
                                  mode="sum"),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 4]),
                                  False, 3),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES).float(),
                                  lib.tensor([0, 4])),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([1, 4])),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 9])),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES),
                                  lib.tensor([[0], [4]])),
    lambda lib: lib.embedding_bag(lib.ones(10), lib.tensor(_BAG_INDICES), lib.tensor([0, 4])),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 4]),
                                  False, 1, False, lib.ones(8)),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 4]),
                                  False, 0, False, lib.ones(7)),
    lambda lib: lib.embedding_bag(lib.ones(10, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 4]),
                                  False, 0, False, None, False, 10),
    lambda lib: lib.embedding_bag(lib.ones(5, 3), lib.tensor(_BAG_INDICES), lib.tensor([0, 4])),
])
def test_embedding_bag_errors(call):
    _raises_like_torch(call)


def test_convolution_forms():
    def conv(transposed, stride, padding, dilation, output_padding, groups):
        return lambda lib, x, w, b: lib.convolution(x, w, b, stride, padding, dilation,
                                                    transposed, output_padding, groups)
    images = [(2, 4, 7, 7), (6, 2, 3, 3), (6,)]
    check_op(conv(False, [1, 1], [0, 0], [1, 1], [0, 0], 2), shapes=images)
    check_op(conv(False, [2], [1], [1], [0], 2), shapes=images)
    check_op(conv(False, [1], [2], [2], [0], 1), shapes=[(2, 4, 9), (3, 4, 3), (3,)])
    # a non-transposed convolution ignores output_padding (torch's backward would refuse it)
    check_op(conv(False, [1], [2], [2], [7], 1), shapes=[(2, 4, 9), (3, 4, 3), (3,)], grad=False)
    check_op(conv(False, [1, 2, 1], [0], [1], [0], 1),
             shapes=[(1, 2, 5, 5, 5), (3, 2, 2, 2, 2), (3,)])
    check_op(conv(True, [2, 2], [1, 1], [1, 1], [1, 1], 2),
             shapes=[(2, 4, 5, 5), (4, 3, 3, 3), (6,)])
    check_op(conv(True, [2], [0], [1], [1], 1), shapes=[(2, 4, 5), (4, 3, 2), (3,)])


@pytest.mark.parametrize("args", [
    (2, 1, 1, False, 0, 2),                            # ints where torch wants lists
    ([1, 1, 1], [0, 0], [1, 1], False, [0, 0], 2),     # a list of the wrong length
    ([], [], [], False, [], 2),
    ([1, 1], [0, 0], [1, 1], 1, [0, 0], 2),            # transposed not a bool
    ([1, 1], [-1, 0], [1, 1], False, [0, 0], 2),
    ([0, 1], [0, 0], [1, 1], False, [0, 0], 2),
    ([1, 1], [0, 0], [0, 1], False, [0, 0], 2),
    ([1, 1], [0, 0], [1, 1], False, [0, 0], 3),        # channels not divisible
    ([1, 1], ["same"], [1, 1], False, [0, 0], 2),
])
def test_convolution_errors(args):
    _raises_like_torch(lambda lib: lib.convolution(lib.ones(2, 4, 7, 7), lib.ones(6, 2, 3, 3),
                                                   None, *args))
    _raises_like_torch(lambda lib: lib.convolution(lib.ones(4, 7, 7), lib.ones(6, 2, 3, 3), None,
                                                   [1, 1], [0, 0], [1, 1], False, [0, 0], 2))


def test_lstm_cell():
    check_op(lambda lib, x, h, c, wi, wh, bi, bh: lib.lstm_cell(x, (h, c), wi, wh, bi, bh),
             shapes=[(3, 5), (3, 4), (3, 4), (16, 5), (16, 4), (16,), (16,)], dtype="float64")
    check_op(lambda lib, x, h, c, wi, wh, bh: lib.lstm_cell(x, [h, c], wi, wh, None, bh),
             shapes=[(3, 5), (3, 4), (3, 4), (16, 5), (16, 4), (16,)])
    check_op(lambda lib, x, h, c, wi, wh: lib.lstm_cell(x, [h, c], wi, wh),
             shapes=[(2, 5), (2, 4), (2, 4), (16, 5), (16, 4)])


@pytest.mark.parametrize("name,gates", [("gru_cell", 3), ("rnn_tanh_cell", 1),
                                        ("rnn_relu_cell", 1)])
def test_single_state_cells(name, gates):
    check_op(lambda lib, x, h, wi, wh, bi, bh: getattr(lib, name)(x, h, wi, wh, bi, bh),
             shapes=[(3, 5), (3, 4), (gates * 4, 5), (gates * 4, 4), (gates * 4,), (gates * 4,)],
             dtype="float64", name=name)
    check_op(lambda lib, x, h, wi, wh: getattr(lib, name)(x, h, wi, wh),
             shapes=[(3, 5), (3, 4), (gates * 4, 5), (gates * 4, 4)], name=name)
    check_op(lambda lib, x, h, wi, wh, bh: getattr(lib, name)(x, h, wi, wh, b_hh=bh),
             shapes=[(3, 5), (3, 4), (gates * 4, 5), (gates * 4, 4), (gates * 4,)], name=name)


def _cell_args(lib, batch=3, hidden_batch=3, input_size=5, w_ih_input=5, hidden=4,
               state_hidden=4, gates=4, ih_rows=None, hh_rows=None, one_d=False):
    x = lib.ones(input_size) if one_d else lib.ones(batch, input_size)
    h = lib.ones(hidden_batch, state_hidden)
    return x, h, lib.ones(ih_rows or gates * hidden, w_ih_input), \
        lib.ones(hh_rows or gates * hidden, hidden)


@pytest.mark.parametrize("changes", [
    {"input_size": 4}, {"hidden_batch": 2}, {"state_hidden": 3}, {"ih_rows": 11},
    {"hh_rows": 13}, {"one_d": True}, {"hidden_batch": 2, "ih_rows": 11},
], ids=str)
@pytest.mark.parametrize("name,gates", [("lstm_cell", 4), ("gru_cell", 3), ("rnn_tanh_cell", 1),
                                        ("rnn_relu_cell", 1)])
def test_cell_errors_match_torch(name, gates, changes):
    def call(lib):
        x, h, w_ih, w_hh = _cell_args(lib, gates=gates, **changes)
        hx = (h, h) if name == "lstm_cell" else h
        return getattr(lib, name)(x, hx, w_ih, w_hh)
    with pytest.raises(Exception) as torch_error:
        call(torch)
    with pytest.raises(torch_error.type) as ember_error:
        call(ember)
    # the first failing check is the same one (torch orders them differently per cell)
    if not changes.get("one_d"):
        assert str(ember_error.value).split(" ")[:2] == str(torch_error.value).split(" ")[:2]


def test_lstm_cell_hx_errors():
    _raises_like_torch(lambda lib: lib.lstm_cell(lib.ones(3, 5), [lib.ones(3, 4)],
                                                 lib.ones(16, 5), lib.ones(16, 4)))
    _raises_like_torch(lambda lib: lib.lstm_cell(lib.ones(3, 5), lib.ones(3, 4),
                                                 lib.ones(16, 5), lib.ones(16, 4)))


def test_feature_dropout_matches_torch_draws():
    x = random_array((4, 5, 3))
    for p in (0.3, 0.5):
        torch.manual_seed(7)
        ember.manual_seed(7)
        expected = torch.feature_dropout(torch.tensor(x), p, True)
        actual = ember.feature_dropout(ember.tensor(x), p, True)
        np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-6)
        assert (actual.numpy() == 0).all(axis=2).any()  # whole channels dropped
    e, t = _pair(x)
    assert ember.feature_dropout(e, 0.5, False) is e
    assert ember.feature_dropout_(e, 0.5, False) is e
    torch.manual_seed(1)
    ember.manual_seed(1)
    torch.feature_dropout_(t, 0.5, True)
    assert ember.feature_dropout_(e, 0.5, True) is e
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    assert ember.feature_dropout(ember.ones(2, 3), 1.0, True).sum().item() == 0
    _raises_like_torch(lambda lib: lib.feature_dropout(lib.ones(2, 3), 1.5, True))
    _raises_like_torch(lambda lib: lib.feature_dropout(lib.ones(3), 0.5, True))
    _raises_like_torch(lambda lib: lib.feature_dropout(lib.ones(3), 0.5))


@pytest.mark.parametrize("interpolation,padding,align", [
    (0, 0, False), (1, 2, True), (2, 1, True), (0, 2, False), (2, 0, False),
])
def test_grid_sampler(interpolation, padding, align):
    check_op(lambda lib, x, g: lib.grid_sampler(x, g * 1.2, interpolation, padding, align),
             shapes=[(2, 3, 5, 5), (2, 4, 4, 2)], low=-1, high=1, dtype="float64",
             grad=interpolation != 1)


def test_grid_sampler_5d_and_errors():
    check_op(lambda lib, x, g: lib.grid_sampler(x, g, 0, 1, False),
             shapes=[(1, 2, 3, 4, 4), (1, 2, 3, 3, 3)], low=-1, high=1, dtype="float64")
    _raises_like_torch(lambda lib: lib.grid_sampler(lib.ones(1, 1, 3, 3), lib.zeros(1, 2, 2, 2),
                                                    "bilinear", 0, False))
    _raises_like_torch(lambda lib: lib.grid_sampler(lib.ones(1, 1, 3, 3), lib.zeros(1, 2, 2, 2),
                                                    0, 0, None))
    _raises_like_torch(lambda lib: lib.grid_sampler(lib.ones(1, 1, 2, 3, 3),
                                                    lib.zeros(1, 2, 2, 2, 3), 2, 0, False))


def test_affine_grid_generator():
    check_op(lambda lib, theta: lib.affine_grid_generator(theta, [2, 3, 4, 5], False),
             shapes=[(2, 2, 3)])
    check_op(lambda lib, theta: lib.affine_grid_generator(theta, (2, 3, 4, 5, 6), True),
             shapes=[(2, 3, 4)], dtype="float64")
    theta = lambda lib: lib.ones(2, 2, 3)
    _raises_like_torch(lambda lib: lib.affine_grid_generator(theta(lib), [2, 3, 4, 5]))
    _raises_like_torch(lambda lib: lib.affine_grid_generator(theta(lib), [2, 3, 4], False))
    _raises_like_torch(lambda lib: lib.affine_grid_generator(theta(lib), [3, 3, 4, 5], False))
    _raises_like_torch(lambda lib: lib.affine_grid_generator(theta(lib), [2, 3, 4, 5, 6], False))


# -- deprecated and small top-level helpers ------------------------------------------------------

def test_get_device():
    assert ember.get_device(ember.ones(2)) == torch.get_device(torch.ones(2)) == -1
    _raises_like_torch(lambda lib: lib.get_device(3))


def test_set_warn_always():
    assert ember.is_warn_always_enabled() is torch.is_warn_always_enabled() is False
    try:
        ember.set_warn_always(True)
        assert ember.is_warn_always_enabled() is True
        # once-per-process warnings now come on every call
        for _ in range(2):
            with pytest.warns(UserWarning, match="frobenius_norm is deprecated"):
                ember.frobenius_norm(ember.ones(2, 2), [0, 1])
    finally:
        ember.set_warn_always(False)
    assert ember.is_warn_always_enabled() is False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ember.frobenius_norm(ember.ones(2, 2), [0, 1])
    assert not caught  # given once already
    _raises_like_torch(lambda lib: lib.set_warn_always(1))
    _raises_like_torch(lambda lib: lib.set_warn_always(b=True))


@pytest.mark.parametrize("name,dtype", [
    ("torch.DoubleTensor", "float64"), ("torch.HalfTensor", "float16"),
    ("torch.BFloat16Tensor", "bfloat16"), ("DoubleTensor-type", "float64"),
])
def test_set_default_tensor_type(name, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for lib in (torch, ember):
                value = getattr(lib, name.split("-")[0]) if name.endswith("-type") else name
                lib.set_default_tensor_type(value)
                assert str(lib.get_default_dtype()).endswith(dtype)
                assert lib.tensor([1.5]).dtype == getattr(lib, dtype)
        finally:
            torch.set_default_tensor_type(torch.FloatTensor)
    ember.set_default_tensor_type(ember.FloatTensor)
    assert ember.get_default_dtype() == ember.float32


@pytest.mark.parametrize("value", ["torch.LongTensor", "DoubleTensor", "torch.Foo",
                                   "torch.float64", "long-type", "float64-dtype", "Tensor-type",
                                   3, "torch.cuda.FloatTensor"])
def test_set_default_tensor_type_errors(value):
    def call(lib):
        if isinstance(value, str) and value.endswith("-type"):
            name = value.split("-")[0]
            return lib.set_default_tensor_type(getattr(lib, "LongTensor" if name == "long"
                                                       else name))
        if isinstance(value, str) and value.endswith("-dtype"):
            return lib.set_default_tensor_type(getattr(lib, value.split("-")[0]))
        return lib.set_default_tensor_type(value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises_like_torch(call)
    assert ember.get_default_dtype() == ember.float32


@pytest.mark.parametrize("shape,dim,keepdim", [
    ((3, 4), 1, False), ((3, 4), (0, 1), False), ((3, 4), (0, 1), True), ((3, 4), [], False),
    ((2, 3, 4), (0, 2), True), ((2, 3, 4), [-1], False),
])
def test_frobenius_norm(shape, dim, keepdim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, x: lib.frobenius_norm(x, dim, keepdim), shapes=[shape])


def test_frobenius_norm_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises_like_torch(lambda lib: lib.frobenius_norm(lib.ones(3, 4)))
        _raises_like_torch(lambda lib: lib.frobenius_norm(lib.ones(2, 3, 4), (0, 1, 2)))
        _raises_like_torch(lambda lib: lib.frobenius_norm(lib.ones(2, 3, 4), (0, 0)))
        _raises_like_torch(lambda lib: lib.frobenius_norm(lib.arange(4), (0,)))


@pytest.mark.parametrize("shape,args", [
    ((3, 4), ()), ((3, 4), (True,)), ((2, 3, 4), ()), ((2, 3, 4), ((0, 2),)),
    ((2, 3, 4), ((0, 2), True)), ((4, 3), ([-1, -2],)),
])
def test_nuclear_norm(shape, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, x: lib.nuclear_norm(x, *args), shapes=[shape], dtype="float64")
        check_op(lambda lib, x: lib.nuclear_norm(x, keepdim=True), shapes=[shape], dtype="float64")


def test_nuclear_norm_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises_like_torch(lambda lib: lib.nuclear_norm(lib.ones(2, 3, 4), (0,)))
        _raises_like_torch(lambda lib: lib.nuclear_norm(lib.ones(3)))
        _raises_like_torch(lambda lib: lib.nuclear_norm(lib.arange(6).reshape(2, 3)))


def test_deprecated_norms_warn():
    with pytest.warns(UserWarning, match="linalg.matrix_norm"):
        ember.set_warn_always(True)
        try:
            ember.nuclear_norm(ember.eye(2))
        finally:
            ember.set_warn_always(False)


# -- nn.utils.convert_conv*d_weight_memory_format ------------------------------------------------

@pytest.mark.parametrize("rank", [2, 3])
def test_convert_conv_weight_memory_format(rank):
    def model(lib):
        lib.manual_seed(0)
        conv = getattr(lib.nn, f"Conv{rank}d")
        transposed = getattr(lib.nn, f"ConvTranspose{rank}d")
        return lib.nn.Sequential(conv(4, 3, 2), lib.nn.Sequential(transposed(3, 2, 2)),
                                 lib.nn.Linear(2, 2))
    layout = ember.channels_last if rank == 2 else ember.channels_last_3d
    convert = getattr(ember.nn.utils, f"convert_conv{rank}d_weight_memory_format")
    network = model(ember)
    weights = [network[0].weight, network[1][0].weight]
    values = [w.detach().clone() for w in weights]
    assert convert(network, layout) is network
    for module, before in zip((network[0], network[1][0]), values):
        assert isinstance(module.weight, ember.nn.Parameter) and module.weight.requires_grad
        assert ember.equal(module.weight, before)
    x = ember.ones((1, 4) + (5,) * rank)
    assert network[1](network[0](x)).shape == (1, 2) + (5,) * rank
    # the wrong rank of format fails where torch's does
    other = ember.channels_last_3d if rank == 2 else ember.channels_last
    torch_other = torch.channels_last_3d if rank == 2 else torch.channels_last
    torch_convert = getattr(torch.nn.utils, f"convert_conv{rank}d_weight_memory_format")
    with pytest.raises(RuntimeError, match="required rank"):
        torch_convert(model(torch), torch_other)
    with pytest.raises(RuntimeError, match="required rank"):
        convert(model(ember), other)
    assert convert(ember.nn.Linear(2, 2), layout).weight.shape == (2, 2)  # untouched


# -- Tensor.resize / resize_as --------------------------------------------------------------------

def test_tensor_resize_and_resize_as():
    for lib in (torch, ember):
        x = lib.arange(6.0)
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            y = x.resize(2, 3)
        assert y.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        y[0, 0] = 100.0  # a contiguous tensor's result shares its memory
        assert x[0].item() == 100.0
        with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
            z = x.view(2, 3).t().resize_as(lib.zeros(6))
        assert z.tolist() == [100.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, x: x.resize(3, 2) * 2, shapes=[(6,)])
        check_op(lambda lib, x: x.t().resize_as(lib.zeros(2, 3)), shapes=[(3, 2)])


@pytest.mark.parametrize("sizes", [(4,), (2, 4), ((2, 3),), ([3, 2],), ()], ids=str)
def test_tensor_resize_errors(sizes):
    messages = []
    for lib in (torch, ember):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError) as error:
                lib.arange(6.0).resize(*sizes)
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_deterministic_debug_mode_as_torch():
    for mode, expected in (("warn", 1), ("error", 2), (0, 0), (1, 1)):
        torch.set_deterministic_debug_mode(mode)
        ember.set_deterministic_debug_mode(mode)
        assert ember.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode() \
            == expected
        assert ember.is_deterministic_algorithms_warn_only_enabled() == (expected == 1)
    torch.set_deterministic_debug_mode(0)
    ember.set_deterministic_debug_mode(0)
    with pytest.raises(RuntimeError, match="expected one of"):
        ember.set_deterministic_debug_mode("sometimes")
    with pytest.raises(RuntimeError, match="expected 0, 1, or 2"):
        ember.set_deterministic_debug_mode(3)
    with pytest.raises(TypeError):
        ember.set_deterministic_debug_mode(1.5)


def test_small_tensor_extras_as_torch():
    assert ember.set_flush_denormal(False) and not ember.set_flush_denormal(True)
    for lib in (ember, torch):
        assert lib.ones(2, 3, 4).permute(2, 0, 1).dim_order() == (1, 2, 0)
        assert lib.ones(2, 3).t().dim_order() == (1, 0)
        assert lib.is_storage(lib.ones(2).untyped_storage()) and not lib.is_storage(lib.ones(2))
        a = lib.ones(3)
        a.map2_(lib.full((3,), 2.0), lib.tensor([1.0, 2.0, 3.0]), lambda x, y, z: x + y * z)
        assert a.tolist() == [3.0, 5.0, 7.0]
        assert [p.tolist() for p in lib.split_copy(lib.arange(5), 2)] == [[0, 1], [2, 3], [4]]
        assert lib.ones(2).cfloat().dtype == lib.complex64
        assert lib.view_as_real_copy(lib.tensor([1 - 2j])).tolist() == [[1.0, -2.0]]
    x = ember.ones(2)
    assert x.const_data_ptr() == x.data_ptr()


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int64", "float16", "bfloat16",
                                   "float32", "float64", "complex64"])
@pytest.mark.parametrize("kwargs", [{}, {"low": -1, "high": 1}, {"noncontiguous": True},
                                    {"exclude_zero": True, "low": 0, "high": 2}])
def test_make_tensor_draws_torchs_values(dtype, kwargs):
    results = []
    for lib in (torch, ember):
        lib.manual_seed(3)
        t = lib.testing.make_tensor(3, 5, dtype=getattr(lib, dtype), device="cpu", **kwargs)
        results.append((t.float() if dtype == "bfloat16" else t, t.stride()))
    (ours, our_strides), (theirs, their_strides) = results[1], results[0]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert our_strides == their_strides


@pytest.mark.parametrize("kwargs, error", [
    ({"dtype": "int64", "requires_grad": True}, ValueError),
    ({"dtype": "float32", "low": 2, "high": 1}, ValueError),
    ({"dtype": "uint8", "low": -5, "high": -1}, ValueError),
    ({"dtype": "float32", "low": float("nan")}, ValueError),
])
def test_make_tensor_errors(kwargs, error):
    for lib in (torch, ember):
        args = dict(kwargs, dtype=getattr(lib, kwargs["dtype"]))
        with pytest.raises(error):
            lib.testing.make_tensor(2, device="cpu", **args)


def test_assert_allclose_is_deprecated_assert_close():
    with pytest.warns(FutureWarning, match="assert_allclose"):
        ember.testing.assert_allclose(ember.tensor([1.0]), [1.000001])
    with pytest.warns(FutureWarning), pytest.raises(AssertionError):
        ember.testing.assert_allclose(ember.tensor([1.0]), [1.1])
