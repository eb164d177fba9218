"""The recurrences of RNN, LSTM and GRU: one time step with ember ops (the cells, and the
reference the fused Ops differentiate under create_graph), and the fused Ops that run a whole
(packed) sequence per layer and direction. See NOTE [ Fused recurrences ].

Rows are in the packed layout of ember.nn.utils.rnn: a schedule lists, for each time step in
the order a direction visits them, the block of rows (start, stop) and how many sequences
(size) are still running; a sequence that has ended keeps its state.
"""
from ..._tensor import Tensor
from ...autograd import grad as autograd_grad
from ...autograd import grad_mode
from ...autograd.function import Op
from ...ops.join import cat
from .linear import linear

__all__ = ["rnn_tanh_step", "rnn_relu_step", "lstm_step", "gru_step", "folded_bias", "time_steps",
           "RNNRecurrence", "LSTMRecurrence", "GRURecurrence"]


# -- one time step, with ember ops ------------------------------------------------------------
# gates_x is the input projection x W_ih^T + b_ih (+ b_hh where it can be folded in); each
# function returns the new hidden state (and cell state).

def rnn_tanh_step(gates_x, h, w_hh):
    """h' = tanh(gates_x + h W_hh^T)."""
    return (gates_x + h.matmul(w_hh.t())).tanh()


def rnn_relu_step(gates_x, h, w_hh):
    """h' = relu(gates_x + h W_hh^T)."""
    return (gates_x + h.matmul(w_hh.t())).relu()


def lstm_step(gates_x, h, c, w_hh, w_hr):
    """(i, f, g, o) = (σ, σ, tanh, σ)(gates_x + h W_hh^T);  c' = f c + i g;
    h' = (o tanh(c')) W_hr^T, without W_hr when there is no projection."""
    i, f, g, o = (gates_x + h.matmul(w_hh.t())).chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else h.matmul(w_hr.t())), c


def gru_step(gates_x, h, w_hh, b_hh):
    """(r, z) = σ(gates_x + h W_hh^T + b_hh) on their thirds;
    n = tanh(x_n + r (h W_hn^T + b_hn));  h' = n + z (h - n) = (1 - z) n + z h."""
    x_r, x_z, x_n = gates_x.chunk(3, 1)
    h_r, h_z, h_n = linear(h, w_hh, b_hh).chunk(3, 1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)


def _reference_recurrence(step, gates_x, states, weights, schedule):
    """The whole recurrence step by step with ember ops: what the fused Ops compute.

    Returns (output rows, final states...). Sequences that have ended keep their state.
    """
    outputs = {}
    batch = states[0].shape[0]
    for start, stop, size in schedule:
        new = step(gates_x[start:stop], *(s[:size] for s in states), *weights)
        new = new if isinstance(new, tuple) else (new,)
        outputs[start] = new[0]
        states = tuple(n if size == batch else cat([n, s[size:]]) for n, s in zip(new, states))
    return (cat([outputs[start] for start in sorted(outputs)]),) + states


# NOTE [ Fused recurrences ]
# A recurrence written with ember ops costs ~10 graph nodes per time step, and the per-op
# overhead dominates at the sizes RNNs run at. The fused Ops run the loop over time steps on
# backend arrays instead, with the input projection already done for all steps (one matmul
# outside), so each step is one small matmul plus a few in-place elementwise passes.
#
# Forward keeps, per row, what backward needs (gate activations, previous states). Backward
# is backpropagation through time on arrays: everything that does not depend on the gradient
# flowing back through the state is computed for the whole sequence at once before the loop
# (the local derivatives are then per-row coefficients), so each step is one broadcast
# multiply, one matmul by W_hh and a state update. The weight gradients are one matmul each
# over all rows after the loop.
#
# When backward runs under create_graph=True, it instead re-runs the recurrence with the ember
# ops of the step functions above (on aliases of the Op's inputs) and differentiates that, so
# the gradients are themselves differentiable; see `_differentiable_backward`.
#
# Sigmoid gates use sigmoid(x) = (1 + tanh(x / 2)) / 2: halving the sigmoid gates' columns of
# W_hh and of gates_x once (exact in floating point) lets one tanh pass, a scale and a shift
# compute all gates of a step.

def time_steps(batch_sizes, reverse):
    """(start, stop, size) row blocks of a packed sequence, in the order a direction visits
    them."""
    blocks, start = [], 0
    for size in batch_sizes:
        blocks.append((start, start + size, size))
        start += size
    return tuple(reversed(blocks)) if reverse else tuple(blocks)


