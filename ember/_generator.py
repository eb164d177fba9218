"""Random number generators: `ember.Generator`, the default one, and seeding.

A CPU generator is torch's: the 32-bit Mersenne Twister (mt19937) seeded as `at::mt19937`
seeds it, so a seed gives the same stream of 32-bit numbers as in torch. The sampling ops
(ember.ops.random) turn that stream into samples exactly as ATen's CPU kernels do. The engine
is numpy's MT19937 bit generator, given the twister's key and position, so draws come out as
arrays.

The state (get_state / set_state) is a 5056-byte uint8 tensor laid out as torch's
CPUGeneratorImplState, so states move between ember and torch.

Bernoulli draws (dropout's masks) come from a compiled loop instead where it is built
(`mt19937_bernoulli` in backend/_cpu_kernels.pyx): it advances the same engine's state in
place, so the stream goes on as if NumPy had drawn them.
"""
import ctypes
import functools
import os

import numpy as np

from .backend import fused
from .backend.device import device as Device

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state"]

_DEFAULT_SEED = 67280421310721  # torch's default CPU seed
_STATE_SIZE = 624               # mt19937's words of state

# torch's CPUGeneratorImplState: the legacy THGeneratorState (state words widened to 64 bits,
# the double normal sample in normal_y), then the float normal sample; C struct padding kept.
_STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho",
              "normal_is_valid", "float_normal", "float_normal_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _STATE_SIZE), "<f8", "<f8", "<f8", "<i4",
                "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056,
})


def _seeded_key(seed):
    """mt19937's initial state for `seed` (init_genrand; torch keeps the seed's low 32 bits)."""
    key = np.empty(_STATE_SIZE, dtype=np.uint32)
    word = seed & 0xFFFFFFFF
    key[0] = word
    for index in range(1, _STATE_SIZE):
        word = (1812433253 * (word ^ (word >> 30)) + index) & 0xFFFFFFFF
        key[index] = word
    return key


@functools.cache
def _state_struct_is_known():
    """Whether NumPy's MT19937 keeps its state as uint32 key[624] then int pos, what the
    compiled draws read and advance: checked once, on an engine that has drawn a little."""
    engine = np.random.MT19937(1234)
    engine.random_raw(5)
    words = (ctypes.c_uint32 * (_STATE_SIZE + 1)).from_address(engine.ctypes.state_address)
    state = engine.state["state"]
    return list(words[:_STATE_SIZE]) == state["key"].tolist() and words[-1] == state["pos"]


class Generator:
    """A source of random numbers, as torch.Generator: the same seed gives torch's numbers.

    Example:
        >>> g = ember.Generator().manual_seed(0)
        >>> ember.rand(2, generator=g)
        tensor([0.4963, 0.7682])
    """

    def __init__(self, device="cpu"):
        self.device = Device(device)
        self._engine = np.random.MT19937()
        self._numpy = np.random.Generator(self._engine)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64  # torch maps negative seeds into the unsigned 64-bit range
        if not 0 <= seed < 1 << 64:
            raise RuntimeError(f"Overflow when unpacking long: seed {seed} out of range")
        self._seed = seed
        self._set_engine(_seeded_key(seed), _STATE_SIZE)
        self._normal_double = None  # the cached second Box-Muller sample, as torch keeps it
        self._normal_float = None
        return self

    def _set_engine(self, key, position):
        self._engine.state = {"bit_generator": "MT19937",
                              "state": {"key": key, "pos": position}}

    def seed(self):
        """Seed from the operating system's entropy; returns the new seed."""
        new_seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(new_seed)
        return new_seed

    def initial_seed(self):
        return self._seed

    # -- the stream, as CPUGeneratorImpl::random and random64 --------------------------------

    # numpy's full-range integers on an MT19937 are its raw outputs, in torch's order (two
    # for a 64-bit number, the first the high half), without random_raw's uint64 detour.

    def _random32(self, count):
        """`count` 32-bit outputs of the twister (uint32)."""
        return self._numpy.integers(0, 1 << 32, size=count, dtype=np.uint32)

    def _random64(self, count):
        """`count` 64-bit numbers (uint64), each from two outputs, the first the high half."""
        return self._numpy.integers(0, (1 << 64) - 1, size=count, dtype=np.uint64,
                                    endpoint=True)

    def _draws_below(self, count, threshold):
        """[the low 53 bits of each of `count` 64-bit numbers < threshold] (bool), drawn by the
        compiled loop on the engine's own state; None where there is none."""
        kernel = fused(np, "mt19937_bernoulli")
        if kernel is None or not _state_struct_is_known():
            return None
        out = np.empty(count, dtype=bool)
        with self._engine.lock:
            kernel(self._engine.ctypes.state_address, out, threshold)
        return out

    # -- state -------------------------------------------------------------------------------

    def get_state(self):
        """The generator's state as torch's 5056-byte uint8 tensor (for set_state, and
        torch.set_rng_state)."""
        from ._tensor import Tensor
        engine = self._engine.state["state"]
        key, position = engine["key"], int(engine["pos"])
        state = np.zeros((), dtype=_STATE_LAYOUT)
        state["seed"] = self._seed
        state["left"] = _STATE_SIZE + 1 - position
        state["seeded"] = 1
        # a freshly seeded twister reads word 0 after its first twist; torch marks it next=0
        fresh = position == _STATE_SIZE and np.array_equal(key, _seeded_key(self._seed))
        state["next"] = 0 if fresh else position
        state["state"] = key
        if self._normal_double is not None:
            state["normal_y"] = self._normal_double
            state["normal_is_valid"] = 1
        if self._normal_float is not None:
            state["float_normal"] = self._normal_float
            state["float_normal_is_valid"] = 1
        return Tensor._make(np.frombuffer(state.tobytes(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from get_state (ember's or torch's); the stream continues there."""
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor) or new_state.dtype.name != "uint8":
            raise TypeError(f"expected a torch.ByteTensor (uint8 tensor) from get_state(), but "
                            f"got {type(new_state).__name__}"
                            + (f" of dtype {new_state.dtype}" if isinstance(new_state, Tensor)
                               else ""))
        data = new_state._host_array().tobytes()
        if len(data) != _STATE_LAYOUT.itemsize:
            raise RuntimeError(f"Expected either a THGeneratorState of size 5048 or a "
                               f"CPUGeneratorImplState of size 5056 but found the input RNG "
                               f"state size to be {len(data)}")
        state = np.frombuffer(data, dtype=_STATE_LAYOUT)[0]
        left = int(state["left"])
        if not (state["seeded"] and 0 < left <= _STATE_SIZE and state["next"] <= _STATE_SIZE):
            raise RuntimeError("Invalid mt19937 state")
        self._set_engine(state["state"].astype(np.uint32), _STATE_SIZE + 1 - left)
        self._seed = int(state["seed"])
        self._normal_double = float(state["normal_y"]) if state["normal_is_valid"] else None
        self._normal_float = (float(state["float_normal"]) if state["float_normal_is_valid"]
                              else None)
        return self

    def clone_state(self):
        """A new generator in this one's state."""
        other = Generator(self.device)
        return other.set_state(self.get_state())


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
    """The default generator's state, as a uint8 tensor (torch's layout)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state from get_rng_state()."""
    default_generator.set_state(new_state)
