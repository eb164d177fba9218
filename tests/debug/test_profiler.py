"""ember.profiler: op counts and times, memory, torch's table, Chrome traces, schedules."""
import json
import os
import sys
import time

import pytest
from conftest import CifarNet

import ember
import ember.nn.functional as F
from ember.autograd.function import Function, FunctionCtx, Node, Op
from ember.profiler import (ProfilerAction, ProfilerActivity, profile, record_function,
                            schedule, tensorboard_trace_handler)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cuda"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
import gpu_check  # noqa: E402
from fake_gpu import installed  # noqa: E402

ORIGINAL = (Op.__dict__["apply"], Function.__dict__["apply"], Node.apply, FunctionCtx.apply)


def _train_step(model, batch):
    images, labels = batch
    with record_function("train_step"):
        loss = F.cross_entropy(model(images), labels)
        loss.backward()


def test_counts_times_and_memory_of_forward_and_backward(cifar_batch):
    model = CifarNet()
    with profile(record_shapes=True, profile_memory=True) as prof:
        for _ in range(2):
            _train_step(model, cifar_batch)
    assert (Op.__dict__["apply"], Function.__dict__["apply"], Node.apply,
            FunctionCtx.apply) == ORIGINAL  # the timed wrappers are gone
    rows = {row.key: row for row in prof.key_averages()}
    assert rows["aten::convolution"].count == 4 and rows["ConvolutionBackward0"].count == 4
    assert rows["aten::addmm"].count == 4 and rows["train_step"].count == 2
    assert not any(key.startswith("ProfilerStep") for key in rows)  # no schedule, no steps
    step = rows["train_step"]
    assert step.cpu_time_total >= sum(r.self_cpu_time_total for k, r in rows.items()
                                      if k != "train_step") * 0.999
    conv = rows["aten::convolution"]
    assert conv.self_cpu_time_total == pytest.approx(conv.cpu_time_total)  # nothing nested
    backward = rows["ConvolutionBackward0"]  # the ops of its formula nest inside it
    assert backward.cpu_time_total > backward.self_cpu_time_total
    assert rows["aten::relu"].self_cpu_memory_usage == 2 * 2 * 4 * (32 * 30 * 30 + 64 * 13 * 13 + 128)
    events = prof.events()
    first_conv = next(e for e in events if e.name == "aten::convolution")
    assert first_conv.input_shapes[:3] == [[2, 3, 32, 32], [32, 3, 3, 3], [32]]
    assert first_conv.kind == "cpu_op" and first_conv.start_us >= 0


def test_table_is_formatted_like_torch(cifar_batch):
    model = CifarNet()
    with profile(profile_memory=True) as prof:
        _train_step(model, cifar_batch)
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=5)
    lines = table.rstrip("\n").split("\n")
    assert lines[0] == lines[2] == lines[-2] and set(lines[0]) == {"-", " "}
    assert lines[1].split() == [
        "Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total", "CPU",
        "time", "avg", "CPU", "Mem", "Self", "CPU", "Mem", "#", "of", "Calls"]
    assert len(lines) == 3 + 5 + 2 and lines[-1].startswith("Self CPU time total: ")
    assert lines[3].split()[0] == "train_step"  # largest cpu_time_total first
    totals = [row.cpu_time_total for row in sorted(prof.key_averages(),
                                                  key=lambda r: -r.cpu_time_total)][:5]
    assert totals == sorted(totals, reverse=True)
    assert lines[3].endswith("1  ") and "%" in lines[3]
    by_count = prof.key_averages().table(sort_by="count", row_limit=1).split("\n")[3]
    assert int(by_count.split()[-1]) == max(row.count for row in prof.key_averages())
    with pytest.raises(AttributeError):
        prof.key_averages().table(sort_by="no_such_column")


def test_chrome_trace_is_valid_json_with_complete_events(cifar_batch, tmp_path):
    model = CifarNet()
    with profile(with_stack=True, with_modules=True) as prof:
        _train_step(model, cifar_batch)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert events and all({"name", "ts", "dur", "pid", "tid"} <= set(e) for e in events)
    assert all(isinstance(e["ts"], (int, float)) and e["dur"] >= 0 for e in events)
    conv = next(e for e in events if e["name"] == "aten::convolution")
    step = next(e for e in events if e["name"] == "train_step")
    assert step["ts"] <= conv["ts"] and conv["ts"] + conv["dur"] <= step["ts"] + step["dur"]
    assert conv["args"]["Module"] == "features.0"
    assert "test_profiler.py" in conv["args"]["Call stack"]
    assert {e["cat"] for e in events} == {"cpu_op", "backward", "user_annotation"}


