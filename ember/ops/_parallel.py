"""Independent shares of one op's CPU work, run at once, each with single-threaded BLAS.

NumPy runs a copy or a ufunc on one core, and OpenBLAS splits each GEMM over every core. A
convolution that alternates im2col copies with mid-sized GEMMs then leaves cores idle during
the copies and pays OpenBLAS's thread hand-off on every GEMM; when another process wants a
core, the GEMM's threads spin waiting for each other. Giving each thread a share of the
GEMMs and copies instead (NumPy releases the GIL in both) keeps every core on useful work.
Measured on this project's 2-core machine, the resnet benchmark's training step: quiet,
513-660 ms with the convolutions on 2-thread BLAS, 434-568 ms in two shares (torch 249-334);
while another process kept one core busy, 8.8 s against 0.73 s (torch 1.8 s).

NOTE [ One-thread BLAS ]
While ember's shares run, NumPy's BLAS runs on one thread, and ember splits large GEMMs over
its own share threads instead (matmul below). After each call OpenBLAS spreads over several
threads, its idle threads spin for about 0.1 s (OpenBLAS's THREAD_TIMEOUT) and take those
cores from whatever runs next: ember's shares, or, in the benchmark, torch. Measured on this
2-core machine, each library alone in its process: the cnn training step 49 ms with 2-thread
BLAS (using 100 ms of CPU time a step) against 36-43 ms with one (58-62 ms of CPU); torch
26-30 ms. The share threads wait on a lock, not in a spin, and so cost 60-80 µs to wake.

The spin is cheap where nothing else wants the cores: a model of GEMMs and small ops (the mlp
benchmark) runs its GEMMs too small to split faster on BLAS's threads. So once no shares have
run for QUIET_SECONDS, matmul gives BLAS ember's thread count back, and the next share run
takes it away (_settings.use_blas_threads). In a model with convolutions or other large ops,
shares run every step and BLAS stays on one thread. Switching per call instead, BLAS on two
threads for each mid-sized GEMM and back to one after it, cost the mlp step 10% (1.42 ms
against 1.29, alternating in one process): OpenBLAS's threads are told to stop each time.
"""
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import _settings

__all__ = ["map_shares", "assign", "elementwise", "matmul", "MIN_ELEMENTS"]

_lock = threading.Lock()  # one parallel region at a time; held, it marks work inside a share
_pools = {}


def _after_fork_in_child():
    """A forked child (a DataLoader worker) has none of its parent's pool threads, and the lock
    may have been held by one: start both afresh, or the child's first shares would wait
    forever."""
    global _lock
    _lock = threading.Lock()
    _pools.clear()


if hasattr(os, "register_at_fork"):  # POSIX: Windows has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)

MIN_ELEMENTS = 1 << 17  # less work than this runs whole: a hand-off costs 20-50 µs


