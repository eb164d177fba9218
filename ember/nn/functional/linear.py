"""linear and bilinear."""

__all__ = []
