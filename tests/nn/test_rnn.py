"""Recurrent layers, cells and nn.utils.rnn against torch: outputs, final states and the
gradients of inputs, initial states and every parameter."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck
from ember.nn.utils import rnn as ember_rnn
from tests.oracle import assert_close, to_numpy

TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-10)}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """The oracle runs tiny shapes: one thread avoids contention on the shared cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _pair(name, *args, dtype="float32", **kwargs):
    """The same layer in torch and ember, with torch's initial parameters copied over."""
    torch.manual_seed(0)
    torch_module = getattr(torch.nn, name)(*args, **kwargs).to(getattr(torch, dtype))
    ember_module = getattr(ember.nn, name)(*args, **kwargs).to(getattr(ember, dtype))
    ember_module.load_state_dict(
        {k: ember.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()})
    return torch_module, ember_module


def _inputs(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-1, 1, size=s).astype(dtype) for s in shapes]
    return ([torch.tensor(a, requires_grad=True) for a in arrays],
            [ember.tensor(a, requires_grad=True) for a in arrays])


def _flat(value):
    if isinstance(value, (tuple, list)):
        return [x for item in value for x in _flat(item)]
    if isinstance(value, torch.nn.utils.rnn.PackedSequence):
        return [value.data]
    if isinstance(value, ember_rnn.PackedSequence):
        return [value.data]
    return [value]


def _compare(torch_module, ember_module, torch_args, ember_args, dtype, label):
    """Forward both, compare every output; backward a random weighting of all outputs and
    compare the gradients of the tensor arguments and of every parameter."""
    rtol, atol = TOL[dtype]
    torch_out = _flat(torch_module(*torch_args))
    ember_out = _flat(ember_module(*ember_args))
    assert len(torch_out) == len(ember_out)
    rng = np.random.default_rng(1)
    torch_loss = ember_loss = 0
    for i, (t, e) in enumerate(zip(torch_out, ember_out)):
        assert_close(e, t, rtol, atol, f"{label} output {i}")
        weight = rng.uniform(-1, 1, size=tuple(t.shape)).astype(dtype)
        torch_loss = torch_loss + (t * torch.tensor(weight)).sum()
        ember_loss = ember_loss + (e * ember.tensor(weight)).sum()
    torch_loss.backward()
    ember_loss.backward()
    for i, (t, e) in enumerate(zip(_flat(torch_args), _flat(ember_args))):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            assert_close(e.grad, t.grad, rtol * 10, atol * 10, f"{label} grad of argument {i}")
    ember_params = dict(ember_module.named_parameters())
    for name, param in torch_module.named_parameters():
        assert_close(ember_params[name].grad, param.grad, rtol * 10, atol * 10,
                     f"{label} grad of {name}")


# -- RNN, LSTM, GRU -----------------------------------------------------------------------

CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True, batch_first=True),
    dict(bias=False),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(c) or "default")
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_sequence_layer(name, config, dtype):
    torch_module, ember_module = _pair(name, 5, 6, dtype=dtype, **config)
    seq, batch = (4, 3) if not config.get("batch_first") else (3, 4)
    torch_args, ember_args = _inputs([(seq, batch, 5)], dtype)
    _compare(torch_module, ember_module, torch_args, ember_args, dtype, f"{name}{config}")


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_initial_state(name):
    config = dict(num_layers=2, bidirectional=True)
    torch_module, ember_module = _pair(name, 5, 6, **config)
    shapes = [(4, 3, 5), (4, 3, 6)] + ([(4, 3, 6)] if name == "LSTM" else [])
    torch_args, ember_args = _inputs(shapes, "float32")
    if name == "LSTM":
        torch_args = [torch_args[0], tuple(torch_args[1:])]
        ember_args = [ember_args[0], tuple(ember_args[1:])]
    _compare(torch_module, ember_module, torch_args, ember_args, "float32", f"{name} h0")


def test_rnn_relu():
    torch_module, ember_module = _pair("RNN", 5, 6, 2, nonlinearity="relu")
    torch_args, ember_args = _inputs([(4, 3, 5), (2, 3, 6)], "float64")
    torch_module.double()
    ember_module.double()
    _compare(torch_module, ember_module, torch_args, ember_args, "float64", "RNN relu")


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("config", [dict(), dict(num_layers=2, bidirectional=True)])
def test_lstm_proj_size(config):
    torch_module, ember_module = _pair("LSTM", 5, 6, proj_size=3, **config)
    layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    torch_args, ember_args = _inputs([(4, 3, 5), (layers, 3, 3), (layers, 3, 6)], "float32")
    _compare(torch_module, ember_module, [torch_args[0], tuple(torch_args[1:])],
             [ember_args[0], tuple(ember_args[1:])], "float32", f"LSTM proj {config}")


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_unbatched(name):
    torch_module, ember_module = _pair(name, 5, 6, 2, bidirectional=True, batch_first=True)
    torch_args, ember_args = _inputs([(4, 5)], "float32")
    _compare(torch_module, ember_module, torch_args, ember_args, "float32", f"{name} 2-D")


