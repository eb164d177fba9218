"""Variable-length batches for recurrent layers: PackedSequence and its helpers.

A batch of B sequences of lengths L_0 >= L_1 >= ... is *packed* time step by time step:
step t holds the batch_sizes[t] sequences still running at t, so `data` stacks

    x_0[0], x_1[0], ..., x_{B-1}[0],  x_0[1], x_1[1], ...    # (sum(batch_sizes), *)

and an RNN reads rows batch_sizes[0:t].sum() : batch_sizes[0:t+1].sum() at step t. Unsorted
batches are sorted by length first; `sorted_indices` remembers the order, and
`unsorted_indices` undoes it.

Packing and padding are gathers (index_select) built with ember ops, so gradients flow
through them to the padded input and back.
"""
from collections import namedtuple

from ... import _dtype
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...ops import compare, creation, cumulative, join, sort

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence_",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """The packed form of a batch of variable-length sequences (see the module docstring).

    Made by pack_padded_sequence or pack_sequence, never by hand. An RNN given one returns
    its output as one with the same batch_sizes and indices.

    Attributes:
        data: (sum(batch_sizes), *) the time steps of all sequences, packed.
        batch_sizes: int64 (max_length,) how many sequences run at each time step.
        sorted_indices: int64 (B,) the order the sequences were packed in, or None.
        unsorted_indices: int64 (B,) its inverse, or None.

    Differs from PyTorch: no pin_memory() (ember has no pinned host memory).

    Example:
        >>> from ember.nn.utils.rnn import pack_sequence
        >>> pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])]).batch_sizes
        tensor([2, 2, 1])
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # torch also accepts (data, batch_sizes) as the first argument
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn.")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same sequence with data converted as Tensor.to; the indices follow its device."""
        return self._with_data(self.data.to(*args, **kwargs))

    def cuda(self, *args, **kwargs):
        return self._with_data(self.data.cuda(*args, **kwargs))

    def cpu(self, *args, **kwargs):
        return self._with_data(self.data.cpu(*args, **kwargs))

    def _with_data(self, data):
        if data is self.data:
            return self
        sorted_indices, unsorted_indices = (
            None if index is None else index.to(data.device)
            for index in (self.sorted_indices, self.unsorted_indices))
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    def pin_memory(self):
        """The same sequence with data and indices in pinned memory (batch_sizes stays)."""
        sorted_indices, unsorted_indices = (
            None if index is None else index.pin_memory()
            for index in (self.sorted_indices, self.unsorted_indices))
        return type(self)(self.data.pin_memory(), self.batch_sizes, sorted_indices,
                          unsorted_indices)

    def is_pinned(self):
        """Whether data is in pinned memory."""
        return self.data.is_pinned()

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    def half(self):
        return self.to(dtype=_dtype.float16)

    def long(self):
        return self.to(dtype=_dtype.int64)

    def int(self):
        return self.to(dtype=_dtype.int32)

    def short(self):
        return self.to(dtype=_dtype.int16)

    def char(self):
        return self.to(dtype=_dtype.int8)

    def byte(self):
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda


def invert_permutation(permutation):
    """The permutation q with q[p[i]] = i (None for None)."""
    if permutation is None:
        return None
    return sort.argsort(permutation)


def _lengths_list(lengths):
    if isinstance(lengths, Tensor):
        if lengths.device.type != "cpu":
            raise RuntimeError(
                f"'lengths' argument should be a 1D CPU int64 tensor, but got 1D "
                f"{lengths.device} {lengths.dtype} tensor; pass lengths.cpu()")
        return [int(length) for length in lengths.reshape(-1).tolist()]
    return [int(length) for length in lengths]


