"""Recording op timings: torch.profiler's profile, record_function and schedule.

While a profile records, Op.apply and Function.apply (every op's forward) and Node.apply and
FunctionCtx.apply (every node's backward, called by the engine) are swapped for timed
wrappers; when it stops the originals go back. Nothing is checked on the hot path otherwise,
so an idle profiler costs nothing.

Forward ops are named as torch's profiler names them (`aten::mm`, from the op's node name
MmBackward0), backward nodes by their grad_fn name (`MmBackward0`), custom autograd
Functions by their class name. Each timed range is pushed on a per-thread stack, so that a
range knows the time spent in the ranges nested in it (self time = total - children). Ops
called by a backward formula nest under the backward node, as torch's aten ops nest under
autograd nodes.

With ProfilerActivity.CUDA (requested by default), an op whose tensors are on a GPU also gets
a pair of CUDA events (ember.cuda.Event) recorded on the current stream around it; when the
recording stops, one synchronize per GPU, and the time between each pair is the op's device
time. See NOTE [ Device time from CUDA events ]. Ops on the CPU get no events, so a CPU-only
run never loads ember's CUDA backend (nor CuPy).
"""
import contextlib
import enum
import os
import re
import socket
import threading
import time
import warnings

import numpy as np

from ..autograd import graph
from ..autograd.function import Function, FunctionCtx, Node, Op
from ..backend import backend_of
from .events import EventList, FunctionEvent

__all__ = ["profile", "record_function", "schedule", "ProfilerAction", "ProfilerActivity",
           "tensorboard_trace_handler", "supported_activities"]


class ProfilerActivity(enum.Enum):
    """What to profile: CPU (op times on the host) and CUDA (device times of ops on a GPU)."""

    CPU = 0
    CUDA = 1


def supported_activities():
    """CPU, and CUDA where ember.cuda.is_available() (which imports CuPy, where installed)."""
    from .. import cuda
    if cuda.is_available():
        return {ProfilerActivity.CPU, ProfilerActivity.CUDA}
    return {ProfilerActivity.CPU}