@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_packed_sequence(name, enforce_sorted):
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    torch_module, ember_module = _pair(name, 4, 5, 2, bidirectional=True, dtype="float64")
    torch_args, ember_args = _inputs([(5, 4, 4)], "float64")
    shapes = [(4, 4, 5)] * (2 if name == "LSTM" else 1)
    torch_h, ember_h = _inputs(shapes, "float64", seed=3)
    torch_h = tuple(torch_h) if name == "LSTM" else torch_h[0]
    ember_h = tuple(ember_h) if name == "LSTM" else ember_h[0]
    torch_packed = torch.nn.utils.rnn.pack_padded_sequence(torch_args[0], lengths,
                                                           enforce_sorted=enforce_sorted)
    ember_packed = ember_rnn.pack_padded_sequence(ember_args[0], lengths,
                                                  enforce_sorted=enforce_sorted)

    def run(module, packed, h, utils):
        output, states = module(packed, h)
        assert type(output).__name__ == "PackedSequence"
        assert output.batch_sizes.tolist() == packed.batch_sizes.tolist()
        padded, out_lengths = utils.pad_packed_sequence(output, batch_first=True)
        assert out_lengths.tolist() == lengths
        return padded, states

    class Wrap:
        def __init__(self, module, packed, utils):
            self.module, self.packed, self.utils = module, packed, utils

        def __call__(self, h):
            return run(self.module, self.packed, h, self.utils)

        def named_parameters(self):
            return self.module.named_parameters()

    _compare(Wrap(torch_module, torch_packed, torch.nn.utils.rnn),
             Wrap(ember_module, ember_packed, ember_rnn), [torch_h], [ember_h], "float64",
             f"{name} packed")
    assert_close(ember_args[0].grad, torch_args[0].grad, 1e-8, 1e-9, f"{name} packed input grad")


def test_dropout_between_layers():
    torch_module, ember_module = _pair("LSTM", 5, 6, 3, dropout=0.5)
    x = ember.randn(4, 3, 5)
    ember_module.eval()
    first, _ = ember_module(x)
    second, _ = ember_module(x)
    assert ember.equal(first, second), "eval mode must not drop"
    ember_module.train()
    ember.manual_seed(1)
    dropped, _ = ember_module(x)
    assert not ember.allclose(dropped, first), "training mode must drop between layers"
    single = ember.nn.GRU(5, 6).train()
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        ember.nn.GRU(5, 6, dropout=0.2)
    out, _ = single(x)
    assert ember.equal(out, single(x)[0]), "one layer: no dropout"


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_double_backward(name):
    """create_graph=True records the gradient, so a gradient penalty can be differentiated."""
    torch_module, ember_module = _pair(name, 3, 4, 2, dtype="float64")
    torch_args, ember_args = _inputs([(3, 2, 3)], "float64")
    results = []
    for module, x, lib in ((torch_module, torch_args[0], torch), (ember_module, ember_args[0],
                                                                   ember)):
        output = module(x)[0]
        (grad_x,) = lib.autograd.grad((output * output).sum(), x, create_graph=True)
        (grad_x * grad_x).sum().backward()
        results.append((x.grad, dict(module.named_parameters())))
    (torch_grad, torch_params), (ember_grad, ember_params) = results
    assert_close(ember_grad, torch_grad, 1e-8, 1e-9, f"{name} double backward input")
    for key, param in torch_params.items():
        assert_close(ember_params[key].grad, param.grad, 1e-8, 1e-9, f"{name} double {key}")


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_gradcheck(name):
    module = getattr(ember.nn, name)(2, 3, 2, bidirectional=True).double()
    x = ember.randn(3, 2, 2, dtype=ember.float64, requires_grad=True)
    h = ember.randn(4, 2, 3, dtype=ember.float64, requires_grad=True)
    packed = ember_rnn.pack_padded_sequence(x, [3, 1])
    if name == "LSTM":
        c = ember.randn(4, 2, 3, dtype=ember.float64, requires_grad=True)

        def fn(x, h, c):
            packed = ember_rnn.pack_padded_sequence(x, [3, 1])
            output, (h_n, c_n) = module(packed, (h, c))
            return output.data, h_n, c_n
        assert gradcheck(fn, (x, h, c))
    else:
        def fn(x, h):
            output, h_n = module(ember_rnn.pack_padded_sequence(x, [3, 1]), h)
            return output.data, h_n
        assert gradcheck(fn, (x, h))
    assert packed.batch_sizes.tolist() == [2, 1, 1]


