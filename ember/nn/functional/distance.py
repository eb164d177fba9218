"""Distances and normalisation: cosine_similarity, pairwise_distance, normalize."""

__all__ = []