def test_schedule_profiles_a_few_steps_of_a_long_loop():
    fn = schedule(wait=1, warmup=1, active=2, repeat=2)
    assert [fn(step) for step in range(9)] == [
        ProfilerAction.NONE, ProfilerAction.WARMUP, ProfilerAction.RECORD,
        ProfilerAction.RECORD_AND_SAVE, ProfilerAction.NONE, ProfilerAction.WARMUP,
        ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE, ProfilerAction.NONE]
    traces = []
    x = ember.ones(3, requires_grad=True)
    with profile(schedule=fn, on_trace_ready=lambda p: traces.append(
            sorted(e.name for e in p.events() if e.name.startswith("ProfilerStep")))) as prof:
        for _ in range(10):
            (x * 2).sum().backward()
            prof.step()
    assert traces == [["ProfilerStep#2", "ProfilerStep#3"], ["ProfilerStep#6", "ProfilerStep#7"]]
    counts = {row.key: row.count for row in prof.key_averages()}
    # two recorded steps: a Mul in each forward, and one in each MulBackward0's formula
    assert counts["MulBackward0"] == 2 and counts["aten::mul"] == 4


def test_record_function_is_free_and_silent_without_a_profile():
    with record_function("outside"):
        y = ember.ones(2) * 2
    assert float(y.sum()) == 4.0

    @record_function("decorated")
    def work():
        return ember.ones(2).exp()

    with profile() as prof:
        work()
        work()
    assert {row.key: row.count for row in prof.key_averages()}["decorated"] == 2


