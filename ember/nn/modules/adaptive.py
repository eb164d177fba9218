"""AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave et al. (2016) for large
vocabularies, frequent classes in a head, rarer ones in smaller tail clusters."""
from collections import namedtuple

from ...ops.compare import where
from ...ops.join import cat
from ...ops.reduce import argmax
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Log-probabilities of targets under a softmax split by class frequency.

    Classes [0, cutoffs[0]) are the shortlist, scored by `head` together with one logit
    per tail cluster; cluster i holds classes [cutoffs[i], cutoffs[i + 1]) and scores them
    through a bottleneck of in_features // div_value ** (i + 1) features:

        log p(c) = log_softmax(head(x))[c]                                c in the shortlist
        log p(c) = log_softmax(head(x))[shortlist + i]
                   + log_softmax(tail[i](x))[c - cutoffs[i]]               c in cluster i

    Args:
        in_features: the number of input features.
        n_classes: the number of classes.
        cutoffs: increasing class boundaries, each in [1, n_classes - 1].
        div_value: how much smaller each cluster's bottleneck is. Default: 4.0.
        head_bias: give the head a bias. Default: False.

    Returns (forward): `_ASMoutput(output, loss)`, output the log-probability of each
    target (shape (N,) or ()), loss the mean negative log-likelihood.

    Example:
        >>> asm = ember.nn.AdaptiveLogSoftmaxWithLoss(16, 10, [2, 6])
        >>> asm(ember.randn(4, 16), ember.tensor([0, 3, 7, 9])).loss.shape
        ember.Size([])
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             "n_classes-1")
        factory = {"device": device, "dtype": dtype}
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, **factory)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **factory),
                                        Linear(hidden, size, bias=False, **factory)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for to_hidden, to_output in self.tail:
            to_hidden.reset_parameters()
            to_output.reset_parameters()

    def forward(self, input_, target_):
        target_dim = target_.dim()
        if target_dim == 1:
            if input_.size(0) != target_.size(0):
                raise RuntimeError(
                    "Input and target should have the same size in the batch dimension.")
            if input_.dim() != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found "
                                   f"inputs with size {input_.size()}")
        elif target_dim == 0:
            if input_.dim() != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found "
                                   f"inputs with size {input_.size()}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        is_batched = target_dim > 0
        input = input_ if is_batched else input_.unsqueeze(0)  # (N, in_features)
        target = target_ if is_batched else target_.unsqueeze(0)  # (N,)

        if bool(((target < 0) | (target >= self.n_classes)).any()):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{target.min().item()}, {target.max().item()}] were found. ")
        # the head's column for each row: its class in the shortlist, else its cluster's logit
        head_index = target.clone()
        output = input.new_zeros(target.size(0))  # the tail's share of each log-probability
        for i in range(self.n_clusters):
            low, high = self.cutoffs[i], self.cutoffs[i + 1]
            in_cluster = (target >= low) & (target < high)
            rows = in_cluster.nonzero().reshape(-1)
            if rows.numel() == 0:
                continue
            head_index = where(in_cluster, self.shortlist_size + i, head_index)
            cluster_logprob = F.log_softmax(self.tail[i](input.index_select(0, rows)), dim=1)
            relative_target = (target.index_select(0, rows) - low).unsqueeze(1)
            output = output.index_copy(0, rows, cluster_logprob.gather(1, relative_target)
                                       .squeeze(1))
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, head_index.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        if not is_batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _get_full_log_prob(self, input, head_output):
        """log p of every class, (N, n_classes), from the input and the head's output."""
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i, cluster in enumerate(self.tail):
            cluster_logprob = F.log_softmax(cluster(input), dim=1)
            parts.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, dim=1)

    def log_prob(self, input):
        """log p of every class for each row of input: (N, in_features) -> (N, n_classes)."""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input):
        """The most probable class of each row, log_prob(input).argmax(1), computing the
        tails only for rows whose head prefers a cluster."""
        head_output = self.head(input)
        output = argmax(head_output, dim=1)
        not_in_shortlist = output >= self.shortlist_size
        if not bool(not_in_shortlist.any()):
            return output
        if bool(not_in_shortlist.all()):
            return argmax(self._get_full_log_prob(input, head_output), dim=1)
        log_prob = self._get_full_log_prob(input[not_in_shortlist],
                                           head_output[not_in_shortlist])
        output[not_in_shortlist] = argmax(log_prob, dim=1)
        return output
