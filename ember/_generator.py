"""Random number generators: `ember.Generator`, the default one, and seeding.

A CPU generator wraps numpy's PCG64 bit generator. Its state is a uint8 tensor (the bit
generator's state, serialised), so it can be saved in a checkpoint and restored exactly.
"""
import json

import numpy as np

from .backend.device import device as Device

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state"]

_DEFAULT_SEED = 67280421310721  # torch's default CPU seed


class Generator:
    """A source of random numbers, as torch.Generator.

    Example:
        >>> g = ember.Generator().manual_seed(0)
        >>> ember.rand(2, generator=g).shape
        ember.Size([2])
    """

    def __init__(self, device="cpu"):
        self.device = Device(device)
        self._seed = _DEFAULT_SEED
        self._numpy = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64  # torch maps negative seeds into the unsigned 64-bit range
        if not 0 <= seed < 1 << 64:
            raise RuntimeError(f"Overflow when unpacking long: seed {seed} out of range")
        self._seed = seed
        self._numpy = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the new seed."""
        new_seed = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(new_seed)
        return new_seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from .ops.creation import tensor
        from . import _dtype
        text = json.dumps({"seed": self._seed, "state": self._numpy.bit_generator.state})
        return tensor(list(text.encode()), dtype=_dtype.uint8)

    def set_state(self, new_state):
        try:
            payload = json.loads(bytes(new_state.tolist()).decode())
            self._numpy.bit_generator.state = payload["state"]
        except (ValueError, KeyError, TypeError) as error:
            raise RuntimeError(f"Generator.set_state: not a state from get_state(): {error}") \
                from None
        self._seed = payload["seed"]
        return self

    @property
    def numpy(self):
        """The numpy.random.Generator that draws the numbers (CPU generators)."""
        return self._numpy


default_generator = Generator()


def manual_seed(seed):
    """Seed every default generator (CPU, and CUDA when present); returns the CPU one."""
    default_generator.manual_seed(seed)
    for hook in _seed_hooks:
        hook(int(seed))
    return default_generator


_seed_hooks = []  # device backends add their own seeding here (see ember.cuda)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)
