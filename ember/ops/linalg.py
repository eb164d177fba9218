"""Linear algebra: matmul in all its forms, einsum, tensordot, norms."""

__all__ = []
