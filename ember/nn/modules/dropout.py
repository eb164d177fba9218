"""Dropout layers: active in training mode, the identity in eval mode.

Masks come from ember's default generator, so `ember.manual_seed` makes them reproducible.
"""
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability p and scale the rest by 1 / (1 - p).

        y = x * m / (1 - p),  m ~ Bernoulli(1 - p);  y = x in eval mode

    Args:
        p: probability of an element being zeroed. Default: 0.5.
        inplace: overwrite the input. Default: False.

    Example:
        >>> drop = ember.nn.Dropout(0.2)
        >>> drop.eval()(ember.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """In training, zero whole channels of an (N, C, L) or (C, L) input with probability p
    (scaling the rest by 1 / (1 - p))."""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """In training, zero whole channels of an (N, C, H, W) or (N, C, L) input with
    probability p (scaling the rest by 1 / (1 - p))."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """In training, zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input with
    probability p (scaling the rest by 1 / (1 - p))."""

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: in training, keeps a zero-mean unit-variance input so
    (see ember.nn.functional.alpha_dropout)."""

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels (see ember.nn.functional.feature_alpha_dropout)."""

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
