"""Recurrent layers: RNN, LSTM and GRU over whole sequences, and their single-step cells.

Every sequence layer works on the packed layout of ember.nn.utils.rnn: the time steps of a
batch stacked as rows, (sum(batch_sizes), features), step t holding the batch_sizes[t]
sequences still running (a padded (T, N, F) input is the case batch_sizes = [N] * T). Each
layer and direction then runs in two parts:

1. the input projection of all time steps at once, one matmul: gates_x = x W_ih^T + b;
2. the recurrence, one fused Op per layer and direction (`RNNRecurrence`,
   `LSTMRecurrence`, `GRURecurrence`); see NOTE [ Fused recurrences ] in
   ember/nn/functional/_rnn.py.

The cells (RNNCell, LSTMCell, GRUCell) are that file's step functions, written with ember ops.
"""
import math
import numbers
import warnings

from ..._tensor import Tensor
from ...ops.creation import empty, zeros
from ...ops.join import cat, stack
from .. import functional as F
from .. import init
from ..functional._rnn import (GRURecurrence, LSTMRecurrence, RNNRecurrence, folded_bias,
                               gru_step, lstm_step, rnn_relu_step, rnn_tanh_step, time_steps)
from ..functional.linear import linear
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


# -- the sequence layers ----------------------------------------------------------------------

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters named as torch's, argument checks, and the
    loop over layers and directions.

    Parameters, per layer k and direction (suffix "_reverse" for the backward one):
    weight_ih_l{k} (G*H, in), weight_hh_l{k} (G*H, P), bias_ih_l{k} and bias_hh_l{k} (G*H,),
    and weight_hr_l{k} (P, H) with proj_size; G = 1, 4, 3 gates for RNN, LSTM, GRU, in = the
    input size for k = 0 and D * P after, P = proj_size or H. All start from
    U(-1/sqrt(H), 1/sqrt(H)), as in torch.
    """

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}", stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int),
                                  ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: "
                                f"{type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = _GATES[mode] * hidden_size
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        num_directions = 2 if bidirectional else 1
        factory = {"device": device, "dtype": dtype}
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input_size)),
                          ("weight_hh_l{}{}", (gate_size, real_hidden_size))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for pattern, shape in shapes:
                    name = pattern.format(layer, suffix)
                    setattr(self, name, Parameter(empty(shape, **factory)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op: ember keeps each parameter in its own array (torch compacts them for
        cuDNN)."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # -- argument checks, as torch's ------------------------------------------------------

    def check_input(self, input, batch_sizes):
        weight_dtype = getattr(self, self._flat_weights_names[0]).dtype
        if input.dtype != weight_dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                f"Convert input: input.to({weight_dtype}), or convert model: "
                f"model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(
                f"input must have {expected_input_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{input.size(-1)}; {type(self).__name__}(input_size={self.input_size}) got "
                f"an input of shape {list(input.shape)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        return self._expected_state_size(input, batch_sizes, self.proj_size or self.hidden_size)

    def _expected_state_size(self, input, batch_sizes, size):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(tuple(expected_hidden_size), list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        return _permute(hx, permutation)

    # -- the computation ------------------------------------------------------------------

    def _state_sizes(self):
        return (self.proj_size or self.hidden_size,)

    def _forward(self, input, hx):
        """Shared forward: hx is a tuple of state tensors (or None); returns (output, states)."""
        name = type(self).__name__
        packed = isinstance(input, PackedSequence)
        batch_dim = 0 if self.batch_first else 1
        num_directions = 2 if self.bidirectional else 1
        if packed:
            input, batch_sizes_tensor, sorted_indices, unsorted_indices = input
            batch_sizes = tuple(batch_sizes_tensor.tolist())
            batch, is_batched = batch_sizes[0], True
            if hx is not None:
                hx = tuple(_permute(state, sorted_indices) for state in hx)
        else:
            if input.dim() not in (2, 3):
                what = " tensor" if name == "RNN" else ""  # torch's wording differs for RNN
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                                 f"{what} instead")
            batch_sizes = sorted_indices = unsorted_indices = None
            is_batched = input.dim() == 3
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            if hx is not None:
                expected = 3 if is_batched else 2
                if any(state.dim() != expected for state in hx):
                    kind = "batched 3-D" if is_batched else "unbatched 2-D"
                    if len(hx) == 2:
                        got = f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors"
                        what = "hx and cx"
                    else:
                        got, what = f"{hx[0].dim()}-D tensor", "hx"
                    raise RuntimeError(f"For {kind} input, {what} should also be {expected}-D "
                                       f"but got {got}")
                if not is_batched:
                    hx = tuple(state.unsqueeze(1) for state in hx)
            batch = input.size(batch_dim)
        if hx is None:
            hx = tuple(zeros((self.num_layers * num_directions, batch, size), dtype=input.dtype,
                             device=input.device) for size in self._state_sizes())
        self.check_forward_args(input, hx if len(hx) > 1 else hx[0], batch_sizes)
        if packed:
            rows = input
        else:
            if self.batch_first:
                input = input.transpose(0, 1)
            steps = input.shape[0]
            batch_sizes = (batch,) * steps
            rows = input.reshape(steps * batch, self.input_size)        # (T*N, F)
        output, states = self._run_layers(rows, batch_sizes, hx)
        if packed:
            output = PackedSequence(output, batch_sizes_tensor, sorted_indices,
                                    unsorted_indices)
            states = tuple(_permute(state, unsorted_indices) for state in states)
            return output, states
        output = output.reshape(steps, batch, output.shape[-1])         # (T, N, D*P)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not is_batched:
            output = output.squeeze(batch_dim)
            states = tuple(state.squeeze(1) for state in states)
        return output, states

    def _run_layers(self, rows, batch_sizes, hx):
        num_directions = 2 if self.bidirectional else 1
        schedules = (time_steps(batch_sizes, False), time_steps(batch_sizes, True))
        finals = [[] for _ in hx]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                weights = [getattr(self, name) for name in self._all_weights[index]]
                output, *states = self._recurrence(
                    rows, [state[index] for state in hx], weights, schedules[direction])
                outputs.append(output)
                for final, state in zip(finals, states):
                    final.append(state)
            rows = outputs[0] if num_directions == 1 else cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                rows = F.dropout(rows, self.dropout, True)
        return rows, tuple(stack(final) for final in finals)

    def _split_weights(self, weights):
        """(w_ih, w_hh, b_ih, b_hh, w_hr) from one layer and direction's parameter list."""
        w_ih, w_hh = weights[:2]
        b_ih, b_hh = weights[2:4] if self.bias else (None, None)
        w_hr = weights[-1] if self.proj_size > 0 else None
        return w_ih, w_hh, b_ih, b_hh, w_hr