def _time_major_mask(lengths, steps):
    """(steps, B) bool: True where time step t of sequence b exists."""
    lengths = creation.tensor(lengths, dtype=_dtype.int64)
    return creation.arange(steps).unsqueeze(1) < lengths.unsqueeze(0)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch of variable-length sequences.

    Args:
        input: (T, B, *) padded sequences, or (B, T, *) with batch_first.
        lengths: the B sequence lengths (a list or a 1-D CPU tensor).
        batch_first: whether input is (B, T, *).
        enforce_sorted: require lengths in decreasing order; False sorts the batch first and
            records the order in sorted_indices.

    Returns:
        a PackedSequence.

    Differs from PyTorch: a length longer than the input raises a RuntimeError (torch reads
    past the padded input).

    Example:
        >>> padded = ember.tensor([[1, 4], [2, 5], [3, 0]])
        >>> pack_padded_sequence(padded, [3, 2]).data
        tensor([1, 4, 2, 5, 3])
    """
    lengths = _lengths_list(lengths)
    batch_dim = 0 if batch_first else 1
    sorted_indices = None
    if not enforce_sorted:
        values, sorted_indices = sort.sort(creation.tensor(lengths, dtype=_dtype.int64),
                                           descending=True)
        lengths = values.tolist()
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(batch_dim, sorted_indices)
    steps, batch = input.shape[1 - batch_dim], input.shape[batch_dim]
    if len(lengths) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={batch})")
    if any(a < b for a, b in zip(lengths, lengths[1:])):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
            "to sidestep this requirement if you do not need ONNX exportability.")
    if lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lengths[0] > steps:
        raise RuntimeError(f"pack_padded_sequence: a sequence has length {lengths[0]} but the "
                           f"input has only {steps} time steps (input shape "
                           f"{list(input.shape)}, batch_first={batch_first})")
    with grad_mode.no_grad():
        mask = _time_major_mask(lengths, lengths[0])                      # (T', B)
        time = creation.arange(lengths[0]).unsqueeze(1)
        column = creation.arange(batch).unsqueeze(0)
        rows = column * steps + time if batch_first else time * batch + column
        index = rows[mask]                                                # (R,)
        batch_sizes = mask.sum(1)
    data = input.reshape((steps * batch,) + tuple(input.shape[2:])).index_select(0, index)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Pad a packed batch back to a rectangle: the inverse of pack_padded_sequence.

    Args:
        sequence: a PackedSequence.
        batch_first: return (B, T, *) instead of (T, B, *).
        padding_value: the value of the padded positions.
        total_length: pad to this many time steps (at least the longest length).

    Returns:
        (padded, lengths): the padded tensor and an int64 tensor of the B lengths, both in
        the batch's original order.

    Example:
        >>> packed = pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
        >>> pad_packed_sequence(packed)[0]
        tensor([[1, 4],
                [2, 5],
                [3, 0]])
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes.tolist()
    steps, batch = len(batch_sizes), batch_sizes[0]
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                f"Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}")
        steps = total_length
    rest = tuple(data.shape[1:])
    with grad_mode.no_grad():
        lengths = (creation.tensor(batch_sizes, dtype=_dtype.int64).unsqueeze(1)
                   > creation.arange(batch).unsqueeze(0)).sum(0)           # (B,)
        mask = creation.arange(steps).unsqueeze(1) < lengths.unsqueeze(0)  # (T, B)
        # each padded position reads its packed row, or the extra padding row at the end
        rows = compare.where(mask, cumulative.cumsum(mask.reshape(-1), 0).reshape(steps, batch) - 1,
                             data.shape[0])
        if batch_first:
            rows = rows.transpose(0, 1)
    padding = creation.full((1,) + rest, padding_value, dtype=data.dtype, device=data.device)
    padded = join.cat([data, padding]).index_select(0, rows.reshape(-1))
    padded = padded.reshape(tuple(rows.shape) + rest)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, unsorted_indices)
        lengths = lengths[unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of different lengths into one tensor, padding the short ones.

    Args:
        sequences: tensors of shape (L_i, *), the same * for all.
        batch_first: return (B, T, *) instead of (T, B, *), T = max L_i.
        padding_value: the value of the padded positions.
        padding_side: "right" (pad after each sequence) or "left".

    Example:
        >>> pad_sequence([ember.tensor([1, 2]), ember.tensor([3])], batch_first=True)
        tensor([[1, 2],
                [3, 0]])
    """
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}.")
    steps = max(seq.shape[0] for seq in sequences)
    padded = []
    for seq in sequences:
        missing = steps - seq.shape[0]
        if missing:
            fill = creation.full((missing,) + tuple(seq.shape[1:]), padding_value,
                                 dtype=seq.dtype, device=seq.device)
            seq = join.cat([seq, fill] if padding_side == "right" else [fill, seq])
        padded.append(seq)
    return join.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch into its sequences: the inverse of pad_sequence.

    Args:
        padded_sequences: (T, B, *), or (B, T, *) with batch_first.
        lengths: the B sequence lengths.

    Returns:
        a list of B tensors of shapes (L_b, *).

    Differs from PyTorch: the input is left as it is (torch transposes it in place when
    batch_first is False).
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:length] for seq, length in zip(padded_sequences.unbind(0),
                                                 _lengths_list(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences of shapes (L_i, *) (pad_sequence, then pack_padded_sequence).

    Example:
        >>> pack_sequence([ember.tensor([1, 2]), ember.tensor([3])]).data
        tensor([1, 3, 2])
    """
    lengths = [seq.shape[0] for seq in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds, in their original order.

    Example:
        >>> packed = pack_sequence([ember.tensor([1, 2]), ember.tensor([3])])
        >>> unpack_sequence(packed)
        [tensor([1, 2]), tensor([3])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