# -- cells --------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", [dict(), dict(bias=False)], ids=["bias", "no_bias"])
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell(name, config, dtype):
    torch_module, ember_module = _pair(name, 5, 6, dtype=dtype, **config)
    torch_args, ember_args = _inputs([(3, 5), (3, 6), (3, 6)], dtype)
    if name == "LSTMCell":
        torch_args = [torch_args[0], tuple(torch_args[1:])]
        ember_args = [ember_args[0], tuple(ember_args[1:])]
    else:
        torch_args, ember_args = torch_args[:2], ember_args[:2]
    _compare(torch_module, ember_module, torch_args, ember_args, dtype, f"{name}{config}")


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_unbatched_and_default_state(name):
    torch_module, ember_module = _pair(name, 5, 6)
    torch_args, ember_args = _inputs([(5,)], "float32")
    _compare(torch_module, ember_module, torch_args, ember_args, "float32", f"{name} 1-D")


def test_rnn_cell_relu_gradcheck():
    cell = ember.nn.RNNCell(3, 4, nonlinearity="relu").double()
    x = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    h = ember.randn(2, 4, dtype=ember.float64, requires_grad=True)
    assert gradcheck(cell, (x, h))


# -- API: names, init, repr, errors --------------------------------------------------------

def test_state_dict_keys_and_init():
    for args, kwargs in [((10, 20, 2), dict(bidirectional=True, proj_size=5)),
                         ((10, 20), dict(bias=False))]:
        torch_keys = list(torch.nn.LSTM(*args, **kwargs).state_dict())
        module = ember.nn.LSTM(*args, **kwargs)
        assert list(module.state_dict()) == torch_keys
        bound = 1 / 20 ** 0.5
        for param in module.parameters():
            values = to_numpy(param)
            assert values.min() >= -bound and values.max() <= bound
            assert values.std() > bound / 3, "uniform(-1/sqrt(H), 1/sqrt(H)) expected"
    assert list(ember.nn.GRU(3, 4, 2).state_dict()) == list(torch.nn.GRU(3, 4, 2).state_dict())
    assert [[p.shape for p in w] for w in ember.nn.GRU(3, 4, 2).all_weights] == [
        [tuple(p.shape) for p in w] for w in torch.nn.GRU(3, 4, 2).all_weights]
    ember.nn.LSTM(3, 4).flatten_parameters()


@pytest.mark.parametrize("args,kwargs", [
    (("LSTM", 10, 20), dict(num_layers=2, proj_size=5, bidirectional=True, dropout=0.5)),
    (("RNN", 10, 20), dict(nonlinearity="relu", batch_first=True, bias=False)),
    (("GRU", 10, 20), dict()),
    (("RNNCell", 10, 20), dict(nonlinearity="relu", bias=False)),
    (("LSTMCell", 10, 20), dict()),
    (("GRUCell", 10, 20), dict(bias=False)),
])
def test_repr(args, kwargs):
    name, *rest = args
    assert repr(getattr(ember.nn, name)(*rest, **kwargs)) == repr(
        getattr(torch.nn, name)(*rest, **kwargs))


@pytest.mark.parametrize("build,call", [
    (lambda lib: lib.nn.LSTM(256, 32), lambda lib: lib.zeros(5, 3, 128)),
    (lambda lib: lib.nn.GRU(4, 8), lambda lib: lib.zeros(5, 3, 4, 1)),
    (lambda lib: lib.nn.GRU(4, 8), lambda lib: (lib.zeros(5, 3, 4), lib.zeros(1, 2, 8))),
    (lambda lib: lib.nn.RNN(4, 8), lambda lib: (lib.zeros(5, 3, 4), lib.zeros(3, 8))),
    (lambda lib: lib.nn.LSTM(4, 8), lambda lib: (lib.zeros(5, 3, 4),
                                                (lib.zeros(1, 3, 8), lib.zeros(1, 2, 8)))),
    (lambda lib: lib.nn.LSTM(4, 8), lambda lib: lib.zeros(5, 3, 4, dtype=lib.float64)),
    (lambda lib: lib.nn.LSTMCell(4, 8), lambda lib: lib.zeros(3, 5)),
    (lambda lib: lib.nn.GRUCell(4, 8), lambda lib: (lib.zeros(3, 4), lib.zeros(2, 8))),
    (lambda lib: lib.nn.RNNCell(4, 8), lambda lib: lib.zeros(2, 3, 4)),
])
def test_errors_match_torch(build, call):
    def run(lib):
        args = call(lib)
        args = args if isinstance(args, tuple) else (args,)
        with pytest.raises(Exception) as info:
            build(lib)(*args)
        return info
    ember_error, torch_error = run(ember), run(torch)
    assert ember_error.type is torch_error.type
    assert str(torch_error.value).split(";")[0].replace("torch.", "") in \
        str(ember_error.value).replace("ember.", "")


