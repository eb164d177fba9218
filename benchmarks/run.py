"""ember against PyTorch (CPU build) on the same training workloads, in the same run.

    python benchmarks/run.py                 # every workload
    python benchmarks/run.py cnn mlp --rounds 9

Each workload is written once against the torch API and run with `lib` = ember and
`lib` = torch, starting from the same weights. Each library runs in a worker process of its
own that imports only it, as a user's program would; the workers take turns A B A B (a few
steps of ember, then of torch, for --rounds rounds; each round after one untimed step, and
at least 0.1 s of steps), so machine noise hits both alike, and the table gives the median
step time of each and the median of the rounds' ratios ember / torch (lower is better): each
round's ember time over the torch time of the turn right after it, which a drift of the
machine's speed over seconds moves less than a ratio of the two medians would.
Separate processes, not one: in one process each library's idle threads and freed heap
change the other's times (BENCHMARKS.md, "Measuring in one process"). Peak memory is
measured per process too: each framework runs the workload alone in a fresh subprocess,
which reports how far its resident memory rose above what it held before the first step.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import threadpoolctl

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = {"op_overhead": 1.0, "mlp": 1.0, "cnn": 1.3, "resnet": 1.5, "lstm": 1.2,
           "transformer": 1.2, "cnn_inference": 1.3}


# -- the workloads, written once against the torch API --------------------------------------

def classic_cnn(nn):
    return nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 6 * 6, 128), nn.ReLU(), nn.Linear(128, 10))


def small_resnet(nn):
    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = nn.Sequential()
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                              nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.bn1(self.conv1(x)).relu()
            out = self.bn2(self.conv2(out))
            return (out + self.shortcut(x)).relu()

    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for width, stride in ((16, 1), (32, 2), (64, 2)):
        layers += [Block(cin, width, stride), Block(width, width, 1)]
        cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def lstm_model(nn):
    class LanguageModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(10000, 256)
            self.lstm = nn.LSTM(256, 256, num_layers=2)
            self.decoder = nn.Linear(256, 10000)

        def forward(self, tokens):
            output, _ = self.lstm(self.embedding(tokens))
            return self.decoder(output)

    return LanguageModel()


def transformer_model(nn):
    layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.1,
                                       batch_first=True)
    return nn.Sequential(nn.TransformerEncoder(layer, 2, enable_nested_tensor=False),
                         nn.Flatten(), nn.Linear(64 * 128, 10))


def make_workload(name, lib):
    """(step function, model or None) for one workload in one library."""
    nn = lib.nn
    rng = np.random.default_rng(0)
    if name == "op_overhead":
        x = lib.ones(32, 32, requires_grad=True)

        def step():
            y = x
            for _ in range(25):
                y = (y * 0.99).tanh() + y.sigmoid()
            y.sum().backward()
            x.grad = None
        return step, None
    if name == "mlp":
        model = nn.Sequential(nn.Linear(40, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                              nn.Linear(256, 10))
        data = (rng.standard_normal((128, 40)), rng.integers(0, 10, 128))
        optimizer_name = "Adam"
    elif name in ("cnn", "cnn_inference"):
        model = classic_cnn(nn)
        batch = 256 if name == "cnn_inference" else 64
        data = (rng.standard_normal((batch, 3, 32, 32)), rng.integers(0, 10, batch))
        optimizer_name = "Adam"
    elif name == "resnet":
        model = small_resnet(nn)
        data = (rng.standard_normal((128, 3, 32, 32)), rng.integers(0, 10, 128))
        optimizer_name = "SGD"
    elif name == "lstm":
        model = lstm_model(nn)
        data = (rng.integers(0, 10000, (35, 20)), rng.integers(0, 10000, (35, 20)))
        optimizer_name = "SGD"
    elif name == "transformer":
        model = transformer_model(nn)
        data = (rng.standard_normal((32, 64, 128)), rng.integers(0, 10, 32))
        optimizer_name = "AdamW"
    else:
        raise SystemExit(f"unknown workload {name!r}; choose from {', '.join(TARGETS)}")

    inputs = lib.tensor(data[0], dtype=lib.float32 if data[0].dtype.kind == "f" else lib.int64)
    targets = lib.tensor(data[1], dtype=lib.int64)
    if name == "cnn_inference":
        model.eval()

        def step():
            with lib.no_grad():
                model(inputs)
        return step, model
    optimizer = {"Adam": lambda p: lib.optim.Adam(p, lr=1e-3),
                 "AdamW": lambda p: lib.optim.AdamW(p, lr=1e-3),
                 "SGD": lambda p: lib.optim.SGD(p, lr=0.01, momentum=0.9)}[optimizer_name](
        model.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        output = model(inputs)
        loss = loss_fn(output.reshape(-1, output.shape[-1]), targets.reshape(-1))
        loss.backward()
        optimizer.step()
    return step, model


def save_weights(model, path):
    np.savez(path, **{k: v.detach().numpy() for k, v in model.state_dict().items()})


def load_weights(model, path, lib):
    with np.load(path) as arrays:
        model.load_state_dict({k: lib.tensor(arrays[k]) for k in arrays.files})


# -- measuring ----------------------------------------------------------------------------

def time_steps(step, count):
    start = time.perf_counter()
    for _ in range(count):
        step()
    return (time.perf_counter() - start) / count


ROUND_SECONDS = 0.1  # a round times at least this much work, and at least --steps steps


def timing_worker(name, lib_name, weights):
    """Run in a subprocess: build the workload (torch saves its first weights to `weights`,
    ember loads them), warm up, say "ready", then answer each line "N" on stdin with the mean
    time of a round: one untimed step (the first after the other worker's turn runs cold:
    caches, the CPU's clock), then N steps or as many as fill ROUND_SECONDS."""
    lib = __import__(lib_name)
    step, model = make_workload(name, lib)
    if model is not None:
        if lib_name == "torch":
            save_weights(model, weights)
        else:
            load_weights(model, weights, lib)
    step()
    step()
    print("ready", flush=True)
    for line in sys.stdin:
        warm = time_steps(step, 1)
        print(time_steps(step, max(int(line), int(ROUND_SECONDS / warm))), flush=True)


class Worker:
    """One library's timing_worker process."""

    def __init__(self, name, lib_name, weights):
        command = [sys.executable, __file__, "--timing-worker", name, lib_name, weights]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": os.path.dirname(HERE)})
        if self.process.stdout.readline().strip() != "ready":
            self.process.kill()
            raise RuntimeError(f"the {lib_name} worker for {name} failed to start")

    def time(self, steps):
        self.process.stdin.write(f"{steps}\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def compare_times(name, rounds, steps_per_round):
    with tempfile.TemporaryDirectory() as folder:
        weights = os.path.join(folder, "weights.npz")
        workers = {"torch": Worker(name, "torch", weights)}
        workers["ember"] = Worker(name, "ember", weights)
    times = {"ember": [], "torch": []}
    try:
        for _ in range(rounds):
            for lib_name in ("ember", "torch"):
                time.sleep(0.2)  # the other worker's idle threads stop spinning (OpenBLAS: 0.1 s)
                times[lib_name].append(workers[lib_name].time(steps_per_round))
    finally:
        for worker in workers.values():
            worker.close()
    ratios = [e / t for e, t in zip(times["ember"], times["torch"])]
    return (statistics.median(times["ember"]), statistics.median(times["torch"]),
            statistics.median(ratios))


def _resident_bytes():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_resident_bytes():
    """The resident high-water mark since the last reset (VmHWM). Not ru_maxrss: that one
    starts at the parent's size when the process was forked."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def memory_child(name, lib_name, steps):
    """Run in a subprocess: the workload's rise in resident memory, in bytes."""
    import scipy.special  # noqa: F401  (ember imports it lazily; keep it out of the count)
    lib = __import__(lib_name)
    step, _ = make_workload(name, lib)
    before = _resident_bytes()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # reset the high-water mark to the current size
    for _ in range(steps):
        step()
    return max(_peak_resident_bytes(), _resident_bytes()) - before


def measure_memory(name, lib_name, steps):
    command = [sys.executable, __file__, "--memory-child", name, lib_name, str(steps)]
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.path.dirname(HERE)})
    return json.loads(output.stdout.strip().splitlines()[-1])


