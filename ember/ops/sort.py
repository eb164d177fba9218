"""Sorting and searching: sort, argsort, topk, unique, kthvalue, cummax."""

__all__ = []
