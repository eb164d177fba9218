"""ember.multiprocessing: Python's multiprocessing under torch.multiprocessing's name, with
`spawn` and the sharing-strategy switches scripts set.

ember tensors pickle their data, so they cross process boundaries by value through the usual
Queue / Pipe; there is no shared-memory tensor storage.

Differs from PyTorch: the sharing strategy is recorded and ignored (tensors are copied).

Example:
    >>> import ember.multiprocessing as mp
    >>> mp.get_sharing_strategy()
    'file_descriptor'
"""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403  (Process, Queue, Pool, get_context ...)

__all__ = list(multiprocessing.__all__) + [
    "ProcessRaisedException", "get_all_sharing_strategies", "get_sharing_strategy",
    "set_sharing_strategy", "spawn"]

_sharing_strategy = "file_descriptor"


def get_all_sharing_strategies():
    return {"file_descriptor", "file_system"}


def get_sharing_strategy():
    return _sharing_strategy


def set_sharing_strategy(new_strategy):
    """Record the strategy (torch's check of the name included)."""
    global _sharing_strategy
    if new_strategy not in get_all_sharing_strategies():
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}")
    _sharing_strategy = new_strategy


class ProcessRaisedException(Exception):
    """A spawned process raised; the message holds its traceback."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.error_index = error_index
        self.pid = error_pid


def _wrap(fn, index, args, error_queue):
    try:
        fn(index, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        import traceback
        error_queue.put(traceback.format_exc())
        raise


class ProcessContext:
    """The processes started by `spawn`; join() waits and re-raises the first failure."""

    def __init__(self, processes, error_queues):
        self.processes = processes
        self.error_queues = error_queues

    def pids(self):
        return [process.pid for process in self.processes]

    def join(self, timeout=None):
        """Wait for every process; True when all have finished."""
        for process in self.processes:
            process.join(timeout)
        for index, (process, queue) in enumerate(zip(self.processes, self.error_queues)):
            if process.exitcode not in (0, None):
                message = queue.get() if not queue.empty() else (
                    f"process {index} terminated with exit code {process.exitcode}")
                raise ProcessRaisedException(
                    f"\n\n-- Process {index} terminated with the following error:\n{message}",
                    index, process.pid)
        return all(process.exitcode is not None for process in self.processes)


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run fn(i, *args) in nprocs new processes, i = 0 .. nprocs-1, as torch.multiprocessing.

    Returns None after all have finished when join=True, else the ProcessContext.
    """
    context = multiprocessing.get_context(start_method)
    processes, error_queues = [], []
    for index in range(nprocs):
        error_queue = context.SimpleQueue()
        process = context.Process(target=_wrap, args=(fn, index, args, error_queue),
                                  daemon=daemon)
        process.start()
        processes.append(process)
        error_queues.append(error_queue)
    process_context = ProcessContext(processes, error_queues)
    if not join:
        return process_context
    process_context.join()
