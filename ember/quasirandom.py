"""torch.quasirandom: `SobolEngine`, Sobol' sequences (optionally Owen-scrambled) with torch's
values, bit for bit.

Each of the `dimension` coordinates has MAXBIT = 30 direction numbers v[d, 0..29]; point i of
the sequence is shift XOR the v[d, b] for every bit b set in the Gray code of i, so point i + 1
is point i XOR v[d, rightmost_zero(i)], and a sample is that 30-bit integer times 2**-30.

The direction numbers are Joe and Kuo's new-joe-kuo-6.21201 table (search criterion D(6)), the
one torch compiles in. ember reads it from the copy scipy (a dependency) ships for
scipy.stats.qmc.Sobol, scipy/stats/_sobol_direction_numbers.npz, with allow_pickle=False, the
first time an engine is built.

Example:
    >>> engine = ember.quasirandom.SobolEngine(dimension=3)
    >>> engine.draw(4)
    tensor([[0.0000, 0.0000, 0.0000],
            [0.5000, 0.5000, 0.5000],
            [0.7500, 0.2500, 0.2500],
            [0.2500, 0.7500, 0.7500]])
"""
import functools
import importlib.util
import os

import numpy as np

from . import _dtype
from ._generator import Generator
from .ops.creation import from_numpy
from .ops.join import cat
from .ops.random import randint

__all__ = ["SobolEngine"]


@functools.cache
def _joe_kuo_table():
    """(poly, vinit): each dimension's primitive polynomial, its bits the coefficients with
    the leading and constant terms included (x**2 + x + 1 is 0b111), and its initial
    direction numbers m_1 .. m_degree, zero-padded to the largest degree (18)."""
    scipy_dir = os.path.dirname(importlib.util.find_spec("scipy").origin)
    path = os.path.join(scipy_dir, "stats", "_sobol_direction_numbers.npz")
    with np.load(path, allow_pickle=False) as table:
        return table["poly"], table["vinit"]


def _direction_numbers(dimension, maxbit):
    """The (dimension, maxbit) int64 direction numbers, already shifted to the top of the
    maxbit bits, as torch's _sobol_engine_initialize_state_ makes them.

    Dimension 0 is the van der Corput sequence (every m_j = 1). For the others, m_j for j past
    the polynomial's degree s follows Bratley and Fox's recurrence (ACM TOMS 14(1), p. 90):
        m_j = m_{j-s} XOR (2**s m_{j-s}) XOR XOR_{k=1..s-1} a_k 2**k m_{j-k}
    where a_k are the polynomial's inner coefficients. All rows run each step together.
    """
    poly, vinit = _joe_kuo_table()
    poly = poly[1:dimension]
    degree = np.array([int(p).bit_length() - 1 for p in poly], dtype=np.int64)
    m = np.zeros((dimension, maxbit), dtype=np.int64)
    m[0] = 1
    m[1:, :vinit.shape[1]] = vinit[1:dimension]
    rows = np.arange(1, dimension)
    for j in range(maxbit):
        due = j >= degree  # rows whose m_j comes from the recurrence
        row, s, p = rows[due], degree[due], poly[due]
        value = m[row, j - s]
        for k in range(int(s.max(initial=0))):
            term = (k < s) & ((p >> np.maximum(s - 1 - k, 0)) & 1 == 1)
            value = np.where(term, value ^ (m[row, np.maximum(j - k - 1, 0)] << (k + 1)), value)
        m[row, j] = value
    return m << np.arange(maxbit - 1, -1, -1)


def _rightmost_zero(indices):
    """The position of the lowest 0 bit of each index: the direction number that takes point
    i to point i + 1."""
    lowest_one_of_next = (indices + 1) & -(indices + 1)
    return np.frexp(lowest_one_of_next)[1] - 1  # exact: a power of two's exponent


def _gray_code(index):
    return index ^ (index >> 1)