def test_constructor_errors():
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        ember.nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        ember.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'gelu'"):
        ember.nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        ember.nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(TypeError, match="hidden_size should be of type int"):
        ember.nn.LSTM(3, 4.0)


# -- nn.utils.rnn -------------------------------------------------------------------------

def test_pack_pad_round_trip():
    torch_args, ember_args = _inputs([(6, 4, 3)], "float32")
    lengths = [2, 6, 1, 6]
    for batch_first in (False, True):
        t_in, e_in = torch_args[0], ember_args[0]
        if batch_first:
            t_in, e_in = t_in.transpose(0, 1), e_in.transpose(0, 1)
        t = torch.nn.utils.rnn.pack_padded_sequence(t_in, lengths, batch_first,
                                                    enforce_sorted=False)
        e = ember_rnn.pack_padded_sequence(e_in, lengths, batch_first, enforce_sorted=False)
        for name in ("data", "batch_sizes", "sorted_indices", "unsorted_indices"):
            assert_close(getattr(e, name), getattr(t, name), 0, 0, f"packed {name}")
        t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t, batch_first, -1.0, 7)
        e_pad, e_len = ember_rnn.pad_packed_sequence(e, batch_first, -1.0, 7)
        assert_close(e_pad, t_pad, 0, 0, "padded")
        assert_close(e_len, t_len, 0, 0, "lengths")
        weight = np.arange(t_pad.numel(), dtype=np.float32).reshape(t_pad.shape)
        (t_pad * torch.tensor(weight)).sum().backward()
        (e_pad * ember.tensor(weight)).sum().backward()
    assert_close(ember_args[0].grad, torch_args[0].grad, 0, 0, "grad through pack and pad")


def test_pad_pack_unpack_sequences():
    arrays = [np.arange(n * 2, dtype=np.float32).reshape(n, 2) for n in (3, 5, 1)]
    t_seqs = [torch.tensor(a) for a in arrays]
    e_seqs = [ember.tensor(a) for a in arrays]
    for kwargs in (dict(), dict(batch_first=True, padding_value=9.0, padding_side="left")):
        assert_close(ember_rnn.pad_sequence(e_seqs, **kwargs),
                     torch.nn.utils.rnn.pad_sequence(t_seqs, **kwargs), 0, 0, f"pad {kwargs}")
    packed = ember_rnn.pack_sequence(e_seqs, enforce_sorted=False)
    torch_packed = torch.nn.utils.rnn.pack_sequence(t_seqs, enforce_sorted=False)
    assert_close(packed.data, torch_packed.data, 0, 0, "pack_sequence")
    for e, a in zip(ember_rnn.unpack_sequence(packed), arrays):
        np.testing.assert_array_equal(to_numpy(e), a)
    padded = ember_rnn.pad_sequence(e_seqs)
    for e, a in zip(ember_rnn.unpad_sequence(padded, ember.tensor([3, 5, 1])), arrays):
        np.testing.assert_array_equal(to_numpy(e), a)
    assert packed.double().data.dtype == ember.float64
    assert packed.to(ember.float32) is packed


def test_pack_errors():
    x = ember.zeros(5, 3, 2)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        ember_rnn.pack_padded_sequence(x, [3, 5, 1])
    with pytest.raises(RuntimeError, match="Expected `len\\(lengths\\)` to be equal"):
        ember_rnn.pack_padded_sequence(x, [5, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        ember_rnn.pack_padded_sequence(x, [5, 3, 0])
    with pytest.raises(RuntimeError, match="only 5 time steps"):
        ember_rnn.pack_padded_sequence(x, [6, 3, 1])
    with pytest.raises(ValueError, match="Expected total_length to be at least"):
        ember_rnn.pad_packed_sequence(ember_rnn.pack_padded_sequence(x, [5, 3, 1]),
                                      total_length=4)
    with pytest.raises(RuntimeError, match="empty list"):
        ember_rnn.pad_sequence([])