class ProfilerAction(enum.Enum):
    """What a schedule asks for at a step."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """A profiler schedule: skip `skip_first` steps, then cycles of `wait` idle steps, `warmup`
    steps and `active` recorded steps (the trace is handed to on_trace_ready at the end of each
    cycle), `repeat` times (0: until the loop ends).

    Example:
        >>> with ember.profiler.profile(schedule=ember.profiler.schedule(
        ...         wait=1, warmup=1, active=2), on_trace_ready=print_table) as prof:
        ...     for batch in loader:
        ...         train_step(batch)
        ...         prof.step()
    """
    if not (wait >= 0 and warmup >= 0 and active > 0 and repeat >= 0 and skip_first >= 0):
        raise AssertionError("Invalid profiler schedule arguments")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)
    cycle = wait + warmup + active

    def schedule_fn(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        position = step % cycle
        if position < wait:
            return ProfilerAction.NONE
        if position < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if position < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return schedule_fn


def _always_record(step):
    return ProfilerAction.RECORD


# -- the recorder: timed ranges, and the wrappers that make them ------------------------------

class _Range:
    __slots__ = ("name", "kind", "start", "end", "child_time", "memory", "child_memory",
                 "shapes", "stack", "module", "thread", "parent", "events", "device",
                 "device_start", "device_time", "self_device_time", "child_device_time")


# NOTE [ Device time from CUDA events ]
# A GPU runs an op's kernels after the CPU has queued them, so the CPU time of an op on a GPU
# is its launch time. The device time comes from two CUDA events queued on the current stream,
# one before the op and one after: the time between them on the GPU is that of the op's
# kernels, plus any time the GPU sat idle waiting for the CPU to queue the next kernel (torch's
# kineto sees each kernel; events see only the span). Events nest as the ranges do, so a
# range's self device time is its span less its nested ranges' spans; a range without events
# (record_function, ProfilerStep) gets the sum of its nested ranges' device times, as torch
# counts a CPU range. Elapsed times are read once, after a synchronize, when recording stops:
# reading them per op would make every op wait for the GPU.


class _Recorder:
    """Collects timed ranges while one profile records."""

    def __init__(self, record_shapes, profile_memory, with_stack, with_modules, device_timing):
        self.device_timing = device_timing
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_modules = with_modules
        self.ranges = []
        self.local = threading.local()
        self.origin = time.perf_counter_ns()

    def begin(self, name, kind, args):
        stack = self.local.__dict__.setdefault("stack", [])
        item = _Range()
        item.name, item.kind = name, kind
        item.child_time = item.child_memory = item.memory = 0
        item.shapes = _shapes(args) if self.record_shapes else None
        item.stack = _stack_strings() if self.with_stack else None
        current = graph.current_module() if self.with_modules else None
        item.module = current[1] if current else None
        item.thread = threading.get_ident()
        item.parent = stack[-1] if stack else None
        item.events = item.device = item.device_start = None
        item.device_time = item.self_device_time = item.child_device_time = 0.0
        if self.device_timing:
            item.device = _cuda_device(args)
            if item.device is not None:
                cuda = _cuda()
                item.events = (cuda.Event(enable_timing=True), cuda.Event(enable_timing=True))
                item.events[0].record()
        stack.append(item)
        item.start = time.perf_counter_ns()
        return item

    def end(self, item, result):
        item.end = time.perf_counter_ns()
        if item.events is not None:
            item.events[1].record()
        stack = self.local.stack
        while stack and stack.pop() is not item:  # ranges an exception left open end here
            pass
        if self.profile_memory:
            item.memory = _nbytes(result)
        if stack:
            parent = stack[-1]
            parent.child_time += item.end - item.start
            parent.child_memory += item.memory + item.child_memory
        self.ranges.append(item)

    def events(self):
        """The recorded ranges as FunctionEvents, in order of start."""
        self._read_device_times()
        origin = self.origin
        events = []
        for item in sorted(self.ranges, key=lambda r: r.start):
            events.append(FunctionEvent(
                item.name, item.kind, (item.start - origin) / 1e3, (item.end - origin) / 1e3,
                (item.end - item.start - item.child_time) / 1e3,
                item.memory + item.child_memory, item.memory, item.shapes, item.stack,
                item.module, item.thread, item.device_time, item.self_device_time,
                item.device, item.device_start))
        return EventList(events, self.profile_memory)

    def _read_device_times(self):
        """Each range's device time in us, from its CUDA events or its nested ranges' times.
        See NOTE [ Device time from CUDA events ]."""
        timed = sorted((item for item in self.ranges if item.events is not None),
                       key=lambda r: r.start)
        if not timed:
            return
        cuda = _cuda()
        first = {}  # GPU index -> its first timed range, where its timeline meets the CPU's
        for item in timed:
            first.setdefault(item.device, item)
        for device in first:
            cuda.synchronize(device)
        for item in self.ranges:  # in order of end: nested ranges come before their parent
            if item.events is not None:
                start, end = item.events
                item.device_time = start.elapsed_time(end) * 1e3
                # events time-stamp to about 0.5 us, so a span can fall a hair short of the
                # sum of the spans nested in it
                item.self_device_time = max(item.device_time - item.child_device_time, 0.0)
                anchor = first[item.device]
                item.device_start = ((anchor.start - self.origin) / 1e3
                                     + anchor.events[0].elapsed_time(start) * 1e3)
            else:
                item.device_time = item.child_device_time
            if item.parent is not None:
                item.parent.child_device_time += item.device_time


def _cuda():
    from .. import cuda  # loaded on the first op on a GPU, never on a CPU-only run
    return cuda


def _cuda_device(args):
    """The index of the GPU an op's tensors (or lists of tensors, for cat) are on, or None."""
    for arg in args:
        for value in (arg if isinstance(arg, (list, tuple)) else (arg,)):
            data = getattr(value, "_data", None)
            if data is not None and type(data) is not np.ndarray:
                device = backend_of(data).device_of(data)
                if device.type == "cuda":
                    return device.index or 0
    return None