class SobolEngine:
    """An engine drawing (scrambled) Sobol' points in [0, 1)**dimension, up to dimension 21201.

    Scrambling (a random linear matrix scramble of each coordinate's direction numbers, plus
    a random digital shift) draws, from a Generator seeded with `seed` (from the default
    generator when seed is None), the shift bits first, then a lower-triangular bit matrix per
    coordinate: torch's draws, in its order, so a seed gives torch's points.

    Args:
        dimension (int): the number of coordinates of each point, 1 to 21201.
        scramble (bool): scramble the sequence. Default: False.
        seed (int, optional): the scrambling's seed. Default: None.

    Example:
        >>> engine = ember.quasirandom.SobolEngine(2, scramble=True, seed=3)
        >>> engine.draw_base2(1, dtype=ember.float64)
        tensor([[0.0685, 0.2245],
                [0.6215, 0.7231]], dtype=ember.float64)
    """

    MAXBIT = 30
    MAXDIM = 21201

    def __init__(self, dimension, scramble=False, seed=None):
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError("Supported range of dimensionality "
                             f"for SobolEngine is [1, {self.MAXDIM}]")
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        self.sobolstate = from_numpy(_direction_numbers(dimension, self.MAXBIT))
        if self.scramble:
            self._scramble()
        else:
            self.shift = from_numpy(np.zeros(dimension, dtype=np.int64))
        self.quasi = self.shift.clone()
        # In the default dtype at construction, then cast: torch's first point of a scrambled
        # float64 draw keeps only float32's 24 bits of the shift.
        self._first_point = (self.quasi / 2**self.MAXBIT).reshape(1, -1)
        self.num_generated = 0

    def draw(self, n=1, out=None, dtype=None):
        """The next n points, as an (n, dimension) tensor of dtype (default: the default dtype).

        Except for the very first point, the engine computes in float32 or float64 only;
        other dtypes raise NotImplementedError as in torch.

        Example:
            >>> engine = ember.quasirandom.SobolEngine(2)
            >>> engine.draw(3)
            tensor([[0.0000, 0.0000],
                    [0.5000, 0.5000],
                    [0.7500, 0.2500]])
        """
        if dtype is None:
            dtype = _dtype.get_default_dtype()
        dtype = _dtype.to_dtype(dtype)
        if self.num_generated == 0:
            if n == 1:
                result = self._first_point.to(dtype)
            else:
                result = cat((self._first_point.to(dtype), self._draw(n - 1, 0, dtype)), dim=-2)
        else:
            result = self._draw(n, self.num_generated - 1, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def _draw(self, n, index, dtype):
        """n points after self.quasi, the first of them point index + 1; advances self.quasi."""
        if n < 0:  # torch's message, from its allocation of the (n, dimension) result
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: "
                               f"[{n}, {self.dimension}]")
        if dtype not in (_dtype.float32, _dtype.float64):
            raise NotImplementedError(f"\"_sobol_engine_draw\" not implemented for "
                                      f"'{_dtype.scalar_type_name(dtype)}'")
        steps = self.sobolstate.numpy().T[_rightmost_zero(np.arange(index, index + n))]
        points = np.bitwise_xor.accumulate(steps, axis=0) ^ self.quasi.numpy()  # (n, dimension)
        if n:
            self.quasi = from_numpy(points[-1].copy())
        # the 30-bit integer rounded to dtype, then scaled exactly, as torch
        return from_numpy(points.astype(dtype.np) * dtype.np.type(2.0**-self.MAXBIT))

    def draw_base2(self, m, out=None, dtype=None):
        """The next 2**m points; the total drawn must stay a power of two, which keeps the
        sequence's balance properties.

        Example:
            >>> ember.quasirandom.SobolEngine(1).draw_base2(2).flatten()
            tensor([0.0000, 0.5000, 0.7500, 0.2500])
        """
        n = 2**m
        total_n = self.num_generated + n
        if not (total_n & (total_n - 1) == 0):
            raise ValueError(
                "The balance properties of Sobol' points require "
                f"n to be a power of 2. {self.num_generated} points have been "
                f"previously generated, then: n={self.num_generated}+2**{m}={total_n}. "
                "If you still want to do this, please use "
                "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self):
        """Back to the first point (a scrambled engine keeps its scramble)."""
        self.quasi.copy_(self.shift)
        self.num_generated = 0
        return self

    def fast_forward(self, n):
        """Skip n points, as drawing them would.

        Steps i = a .. b-1 XOR in the direction numbers of the bits where Gray codes i and
        i + 1 differ, so together those of the bits where gray(a) and gray(b) differ.

        Example:
            >>> ember.quasirandom.SobolEngine(1).fast_forward(2).draw()
            tensor([[0.7500]])
        """
        index = self.num_generated - 1 if self.num_generated else 0
        steps = n if self.num_generated else n - 1
        if steps > 0:
            flipped = _gray_code(index) ^ _gray_code(index + steps)
            bits = [b for b in range(self.MAXBIT) if flipped >> b & 1]
            state = self.quasi.numpy()
            state ^= np.bitwise_xor.reduce(self.sobolstate.numpy()[:, bits], axis=1)
        self.num_generated += n
        return self

    def _scramble(self):
        generator = None
        if self.seed is not None:
            generator = Generator()
            generator.manual_seed(self.seed)
        shift_bits = randint(2, (self.dimension, self.MAXBIT), generator=generator).numpy()
        self.shift = from_numpy(shift_bits @ (1 << np.arange(self.MAXBIT)))
        lower = randint(2, (self.dimension, self.MAXBIT, self.MAXBIT), generator=generator)
        lower = np.tril(lower.numpy())
        diagonal = np.arange(self.MAXBIT)
        lower[:, diagonal, diagonal] = 1  # a unit diagonal: the scramble is invertible
        # Direction number v becomes the bits L @ bits(v) mod 2, bits most significant first
        # (torch's _sobol_engine_scramble_). float32 matmul is exact: the sums are <= 30.
        msb_first = np.arange(self.MAXBIT - 1, -1, -1)
        state = self.sobolstate.numpy()
        bits = (state[:, :, None] >> msb_first) & 1  # (dimension, direction, bit)
        scrambled = (bits.astype(np.float32) @ lower.transpose(0, 2, 1).astype(np.float32))
        scrambled = scrambled.astype(np.int64) & 1
        state[:] = (scrambled << msb_first).sum(axis=-1)

    def __repr__(self):
        fmt_string = [f"dimension={self.dimension}"]
        if self.scramble:
            fmt_string += ["scramble=True"]
        if self.seed is not None:
            fmt_string += [f"seed={self.seed}"]
        return self.__class__.__name__ + "(" + ", ".join(fmt_string) + ")"
