"""ember.profiler: op counts and times, memory, torch's table, Chrome traces, schedules."""
import json
import warnings

import pytest
from conftest import CifarNet

import ember
import ember.nn.functional as F
from ember.autograd.function import Function, FunctionCtx, Node, Op
from ember.profiler import (ProfilerAction, profile, record_function, schedule,
                            tensorboard_trace_handler)

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
    assert rows["Convolution"].count == 4 and rows["ConvolutionBackward0"].count == 4
    assert rows["Linear"].count == 4 and rows["train_step"].count == 2
    assert rows["ProfilerStep#0"].count == 1
    step = rows["train_step"]
    assert step.cpu_time_total >= sum(r.self_cpu_time_total for k, r in rows.items()
                                      if k not in ("train_step", "ProfilerStep#0")) * 0.999
    conv = rows["Convolution"]
    assert conv.self_cpu_time_total == pytest.approx(conv.cpu_time_total)  # nothing nested
    backward = rows["ConvolutionBackward0"]  # the ops of its formula nest inside it
    assert backward.cpu_time_total > backward.self_cpu_time_total
    assert rows["Relu"].self_cpu_memory_usage == 2 * 2 * 4 * (32 * 30 * 30 + 64 * 13 * 13 + 128)
    events = prof.events()
    first_conv = next(e for e in events if e.name == "Convolution")
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
    assert lines[3].split()[0] == "ProfilerStep#0"  # largest cpu_time_total first
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
    conv = next(e for e in events if e["name"] == "Convolution")
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
    assert counts["MulBackward0"] == 2 and counts["Mul"] == 4


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


def test_cuda_activity_warns_that_device_time_is_not_collected():
    from ember.profiler import ProfilerActivity
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA])
    assert any("CUDA kernel times are not collected" in str(w.message) for w in caught)
