"""What the profiler measured: events, their averages per op, torch's table, Chrome traces.

Times are in microseconds and memory in bytes, as in torch.profiler. `FunctionEvent` is one
timed range (an op's forward, a node's backward, a record_function block); `FunctionEventAvg`
sums the events that share a key (name, and optionally input shapes or stack).
"""
import gzip
import json
import os
import warnings

__all__ = ["FunctionEvent", "FunctionEventAvg", "EventList"]


class _Times:
    """Per-call averages, and torch's deprecated cuda_* names for the device times."""

    @property
    def cpu_time(self):
        """Average CPU time per call."""
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def device_time(self):
        """Average device (CUDA) time per call."""
        return self.device_time_total / self.count if self.count else 0.0

    @property
    def cuda_time(self):
        _deprecated("`cuda_time` is deprecated, please use `device_time` instead.")
        return self.device_time

    @property
    def cuda_time_total(self):
        _deprecated("`cuda_time_total` is deprecated. Use `device_time_total` instead.")
        return self.device_time_total

    @property
    def self_cuda_time_total(self):
        _deprecated("`self_cuda_time_total` is deprecated. Use `self_device_time_total` "
                    "instead.")
        return self.self_device_time_total


def _deprecated(message):
    warnings.warn(message, FutureWarning, stacklevel=3)  # torch's messages and category


class FunctionEvent(_Times):
    """One timed range.

    Attributes:
        name, key: the op ("Convolution"), backward node ("ConvolutionBackward0") or range
            name ("ProfilerStep#3").
        kind: "cpu_op" (an op's forward), "backward" (a node's backward) or
            "user_annotation" (record_function and profiler steps).
        start_us, end_us: microseconds from the start of the profile.
        cpu_time_total, self_cpu_time_total: time inside the range, without (self) and with the
            ranges nested in it.
        device_time_total, self_device_time_total: GPU time between CUDA events recorded at
            the range's start and end (ops on a GPU, with ProfilerActivity.CUDA), with and
            without (self) the ranges nested in it; a range without events (record_function)
            counts its nested ranges' device time, as torch does. 0 on the CPU.
        device, device_start_us: the GPU index and the range's start on the GPU's timeline
            (lined up with the CPU's at the first timed op), for ranges with CUDA events;
            None otherwise.
        cpu_memory_usage, self_cpu_memory_usage: bytes of the outputs made (profile_memory).
        input_shapes: shapes of the arguments ([] for non-tensors), with record_shapes.
        stack: "file(line): function" strings of the user code, innermost first (with_stack).
        module: the nn.Module path it ran in (with_modules), or None.
        thread: the id of the thread it ran on.
    """

    count = 1

    def __init__(self, name, kind, start_us, end_us, self_us, memory, self_memory, input_shapes,
                 stack, module, thread, device_time=0.0, self_device_time=0.0, device=None,
                 device_start_us=None):
        self.name = self.key = name
        self.kind = kind
        self.start_us, self.end_us = start_us, end_us
        self.cpu_time_total = end_us - start_us
        self.self_cpu_time_total = self_us
        self.device_time_total, self.self_device_time_total = device_time, self_device_time
        self.device, self.device_start_us = device, device_start_us
        self.cpu_memory_usage, self.self_cpu_memory_usage = memory, self_memory
        self.input_shapes = input_shapes
        self.stack = stack
        self.module = module
        self.thread = thread

    def __repr__(self):
        return (f"<FunctionEvent {self.name} cpu_time_total={self.cpu_time_total:.3f}us "
                f"self_cpu_time_total={self.self_cpu_time_total:.3f}us "
                f"device_time_total={self.device_time_total:.3f}us>")


