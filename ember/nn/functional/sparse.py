"""Lookups: embedding, one_hot."""

__all__ = []
