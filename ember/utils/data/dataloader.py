"""DataLoader: batches from a dataset, in this process or in worker processes.

With num_workers > 0, each worker process gets lists of indices on its own queue and puts
collated batches on one shared result queue; the main process hands out up to
prefetch_factor tasks per worker ahead and yields the batches back in sampler order.
A worker that raises sends the exception's text, re-raised here naming the worker; a
worker that dies is noticed while waiting, and reported with its exit code.
"""
import itertools
import multiprocessing
import queue
import random
import traceback

from ... import _dtype, _generator
from ...ops.creation import empty
from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "WorkerInfo"]

_POLL_SECONDS = 1.0
_worker_info = None


class WorkerInfo:
    """What get_worker_info() returns inside a worker process."""

    def __init__(self, id, num_workers, seed, dataset):
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed})"


def get_worker_info():
    """Inside a DataLoader worker: its WorkerInfo; in the main process: None."""
    return _worker_info


class DataLoader:
    """Iterate over a dataset in batches, as torch.utils.data.DataLoader.

    Example:
        >>> data = TensorDataset(ember.arange(10.0))
        >>> [batch[0].tolist() for batch in DataLoader(data, batch_size=4)]
        [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0]]
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None and not self._is_iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not self._is_iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn or (default_collate if self._auto_batching
                                         else default_convert)
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = _check_context(multiprocessing_context, num_workers)
        self.generator = generator
        self.prefetch_factor = 2 if prefetch_factor is None and num_workers else prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._workers = None

    @property
    def _auto_batching(self):
        return self.batch_sampler is not None or (self._is_iterable and self.batch_size)

    def __len__(self):
        if self._is_iterable:
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            return length // self.batch_size if self.drop_last else -(-length // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _tasks(self):
        """What each fetch gets: index lists, single indices, or None (iterable datasets)."""
        if self._is_iterable:
            return itertools.repeat(None)
        return iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        batches = self._batches()
        if self.pin_memory:  # page-locked host memory: faster copies to the GPU
            from ...cuda.memory import pinned_batches
            return pinned_batches(batches)
        return batches

    def _batches(self):
        # as torch, every new iterator draws a base seed for the workers (even with none),
        # before the sampler draws anything, so the generator moves as in torch; persistent
        # workers keep theirs (torch resets its iterator instead of making a new one)
        if self.persistent_workers and self._workers is not None:
            return self._workers.epoch()
        base_seed = int(empty((), dtype=_dtype.int64).random_(generator=self.generator).item())
        if self.num_workers == 0:
            return self._single_process()
        if self.prefetch_factor <= 0:
            raise AssertionError(
                "prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        if self.persistent_workers:
            self._workers = _WorkerPool(self, base_seed)
            return self._workers.epoch()
        return _WorkerPool(self, base_seed).epoch(close_after=True)

    def _single_process(self):
        fetch = _Fetcher(self.dataset, self.collate_fn, self._auto_batching, self.batch_size,
                         self.drop_last)
        for task in self._tasks():
            try:
                yield fetch(task)
            except StopIteration:
                return

    def __del__(self):
        if getattr(self, "_workers", None) is not None:
            self._workers.close()


class _Fetcher:
    """Turns a task (indices, an index, or None for the next batch of a stream) into data."""

    def __init__(self, dataset, collate_fn, auto_batching, batch_size, drop_last):
        self.dataset, self.collate_fn = dataset, collate_fn
        self.auto_batching, self.batch_size, self.drop_last = auto_batching, batch_size, drop_last
        self.stream = iter(dataset) if isinstance(dataset, IterableDataset) else None

    def __call__(self, task):
        if self.stream is not None:
            if not self.auto_batching:
                return self.collate_fn(next(self.stream))
            batch = list(itertools.islice(self.stream, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                raise StopIteration
            return self.collate_fn(batch)
        if not self.auto_batching:
            return self.collate_fn(self.dataset[task])
        if hasattr(self.dataset, "__getitems__"):
            return self.collate_fn(self.dataset.__getitems__(task))
        return self.collate_fn([self.dataset[i] for i in task])


class _ExceptionInWorker:
    def __init__(self, worker_id, error):
        self.worker_id = worker_id
        self.type = type(error)
        self.text = "".join(traceback.format_exception(type(error), error, error.__traceback__))

    def reraise(self):
        message = (f"Caught {self.type.__name__} in DataLoader worker process {self.worker_id}."
                   f"\nOriginal {self.text}")
        try:
            error = self.type(message)
        except Exception:
            error = RuntimeError(message)
        raise error


class _StreamEnd:
    """A worker's iterable dataset ran out."""