def _permute(state, permutation):
    """The state's batch (dim 1) reordered, for packed batches that were sorted by length."""
    return state if permutation is None else state.index_select(1, permutation)


def _no_proj_size(kwargs):
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if kwargs:
        raise TypeError(f"__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")


class RNN(RNNBase):
    """A multi-layer Elman RNN:

        h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)   (relu with nonlinearity='relu')

    Layer k > 0 takes the outputs of layer k - 1 (with dropout between them while training).

    Args:
        input_size: features of each input step.
        hidden_size: features of the hidden state h.
        num_layers: recurrent layers stacked. Default: 1.
        nonlinearity: 'tanh' or 'relu'. Default: 'tanh'.
        bias: use b_ih and b_hh. Default: True.
        batch_first: input and output are (N, L, *) instead of (L, N, *) (not h). Default:
            False.
        dropout: dropout probability on the outputs of every layer but the last. Default: 0.
        bidirectional: add a layer running backwards in time; outputs are concatenated.
            Default: False.

    Inputs: input (L, N, H_in), (N, L, H_in) with batch_first, (L, H_in) unbatched, or a
    PackedSequence; hx (D * num_layers, N, H) or (D * num_layers, H), zeros by default.

    Returns:
        (output, h_n): output (L, N, D * H) (a PackedSequence for one), h_n like hx.

    Example:
        >>> rnn = ember.nn.RNN(10, 20, 2)
        >>> output, h_n = rnn(ember.randn(5, 3, 10), ember.randn(2, 3, 20))
        >>> output.shape, h_n.shape
        (ember.Size([5, 3, 20]), ember.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None,
                 **kwargs):
        _no_proj_size(kwargs)
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, None if hx is None else (hx,))
        return output, h_n

    def _recurrence(self, rows, states, weights, schedule):
        w_ih, w_hh, b_ih, b_hh, _ = self._split_weights(weights)
        gates_x = linear(rows, w_ih, folded_bias(b_ih, b_hh))        # (R, H)
        return RNNRecurrence.apply(gates_x, states[0], w_hh, schedule, self.mode == "RNN_RELU")


class LSTM(RNNBase):
    """A multi-layer long short-term memory RNN:

        i, f, g, o = σ, σ, tanh, σ of (x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), by quarters
        c_t = f c_{t-1} + i g,    h_t = o tanh(c_t)    (then h_t W_hr^T with proj_size > 0)

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as
            for RNN.
        proj_size: if > 0, project h_t to this size with W_hr (hidden_size must be larger).
            Default: 0.

    Inputs: input as for RNN; hx a tuple (h_0 (D * num_layers, N, P), c_0
    (D * num_layers, N, H)), zeros by default; P = proj_size or hidden_size.

    Returns:
        (output, (h_n, c_n)): output (L, N, D * P) (a PackedSequence for one).

    Example:
        >>> lstm = ember.nn.LSTM(10, 20, 2)
        >>> output, (h_n, c_n) = lstm(ember.randn(5, 3, 10))
        >>> output.shape, c_n.shape
        (ember.Size([5, 3, 20]), ember.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)

    def get_expected_cell_size(self, input, batch_sizes):
        return self._expected_state_size(input, batch_sizes, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        return tuple(_permute(state, permutation) for state in hx)

    def forward(self, input, hx=None):
        if hx is not None and (isinstance(hx, Tensor) or len(hx) != 2):
            raise RuntimeError(
                "LSTM expects hx as a tuple (h_0, c_0) of two tensors, got "
                f"{type(hx).__name__ if isinstance(hx, Tensor) else f'{len(hx)} values'}; "
                f"pass both the hidden and the cell state")
        output, (h_n, c_n) = self._forward(input, None if hx is None else tuple(hx))
        return output, (h_n, c_n)

    def _state_sizes(self):
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def _recurrence(self, rows, states, weights, schedule):
        w_ih, w_hh, b_ih, b_hh, w_hr = self._split_weights(weights)
        gates_x = linear(rows, w_ih, folded_bias(b_ih, b_hh))        # (R, 4H)
        return LSTMRecurrence.apply(gates_x, states[0], states[1], w_hh, w_hr, schedule)


class GRU(RNNBase):
    """A multi-layer gated recurrent unit RNN:

        r = σ(x W_ir^T + b_ir + h W_hr^T + b_hr),  z = σ(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),  h_t = (1 - z) n + z h_{t-1}

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as
            for RNN.

    Inputs and returns: as for RNN.

    Example:
        >>> gru = ember.nn.GRU(10, 20, 2, batch_first=True)
        >>> output, h_n = gru(ember.randn(3, 5, 10))
        >>> output.shape, h_n.shape
        (ember.Size([3, 5, 20]), ember.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kwargs):
        _no_proj_size(kwargs)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, None if hx is None else (hx,))
        return output, h_n

    def _recurrence(self, rows, states, weights, schedule):
        w_ih, w_hh, b_ih, b_hh, _ = self._split_weights(weights)
        gates_x = linear(rows, w_ih, b_ih)                             # (R, 3H)
        return GRURecurrence.apply(gates_x, states[0], w_hh, b_hh, schedule)


# -- the cells -------------------------------------------------------------------------------

class RNNCellBase(Module):
    """What the cells share: weight_ih (G*H, input_size), weight_hh (G*H, H), bias_ih and
    bias_hh (G*H,) or None, all from U(-1/sqrt(H), 1/sqrt(H)), and the argument checks."""

    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), **factory))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), **factory))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, **factory))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, **factory))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, hx, num_states):
        """(input (N, F), states ((N, H),) * num_states, is_batched), checked as torch does."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for index, state in enumerate(hx):
                if state.dim() not in (1, 2):
                    what = "hidden" if num_states == 1 else f"hx[{index}]"
                    raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got "
                                     f"{state.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            state = zeros((input.size(0), self.hidden_size), dtype=input.dtype,
                          device=input.device)
            hx = (state,) * num_states
        elif not is_batched:
            hx = tuple(state.unsqueeze(0) for state in hx)
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.input_size}")
        for index, state in enumerate(hx):
            if state.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match "
                                   f"hidden{index} batch size {state.size(0)}")
            if state.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{index} has inconsistent hidden_size: got "
                                   f"{state.size(1)}, expected {self.hidden_size}")
        return input, hx, is_batched


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    Args:
        input_size, hidden_size: features of x and of h.
        bias: use b_ih and b_hh. Default: True.
        nonlinearity: 'tanh' or 'relu'. Default: 'tanh'.

    Inputs: input (N, H_in) or (H_in); hx (N, H) or (H), zeros by default. Returns h'.

    Example:
        >>> cell = ember.nn.RNNCell(10, 20)
        >>> cell(ember.randn(3, 10)).shape
        ember.Size([3, 20])
    """

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, (hx,), is_batched = self._prepare(input, None if hx is None else (hx,), 1)
        if self.nonlinearity == "tanh":
            step = rnn_tanh_step
        elif self.nonlinearity == "relu":
            step = rnn_relu_step
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        gates_x = linear(input, self.weight_ih, folded_bias(self.bias_ih, self.bias_hh))
        h = step(gates_x, hx, self.weight_hh)
        return h if is_batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (see LSTM for the gates): (h', c') from x and (h, c).

    Inputs: input (N, H_in) or (H_in); hx a tuple (h, c) of (N, H) or (H), zeros by default.
    Returns (h', c').

    Example:
        >>> cell = ember.nn.LSTMCell(10, 20)
        >>> h, c = cell(ember.randn(3, 10))
        >>> h.shape, c.shape
        (ember.Size([3, 20]), ember.Size([3, 20]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, (h, c), is_batched = self._prepare(input, hx, 2)
        gates_x = linear(input, self.weight_ih, folded_bias(self.bias_ih, self.bias_hh))
        h, c = lstm_step(gates_x, h, c, self.weight_hh, None)
        return (h, c) if is_batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (see GRU for the gates): h' from x and h.

    Inputs: input (N, H_in) or (H_in); hx (N, H) or (H), zeros by default. Returns h'.

    Example:
        >>> cell = ember.nn.GRUCell(10, 20)
        >>> cell(ember.randn(3, 10), ember.randn(3, 20)).shape
        ember.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, (hx,), is_batched = self._prepare(input, None if hx is None else (hx,), 1)
        gates_x = linear(input, self.weight_ih, self.bias_ih)
        h = gru_step(gates_x, hx, self.weight_hh, self.bias_hh)
        return h if is_batched else h.squeeze(0)
