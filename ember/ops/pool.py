"""Pooling: max and average pooling, adaptive pools."""

__all__ = []
