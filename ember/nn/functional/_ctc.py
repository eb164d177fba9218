"""Connectionist temporal classification: the loss of ctc_loss and its gradient.

For a target l of length S, the extended label sequence l' puts a blank before, between and
after the labels (length 2S + 1). An alignment is a path through l' that, at each time step,
stays, moves one on, or skips a blank between two different labels. The loss is
-log Σ_paths Π_t p_t(path_t), computed in log space by the forward (alpha) recursion

    α_t(s) = log p_t(l'_s) + logsumexp(α_{t-1}(s), α_{t-1}(s-1), α_{t-1}(s-2) if skip allowed)

and its gradient by the backward (beta) recursion run the other way. Both are vectorised over
the batch and over s; Python loops over time steps only.
"""
from ..._tensor import Tensor
from ...autograd.function import Op
from ...backend import xp_of

__all__ = ["CtcLoss", "CtcLossGrad", "ctc_problem"]


class _CtcProblem:
    """Targets and lengths of one ctc_loss call, as backend arrays.

    labels: (N, L) the extended label sequences (L = 2 max S + 1, padded with blanks);
    skip: (N, L) where the s-2 transition is allowed; input_lengths, target_lengths: (N,).
    """

    __slots__ = ("labels", "skip", "input_lengths", "target_lengths", "blank", "zero_infinity")

    def __init__(self, labels, skip, input_lengths, target_lengths, blank, zero_infinity):
        self.labels, self.skip = labels, skip
        self.input_lengths, self.target_lengths = input_lengths, target_lengths
        self.blank, self.zero_infinity = blank, zero_infinity


def _lengths(xp, lengths, batch, name):
    if isinstance(lengths, Tensor):
        values = lengths._data
        if values.dtype.kind not in "iu":
            raise RuntimeError(f"ctc_loss: {name} must be integers; got {lengths.dtype}")
        values = values.astype(xp.int64).reshape(-1)
    else:
        values = xp.asarray([int(v) for v in lengths] if hasattr(lengths, "__len__")
                            else [int(lengths)], dtype=xp.int64)
    if values.shape[0] != batch:
        raise RuntimeError(f"{name} must be of size batch_size ({batch}); got "
                           f"{values.shape[0]} values")
    if values.size and int(values.min()) < 0:
        raise RuntimeError(f"ctc_loss: {name} must be non-negative; got {int(values.min())}")
    return values


