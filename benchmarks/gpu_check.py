"""GPU check: is ember correct and fast on this machine's GPU?  python benchmarks/gpu_check.py

Runs in under three minutes on one H100:
 1. every core op on cuda against its CPU result, forward and gradients;
 2. the fused CuPy kernels against the generic path;
 3. a small CNN trained on cuda and on the CPU from the same start: the losses must match;
 4. an autocast (float16) + GradScaler training run: the loss must fall;
 5. the memory, stream and event functions, and the profiler's device times (CUDA events);
 6. timings of ember on the GPU, and ratios to torch on the GPU where torch has CUDA.
Exits 1 if any check failed. `--device` picks another device type (tests/cuda runs sections
1-3 on a fake CPU-backed "cuda" device).
"""
import argparse
import sys
import time

import numpy as np

import ember
import ember.nn.functional as F

RTOL, ATOL = 1e-3, 1e-4  # cuBLAS and numpy's BLAS sum in different orders


# -- 1. core ops --------------------------------------------------------------------------

def _pos(x):
    return x.abs() + 0.5


CORE_OPS = [  # (name, shapes, fn(*tensors) -> tensor or tuple)
    ("add", [(4, 5), (5,)], lambda a, b: a + b),
    ("sub_mul_div", [(4, 5), (4, 5)], lambda a, b: (a - b) * a / (b.abs() + 1)),
    ("pow", [(4, 5)], lambda a: _pos(a) ** 1.7),
    ("exp_log", [(4, 5)], lambda a: a.exp() + _pos(a).log()),
    ("sqrt_rsqrt", [(4, 5)], lambda a: _pos(a).sqrt() + _pos(a).rsqrt()),
    ("tanh_sigmoid", [(4, 5)], lambda a: a.tanh() + a.sigmoid()),
    ("erf", [(4, 5)], lambda a: ember.erf(a)),
    ("clamp_where", [(4, 5)], lambda a: ember.where(a > 0, a.clamp(max=0.5), -a)),
    ("maximum", [(4, 5), (4, 5)], lambda a, b: ember.maximum(a, b)),
    ("relu", [(4, 5)], lambda a: F.relu(a)),
    ("leaky_relu_elu", [(4, 5)], lambda a: F.leaky_relu(a, 0.1) + F.elu(a)),
    ("gelu", [(64, 33)], lambda a: F.gelu(a)),
    ("gelu_tanh", [(64, 33)], lambda a: F.gelu(a, approximate="tanh")),
    ("silu", [(64, 33)], lambda a: F.silu(a)),
    ("softplus_mish", [(4, 5)], lambda a: F.softplus(a) + F.mish(a)),
    ("sum_mean", [(4, 5, 6)], lambda a: (a.sum(), a.sum(1), a.mean((0, 2)))),
    ("var_std", [(4, 5, 6)], lambda a: (a.var(1), a.std())),
    ("max_min_argmax", [(4, 5)], lambda a: (a.max(1)[0], a.min(), a.argmax(1))),
    ("logsumexp_norm", [(4, 5)], lambda a: (a.logsumexp(1), a.norm(), a.norm(dim=0))),
    ("cumsum_prod", [(4, 5)], lambda a: (a.cumsum(1), (a / 2).prod(0))),
    ("reshape_permute", [(2, 3, 4)], lambda a: a.reshape(6, 4).t() @ a.permute(2, 0, 1)
     .reshape(4, 6).t()),
    ("cat_stack_split", [(2, 3), (2, 3)],
     lambda a, b: (ember.cat([a, b], 1), ember.stack([a, b]), ember.split(a, 1, 1)[2])),
    ("expand_index", [(3, 1), (3, 4)],
     lambda a, b: a.expand(3, 4) * b[:, 1:3].sum() + b[ember.tensor([2, 0], device=b.device)]
     .sum()),
    ("gather_index_select", [(4, 5)],
     lambda a: (a.gather(1, (a.abs() * 3).long().clamp(max=4)),
                a.index_select(0, ember.tensor([3, 1], device=a.device)))),
    ("masked_fill_scatter", [(4, 5)], lambda a: a.masked_fill(a > 0.5, 0.0)),
    ("sort_topk", [(4, 7)], lambda a: (a.sort(1)[0], a.topk(3)[0])),
    ("matmul", [(3, 8, 16), (16, 5)], lambda a, b: a @ b),
    ("bmm_einsum", [(3, 4, 6), (3, 6, 2)],
     lambda a, b: (ember.bmm(a, b), ember.einsum("bij,bjk->bik", a, b))),
    ("linear", [(6, 8), (5, 8), (5,)], lambda x, w, b: F.linear(x, w, b)),
    ("conv1d", [(2, 3, 17), (4, 3, 5)], lambda x, w: F.conv1d(x, w, stride=2, padding=1)),
    ("conv2d", [(2, 4, 9, 9), (6, 2, 3, 3)],
     lambda x, w: F.conv2d(x, w, padding=1, groups=2)),
    ("conv2d_stride", [(2, 3, 10, 10), (4, 3, 3, 3), (4,)],
     lambda x, w, b: F.conv2d(x, w, b, stride=2, dilation=2)),
    ("conv_transpose2d", [(2, 4, 5, 5), (4, 3, 3, 3)],
     lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)),
    ("pools", [(2, 3, 8, 8)],
     lambda x: (F.max_pool2d(x, 2), F.avg_pool2d(x, 3, stride=2, padding=1),
                F.adaptive_avg_pool2d(x, (3, 3)))),
    ("batch_norm", [(4, 3, 5, 5), (3,), (3,)],
     lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)),
    ("layer_norm", [(4, 7, 16), (16,), (16,)], lambda x, w, b: F.layer_norm(x, (16,), w, b)),
    ("group_norm", [(2, 6, 4, 4)], lambda x: F.group_norm(x, 3)),
    ("softmax", [(4, 9, 5)], lambda x: (F.softmax(x, -1), F.softmax(x, 1))),
    ("log_softmax", [(4, 9, 5)], lambda x: (F.log_softmax(x, -1), F.log_softmax(x, 0))),
    ("cross_entropy", [(8, 10)],
     lambda x: F.cross_entropy(x, ember.arange(8, device=x.device) % 10)),
    ("nll_mse_bce", [(8, 10), (8, 10)],
     lambda x, t: (F.nll_loss(F.log_softmax(x, 1), ember.arange(8, device=x.device)),
                   F.mse_loss(x, t), F.binary_cross_entropy_with_logits(x, t.sigmoid()))),
    ("embedding", [(10, 4)],
     lambda w: F.embedding(ember.tensor([[1, 2], [9, 1]], device=w.device), w)),
    ("attention", [(2, 3, 5, 8), (2, 3, 5, 8), (2, 3, 5, 8)],
     lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)),
]


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _host(tensor):
    return np.asarray(tensor.detach().cpu()._data, dtype=np.float64)