class FunctionEventAvg(_Times):
    """The events that share a key, summed (key_averages() returns a list of these).

    Differs from PyTorch: besides cuda_time, the deprecated cuda_time_total and
    self_cuda_time_total work here too (torch 2.13 kept them on FunctionEvent only), so that
    older scripts sorting key_averages() by them still run.
    """

    def __init__(self, key, input_shapes, stack):
        self.key = key
        self.input_shapes = input_shapes
        self.stack = stack
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.device_time_total = self.self_device_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0

    def add(self, event):
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.device_time_total += event.device_time_total
        self.self_device_time_total += event.self_device_time_total
        self.cpu_memory_usage += event.cpu_memory_usage
        self.self_cpu_memory_usage += event.self_cpu_memory_usage
        return self

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} count={self.count} "
                f"cpu_time_total={self.cpu_time_total:.3f}us "
                f"self_cpu_time_total={self.self_cpu_time_total:.3f}us "
                f"device_time_total={self.device_time_total:.3f}us>")


class EventList(list):
    """A list of FunctionEvent or FunctionEventAvg, with torch's summaries."""

    def __init__(self, events=(), profile_memory=False):
        super().__init__(events)
        self._profile_memory = profile_memory

    @property
    def self_cpu_time_total(self):
        return sum(event.self_cpu_time_total for event in self)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """One FunctionEventAvg per name (and input shapes, and first stack entries)."""
        averages = {}
        for event in self:
            shapes = str(event.input_shapes) if group_by_input_shape else None
            stack = tuple((event.stack or ())[:group_by_stack_n]) if group_by_stack_n else ()
            key = (event.key, shapes, stack)
            if key not in averages:
                averages[key] = FunctionEventAvg(
                    event.key, event.input_shapes if group_by_input_shape else None,
                    list(stack) if group_by_stack_n else None)
            averages[key].add(event)
        return EventList(averages.values(), self._profile_memory)

    def total_average(self):
        """All events summed into one FunctionEventAvg keyed "Total"."""
        total = FunctionEventAvg("Total", None, None)
        for event in self:
            total.add(event)
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False):
        """torch's profiler table. sort_by: an attribute such as "cpu_time_total",
        "self_cpu_time_total", "cuda_time_total" (or "device_time_total"),
        "self_cuda_time_total", "cpu_memory_usage" or "count" (largest first)."""
        return build_table(self, sort_by, row_limit, max_src_column_width,
                           max_name_column_width, max_shapes_column_width, header,
                           self._profile_memory)

    def export_chrome_trace(self, path):
        """Write the events as Chrome trace JSON (chrome://tracing, ui.perfetto.dev); a path
        ending in .gz is gzipped."""
        write_chrome_trace(self, path)

    def __str__(self):
        return self.table()


def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_time_share(time_us, total_us):
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


def _format_memory(nbytes):
    for size, unit in ((1024 ** 3, "GB"), (1024 ** 2, "MB"), (1024, "KB")):
        if abs(nbytes) >= size:
            return f"{nbytes * 1.0 / size:.2f} {unit}"
    return f"{nbytes} B"


def _trim_path(path, width):
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = "..." + path[3:]
    return path