def _gate_affine(xp, dtype, hidden, gates, tanh_gate):
    """(scale, shift) per gate column: gate = tanh(pre * scale) * scale + shift is sigmoid(pre)
    for the sigmoid gates and tanh(pre) for the one at index tanh_gate."""
    scale = xp.full(gates * hidden, 0.5, dtype=dtype)
    shift = xp.full(gates * hidden, 0.5, dtype=dtype)
    scale[tanh_gate * hidden:(tanh_gate + 1) * hidden] = 1
    shift[tanh_gate * hidden:(tanh_gate + 1) * hidden] = 0
    return scale, shift


def _differentiable_backward(ctx, step, tensors, num_states, grad_outputs):
    """The gradients of a fused recurrence, recorded for create_graph: re-run it with ember ops
    on aliases of its inputs and differentiate that (see NOTE [ Fused recurrences ]).

    The aliases make the re-run a subgraph of its own: autograd.grad captures the gradients at
    them and runs no backward of the graph that produced the inputs.
    """
    need = ctx.needs_input_grad[:len(tensors)]
    inputs = [t.view_as(t) if wanted else t for t, wanted in zip(tensors, need)]
    outputs = _reference_recurrence(step, inputs[0], inputs[1:1 + num_states],
                                    inputs[1 + num_states:], ctx.schedule)
    targets = [t for t, wanted in zip(inputs, need) if wanted]
    grads = iter(autograd_grad(outputs, targets, grad_outputs, create_graph=True,
                               allow_unused=True))
    return tuple(next(grads) if wanted else None for wanted in need)


def _arrays(tensors):
    return [None if t is None else t._data for t in tensors]


class RNNRecurrence(Op):
    """h_t = act(gates_x_t + h_{t-1} W_hh^T) over a packed sequence (act: tanh or relu);
    grad through time: dpre_t = (g_t + dh_t) act'(h_t),  dh_{t-1} = dpre_t W_hh,
    grad_W_hh = Σ_t dpre_t^T h_{t-1},  grad_gates_x = dpre.

    Inputs: gates_x (R, H), h0 (N, H), w_hh (H, H), the schedule, and whether act is relu.
    Outputs: the hidden states (R, H) and the final hidden state (N, H).
    """

    @staticmethod
    def forward(ctx, gates_x, h0, w_hh, schedule, relu):
        xp = ctx.xp
        ctx.schedule, ctx.relu = schedule, relu
        output = xp.empty(gates_x.shape, gates_x.dtype)
        h_prev = xp.empty(gates_x.shape, gates_x.dtype)
        h = h0.copy()
        w_t = w_hh.T
        for start, stop, size in schedule:
            rows = output[start:stop]
            h_prev[start:stop] = h[:size]
            xp.matmul(h[:size], w_t, out=rows)
            rows += gates_x[start:stop]
            if relu:
                xp.maximum(rows, 0, out=rows)
            else:
                xp.tanh(rows, out=rows)
            h[:size] = rows
        ctx.save_for_backward(gates_x, h0, w_hh, output, h_prev)
        return output, h

    @staticmethod
    def backward(ctx, grad_output, grad_h):
        saved = ctx.saved_tensors
        if grad_mode._state["enabled"]:
            step = rnn_relu_step if ctx.relu else rnn_tanh_step
            return _differentiable_backward(ctx, step, saved[:3], 1,
                                            (grad_output, grad_h)) + (None, None)
        _, _, w_hh, output, h_prev = _arrays(saved)
        xp = ctx.xp
        derivative = (output > 0).astype(output.dtype) if ctx.relu else 1 - output * output
        grad_pre = xp.empty_like(output)                               # (R, H)
        dh_state = grad_h._data.copy()                                 # (N, H)
        grad_output = grad_output._data
        for start, stop, size in reversed(ctx.schedule):
            rows = grad_pre[start:stop]
            xp.add(grad_output[start:stop], dh_state[:size], out=rows)
            rows *= derivative[start:stop]
            xp.matmul(rows, w_hh, out=dh_state[:size])
        grad_w_hh = grad_pre.T @ h_prev if ctx.needs_input_grad[2] else None
        return _tensors(grad_pre, dh_state, grad_w_hh) + (None, None)


