"""Convolution, pooling, padding, unfold/fold: the functional forms."""

__all__ = []
