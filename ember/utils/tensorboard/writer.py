"""SummaryWriter: log scalars, histograms, images, text, hyperparameters and the model's
graph to TensorBoard event files, as torch.utils.tensorboard.SummaryWriter.

The event files are written by the tensorboard package's own EventFileWriter (a background
thread, a queue of max_queue events flushed every flush_secs seconds).
"""
import os
import socket
import time
from datetime import datetime

from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from ...autograd import graph as autograd_graph
from . import summary

__all__ = ["SummaryWriter", "FileWriter"]


class FileWriter:
    """Writes Event protos to one event file in log_dir."""

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs,
                                            filename_suffix)

    def get_logdir(self):
        return self.event_writer.get_logdir()

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary_proto, global_step=None, walltime=None):
        self.add_event(Event(summary=summary_proto), global_step, walltime)

    def add_graph(self, graph_def, walltime=None):
        self.add_event(Event(graph_def=graph_def.SerializeToString()), None, walltime)

    def flush(self):
        self.event_writer.flush()

    def close(self):
        self.event_writer.close()


class SummaryWriter:
    """Write TensorBoard event files into log_dir (default runs/<date>_<host><comment>).

    Args:
        log_dir: the directory; `tensorboard --logdir runs` shows every run under runs/.
        comment: appended to the default log_dir.
        purge_step: on resuming after a crash at step T+X, events with step >= purge_step
            are hidden by TensorBoard.
        max_queue: events held before a write.
        flush_secs: seconds between flushes.
        filename_suffix: appended to the event file's name.

    Example:
        >>> from ember.utils.tensorboard import SummaryWriter
        >>> with SummaryWriter("runs/cifar") as writer:
        ...     for step in range(100):
        ...         writer.add_scalar("loss/train", 1.0 / (step + 1), step)
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120,
                 filename_suffix=""):
        if not log_dir:
            log_dir = os.path.join("runs", datetime.now().strftime("%b%d_%H-%M-%S") + "_" +
                                   socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()

    def _get_file_writer(self):
        """The default FileWriter, made again if the writer was closed."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step = self.purge_step
                self.file_writer.add_event(Event(step=step, file_version="brain.Event:2"))
                self.file_writer.add_event(Event(
                    step=step, session_log=SessionLog(status=SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Log one number (a float, or a one-element Tensor) under `tag` at global_step."""
        self._get_file_writer().add_summary(
            summary.scalar(tag, scalar_value, new_style, double_precision), global_step,
            walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Log several numbers on one chart: each key becomes a run under log_dir."""
        walltime = time.time() if walltime is None else walltime
        log_dir = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            writer_dir = log_dir + "/" + main_tag.replace("/", "_") + "_" + tag
            writer = self.all_writers.get(writer_dir)
            if writer is None:
                writer = self.all_writers[writer_dir] = FileWriter(
                    writer_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            writer.add_summary(summary.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None):
        """Log the distribution of values (weights, gradients, activations)."""
        self._get_file_writer().add_summary(summary.histogram(tag, values, bins, max_bins),
                                            global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Log one image: floats in [0, 1] or uint8; dataformats "CHW", "HWC" or "HW"."""
        self._get_file_writer().add_summary(summary.image(tag, img_tensor, dataformats),
                                            global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None,
                   dataformats="NCHW"):
        """Log a batch of images as one grid (8 per row)."""
        self._get_file_writer().add_summary(summary.image(tag, img_tensor, dataformats),
                                            global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Log a string (rendered as markdown)."""
        self._get_file_writer().add_summary(summary.text(tag, text_string), global_step,
                                            walltime)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Log the graph of model(input_to_model): its ops grouped by module, with shapes.

        Differs from PyTorch: the graph is the autograd graph ember records (see
        ember.autograd.graph), so the model must run with grad enabled and have parameters
        (or inputs) that require grad; verbose and use_strict_trace are ignored.
        """
        inputs = input_to_model if isinstance(input_to_model, (list, tuple)) else (
            [] if input_to_model is None else [input_to_model])
        _, described = autograd_graph.trace(model, *inputs)
        self._get_file_writer().add_graph(summary.graph(described, type(model).__name__))

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Log one run's hyperparameters and final metrics for the HPARAMS tab (in a sub-run
        named run_name, by default the current time)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        experiment, start, end = summary.hparams(hparam_dict, metric_dict,
                                                 hparam_domain_discrete)
        log_dir = os.path.join(self._get_file_writer().get_logdir(),
                               run_name or str(time.time()))
        with SummaryWriter(log_dir=log_dir) as writer:
            for proto in (experiment, start, end):
                writer.file_writer.add_summary(proto, global_step)
            for tag, value in metric_dict.items():
                writer.add_scalar(tag, value, global_step)

    def flush(self):
        """Write every pending event to disk."""
        for writer in (self.all_writers or {}).values():
            writer.flush()

    def close(self):
        """Flush and close every event file; a later add_* opens a new one."""
        for writer in (self.all_writers or {}).values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