class LSTMRecurrence(Op):
    """The LSTM recurrence (see `lstm_step`) over a packed sequence;
    grad through time, with dh the total gradient reaching h_t (from the output and from
    step t+1) and dr = dh W_hr (dr = dh without projection):
    dc_t = dr o (1 - tanh²c_t) + dc_{t+1} f_{t+1};
    d(i, f, g, o)_pre = (dc g i(1-i), dc c_{t-1} f(1-f), dc i (1-g²), dr tanh(c_t) o(1-o));
    dh_{t-1} = d(i, f, g, o)_pre W_hh.

    Inputs: gates_x (R, 4H), h0 (N, P), c0 (N, H), w_hh (4H, P), w_hr (P, H) or None, the
    schedule; P = proj_size or H. Outputs: h (R, P), final h (N, P), final c (N, H).
    """

    @staticmethod
    def forward(ctx, gates_x, h0, c0, w_hh, w_hr, schedule):
        xp = ctx.xp
        ctx.schedule = schedule
        rows_total, hidden = gates_x.shape[0], c0.shape[1]
        dtype = gates_x.dtype
        scale, shift = _gate_affine(xp, dtype, hidden, 4, 2)
        gates = gates_x * scale                                       # (R, 4H), then activated
        w_t = (w_hh * scale[:, None]).T                               # (P, 4H)
        h, c = h0.copy(), c0.copy()
        h_prev = xp.empty((rows_total, h0.shape[1]), dtype)
        c_prev = xp.empty((rows_total, hidden), dtype)
        tanh_c = xp.empty((rows_total, hidden), dtype)
        output = xp.empty((rows_total, h0.shape[1]), dtype)
        raw = output if w_hr is None else xp.empty((rows_total, hidden), dtype)  # o tanh(c)
        for start, stop, size in schedule:
            block = gates[start:stop]
            h_prev[start:stop] = h[:size]
            c_prev[start:stop] = c[:size]
            block += h[:size] @ w_t
            xp.tanh(block, out=block)
            block *= scale
            block += shift
            i, f = block[:, :hidden], block[:, hidden:2 * hidden]
            g, o = block[:, 2 * hidden:3 * hidden], block[:, 3 * hidden:]
            cell = c[:size]
            cell *= f
            cell += i * g
            xp.tanh(cell, out=tanh_c[start:stop])
            xp.multiply(o, tanh_c[start:stop], out=raw[start:stop])
            if w_hr is not None:
                xp.matmul(raw[start:stop], w_hr.T, out=output[start:stop])
            h[:size] = output[start:stop]
        ctx.save_for_backward(gates_x, h0, c0, w_hh, w_hr, gates, h_prev, c_prev, tanh_c, raw)
        return output, h, c

    @staticmethod
    def backward(ctx, grad_output, grad_h, grad_c):
        saved = ctx.saved_tensors
        if grad_mode._state["enabled"]:
            return _differentiable_backward(ctx, lstm_step, saved[:5], 2,
                                            (grad_output, grad_h, grad_c)) + (None,)
        _, _, _, w_hh, w_hr, gates, h_prev, c_prev, tanh_c, raw = _arrays(saved)
        xp = ctx.xp
        rows_total, hidden = tanh_c.shape
        i, f = gates[:, :hidden], gates[:, hidden:2 * hidden]
        g, o = gates[:, 2 * hidden:3 * hidden], gates[:, 3 * hidden:]
        # the local derivatives, for all rows at once
        dc_dr = o * (1 - tanh_c * tanh_c)                               # (R, H)
        do_dr = tanh_c * o * (1 - o)                                    # (R, H)
        dcell = xp.empty((rows_total, 3, hidden), gates.dtype)        # d(i, f, g)_pre / dc
        xp.multiply(g * i, 1 - i, out=dcell[:, 0])
        xp.multiply(c_prev * f, 1 - f, out=dcell[:, 1])
        xp.multiply(i, 1 - g * g, out=dcell[:, 2])
        grad_gates = xp.empty_like(gates)                               # (R, 4H)
        blocks = grad_gates.reshape(rows_total, 4, hidden)
        dh_state, dc_state = grad_h._data.copy(), grad_c._data.copy()
        grad_output = grad_output._data
        grad_h_all = None if w_hr is None else xp.empty_like(grad_output)
        for start, stop, size in reversed(ctx.schedule):
            dh = grad_output[start:stop] + dh_state[:size]
            if w_hr is not None:
                grad_h_all[start:stop] = dh
                dh = dh @ w_hr
            dc = dh * dc_dr[start:stop]
            dc += dc_state[:size]
            xp.multiply(dc[:, None, :], dcell[start:stop], out=blocks[start:stop, :3])
            xp.multiply(dh, do_dr[start:stop], out=blocks[start:stop, 3])
            xp.matmul(grad_gates[start:stop], w_hh, out=dh_state[:size])
            xp.multiply(dc, f[start:stop], out=dc_state[:size])
        need = ctx.needs_input_grad
        grad_w_hh = grad_gates.T @ h_prev if need[3] else None
        grad_w_hr = grad_h_all.T @ raw if w_hr is not None and need[4] else None
        return _tensors(grad_gates, dh_state, dc_state, grad_w_hh, grad_w_hr) + (None,)