def _shapes(args):
    return [list(arg.shape) if hasattr(arg, "_data") else [] for arg in args]


def _stack_strings():
    return [f"{filename}({line}): {name}" for filename, line, name in graph.user_stack()]


def _nbytes(result):
    if hasattr(result, "_data"):
        return int(result._data.nbytes)
    if isinstance(result, tuple):
        return sum(int(r._data.nbytes) for r in result if hasattr(r, "_data"))
    return 0


_recorder = None  # the recorder of the profile that is recording now, if any

_OP_APPLY = Op.__dict__["apply"]
_FUNCTION_APPLY = Function.__dict__["apply"]
_NODE_APPLY = Node.apply
_CTX_APPLY = FunctionCtx.apply


_ATEN_NAMES = {}
_WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def aten_name(op):
    """The name torch's profiler gives an op: aten:: and its node's name in snake case
    (MmBackward0 -> aten::mm, MaxPool2DWithIndicesBackward0 -> aten::max_pool2d_with_indices)."""
    name = _ATEN_NAMES.get(op)
    if name is None:
        node = re.sub(r"Backward\d*$", "", op._backward_cls.__name__)
        name = _ATEN_NAMES[op] = "aten::" + _WORD_BREAK.sub("_", node).lower()
    return name


def _timed_op_apply(cls, *args):
    recorder = _recorder
    item = recorder.begin(aten_name(cls), "cpu_op", args)
    result = None
    try:
        result = _OP_APPLY.__func__(cls, *args)
        return result
    finally:
        recorder.end(item, result)


def _timed_function_apply(cls, *args, **kwargs):
    recorder = _recorder
    item = recorder.begin(cls.__name__, "cpu_op", args)
    result = None
    try:
        result = _FUNCTION_APPLY.__func__(cls, *args, **kwargs)
        return result
    finally:
        recorder.end(item, result)


def _timed(apply):
    def timed_node_apply(self, grad_outputs):
        recorder = _recorder
        item = recorder.begin(self.name(), "backward", grad_outputs)
        result = None
        try:
            result = apply(self, grad_outputs)
            return result
        finally:
            recorder.end(item, result)
    return timed_node_apply


def _start_recording(recorder):
    global _recorder
    if _recorder is not None:
        raise RuntimeError("Profiler is already enabled: one ember.profiler.profile records "
                           "at a time.")
    _recorder = recorder
    if recorder.with_modules:
        graph._enable_annotation()
    Op.apply = classmethod(_timed_op_apply)
    Function.apply = classmethod(_timed_function_apply)
    Node.apply = _timed(_NODE_APPLY)
    FunctionCtx.apply = _timed(_CTX_APPLY)


def _stop_recording():
    global _recorder
    Op.apply, Function.apply = _OP_APPLY, _FUNCTION_APPLY
    Node.apply, FunctionCtx.apply = _NODE_APPLY, _CTX_APPLY
    if _recorder.with_modules:
        graph._disable_annotation()
    _recorder = None


class record_function(contextlib.ContextDecorator):
    """Time a block (or a function, as a decorator) as one named range in the profile;
    free when no profile records.

    Example:
        >>> with ember.profiler.profile() as prof:
        ...     with ember.profiler.record_function("data"):
        ...         batch = next(iterator)
    """

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._open = []

    def __enter__(self):
        recorder = _recorder
        if recorder is not None:
            self._open.append((recorder, recorder.begin(self.name, "user_annotation", ())))
        else:
            self._open.append(None)
        return self

    def __exit__(self, *exc):
        entry = self._open.pop()
        if entry is not None and entry[0] is _recorder:
            entry[0].end(entry[1], None)
        return False