def _run_case(fn, arrays, device, weights_seed):
    inputs = [ember.tensor(a, device=device, requires_grad=True) for a in arrays]
    outputs = _as_tuple(fn(*inputs))
    rng = np.random.default_rng(weights_seed)
    total = None
    for out in outputs:
        if out.is_floating_point() and out.requires_grad:
            weight = ember.tensor(rng.standard_normal(tuple(out.shape)).astype(np.float32),
                                  device=device)
            term = (out * weight).sum()
            total = term if total is None else total + term
    if total is not None:
        total.backward()
    return [_host(o) for o in outputs], [None if t.grad is None else _host(t.grad)
                                         for t in inputs]


def check_core_ops(device="cuda", report=print):
    """Each CORE_OPS entry on `device` against the CPU: outputs, then input gradients.
    Returns the names of the failures."""
    failures = []
    for index, (name, shapes, fn) in enumerate(CORE_OPS):
        rng = np.random.default_rng(index)
        arrays = [rng.uniform(-2, 2, size=s).astype(np.float32) for s in shapes]
        try:
            expected = _run_case(fn, arrays, "cpu", index)
            actual = _run_case(fn, arrays, device, index)
            for what, want, got in (("output", *[expected[0], actual[0]]),
                                    ("grad", *[expected[1], actual[1]])):
                for position, (w, g) in enumerate(zip(want, got)):
                    if (w is None) != (g is None):
                        raise AssertionError(f"{what} {position}: None on one device only")
                    if w is not None:
                        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL,
                                                   err_msg=f"{what} {position}")
        except Exception as error:  # noqa: BLE001  (report every op, then fail)
            failures.append(name)
            report(f"  FAIL {name}: {type(error).__name__}: {str(error).strip()[:300]}")
    report(f"core ops on {device}: {len(CORE_OPS) - len(failures)}/{len(CORE_OPS)} match the "
           f"CPU")
    return failures


