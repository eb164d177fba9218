"""ember.utils.tensorboard: TensorBoard logging, as torch.utils.tensorboard.

Needs the tensorboard package (`pip install 'ember[tensorboard]'`); it provides the event
protos and the event file writer ember writes through.
"""
try:
    import tensorboard  # noqa: F401  (only to fail early with a clear message)
except ImportError:
    raise ImportError(
        "ember.utils.tensorboard needs the tensorboard package: pip install 'ember[tensorboard]' "
        "(or pip install tensorboard).") from None

from .writer import FileWriter, SummaryWriter

__all__ = ["SummaryWriter", "FileWriter"]