def build_table(events, sort_by, row_limit, max_src_column_width, max_name_column_width,
                max_shapes_column_width, header, profile_memory):
    """The table torch.profiler prints, column for column; the CUDA columns appear when some
    op has device time, as in torch."""
    if not events:
        return ""
    if sort_by is not None:
        attribute = sort_by.replace("cuda", "device")  # torch's mapping of the old names
        events = sorted(events, key=lambda event: getattr(event, attribute), reverse=True)
    has_device_time = any(event.self_device_time_total > 0 for event in events)
    has_shapes = any(event.input_shapes for event in events)
    stacks = [event.stack for event in events if event.stack]
    name_width = max(len(event.key) for event in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    shapes_width = max(len(str(event.input_shapes)) for event in events) + 4
    if max_shapes_column_width is not None:
        shapes_width = min(shapes_width, max_shapes_column_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if has_device_time:
        headers += ["Self CUDA", "Self CUDA %", "CUDA total", "CUDA time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")
    widths = [name_width] + [12] * (len(headers) - 1)
    directions = [">"] * len(headers)
    if has_shapes:
        headers.append("Input Shapes")
        widths.append(shapes_width)
        directions.append(">")
    if stacks:
        src_width = max(len(entry) for stack in stacks for entry in stack) + 4
        if max_src_column_width is not None:
            src_width = min(src_width, max_src_column_width)
        headers.append("Source Location")
        widths.append(src_width)
        directions.append("<")
    row_format = "".join("{: " + d + str(w) + "}  " for d, w in zip(directions, widths))
    separator = "".join("-" * w + "  " for w in widths)
    line_length = sum(w + 2 for w in widths) - 2
    total_self = sum(event.self_cpu_time_total for event in events)
    total_self_device = sum(event.self_device_time_total for event in events)

    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    lines += [separator, row_format.format(*headers), separator]
    for event in events[:row_limit]:
        name = event.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        row = [name, _format_time_share(event.self_cpu_time_total, total_self),
               _format_time(event.self_cpu_time_total),
               _format_time_share(event.cpu_time_total, total_self),
               _format_time(event.cpu_time_total), _format_time(event.cpu_time)]
        if has_device_time:
            row += [_format_time(event.self_device_time_total),
                    _format_time_share(event.self_device_time_total, total_self_device),
                    _format_time(event.device_time_total), _format_time(event.device_time)]
        if profile_memory:
            row += [_format_memory(event.cpu_memory_usage),
                    _format_memory(event.self_cpu_memory_usage)]
        row.append(event.count)
        if has_shapes:
            row.append(str(event.input_shapes)[:shapes_width])
        if stacks:
            row.append(_trim_path(event.stack[0], src_width) if event.stack else "")
        lines.append(row_format.format(*row))
        if stacks and event.stack:
            blank = [""] * (len(headers) - 1)
            lines += [row_format.format(*blank, _trim_path(entry, src_width))
                      for entry in event.stack[1:]]
            lines.append(row_format.format(*blank, ""))
    lines += [separator, f"Self CPU time total: {_format_time(total_self)}"]
    if has_device_time:
        lines.append(f"Self CUDA time total: {_format_time(total_self_device)}")
    return "\n".join(lines) + "\n"


def write_chrome_trace(events, path):
    """Chrome trace event format: one complete ("X") event per range, ts and dur in us; ranges
    timed on a GPU also get an event on that GPU's own track (pid: the GPU index)."""
    pid = os.getpid()
    trace = [{"ph": "M", "name": "process_name", "pid": pid, "tid": 0,
              "args": {"name": "ember"}}]
    devices = set()
    for event in events:
        args = {}
        if event.input_shapes is not None:
            args["Input Dims"] = event.input_shapes
        if event.stack:
            args["Call stack"] = ";".join(event.stack)
        if event.module:
            args["Module"] = event.module
        if event.self_cpu_memory_usage:
            args["Bytes"] = event.self_cpu_memory_usage
        trace.append({"ph": "X", "cat": event.kind, "name": event.name, "pid": pid,
                      "tid": event.thread, "ts": round(event.start_us, 3),
                      "dur": round(event.cpu_time_total, 3), "args": args})
        if event.device_start_us is not None:
            devices.add(event.device)
            trace.append({"ph": "X", "cat": "gpu_op", "name": event.name, "pid": event.device,
                          "tid": 0, "ts": round(event.device_start_us, 3),
                          "dur": round(event.device_time_total, 3),
                          "args": {"device": event.device, "CPU start": round(event.start_us, 3),
                                   "Self device time": round(event.self_device_time_total, 3)}})
    for device in sorted(devices):
        trace += [{"ph": "M", "name": "process_name", "pid": device, "tid": 0,
                   "args": {"name": f"GPU {device}"}},
                  {"ph": "M", "name": "thread_name", "pid": device, "tid": 0,
                   "args": {"name": "ops (between CUDA events)"}}]
    text = json.dumps({"schemaVersion": 1, "displayTimeUnit": "ms", "traceEvents": trace})
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as file:
        file.write(text)