# -- 3. a small CNN, trained on both devices from the same start --------------------------

class SmallCNN(ember.nn.Module):
    """conv-bn-relu-pool, conv-gelu, linear: (N, 1, 16, 16) -> (N, 10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = ember.nn.Conv2d(1, 8, 3, padding=1)
        self.bn = ember.nn.BatchNorm2d(8)
        self.conv2 = ember.nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = ember.nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv1(x))), 2)   # (N, 8, 8, 8)
        x = F.gelu(self.conv2(x))                             # (N, 16, 4, 4)
        return self.fc(x.flatten(1))


def _digits(count, seed=0):
    """Synthetic 16x16 'images' of 10 classes: a class-dependent blob plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    grid = np.stack(np.meshgrid(np.arange(16), np.arange(16), indexing="ij"))  # (2, 16, 16)
    centers = np.stack([3 + (labels % 5) * 2.5, 4 + (labels // 5) * 7], 1)      # (N, 2)
    distance = ((grid[None] - centers[:, :, None, None]) ** 2).sum(1)
    images = np.exp(-distance / 6.0) + 0.8 * rng.standard_normal((count, 16, 16))
    return images[:, None].astype(np.float32), labels


def train_cnn(device, steps=30, seed=0, amp=False, lr=0.02):
    """Losses of SmallCNN trained with SGD on `device` (same weights and data each call)."""
    ember.manual_seed(seed)
    model = SmallCNN().to(device)  # initialised on the CPU: the same weights on any device
    optimizer = ember.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scaler = ember.amp.GradScaler(device, enabled=amp)
    images, labels = _digits(64 * steps, seed)
    losses = []
    for step in range(steps):
        x = ember.tensor(images[64 * step:64 * (step + 1)], device=device)
        y = ember.tensor(labels[64 * step:64 * (step + 1)], device=device)
        optimizer.zero_grad()
        with ember.autocast(device, enabled=amp):
            loss = F.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        losses.append(loss.item())
    return losses


def check_cnn_training(device="cuda", report=print, steps=30):
    cpu = np.array(train_cnn("cpu", steps))
    gpu = np.array(train_cnn(device, steps))
    gap = np.abs(cpu - gpu).max()
    ok = bool(np.allclose(gpu, cpu, rtol=1e-2, atol=1e-3)) and cpu[-1] < cpu[0]
    report(f"CNN training on {device} vs cpu: {'ok' if ok else 'FAIL'} (loss {cpu[0]:.3f} -> "
           f"{cpu[-1]:.3f} on cpu, {gpu[0]:.3f} -> {gpu[-1]:.3f} on {device}; largest gap "
           f"{gap:.2e})")
    return [] if ok else ["cnn_training"]


def check_amp_training(device="cuda", report=print, steps=60):
    losses = np.array(train_cnn(device, steps, amp=True))
    first, last = losses[:5].mean(), losses[-5:].mean()
    ok = bool(np.isfinite(losses).all()) and last < 0.5 * first
    report(f"autocast float16 + GradScaler training on {device}: {'ok' if ok else 'FAIL'} "
           f"(mean loss {first:.3f} -> {last:.3f})")
    return [] if ok else ["amp_training"]


# -- 2. fused kernels against the generic path --------------------------------------------

def check_fused_kernels(report=print):
    """Each fused CuPy kernel against ember's generic code run on the same GPU arrays."""
    from ember.backend import FUSED
    import cupy
    table = FUSED.pop(cupy)  # the generic path: no kernels offered
    failures = []
    rng = np.random.default_rng(0)
    x_host = rng.standard_normal((64, 257)).astype(np.float32)
    w_host = rng.standard_normal(257).astype(np.float32)

    def run():
        x = ember.tensor(x_host, device="cuda", requires_grad=True)
        w = ember.tensor(w_host, device="cuda", requires_grad=True)
        outs = [F.gelu(x), F.gelu(x, approximate="tanh"), F.silu(x), F.softmax(x, -1),
                F.log_softmax(x, 1), F.softmax(x, 0), F.layer_norm(x, (257,), w, w),
                F.gelu(x.half()).float(), x.half() @ x.half().t()]
        sum(((o.float() * o.float().detach()).sum() for o in outs[:-1]),
            ember.zeros((), device="cuda")).backward()
        return [_host(o) for o in outs] + [_host(x.grad), _host(w.grad)]

    generic = run()
    FUSED[cupy] = table
    fused = run()
    names = ["gelu", "gelu_tanh", "silu", "softmax", "log_softmax", "softmax_dim0",
             "layer_norm", "gelu_half", "half_matmul", "grad_x", "grad_w"]
    for name, want, got in zip(names, generic, fused):
        tolerance = 1e-2 if "half" in name else 1e-4
        if not np.allclose(got, want, rtol=tolerance, atol=tolerance):
            failures.append(name)
            report(f"  FAIL fused {name}: largest gap {np.abs(got - want).max():.2e}")
    # Adam: fused step vs the generic step on the same parameter
    params = []
    for offered in (False, True):
        if not offered:
            FUSED.pop(cupy)
        p = ember.nn.Parameter(ember.tensor(x_host, device="cuda"))
        optimizer = ember.optim.AdamW([p], lr=1e-2, weight_decay=0.1)
        for _ in range(3):
            p.grad = ember.tensor(np.sin(x_host), device="cuda")
            optimizer.step()
        params.append(_host(p))
        FUSED[cupy] = table
    if not np.allclose(params[0], params[1], rtol=1e-5, atol=1e-6):
        failures.append("adam_step")
        report(f"  FAIL fused adam_step: largest gap {np.abs(params[0] - params[1]).max():.2e}")
    keep = _host(F.dropout(ember.ones(1000, 1000, device="cuda"), 0.3) != 0).mean()
    if abs(keep - 0.7) > 0.01:
        failures.append("dropout_mask")
        report(f"  FAIL fused dropout_mask: kept {keep:.3f} of the elements, expected 0.7")
    report(f"fused kernels: {len(names) + 2 - len(failures)}/{len(names) + 2} match the generic "
           f"path")
    return failures


# -- 5. memory, streams, events -----------------------------------------------------------

def check_memory_and_streams(report=print):
    failures = []
    cuda = ember.cuda
    cuda.synchronize()
    cuda.empty_cache()
    cuda.reset_peak_memory_stats()
    before = cuda.memory_allocated()
    x = ember.empty(1 << 22, device="cuda")  # 16 MiB
    grown = cuda.memory_allocated() - before
    peak = cuda.max_memory_allocated()
    del x
    after = cuda.memory_allocated()
    reserved = cuda.memory_reserved()
    cuda.empty_cache()
    checks = {
        "memory_allocated grows by the tensor": grown >= 1 << 24,
        "max_memory_allocated >= the peak": peak >= before + (1 << 24),
        "memory_allocated falls after del": after <= before,
        "memory_reserved keeps the freed block": reserved >= 1 << 24,
        "empty_cache releases it": cuda.memory_reserved() < reserved,
    }
    stream = cuda.Stream()
    start, end = cuda.Event(enable_timing=True), cuda.Event(enable_timing=True)
    with cuda.stream(stream):
        start.record()
        y = ember.randn(1024, 1024, device="cuda") @ ember.randn(1024, 1024, device="cuda")
        end.record()
    end.synchronize()
    checks["events time the stream's work"] = start.elapsed_time(end) > 0
    checks["the stream is done after synchronize"] = stream.query()
    checks["results computed on a side stream are right"] = bool(
        ember.isfinite(y).all().item())
    with cuda.device(0):
        checks["cuda.device(0) makes device 0 current"] = cuda.current_device() == 0
    for what, ok in checks.items():
        if not ok:
            failures.append(what)
            report(f"  FAIL {what}")
    report(f"memory, streams and events: {len(checks) - len(failures)}/{len(checks)} ok")
    return failures


def check_profiler(report=print, size=2048, row_limit=6):
    """A few ops on cuda under the profiler: each gets device time from its CUDA events, shown
    in torch's CUDA columns and on the GPU's track of the Chrome trace."""
    import json
    import os
    import tempfile

    from ember.profiler import ProfilerActivity, profile, record_function
    a = ember.randn(size, size, device="cuda", requires_grad=True)
    b = ember.randn(size, size, device="cuda")
    (a @ b).relu().sum().backward()  # warm up: cuBLAS handles, compiled kernels
    ember.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(3):
            with record_function("step"):
                (a @ b).relu().sum().backward()
    averages = prof.key_averages()
    rows = {row.key: row for row in averages}
    table = averages.table(sort_by="cuda_time_total", row_limit=row_limit)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "trace.json")
        prof.export_chrome_trace(path)
        with open(path) as file:
            trace = json.load(file)["traceEvents"]
    gpu_events = [e for e in trace if e.get("cat") == "gpu_op"]
    step = rows["step"]
    checks = {
        "MatMul, Relu and their backward have device time": all(
            rows[name].device_time_total > 0
            for name in ("aten::mm", "aten::relu", "MmBackward0", "ReluBackward0")),
        "a MatMul takes longer on the GPU than a Relu":
            rows["aten::mm"].device_time_total > rows["aten::relu"].device_time_total,
        "the step's device time is its ops' (no events of its own)":
            step.self_device_time_total == 0 and step.device_time_total > 0,
        "the table has torch's CUDA columns": "Self CUDA %" in table and "CUDA total" in table,
        "the trace has the ops on the GPU's track": any(
            e["name"] == "aten::mm" and e["dur"] > 0 for e in gpu_events),
    }
    failures = []
    for what, ok in checks.items():
        if not ok:
            failures.append(what)
            report(f"  FAIL {what}")
    report(f"profiler with CUDA events: {len(checks) - len(failures)}/{len(checks)} ok; "
           f"top rows by cuda_time_total:")
    report(table)
    return failures


# -- 6. timings ---------------------------------------------------------------------------

def _time(fn, sync, repeat=20):
    fn()
    sync()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        sync()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def timings(report=print):
    """ember on the GPU, and its ratio to torch on the GPU where torch has CUDA here."""
    try:
        import torch
        has_torch = torch.cuda.is_available()
    except ImportError:
        has_torch = False
    rows = []

    def workload(lib, device):
        a = lib.randn(4096, 4096, device=device)
        h = a.half()
        x = lib.randn(64, 64, 32, 32, device=device, requires_grad=True)
        w = lib.randn(64, 64, 3, 3, device=device, requires_grad=True)
        mlp = lib.nn.Sequential(lib.nn.Linear(1024, 4096), lib.nn.GELU(),
                                lib.nn.Linear(4096, 1024)).to(device)
        opt = lib.optim.Adam(mlp.parameters())
        batch = lib.randn(256, 1024, device=device)

        def train_step():
            opt.zero_grad()
            mlp(batch).square().mean().backward()
            opt.step()

        def conv_step():
            lib.nn.functional.conv2d(x, w, padding=1).sum().backward()

        return {"matmul 4096 float32": lambda: a @ a, "matmul 4096 float16": lambda: h @ h,
                "conv2d 64x64x32x32 fwd+bwd": conv_step,
                "softmax 4096x4096": lambda: lib.softmax(a, -1),
                "MLP train step (Adam)": train_step}

    ember_work = workload(ember, "cuda")
    torch_work = workload(torch, "cuda") if has_torch else {}
    for name, fn in ember_work.items():
        ours = _time(fn, ember.cuda.synchronize)
        theirs = _time(torch_work[name], torch.cuda.synchronize) if has_torch else None
        ratio = f"{ours / theirs:6.2f}x torch" if theirs else "(no torch with CUDA here)"
        rows.append(f"  {name:28s} {ours * 1e3:9.3f} ms   {ratio}")
    report("timings (best of 3, ember on the GPU; ratio > 1: slower than torch):")
    for row in rows:
        report(row)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--no-timings", action="store_true")
    args = parser.parse_args(argv)
    if args.device == "cuda":
        if not ember.cuda.is_available():
            print("CUDA is not available:", ember.backend.cupy_backend.unavailable_reason())
            return 1
        import cupy
        print(f"{ember.cuda.get_device_properties(0)}, CuPy {cupy.__version__}, "
              f"{'ROCm' if cupy.cuda.runtime.is_hip else 'CUDA'}")
    started = time.perf_counter()
    failures = check_core_ops(args.device)
    if args.device == "cuda":
        failures += check_fused_kernels()
    failures += check_cnn_training(args.device)
    if args.device == "cuda":
        failures += check_amp_training()
        failures += check_memory_and_streams()
        failures += check_profiler()
        if not args.no_timings:
            timings()
    print(f"{'FAILED: ' + ', '.join(failures) if failures else 'all checks passed'} "
          f"({time.perf_counter() - started:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
