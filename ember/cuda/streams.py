"""CUDA streams and events, wrapping CuPy's, with torch.cuda's API.

A stream is a queue of GPU work; ops run on the current stream (`with ember.cuda.stream(s):`
changes it). An event marks a point in a stream: to wait for it, or to time the GPU work
between two events.

Example:
    >>> start = ember.cuda.Event(enable_timing=True)   # doctest: +SKIP
    >>> end = ember.cuda.Event(enable_timing=True)     # doctest: +SKIP
    >>> start.record(); y = x @ x; end.record()        # doctest: +SKIP
    >>> end.synchronize(); start.elapsed_time(end)     # milliseconds   # doctest: +SKIP
"""
from ._device import device_index, require

__all__ = ["Stream", "Event", "current_stream", "default_stream", "stream"]


class Stream:
    """A CUDA stream on a GPU (the current one by default), as torch.cuda.Stream.

    Args:
        device: the GPU the stream belongs to.
        priority: lower numbers run first; 0 is the default priority.
    """

    def __init__(self, device=None, priority=0, **kwargs):
        cupy = require()
        self.device_index = device_index(device)
        if "_cupy_stream" in kwargs:  # wrap an existing CuPy stream (current_stream)
            self._stream = kwargs.pop("_cupy_stream")
        else:
            with cupy.cuda.Device(self.device_index):
                self._stream = cupy.cuda.Stream(non_blocking=False, priority=priority or None)
        if kwargs:
            raise TypeError(f"Stream() got an unexpected keyword argument '{next(iter(kwargs))}'")

    @property
    def device(self):
        from ..backend.device import device
        return device("cuda", self.device_index)

    @property
    def cuda_stream(self):
        """The raw cudaStream_t handle, as an int."""
        return self._stream.ptr

    @property
    def priority(self):
        return self._stream.priority

    def query(self):
        """Whether all work queued on the stream has finished."""
        return self._stream.done

    def synchronize(self):
        """Wait until all work queued on the stream has finished."""
        self._stream.synchronize()

    def wait_event(self, event):
        """Make later work on this stream wait for `event`."""
        self._stream.wait_event(event._event)

    def wait_stream(self, stream):
        """Make later work on this stream wait for the work queued on `stream` so far."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        """Record `event` (a new one by default) on this stream and return it."""
        event = Event() if event is None else event
        event.record(self)
        return event

    def __enter__(self):
        self._stream.__enter__()
        return self

    def __exit__(self, *exc):
        return self._stream.__exit__(*exc)

    def __eq__(self, other):
        return isinstance(other, Stream) and self.cuda_stream == other.cuda_stream \
            and self.device_index == other.device_index

    def __hash__(self):
        return hash((self.cuda_stream, self.device_index))

    def __repr__(self):
        return (f"<ember.cuda.Stream device=cuda:{self.device_index} "
                f"cuda_stream={self.cuda_stream:#x}>")


class Event:
    """A CUDA event, as torch.cuda.Event.

    Args:
        enable_timing: the event can measure time (elapsed_time). Default: False.
        blocking: synchronize() sleeps instead of spinning. Default: False.
        interprocess: the event can be shared with other processes. Default: False.
    """

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        cupy = require()
        self.enable_timing = enable_timing
        self._event = cupy.cuda.Event(block=blocking, disable_timing=not enable_timing,
                                      interprocess=interprocess)
        self._recorded = False

    def record(self, stream=None):
        """Record the event on `stream` (the current stream by default)."""
        self._event.record(None if stream is None else stream._stream)
        self._recorded = True

    def wait(self, stream=None):
        """Make later work on `stream` (the current stream by default) wait for this event."""
        (current_stream() if stream is None else stream).wait_event(self)

    def query(self):
        """Whether the work before the event has finished."""
        return self._event.done

    def synchronize(self):
        """Wait until the work before the event has finished."""
        self._event.synchronize()

    def elapsed_time(self, end_event):
        """Milliseconds of GPU time from this event to `end_event` (both recorded, both made
        with enable_timing=True; synchronize end_event first)."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if not (self._recorded and end_event._recorded):
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return require().cuda.get_elapsed_time(self._event, end_event._event)

    @property
    def cuda_event(self):
        return self._event.ptr

    def __repr__(self):
        return f"<ember.cuda.Event {self.cuda_event:#x}>"


def current_stream(device=None):
    """The stream ops on a GPU (the current one by default) are queued on."""
    cupy = require()
    index = device_index(device)
    return Stream(index, _cupy_stream=cupy.cuda.get_current_stream(index))


def default_stream(device=None):
    """The default (null) stream of a GPU."""
    cupy = require()
    index = device_index(device)
    with cupy.cuda.Device(index):
        return Stream(index, _cupy_stream=cupy.cuda.Stream.null)


class stream:
    """Context manager making `stream` current; None does nothing, as torch.cuda.stream."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            self.stream.__enter__()
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            self.stream.__exit__(*exc)
        return False
