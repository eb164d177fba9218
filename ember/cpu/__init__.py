"""ember.cpu: torch.cpu's device functions (trivial for the one CPU device) and its amp module.

Example:
    >>> ember.cpu.is_available(), ember.cpu.device_count(), ember.cpu.current_device()
    (True, 1, 'cpu')
"""
from . import amp

__all__ = ["amp", "is_available", "device_count", "current_device", "set_device",
           "synchronize"]


def is_available():
    """Always True: the CPU is always there."""
    return True


def device_count():
    """Always 1, as torch.cpu.device_count()."""
    return 1


def current_device():
    """Always 'cpu'."""
    return "cpu"


def set_device(device):
    """Does nothing, as torch.cpu.set_device: there is one CPU device."""


def synchronize(device=None):
    """Does nothing: CPU ops have finished when they return."""
