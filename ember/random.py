"""ember.random: seeding and the default generator's state, as torch.random.

Example:
    >>> with ember.random.fork_rng():
    ...     noise = ember.rand(3)          # the default generator moves on inside ...
    >>> # ... and is back where it was here
"""
import contextlib

from ._generator import (Generator, default_generator, get_rng_state, initial_seed,
                         manual_seed, seed, set_rng_state)

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "fork_rng"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type=None):
    """Restore the default generator's state on leaving the block.

    ember draws the numbers of every device from the default (CPU) generator, so its state is
    the whole state; `devices` and `device_type` are accepted for torch's signature.
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
