"""Seeding the GPUs' random generators, as torch.cuda.manual_seed and friends.

Each GPU has its own CuPy generator (XORWOW), used by the ops that draw on the GPU (dropout's
masks). Ops that take a tensor of random numbers (rand, randn, randint ... with
device='cuda') draw them from the CPU generator and copy them over, so a seed gives the same
numbers on both devices. Seeding is silently ignored where CUDA is not available, as in torch;
`ember.manual_seed` seeds every GPU too.
"""
import random as _python_random

from .. import _generator
from ._device import backend, device_index

__all__ = ["manual_seed", "manual_seed_all", "seed", "seed_all", "initial_seed"]


def manual_seed(seed):
    """Seed the current GPU's generator (ignored without CUDA)."""
    module = backend()
    if module.available():
        module.manual_seed(int(seed), device_index(None))


def manual_seed_all(seed):
    """Seed every GPU's generator (remembered until CUDA is first used)."""
    backend().manual_seed_all(int(seed))


def seed():
    """Seed the current GPU's generator from a random number; ignored without CUDA."""
    manual_seed(_python_random.getrandbits(63))


def seed_all():
    manual_seed_all(_python_random.getrandbits(63))


def initial_seed():
    """The seed the GPU generators were last seeded with (by manual_seed_all)."""
    return backend().initial_seed()


_generator._seed_hooks.append(manual_seed_all)
