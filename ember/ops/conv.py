"""Convolution kernels: conv1d/2d and their transposes, as GEMMs over strided views."""

__all__ = []