class GRURecurrence(Op):
    """The GRU recurrence (see `gru_step`) over a packed sequence;
    grad through time, with dh the total gradient reaching h_t:
    dn_pre = dh (1 - z)(1 - n²),  dz_pre = dh (h_{t-1} - n) z(1-z),
    dr_pre = dn_pre hn r(1-r) (hn = h_{t-1} W_hn^T + b_hn);
    grad_gates_x = (dr_pre, dz_pre, dn_pre),  dgh = (dr_pre, dz_pre, dn_pre r);
    dh_{t-1} = dgh W_hh + dh z.

    Inputs: gates_x (R, 3H), h0 (N, H), w_hh (3H, H), b_hh (3H,) or None, the schedule.
    Outputs: h (R, H), final h (N, H).
    """

    @staticmethod
    def forward(ctx, gates_x, h0, w_hh, b_hh, schedule):
        xp = ctx.xp
        ctx.schedule = schedule
        rows_total, hidden = gates_x.shape[0], h0.shape[1]
        dtype = gates_x.dtype
        scale, _ = _gate_affine(xp, dtype, hidden, 3, 2)
        gx = gates_x * scale                                            # (R, 3H)
        w_t = (w_hh * scale[:, None]).T                                 # (H, 3H)
        bias = None if b_hh is None else b_hh * scale
        rz = xp.empty((rows_total, 2 * hidden), dtype)
        n = xp.empty((rows_total, hidden), dtype)
        hn = xp.empty((rows_total, hidden), dtype)
        h_prev = xp.empty((rows_total, hidden), dtype)
        output = xp.empty((rows_total, hidden), dtype)
        h = h0.copy()
        for start, stop, size in schedule:
            h_prev[start:stop] = h[:size]
            gh = h[:size] @ w_t                                         # (n, 3H)
            if bias is not None:
                gh += bias
            block = rz[start:stop]
            xp.add(gx[start:stop, :2 * hidden], gh[:, :2 * hidden], out=block)
            xp.tanh(block, out=block)
            block *= 0.5
            block += 0.5
            r, z = block[:, :hidden], block[:, hidden:]
            hn[start:stop] = gh[:, 2 * hidden:]
            new = n[start:stop]
            xp.multiply(r, gh[:, 2 * hidden:], out=new)
            new += gx[start:stop, 2 * hidden:]
            xp.tanh(new, out=new)
            out = output[start:stop]
            xp.subtract(h[:size], new, out=out)
            out *= z
            out += new
            h[:size] = out
        ctx.save_for_backward(gates_x, h0, w_hh, b_hh, rz, n, hn, h_prev)
        return output, h

    @staticmethod
    def backward(ctx, grad_output, grad_h):
        saved = ctx.saved_tensors
        if grad_mode._state["enabled"]:
            return _differentiable_backward(ctx, gru_step, saved[:4], 1,
                                            (grad_output, grad_h)) + (None,)
        _, _, w_hh, b_hh, rz, n, hn, h_prev = _arrays(saved)
        xp = ctx.xp
        rows_total, hidden = n.shape
        r, z = rz[:, :hidden], rz[:, hidden:]
        dn = (1 - z) * (1 - n * n)                                      # dn_pre / dh
        coefficients = xp.empty((rows_total, 3, hidden), n.dtype)      # dgh / dh
        xp.multiply(dn * hn, r * (1 - r), out=coefficients[:, 0])
        xp.multiply(h_prev - n, z * (1 - z), out=coefficients[:, 1])
        xp.multiply(dn, r, out=coefficients[:, 2])
        grad_gh = xp.empty((rows_total, 3 * hidden), n.dtype)          # (R, 3H)
        blocks = grad_gh.reshape(rows_total, 3, hidden)
        grad_h_all = xp.empty_like(n)                                   # (R, H)
        dh_state = grad_h._data.copy()
        grad_output = grad_output._data
        for start, stop, size in reversed(ctx.schedule):
            dh = grad_h_all[start:stop]
            xp.add(grad_output[start:stop], dh_state[:size], out=dh)
            xp.multiply(dh[:, None, :], coefficients[start:stop], out=blocks[start:stop])
            state = dh_state[:size]
            xp.matmul(grad_gh[start:stop], w_hh, out=state)
            state += dh * z[start:stop]
        grad_gates_x = grad_gh.copy()
        grad_gates_x[:, 2 * hidden:] = grad_h_all * dn
        need = ctx.needs_input_grad
        grad_w_hh = grad_gh.T @ h_prev if need[2] else None
        grad_b_hh = grad_gh.sum(0) if b_hh is not None and need[3] else None
        return _tensors(grad_gates_x, dh_state, grad_w_hh, grad_b_hh) + (None,)


def _tensors(*arrays):
    return tuple(None if a is None else Tensor._make(a) for a in arrays)


def folded_bias(b_ih, b_hh):
    """b_ih + b_hh: both biases add to the same pre-activation, so the input projection
    carries them."""
    return None if b_ih is None else b_ih + b_hh