# -- profile ----------------------------------------------------------------------------------

class profile:
    """Context manager that times every op's forward and backward, as torch.profiler.profile.

    Args:
        activities: ProfilerActivity values: CPU times every op; CUDA adds the device time of
            ops on a GPU (see the module docstring). Default: both.
        schedule: a function step -> ProfilerAction (see schedule()); without one, every step
            from start to stop is recorded.
        on_trace_ready: called with this profile at the end of each recorded cycle (and at
            stop), e.g. tensorboard_trace_handler(dir).
        record_shapes: keep the input shapes of each op.
        profile_memory: keep the bytes of each op's outputs.
        with_stack: keep the user's call stack of each op (ember's frames trimmed).
        with_modules: keep the nn.Module path each op ran in (slows module calls while on).
    Returns:
        The profile; after (or during) recording, key_averages(), events() and
        export_chrome_trace(path) give what was recorded.

    Example:
        >>> with ember.profiler.profile(record_shapes=True, profile_memory=True) as prof:
        ...     model(x).sum().backward()
        >>> print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False, with_flops=False,
                 with_modules=False, experimental_config=None, execution_trace_observer=None,
                 acc_events=False, use_cuda=None):
        # torch's default is every supported activity; both here, without asking CuPy whether
        # a GPU is there: only ops on a GPU get CUDA events
        self.activities = (set(activities) if activities is not None
                           else {ProfilerActivity.CPU, ProfilerActivity.CUDA})
        self.device_timing = ProfilerActivity.CUDA in self.activities or bool(use_cuda)
        self.schedule = schedule or _always_record
        self._record_steps = schedule is not None  # torch marks steps only under a schedule
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_modules = with_modules
        self.step_num = 0
        self.current_action = None
        self._recorder = None
        self._step_range = None
        self._events = EventList()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._enter_action(self.current_action)

    def stop(self):
        self._leave_action(self.current_action)
        self.current_action = None

    def step(self):
        """Mark the end of one training step (moves the schedule on)."""
        previous = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if previous is ProfilerAction.RECORD and self.current_action in (
                ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._close_step_range()  # the cycle goes on: keep recording
            self._open_step_range()
            return
        self._leave_action(previous)
        self._enter_action(self.current_action)

    def _enter_action(self, action):
        if action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._recorder = _Recorder(self.record_shapes, self.profile_memory,
                                       self.with_stack, self.with_modules, self.device_timing)
            _start_recording(self._recorder)
            self._open_step_range()

    def _leave_action(self, action):
        if self._recorder is None:
            return
        self._close_step_range()
        _stop_recording()
        self._events = self._recorder.events()
        self._recorder = None
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _open_step_range(self):
        if not self._record_steps:
            return
        self._step_range = self._recorder.begin(f"ProfilerStep#{self.step_num}",
                                                "user_annotation", ())

    def _close_step_range(self):
        if self._step_range is not None:
            self._recorder.end(self._step_range, None)
            self._step_range = None

    # -- results -------------------------------------------------------------------------

    def events(self):
        """EventList of every range of the last recorded cycle."""
        return self._events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """EventList of FunctionEventAvg: one row per op name (and shapes, stack)."""
        return self._events.key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        """Write the last recorded cycle as Chrome trace JSON (for ui.perfetto.dev)."""
        self._events.export_chrome_trace(path)


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """on_trace_ready handler writing `<worker>.<time>.pt.trace.json` files into dir_name,
    which TensorBoard's profiler plugin (torch-tb-profiler) lists by run."""
    worker_name = worker_name or f"{socket.gethostname()}_{os.getpid()}"

    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        name = f"{worker_name}.{time.time_ns() // 1_000_000}.pt.trace.json"
        prof.export_chrome_trace(os.path.join(dir_name, name + (".gz" if use_gzip else "")))

    return handler
