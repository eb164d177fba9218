"""ChannelShuffle: interleave the channels of groups (ShuffleNet)."""
from .. import functional as F
from .module import Module

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """(N, g * k, *) -> (N, k * g, *): channel c = i * k + j moves to j * g + i, so that the
    next grouped convolution sees channels from every group.

    Args:
        groups: g, the number of groups the channels are divided into.

    Example:
        >>> ember.nn.ChannelShuffle(2)(ember.arange(4.).reshape(1, 4, 1, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """

    __constants__ = ["groups"]

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
