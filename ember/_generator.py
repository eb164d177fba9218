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
        """The generator's state as a uint8 tensor, for set_state (and checkpoints)."""
        from ._tensor import Tensor
        text = json.dumps({"seed": self._seed, "state": self._numpy.bit_generator.state})
        return Tensor._make(np.frombuffer(text.encode(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state that get_state returned; the stream continues from there."""
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor) or new_state.dtype.name != "uint8":
            raise TypeError(f"expected a torch.ByteTensor (uint8 tensor) from get_state(), but "
                            f"got {type(new_state).__name__}"
                            + (f" of dtype {new_state.dtype}" if isinstance(new_state, Tensor)
                               else ""))
        try:
            payload = json.loads(new_state._host_array().tobytes().decode())
            self._numpy.bit_generator.state = payload["state"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            raise RuntimeError(f"Generator.set_state: not a state from get_state(): {error}") \
                from None
        self._seed = payload["seed"]
        return self

    def clone_state(self):
        """A new generator in this one's state."""
        other = Generator(self.device)
        return other.set_state(self.get_state())

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
    """The default generator's state, as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state from get_rng_state()."""
    default_generator.set_state(new_state)
