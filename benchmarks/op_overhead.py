"""Per-op overhead: a forward + backward chain of 100 small elementwise ops, ember vs torch.

    python benchmarks/op_overhead.py [--repeats 30]

Both run in this process, alternating (ember, torch, ember, torch ...), so that machine noise
hits both alike; the medians and their ratio are printed (lower ratio = ember faster).
"""
import argparse
import statistics
import time

import torch

import ember

OPS = 100


def chain(lib, x):
    """100 elementwise ops on a 32x32 tensor that requires grad, then backward."""
    y = x
    for _ in range(OPS // 4):
        y = (y * 0.99).tanh() + y.sigmoid()  # 4 ops
    y.sum().backward()
    x.grad = None


def measure(lib, repeats, inner=20):
    x = lib.ones(32, 32, requires_grad=True)
    chain(lib, x)  # warm-up
    start = time.perf_counter()
    for _ in range(inner):
        chain(lib, x)
    return (time.perf_counter() - start) / inner / OPS * 1e6  # microseconds per op


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    times = {"ember": [], "torch": []}
    for _ in range(args.repeats):
        times["ember"].append(measure(ember, args.repeats))
        times["torch"].append(measure(torch, args.repeats))
    ember_median = statistics.median(times["ember"])
    torch_median = statistics.median(times["torch"])
    print(f"op_overhead (100 ops fwd+bwd on 32x32): ember {ember_median:.2f} us/op, "
          f"torch {torch_median:.2f} us/op, ratio {ember_median / torch_median:.2f}")


if __name__ == "__main__":
    main()
