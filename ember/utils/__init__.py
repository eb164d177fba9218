"""Utilities around training: data loading (ember.utils.data), activation checkpointing
(ember.utils.checkpoint), hook handles (ember.utils.hooks); TensorBoard logging is imported
on demand (ember.utils.tensorboard)."""
import importlib

from . import data, hooks  # noqa: F401


def __getattr__(name):
    # checkpoint imports ember.nn, which imports ember.utils.hooks: import it on first use
    if name == "checkpoint":
        return importlib.import_module(".checkpoint", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