def test_one_profile_at_a_time_and_trace_handler(tmp_path):
    with profile(on_trace_ready=tensorboard_trace_handler(str(tmp_path), "worker")):
        with pytest.raises(RuntimeError, match="already enabled"):
            with profile():
                pass
        ember.ones(2, requires_grad=True).exp()
    files = list(tmp_path.glob("worker.*.pt.trace.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["traceEvents"]
    assert Op.__dict__["apply"] is ORIGINAL[0]


# -- device time from CUDA events, on a fake GPU whose clock moves only when a kernel runs ----

class _GpuClock:
    def __init__(self):
        self.now_ms = 0.0
        self.synchronized = []  # the GPU indices synchronize() was called with


class _Kernel(Function):
    """y = 2 x, taking `ms` of the fake GPU's time forward and 1 ms backward."""

    clock = None

    @staticmethod
    def forward(ctx, x, ms):
        _Kernel.clock.now_ms += ms
        return x * 2

    @staticmethod
    def backward(ctx, grad_y):
        _Kernel.clock.now_ms += 1.0
        return grad_y * 2, None


class Slow(_Kernel):
    pass


class Fast(_Kernel):
    pass


@pytest.fixture
def fake_gpu_clock(monkeypatch):
    """ember's "cuda" is the fake CPU-backed device; ember.cuda.Event reads its clock."""
    clock = _GpuClock()

    class FakeEvent:
        def __init__(self, enable_timing=False):
            assert enable_timing

        def record(self, stream=None):
            self.time_ms = clock.now_ms

        def elapsed_time(self, end_event):
            return end_event.time_ms - self.time_ms

    monkeypatch.setattr(_Kernel, "clock", clock)
    monkeypatch.setattr(ember.cuda, "Event", FakeEvent)
    monkeypatch.setattr(ember.cuda, "synchronize", clock.synchronized.append)
    with installed():
        yield clock


def _profile_kernels(**kwargs):
    x = ember.ones(4, device="cuda", requires_grad=True)
    with profile(**kwargs) as prof:
        with record_function("step"):
            y = Slow.apply(x, 5.0)
            for _ in range(3):
                y = Fast.apply(y, 2.0)
            y.sum().backward()
    return prof


def test_cuda_activity_times_ops_on_a_gpu_with_cuda_events(fake_gpu_clock):
    prof = _profile_kernels(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA])
    assert fake_gpu_clock.synchronized == [0]  # once, when recording stopped
    rows = {row.key: row for row in prof.key_averages()}
    slow, fast, step = rows["Slow"], rows["Fast"], rows["step"]
    assert slow.device_time_total == slow.self_device_time_total == 5000.0  # us
    assert fast.count == 3 and fast.device_time_total == 6000.0 and fast.device_time == 2000.0
    assert rows["aten::mul"].device_time_total == 0.0  # nested in the kernels, which took the time
    backward = rows["SlowBackward0"].device_time_total + rows["FastBackward0"].device_time_total
    assert backward == 4000.0
    # a range without events (record_function) counts the device time nested in it
    assert step.device_time_total == 15000.0 and step.self_device_time_total == 0.0
    with pytest.warns(FutureWarning, match="Use `device_time_total` instead"):
        assert slow.cuda_time_total == 5000.0
    first = next(e for e in prof.events() if e.name == "Slow")
    assert first.device == 0 and first.device_start_us == first.start_us  # the timelines meet


def test_table_sorts_and_shows_cuda_columns_like_torch(fake_gpu_clock):
    prof = _profile_kernels()  # torch's default activities include CUDA
    averages = prof.key_averages()
    table = averages.table(sort_by="self_cuda_time_total", row_limit=3)
    lines = table.rstrip("\n").split("\n")
    assert lines[1].split() == [
        "Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total", "CPU",
        "time", "avg", "Self", "CUDA", "Self", "CUDA", "%", "CUDA", "total", "CUDA", "time",
        "avg", "#", "of", "Calls"]
    assert [line.split()[0] for line in lines[3:6]] == ["Fast", "Slow", "FastBackward0"]
    assert lines[3].split()[-5:] == ["6.000ms", "40.00%", "6.000ms", "2.000ms", "3"]
    assert lines[-1] == "Self CUDA time total: 15.000ms"
    for sort_by in ("cuda_time_total", "device_time_total"):
        names = [line.split()[0] for line in averages.table(sort_by=sort_by).split("\n")[3:7]]
        assert names[:3] == ["step", "Fast", "Slow"]


def test_chrome_trace_puts_device_time_on_the_gpus_track(fake_gpu_clock, tmp_path):
    prof = _profile_kernels()
    prof.export_chrome_trace(str(tmp_path / "trace.json"))
    trace = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    gpu = [e for e in trace if e["ph"] == "X" and e["cat"] == "gpu_op"]
    assert {e["pid"] for e in gpu} == {0}
    assert {"ph": "M", "name": "process_name", "pid": 0, "tid": 0,
            "args": {"name": "GPU 0"}} in trace
    kernels = [e for e in gpu if e["name"] in ("Slow", "Fast")]
    assert [e["dur"] for e in kernels] == [5000.0, 2000.0, 2000.0, 2000.0]
    starts = [e["ts"] - kernels[0]["ts"] for e in kernels]
    assert starts == pytest.approx([0.0, 5000.0, 7000.0, 9000.0])
    cpu = [e for e in trace if e["ph"] == "X" and e["cat"] == "cpu_op"]
    assert cpu and all(e["pid"] != 0 for e in cpu)


def test_cpu_only_runs_make_no_cuda_events(monkeypatch):
    def no_gpu(*args, **kwargs):
        raise AssertionError("a CUDA call on a CPU-only run")

    monkeypatch.setattr(ember.cuda, "Event", no_gpu)
    monkeypatch.setattr(ember.cuda, "synchronize", no_gpu)
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        (ember.ones(3, requires_grad=True) * 2).sum().backward()
    assert all(row.device_time_total == 0 for row in prof.key_averages())
    assert "CUDA" not in prof.key_averages().table()
    assert all(event.device_start_us is None for event in prof.events())


def test_cpu_activity_alone_times_no_device(fake_gpu_clock):
    prof = _profile_kernels(activities=[ProfilerActivity.CPU])
    assert fake_gpu_clock.synchronized == []
    assert all(row.device_time_total == 0 for row in prof.key_averages())


def test_gpu_checks_profiler_section_runs_on_the_fake_gpu(monkeypatch):
    # the fake GPU computes as it is called, so events that read the host's clock time its ops
    class WallClockEvent:
        def __init__(self, enable_timing=False):
            pass

        def record(self, stream=None):
            self.time_ns = time.perf_counter_ns()

        def elapsed_time(self, end_event):
            return (end_event.time_ns - self.time_ns) / 1e6

    monkeypatch.setattr(ember.cuda, "Event", WallClockEvent)
    monkeypatch.setattr(ember.cuda, "synchronize", lambda device=None: None)
    lines = []
    with installed():
        assert gpu_check.check_profiler(lines.append, size=512) == []
    assert lines[0].startswith("profiler with CUDA events: 5/5 ok")
    assert "Self CUDA" in lines[1]


def test_autograd_profiler_is_the_older_interface_to_the_same_profiler():
    model = ember.nn.Linear(3, 2)
    with ember.autograd.profiler.profile(record_shapes=True) as prof:
        with ember.autograd.profiler.record_function("step"):
            model(ember.ones(4, 3)).sum().backward()
    names = {event.key for event in prof.key_averages()}
    assert {"step", "aten::addmm"} <= names
    with ember.autograd.profiler.profile(enabled=False) as idle:
        model(ember.ones(4, 3))
    assert len(idle.key_averages()) == 0
