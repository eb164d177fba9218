"""ember.linalg: torch.linalg's functions (norm, vector_norm, matrix_norm, ...)."""

__all__ = []