def _worker_loop(dataset, index_queue, result_queue, worker_id, num_workers, seed,
                 worker_init_fn, collate_fn, auto_batching, batch_size, drop_last):
    global _worker_info
    _generator.manual_seed(seed)
    random.seed(seed)
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    init_error = None
    try:
        if worker_init_fn is not None:
            worker_init_fn(worker_id)
        fetch = _Fetcher(dataset, collate_fn, auto_batching, batch_size, drop_last)
    except Exception as error:
        init_error = _ExceptionInWorker(worker_id, error)
    while True:
        message = index_queue.get()
        if message is None:
            break
        if message == "reset":
            fetch.stream = iter(dataset) if fetch.stream is not None else None
            continue
        task_id, task = message
        if init_error is not None:
            result_queue.put((task_id, init_error))
            continue
        try:
            data = fetch(task)
        except StopIteration:
            data = _StreamEnd()
        except Exception as error:
            data = _ExceptionInWorker(worker_id, error)
        result_queue.put((task_id, data))


def _check_context(context, num_workers):
    """multiprocessing_context as a context object, with torch's checks: only with workers,
    and a start method name or a context."""
    if context is None:
        return None
    if num_workers <= 0:
        raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                         f"(num_workers > 0), but got num_workers={num_workers}")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(f"multiprocessing_context option should specify a valid start "
                             f"method in {methods!r}, but got multiprocessing_context={context!r}")
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(f"multiprocessing_context option should be a valid context object or a "
                        f"string specifying the start method, but got "
                        f"multiprocessing_context={context}")
    return context


class _WorkerPool:
    """The worker processes of one DataLoader (for one epoch, or kept across epochs)."""

    def __init__(self, loader, base_seed):
        self.loader = loader
        context = loader.multiprocessing_context or multiprocessing.get_context()
        self.base_seed = base_seed
        self.result_queue = context.Queue()
        self.index_queues = []
        self.processes = []
        for worker_id in range(loader.num_workers):
            index_queue = context.Queue()
            process = context.Process(
                target=_worker_loop, daemon=True,
                args=(loader.dataset, index_queue, self.result_queue, worker_id,
                      loader.num_workers, self.base_seed + worker_id, loader.worker_init_fn,
                      loader.collate_fn, loader._auto_batching, loader.batch_size,
                      loader.drop_last))
            process.start()
            self.index_queues.append(index_queue)
            self.processes.append(process)
        self.started = False

    def epoch(self, close_after=False):
        loader = self.loader
        if self.started and loader._is_iterable:
            for index_queue in self.index_queues:
                index_queue.put("reset")
        self.started = True
        tasks = loader._tasks()
        active = list(range(loader.num_workers))
        owner = {}
        waiting = {}
        next_task_id = 0
        next_to_yield = 0
        turn = itertools.cycle(range(loader.num_workers))

        def send(worker_id):
            nonlocal next_task_id
            task = next(tasks, _StreamEnd)
            if task is _StreamEnd:
                return False
            self.index_queues[worker_id].put((next_task_id, task))
            owner[next_task_id] = worker_id
            next_task_id += 1
            return True

        try:
            for _ in range(loader.prefetch_factor):
                for worker_id in active:
                    send(worker_id)
            while owner:
                while next_to_yield in waiting:
                    data = waiting.pop(next_to_yield)
                    next_to_yield += 1
                    if not isinstance(data, _StreamEnd):
                        yield data
                if not owner:
                    break
                task_id, data = self._receive()
                worker_id = owner.pop(task_id)
                if isinstance(data, _ExceptionInWorker):
                    data.reraise()
                # as torch: each new task goes to the next active worker in turn (never to
                # whichever answered), so batches of iterable datasets interleave the
                # workers' streams in a fixed order; a worker whose stream ended is skipped,
                # and the tasks already queued for it come back empty
                if isinstance(data, _StreamEnd) and worker_id in active:
                    active.remove(worker_id)
                if active:
                    send(self._next_worker(turn, active))
                if loader.in_order:
                    waiting[task_id] = data
                elif not isinstance(data, _StreamEnd):
                    yield data
            for task_id in sorted(waiting):
                if not isinstance(waiting[task_id], _StreamEnd):
                    yield waiting[task_id]
        finally:
            if close_after:
                self.close()

    @staticmethod
    def _next_worker(turn, active):
        for worker_id in turn:
            if worker_id in active:
                return worker_id

    def _receive(self):
        timeout = self.loader.timeout
        waited = 0.0
        while True:
            try:
                return self.result_queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                waited += _POLL_SECONDS
                dead = [p for p in self.processes if not p.is_alive()]
                if dead:
                    pids = ", ".join(str(p.pid) for p in dead)
                    codes = ", ".join(str(p.exitcode) for p in dead)
                    self.close()
                    raise RuntimeError(
                        f"DataLoader worker (pid(s) {pids}) exited unexpectedly (exit code(s) "
                        f"{codes}). A worker killed by a signal (e.g. -9) is often out of "
                        f"memory; run with num_workers=0 to see the error in this process.")
                if timeout and waited >= timeout:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds")

    def close(self):
        for index_queue, process in zip(self.index_queues, self.processes):
            if process.is_alive():
                try:
                    index_queue.put(None)
                except (OSError, ValueError):
                    pass
        for process in self.processes:
            process.join(timeout=1.0)
            if process.is_alive():
                process.terminate()
        self.processes = []
        self.index_queues = []