def ctc_problem(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """Check ctc_loss's arguments against log_probs (T, N, C) and build a _CtcProblem."""
    xp = xp_of(log_probs._data)
    time, batch, num_classes = log_probs.shape
    if not 0 <= blank < num_classes:
        raise RuntimeError(f"blank must be in label range: blank={blank}, classes={num_classes}")
    input_lengths = _lengths(xp, input_lengths, batch, "input_lengths")
    target_lengths = _lengths(xp, target_lengths, batch, "target_lengths")
    if batch and int(input_lengths.max()) > time:
        raise RuntimeError(
            f"Expected input_lengths to have value at most {time}, but got value "
            f"{int(input_lengths.max())} (while checking arguments for ctc_loss)")
    if targets._data.dtype.kind not in "iu":
        raise RuntimeError(f"ctc_loss: targets must be integer class indices; got "
                           f"{targets.dtype}")
    values = targets._data.astype(xp.int64)
    longest = int(target_lengths.max()) if batch else 0
    positions = xp.arange(longest)
    inside = positions[None, :] < target_lengths[:, None]   # (N, S)
    if values.ndim == 2:
        if values.shape[0] != batch or values.shape[1] < longest:
            raise RuntimeError(
                f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                f"{values.shape[1]} for argument #2 'targets' of shape {list(values.shape)} "
                f"(padded targets must be (N, S) with S >= max(target_lengths))")
        padded = values[:, :longest]
    elif values.ndim == 1:
        total = int(target_lengths.sum())
        if values.shape[0] != total:
            raise RuntimeError(
                f"ctc_loss: 1-D (concatenated) targets must hold sum(target_lengths) = {total} "
                f"labels; got {values.shape[0]}")
        offsets = xp.cumsum(target_lengths) - target_lengths
        index = xp.minimum(offsets[:, None] + positions[None, :], max(total - 1, 0))
        padded = values[index] if total else xp.zeros((batch, longest), xp.int64)
    else:
        raise RuntimeError(f"ctc_loss: targets must be (N, S) padded or 1-D concatenated; got "
                           f"shape {list(values.shape)}")
    padded = xp.where(inside, padded, blank)
    if padded.size and (int(padded.min()) < 0 or int(padded.max()) >= num_classes):
        raise RuntimeError(f"ctc_loss: target labels must lie in [0, {num_classes - 1}]")
    labels = xp.full((batch, 2 * longest + 1), blank, dtype=xp.int64)
    labels[:, 1::2] = padded
    skip = xp.zeros(labels.shape, dtype=bool)
    skip[:, 2:] = (labels[:, 2:] != blank) & (labels[:, 2:] != labels[:, :-2])
    return _CtcProblem(labels, skip, input_lengths, target_lengths, blank, zero_infinity)


def _label_log_probs(xp, log_probs, problem):
    """log p_t(l'_s) for every t, n, s: (T, N, L)."""
    batch = log_probs.shape[1]
    return log_probs[:, xp.arange(batch)[:, None], problem.labels]


def _forward_variables(xp, label_log_probs, problem):
    """α: (T, N, L) log-probabilities of the path prefixes ending at (t, s)."""
    time, batch, length = label_log_probs.shape
    alpha = xp.full((time, batch, length), -xp.inf, dtype=label_log_probs.dtype)
    if time == 0:
        return alpha
    alpha[0, :, 0] = label_log_probs[0, :, 0]
    if length > 1:
        alpha[0, :, 1] = xp.where(problem.target_lengths > 0, label_log_probs[0, :, 1], -xp.inf)
    skip = problem.skip[:, 2:]
    for t in range(1, time):
        previous = alpha[t - 1]
        total = previous.copy()
        xp.logaddexp(total[:, 1:], previous[:, :-1], out=total[:, 1:])
        xp.logaddexp(total[:, 2:], xp.where(skip, previous[:, :-2], -xp.inf), out=total[:, 2:])
        xp.add(total, label_log_probs[t], out=alpha[t])
    return alpha


def _backward_variables(xp, label_log_probs, problem):
    """β: (T, N, L) log-probabilities of the path suffixes starting at (t, s), each sample
    starting from its own last frame T_n - 1."""
    time, batch, length = label_log_probs.shape
    beta = xp.full((time, batch, length), -xp.inf, dtype=label_log_probs.dtype)
    rows = xp.arange(batch)
    last = 2 * problem.target_lengths                  # index of the final blank in l'
    last_frame = problem.input_lengths - 1
    skip = problem.skip[:, 2:]
    has_label = problem.target_lengths > 0
    for t in range(time - 1, -1, -1):
        if t < time - 1:
            following = beta[t + 1]
            total = following.copy()
            xp.logaddexp(total[:, :-1], following[:, 1:], out=total[:, :-1])
            xp.logaddexp(total[:, :-2], xp.where(skip, following[:, 2:], -xp.inf),
                         out=total[:, :-2])
            total += label_log_probs[t]
            total[last_frame <= t] = -xp.inf
        else:
            total = xp.full((batch, length), -xp.inf, dtype=beta.dtype)
        starts = last_frame == t
        if starts.any():
            total[rows[starts], last[starts]] = label_log_probs[t, rows[starts], last[starts]]
            with_label = starts & has_label
            total[rows[with_label], last[with_label] - 1] = label_log_probs[
                t, rows[with_label], last[with_label] - 1]
        beta[t] = total
    return beta


class CtcLoss(Op):
    """nll_n = -log Σ_paths Π_t p_t(path_t) per sample, from the alpha recursion;
    grad: CtcLossGrad. Output: (N,), before reduction."""

    @staticmethod
    def forward(ctx, log_probs, problem):
        xp = ctx.xp
        label_log_probs = _label_log_probs(xp, log_probs, problem)
        alpha = _forward_variables(xp, label_log_probs, problem)
        batch = log_probs.shape[1]
        rows = xp.arange(batch)
        frames = xp.maximum(problem.input_lengths - 1, 0)
        final = alpha[frames, rows]                                   # (N, L)
        last = 2 * problem.target_lengths
        end_blank = final[rows, last]
        end_label = xp.where(problem.target_lengths > 0, final[rows, xp.maximum(last - 1, 0)],
                             -xp.inf)
        nll = -xp.logaddexp(end_blank, end_label)
        # an empty input explains only an empty target
        empty = problem.input_lengths == 0
        nll = xp.where(empty, xp.where(problem.target_lengths == 0, 0, xp.inf), nll)
        nll = nll.astype(log_probs.dtype, copy=False)
        ctx.save_for_backward(log_probs)
        ctx.problem, ctx.alpha, ctx.label_log_probs, ctx.nll = problem, alpha, label_log_probs, nll
        if problem.zero_infinity:
            return xp.where(xp.isinf(nll), 0, nll).astype(nll.dtype, copy=False)
        return nll

    @staticmethod
    def backward(ctx, grad):
        (log_probs,) = ctx.saved_tensors
        return CtcLossGrad.apply(grad, log_probs, ctx), None


class CtcLossGrad(Op):
    """grad_lp[t, n, c] = g_n (e^lp[t,n,c] - Σ_{s: l'_s = c} e^(α_t(s) + β_t(s) + nll_n - lp)),
    0 for t >= T_n (and for impossible alignments under zero_infinity).

    This is torch's formula: its e^lp term makes it the gradient through a log_softmax that
    produced log_probs (the two agree after log_softmax's backward). Not differentiable
    again, as in torch.
    """

    @staticmethod
    def forward(ctx, grad, log_probs, loss_ctx):
        xp = ctx.xp
        problem, nll = loss_ctx.problem, loss_ctx.nll
        label_log_probs = loss_ctx.label_log_probs
        time, batch, num_classes = log_probs.shape
        beta = _backward_variables(xp, label_log_probs, problem)
        log_occupancy = loss_ctx.alpha + beta
        reachable = log_occupancy > -xp.inf
        # α and β both hold lp at (t, s): take it out once
        exponent = xp.where(reachable, log_occupancy - label_log_probs + nll[None, :, None],
                            -xp.inf)
        occupancy = xp.exp(exponent)
        flat_index = ((xp.arange(time)[:, None, None] * batch
                       + xp.arange(batch)[None, :, None]) * num_classes
                      + problem.labels[None, :, :])
        per_class = xp.bincount(flat_index.ravel(), weights=occupancy.ravel(),
                                minlength=time * batch * num_classes)
        result = xp.exp(log_probs) - per_class.reshape(log_probs.shape).astype(log_probs.dtype)
        # an impossible alignment (nll = inf) gets 0 under zero_infinity, else nan as in torch
        per_sample = xp.where(xp.isinf(nll), 0.0 if problem.zero_infinity else xp.nan, 1.0)
        inside = xp.arange(time)[:, None] < problem.input_lengths[None, :]   # (T, N)
        result *= xp.where(inside, per_sample[None, :], 0).astype(result.dtype)[:, :, None]
        result *= grad[None, :, None]
        return result

    @staticmethod
    def backward(ctx, grad_grad):
        raise RuntimeError("ctc_loss: double backward is not implemented (as in torch: the "
                           "derivative for '_ctc_loss_backward' is not implemented)")