def gemm_fractions(name, repeats=20):
    """For each conv/linear layer of cnn or resnet: the fraction of numpy's float32 GEMM rate
    (same shapes) that ember reaches on that layer's forward + backward."""
    import ember
    nn = ember.nn
    model = classic_cnn(nn) if name == "cnn" else small_resnet(nn)
    batch = 64 if name == "cnn" else 128
    shapes = {}

    def remember(module, args, output):
        shapes.setdefault(module, (args[0].shape, output.shape))

    hooks = [m.register_forward_hook(remember)
             for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model(ember.randn(batch, 3, 32, 32))
    for hook in hooks:
        hook.remove()
    rows = []
    for module, (in_shape, out_shape) in shapes.items():
        x = ember.randn(*in_shape, requires_grad=True)
        if isinstance(module, nn.Conv2d):
            m = out_shape[0] * out_shape[2] * out_shape[3]
            k = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            n = module.out_channels
        else:
            m, k, n = int(np.prod(in_shape[:-1])), module.in_features, module.out_features
        elapsed = []
        for _ in range(repeats):
            start = time.perf_counter()
            module(x).sum().backward()
            elapsed.append(time.perf_counter() - start)
        a = np.random.rand(m, k).astype(np.float32)
        b = np.random.rand(k, n).astype(np.float32)
        gemm = []
        # NumPy's BLAS on every thread ember uses (ember keeps it on one: NOTE [ One-thread
        # BLAS ] in ember/ops/_parallel.py)
        with threadpoolctl.threadpool_limits(ember.get_num_threads(), user_api="blas"):
            for _ in range(repeats):
                start = time.perf_counter()
                a @ b
                gemm.append(time.perf_counter() - start)
        # forward is one (m,k)x(k,n) GEMM; backward two of the same size
        fraction = 3 * statistics.median(gemm) / statistics.median(elapsed)
        rows.append((repr(module).split("(")[0], f"{m}x{k}x{n}", fraction))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", default=list(TARGETS))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=3, help="steps per round")
    parser.add_argument("--memory-steps", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory-child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--timing-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.timing_worker:
        timing_worker(*args.timing_worker)
        return
    if args.memory_child:
        name, lib_name, steps = args.memory_child
        print(json.dumps(memory_child(name, lib_name, int(steps))))
        return

    import torch
    import ember
    compiled = len(ember._compiled.modules)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}; "
          f"ember {f'with {compiled} modules compiled' if compiled else 'as pure Python'}")
    header = (f"{'workload':<14}{'ember ms':>10}{'torch ms':>10}{'ratio':>7}{'target':>8}"
              f"{'ember MiB':>11}{'torch MiB':>11}{'mem ratio':>10}")
    print(header)
    print("-" * len(header))
    for name in args.workloads:
        ember_time, torch_time, ratio = compare_times(name, args.rounds, args.steps)
        line = (f"{name:<14}{ember_time * 1e3:>10.2f}{torch_time * 1e3:>10.2f}"
                f"{ratio:>7.2f}{TARGETS[name]:>8.1f}")
        if not args.no_memory:
            ember_memory = measure_memory(name, "ember", args.memory_steps)
            torch_memory = measure_memory(name, "torch", args.memory_steps)
            line += (f"{ember_memory / 2**20:>11.1f}{torch_memory / 2**20:>11.1f}"
                     f"{ember_memory / max(torch_memory, 1):>10.2f}")
        print(line, flush=True)
    for name in ("cnn", "resnet"):
        if name in args.workloads:
            print(f"\n{name}: fraction of numpy's float32 GEMM rate reached per layer")
            for layer, shape, fraction in gemm_fractions(name):
                print(f"  {layer:<8} {shape:<20} {fraction:5.2f}")


if __name__ == "__main__":
    main()