def map_shares(xp, work, items, elements=MIN_ELEMENTS):
    """[work(share) for share in shares], shares being `items` cut into one contiguous run per
    CPU thread (ember.get_num_threads()), computed at once. Off the CPU, with one thread, or
    when the work touches fewer than MIN_ELEMENTS `elements`: work(items) alone."""
    threads = min(_settings.get_num_threads(), len(items))
    if elements < MIN_ELEMENTS:
        threads = 1
    if xp is not np or threads < 2:
        return [work(items)]
    size = -(-len(items) // threads)
    shares = [items[start:start + size] for start in range(0, len(items), size)]  # list or range
    pool = _pools.get(len(shares))
    if pool is None:
        pool = _pools[len(shares)] = ThreadPoolExecutor(len(shares) - 1, "ember-share")
    global _shares_ran_at
    _shares_ran_at = time.monotonic()
    _settings.use_blas_threads(1)
    with _lock:
        futures = [pool.submit(work, share) for share in shares[1:]]
        first = work(shares[0])  # this thread takes a share too
        return [first] + [future.result() for future in futures]


# From GEMM_MIN_WORK multiply-adds on, a GEMM is split into shares: a hand-off to a sleeping
# thread costs 60-80 µs on this project's VM, and the mlp benchmark's 128x256x256 GEMMs
# (8.4 M, 220 µs on one thread) ran no faster split. Smaller ones run on BLAS's threads once no
# shares have run for QUIET_SECONDS: see NOTE [ One-thread BLAS ].
GEMM_MIN_WORK = 1 << 24
QUIET_SECONDS = 0.25
_shares_ran_at = -math.inf


def matmul(a, b):
    """a @ b for NumPy arrays; a large float GEMM is cut into one block of rows (or of
    columns, when there are fewer rows; or of the leading batch dim) per share thread, each
    block a single-threaded BLAS call writing its part of the result. See NOTE [ One-thread
    BLAS ]."""
    if (a.__class__ is not np.ndarray or b.__class__ is not np.ndarray or a.ndim < 2
            or b.ndim < 2 or a.dtype.kind != "f" or a.dtype != b.dtype or _lock.locked()):
        return a @ b
    (m, k), n = a.shape[-2:], b.shape[-1]
    batch = () if a.ndim == b.ndim == 2 else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    threads = _settings.get_num_threads()
    if m * n * k * math.prod(batch) < GEMM_MIN_WORK or threads < 2:
        if time.monotonic() - _shares_ran_at >= QUIET_SECONDS:
            _settings.use_blas_threads(threads)
        return a @ b
    out = np.empty(batch + (m, n), a.dtype)
    if batch and batch[0] >= threads:
        a, b = np.broadcast_to(a, batch + (m, k)), np.broadcast_to(b, batch + (k, n))
        split, length = "batch", batch[0]
    else:
        split, length = ("rows", m) if m >= n else ("columns", n)

    def work(part):
        block = slice(part.start, part.stop)
        if split == "batch":
            np.matmul(a[block], b[block], out=out[block])
        elif split == "rows":
            np.matmul(a[..., block, :], b, out=out[..., block, :])
        else:
            np.matmul(a, b[..., block], out=out[..., block])

    map_shares(np, work, range(length))
    return out


def assign(xp, target, source):
    """target[...] = source, the rows of their first axis copied in shares."""
    def copy(rows):
        target[rows.start:rows.stop] = source[rows.start:rows.stop]

    map_shares(xp, copy, range(target.shape[0]), target.size)


_ROW = 1 << 14


def elementwise(xp, kernel, *operands):
    """kernel(*operands, out=None) for an elementwise kernel (a NumPy ufunc, a function with its
    `out` argument, or a compiled one, which returns None for operands it does not take: then
    so does this); when the array operands are large C-contiguous CPU arrays of one shape,
    computed into a new array of the first's dtype in shares of the flat elements.

    There a number operand is taken in the first operand's dtype and spread into a row of
    _ROW elements that the arrays' rows meet: NumPy's SIMD loops skip an operand of stride 0,
    and np.maximum(x, 0) ran 2-3x slower than against a row of zeros."""
    first = operands[0]
    size = first.size
    if size < MIN_ELEMENTS or xp is not np or not all(
            a.shape == first.shape and a.flags.c_contiguous
            for a in operands if a.__class__ is np.ndarray):
        return kernel(*operands, out=None)
    out = np.empty(first.shape, first.dtype)
    flats = [a.reshape(-1) if a.__class__ is np.ndarray else a for a in (out,) + operands]
    rows = [None if a.__class__ is np.ndarray else np.full(_ROW, a, first.dtype) for a in flats]
    if kernel(*[a[:1] if row is None else row[:1] for a, row in zip(flats[1:], rows[1:])],
              out=flats[0][:1]) is None:  # a compiled kernel declined the dtype
        return None

    def work(elements):
        start, stop = elements.start, elements.stop
        body = start + (stop - start) // _ROW * _ROW
        if body > start:
            parts = [a[start:body].reshape(-1, _ROW) if row is None else row
                     for a, row in zip(flats, rows)]
            kernel(*parts[1:], out=parts[0])
        if stop > body:
            parts = [a[body:stop] if row is None else a for a, row in zip(flats, rows)]
            kernel(*parts[1:], out=parts[0])

    map_shares(xp, work, range(size), size)
    return out
