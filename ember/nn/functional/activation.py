"""Activation functions: relu, gelu, softmax, log_softmax ..."""

__all__ = []
