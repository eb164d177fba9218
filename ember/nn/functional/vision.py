"""Resampling: interpolate, upsample, pixel_shuffle, grid_sample."""

__all__ = []
