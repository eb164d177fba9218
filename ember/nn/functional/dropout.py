"""Dropout in its forms: dropout, dropout1d/2d/3d, alpha_dropout."""

__all__ = []
