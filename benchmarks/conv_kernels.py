"""Convolution and pooling kernels, forward + backward, ember vs torch.nn.functional.

    python benchmarks/conv_kernels.py [--repeats 15] [--batch 64]

Each case runs in this process alternating (ember, torch, ember, torch ...), so that machine
noise hits both alike; the best and the median times (ms) and the ratios ember / torch are
printed (lower is better for ember; on a shared machine the best times are the steadier).
Inputs are float32; layer inputs after the first require grad, as in training. The last case
is the conv / pool part of a small CIFAR CNN.
"""
import argparse
import statistics
import time

import numpy as np
import torch

import ember
from ember.ops import conv, pool


def _conv_layer(in_channels, size, out_channels, padding, input_grad):
    def setup(lib, rng, batch):
        x = lib.tensor(rng.standard_normal((batch, in_channels, size, size), dtype=np.float32),
                       requires_grad=input_grad)
        w = lib.tensor(rng.standard_normal((out_channels, in_channels, 3, 3), dtype=np.float32)
                       * 0.1, requires_grad=True)
        b = lib.zeros(out_channels, requires_grad=True)
        return x, w, b

    def step(lib, functional, tensors):
        x, w, b = tensors
        functional.conv2d(x, w, b, padding=padding).sum().backward()
    return setup, step


def _pool(kind, size):
    def setup(lib, rng, batch):
        return (lib.tensor(rng.standard_normal((batch, 32, size, size), dtype=np.float32),
                           requires_grad=True),)

    def step(lib, functional, tensors):
        getattr(functional, kind)(tensors[0], 2).sum().backward()
    return setup, step


def _cnn():
    """conv(3->32, 3x3) relu maxpool2, conv(32->64, 3x3) relu maxpool2: 32x32 -> 64x6x6."""
    def setup(lib, rng, batch):
        x = lib.tensor(rng.standard_normal((batch, 3, 32, 32), dtype=np.float32))
        w1 = lib.tensor(rng.standard_normal((32, 3, 3, 3), dtype=np.float32) * 0.2,
                        requires_grad=True)
        w2 = lib.tensor(rng.standard_normal((64, 32, 3, 3), dtype=np.float32) * 0.05,
                        requires_grad=True)
        b1, b2 = lib.zeros(32, requires_grad=True), lib.zeros(64, requires_grad=True)
        return x, w1, b1, w2, b2

    def step(lib, functional, tensors):
        x, w1, b1, w2, b2 = tensors
        h = functional.max_pool2d(functional.conv2d(x, w1, b1).relu(), 2)
        h = functional.max_pool2d(functional.conv2d(h, w2, b2).relu(), 2)
        h.sum().backward()
    return setup, step


CASES = [
    ("conv2d 3x32x32 -> 32, 3x3 pad 1 (first layer)", _conv_layer(3, 32, 32, 1, False)),
    ("conv2d 3x32x32 -> 32, 3x3", _conv_layer(3, 32, 32, 0, False)),
    ("conv2d 32x15x15 -> 64, 3x3", _conv_layer(32, 15, 64, 0, True)),
    ("conv2d 32x16x16 -> 64, 3x3 pad 1", _conv_layer(32, 16, 64, 1, True)),
    ("max_pool2d 2 on 32x30x30", _pool("max_pool2d", 30)),
    ("avg_pool2d 2 on 32x30x30", _pool("avg_pool2d", 30)),
    ("CNN conv/relu/pool x2 on 3x32x32", _cnn()),
]


class _EmberF:
    conv2d = staticmethod(conv.conv2d)
    max_pool2d = staticmethod(pool.max_pool2d)
    avg_pool2d = staticmethod(pool.avg_pool2d)


def _time(lib, functional, step, tensors, inner):
    start = time.perf_counter()
    for _ in range(inner):
        step(lib, functional, tensors)
        for t in tensors:
            t.grad = None
    return (time.perf_counter() - start) / inner * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; batch {args.batch}; "
          f"{args.repeats} repeats, forward + backward (ms)")
    print(f"{'case':48s} {'best: ember':>11s} {'torch':>7s} {'ratio':>5s}   "
          f"{'median: ember':>13s} {'torch':>7s} {'ratio':>5s}")
    for name, (setup, step) in CASES:
        rng = np.random.default_rng(0)
        runs = {ember: (_EmberF, setup(ember, rng, args.batch)),
                torch: (torch.nn.functional, setup(torch, np.random.default_rng(0), args.batch))}
        times = {ember: [], torch: []}
        for lib, (functional, tensors) in runs.items():
            _time(lib, functional, step, tensors, 1)  # warm-up
        for _ in range(args.repeats):
            for lib, (functional, tensors) in runs.items():
                times[lib].append(_time(lib, functional, step, tensors, 2))
        line = f"{name:48s}"
        for summary in (min, statistics.median):
            ember_ms, torch_ms = summary(times[ember]), summary(times[torch])
            line += f" {ember_ms:11.2f} {torch_ms:7.2f} {ember_ms / torch_ms:5.2f}  "
        print(line)


if __name__ == "__main__":
    main()
