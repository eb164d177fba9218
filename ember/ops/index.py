"""Indexing: Tensor[...] reads and writes, gather/scatter, masked ops, nonzero."""

__all__ = []
